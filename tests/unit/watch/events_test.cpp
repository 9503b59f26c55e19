// Recorded events: every field round-trips, names map both ways, and hostile lines fail with a message.
#include "formats/events.hpp"

#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"

namespace vigil::formats::events {
namespace {

using model::Event;
using model::EventType;

Event full_event() {
  Event e;
  e.type = EventType::Connect;
  e.time_ns = 1795000000123456789ULL;
  e.pid = 4242;
  e.tid = 4243;
  e.ppid = 1;
  e.uid = 1000;
  e.gid = 100;
  e.comm = "curl";
  e.cgroup_id = 0xFFFFFFFFFFFFFFFFULL;
  e.pid_ns = 4026531836U;
  e.mnt_ns = 4026531841U;
  e.ret = -111;
  e.filename = "/usr/bin/curl";
  e.argv = {"curl", "-d", "a \"quoted\" \\ value\n\ttab", "caf\xc3\xa9"};
  e.cwd = "/home/dev";
  e.env = {"PATH", "HOME=/home/dev"};
  e.child_pid = 77;
  e.exit_code = 137;
  e.path = "/tmp/x";
  e.new_path = "/tmp/y";
  e.flags = 577;
  e.mode = 0755;
  e.family = model::SocketFamily::Inet6;
  e.saddr = "::1";
  e.sport = 65535;
  e.daddr = "2001:db8::7";
  e.dport = 443;
  e.unix_path = "/run/docker.sock";
  e.target_pid = -5;
  e.request = -9000000000LL;
  e.fd = 9;
  return e;
}

TEST(EventTypeNames, EveryTypeRoundTrips) {
  for (size_t i = 0; i < model::kEventTypeCount; ++i) {
    const auto type = static_cast<EventType>(i);
    const auto name = model::event_type_name(type);
    ASSERT_NE(name, "unknown") << i;
    EXPECT_EQ(model::parse_event_type(name), type) << name;
  }
  EXPECT_EQ(model::event_type_name(EventType::Exec), "execve");
  EXPECT_EQ(model::event_type_name(EventType::Exit), "procexit");
  EXPECT_EQ(model::event_type_name(EventType::ExecMmap), "mmap_exec");
  EXPECT_EQ(model::parse_event_type("EXECVE"), std::nullopt);
  EXPECT_EQ(model::parse_event_type(""), std::nullopt);
}

TEST(Events, EveryFieldRoundTrips) {
  const Event e = full_event();
  const std::string line = write_event(e);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto back = read_event(line);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->type, e.type);
  EXPECT_EQ(back->time_ns, e.time_ns);
  EXPECT_EQ(back->pid, e.pid);
  EXPECT_EQ(back->tid, e.tid);
  EXPECT_EQ(back->ppid, e.ppid);
  EXPECT_EQ(back->uid, e.uid);
  EXPECT_EQ(back->gid, e.gid);
  EXPECT_EQ(back->comm, e.comm);
  EXPECT_EQ(back->cgroup_id, e.cgroup_id);
  EXPECT_EQ(back->pid_ns, e.pid_ns);
  EXPECT_EQ(back->mnt_ns, e.mnt_ns);
  EXPECT_EQ(back->ret, e.ret);
  EXPECT_EQ(back->filename, e.filename);
  EXPECT_EQ(back->argv, e.argv);
  EXPECT_EQ(back->cwd, e.cwd);
  EXPECT_EQ(back->env, e.env);
  EXPECT_EQ(back->child_pid, e.child_pid);
  EXPECT_EQ(back->exit_code, e.exit_code);
  EXPECT_EQ(back->path, e.path);
  EXPECT_EQ(back->new_path, e.new_path);
  EXPECT_EQ(back->flags, e.flags);
  EXPECT_EQ(back->mode, e.mode);
  EXPECT_EQ(back->family, e.family);
  EXPECT_EQ(back->saddr, e.saddr);
  EXPECT_EQ(back->sport, e.sport);
  EXPECT_EQ(back->daddr, e.daddr);
  EXPECT_EQ(back->dport, e.dport);
  EXPECT_EQ(back->unix_path, e.unix_path);
  EXPECT_EQ(back->target_pid, e.target_pid);
  EXPECT_EQ(back->request, e.request);
  EXPECT_EQ(back->fd, e.fd);
  EXPECT_EQ(write_event(*back), line);
}

TEST(Events, DefaultsAreLeftOut) {
  Event e;
  e.type = EventType::Exit;
  e.time_ns = 5;
  e.pid = 10;
  EXPECT_EQ(write_event(e), R"({"type":"procexit","time_ns":5,"pid":10})");
  auto back = read_event(R"({"type":"procexit"})");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->fd, -1);
  EXPECT_EQ(back->time_ns, 0U);
}

TEST(Events, EscapesControlAndInvalidUtf8) {
  Event e;
  e.comm = std::string("a\x01\x7f", 3);
  e.argv = {std::string("\xff\xfe ok \xc3", 7), std::string("\xed\xa0\x80", 3)};  // bad bytes, a surrogate
  const std::string line = write_event(e);
  EXPECT_NE(line.find(R"("comm":"a\u0001\u007f")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("argv":["\ufffd\ufffd ok \ufffd","\ufffd\ufffd\ufffd"])"), std::string::npos) << line;
  auto back = read_event(line);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->argv[0], "\xef\xbf\xbd\xef\xbf\xbd ok \xef\xbf\xbd");
}

TEST(Events, UnknownKeysAreIgnored) {
  auto e = read_event(R"({"type":"open","path":"/etc/hosts","future_field":{"nested":[1,2]},"pid":3})");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->type, EventType::Open);
  EXPECT_EQ(e->path, "/etc/hosts");
  EXPECT_EQ(e->pid, 3);
}

TEST(Events, HostileLinesFailWithAMessage) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "invalid JSON"},
      {"{\"type\":\"open\"", "invalid JSON"},
      {"[1,2]", "an event is a JSON object"},
      {"\"execve\"", "an event is a JSON object"},
      {R"({"pid":1})", "missing \"type\""},
      {R"({"type":"fork"})", "unknown event type \"fork\""},
      {R"({"type":7})", "\"type\": expected a string"},
      {R"({"type":"open","pid":"12"})", "\"pid\": expected an integer"},
      {R"({"type":"open","pid":2147483648})", "\"pid\": out of range"},
      {R"({"type":"open","uid":-1})", "\"uid\": expected a non-negative integer"},
      {R"({"type":"open","dport":65536})", "\"dport\": out of range"},
      {R"({"type":"open","time_ns":1.5})", "\"time_ns\": expected a non-negative integer"},
      {R"({"type":"open","argv":"sh"})", "\"argv\": expected an array of strings"},
      {R"({"type":"open","argv":["sh",1]})", "\"argv\": expected an array of strings"},
      {R"({"type":"open","family":"ipx"})", "unknown socket family \"ipx\""},
      {R"({"type":"open","comm":null})", "\"comm\": expected a string"},
  };
  for (const auto& [line, message] : cases) {
    auto e = read_event(line);
    ASSERT_FALSE(e) << line;
    EXPECT_NE(e.error().message.find(message), std::string::npos) << line << " -> " << e.error().message;
  }
}

TEST(Events, SizesAreBounded) {
  const std::string big(64 * 1024 + 1, 'a');
  auto e = read_event(R"({"type":"open","path":")" + big + "\"}");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message, "\"path\": string longer than 64 KiB");
  std::string many = R"({"type":"execve","argv":[)";
  for (int i = 0; i < 4097; ++i) many += i == 0 ? "\"x\"" : ",\"x\"";
  auto m = read_event(many + "]}");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message, "\"argv\": more than 4096 items");
  auto huge = read_event(std::string(5U << 20U, ' '));
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().message, "line longer than 4 MiB");
}

TEST(Events, RecordedScenariosReadWithoutWarnings) {
  for (const char* name : {"webshell.jsonl", "dropper.jsonl", "build_session.jsonl"}) {
    const std::string bytes = test::read_data(std::string("watch/events/") + name);
    auto parsed = parse_events_fuzz(name, bytes);
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->warnings.empty()) << name << ": " << parsed->warnings.front().message;
  }
  auto mixed = parse_events_fuzz("mixed.jsonl", "{\"type\":\"open\"}\n\nnot json\n{\"type\":\"nope\"}\n");
  ASSERT_TRUE(mixed);
  ASSERT_EQ(mixed->warnings.size(), 2U);
  EXPECT_EQ(mixed->warnings[0].line, 3);
  EXPECT_EQ(mixed->warnings[1].line, 4);
  EXPECT_EQ(mixed->warnings[1].message, "unknown event type \"nope\"");
}

}  // namespace
}  // namespace vigil::formats::events
