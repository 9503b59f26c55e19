// The engine with small rule texts: simple rules, sequences (order, process tree, window, bindings), thresholds
// (burst and reset), rate limiting, bounds, and the detection JSON line.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "watch/detection_json.hpp"
#include "watch/engine.hpp"

namespace vigil::watch {
namespace {

using model::Event;
using model::EventType;

constexpr uint64_t kSecond = 1'000'000'000ULL;
constexpr uint64_t kT0 = 1795000000ULL * kSecond;

RuleSet load(const std::string& yaml) {
  std::vector<LoadProblem> problems;
  RuleSet rules = RuleSet::load_texts({{"test.yaml", yaml}}, problems);
  for (const auto& p : problems) ADD_FAILURE() << p.file << ":" << p.line << ": " << p.message;
  return rules;
}

// Runs events through an engine and collects what it emits (flushed at the end).
struct Replay {
  RuleSet rules;
  std::vector<Detection> out;
  Engine engine;
  explicit Replay(const std::string& yaml, EngineOptions options = {})
      : rules(load(yaml)), engine(rules, options, [this](const Detection& d) { out.push_back(d); }) {}
  void operator()(const Event& e) { engine.process(e); }
  std::vector<Detection>& done() {
    engine.flush();
    return out;
  }
};

Event ev(EventType type, uint64_t t, int pid, int ppid = 0) {
  Event e;
  e.type = type;
  e.time_ns = kT0 + t;
  e.pid = pid;
  e.tid = pid;
  e.ppid = ppid;
  return e;
}
Event fork_ev(uint64_t t, int parent, int child) {
  Event e = ev(EventType::Fork, t, parent);
  e.child_pid = child;
  return e;
}
Event exec_ev(uint64_t t, int pid, const std::string& exe, std::vector<std::string> argv, int ppid = 0) {
  Event e = ev(EventType::Exec, t, pid, ppid);
  e.filename = exe;
  e.argv = std::move(argv);
  e.comm = exe.substr(exe.rfind('/') + 1);
  return e;
}
Event open_ev(uint64_t t, int pid, const std::string& path, uint32_t flags = 577) {
  Event e = ev(EventType::Open, t, pid);
  e.path = path;
  e.flags = flags;
  return e;
}
Event chmod_ev(uint64_t t, int pid, const std::string& path) {
  Event e = ev(EventType::Chmod, t, pid);
  e.path = path;
  e.mode = 0755;
  return e;
}
Event connect_ev(uint64_t t, int pid, int64_t ret) {
  Event e = ev(EventType::Connect, t, pid);
  e.family = model::SocketFamily::Inet;
  e.daddr = "10.0.0.9";
  e.dport = 22;
  e.ret = ret;
  return e;
}

const char* const kShellRule = R"yaml(
- list: shell_binaries
  items: [sh, bash]
- rule: Shell spawned by a web server
  desc: d
  condition: evt.type = execve and proc.name in (shell_binaries) and proc.pname in (nginx, httpd)
  output: "shell %proc.cmdline started by %proc.pname (pid %proc.pid)"
  priority: WARNING
  tags: [process, T1059.004]
)yaml";

const char* const kDropper = R"yaml(
- rule: Dropped binary executed
  desc: d
  sequence:
    within: 60s
    steps:
      - condition: evt.type = open and fd.name startswith /tmp/ and evt.flags contains O_CREAT
        bind: {file: fd.name}
      - condition: evt.type = chmod and fd.name = $file
      - condition: evt.type = execve and proc.exe = $file
  output: "%proc.exe runs a file it wrote"
  priority: CRITICAL
)yaml";

const char* const kStorm = R"yaml(
- rule: Connect storm
  desc: d
  condition: evt.type = connect and evt.res < 0
  threshold: {count: 3, within: 10s, by: proc.pid}
  output: "%proc.name failed %threshold.count connects in %threshold.within"
  priority: NOTICE
)yaml";

TEST(EngineSimple, MatchesWithTheTreeAfterExec) {
  Replay run(kShellRule);
  run(exec_ev(0, 800, "/usr/sbin/nginx", {"nginx", "-g", "daemon off;"}, 1));
  run(fork_ev(1, 800, 801));
  run(exec_ev(2, 801, "/bin/sh", {"sh", "-c", "id"}, 800));
  const auto& out = run.done();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].rule->name, "Shell spawned by a web server");
  EXPECT_EQ(out[0].output, "shell sh -c id started by nginx (pid 801)");
  EXPECT_EQ(out[0].time_ns, kT0 + 2);
  EXPECT_EQ(out[0].repeats, 1U);
  EXPECT_EQ(out[0].process.pid, 801);
  EXPECT_EQ(out[0].process.ppid, 800);
  EXPECT_EQ(out[0].process.exe, "/bin/sh");
  EXPECT_EQ(out[0].process.cmdline, "sh -c id");
  ASSERT_EQ(out[0].process.ancestors.size(), 1U);
  EXPECT_EQ(out[0].process.ancestors[0].first, "/usr/sbin/nginx");
  EXPECT_EQ(out[0].process.ancestors[0].second, "nginx -g daemon off;");
  EXPECT_EQ(out[0].event.filename, "/bin/sh");
}

TEST(EngineSimple, NoMatch) {
  Replay run(kShellRule);
  run(exec_ev(0, 700, "/usr/bin/bash", {"-bash"}, 1));
  run(fork_ev(1, 700, 701));
  run(exec_ev(2, 701, "/bin/sh", {"sh", "-c", "make"}, 700));  // parent is bash, not a web server
  run(exec_ev(3, 800, "/usr/sbin/nginx", {"nginx"}, 1));
  run(fork_ev(4, 800, 801));
  run(exec_ev(5, 801, "/usr/bin/python3", {"python3"}, 800));  // not a shell
  EXPECT_TRUE(run.done().empty());
}

TEST(EngineSimple, ExitIsJudgedBeforeTheProcessLeaves) {
  Replay run(R"yaml(
- rule: Exit of a curl
  desc: d
  condition: evt.type = procexit and proc.exe = /usr/bin/curl
  output: "%proc.exe exited %evt.exit_code"
  priority: INFO
)yaml");
  run(exec_ev(0, 5, "/usr/bin/curl", {"curl"}, 1));
  Event exit = ev(EventType::Exit, 1, 5, 1);
  exit.exit_code = 6;
  run(exit);
  ASSERT_EQ(run.done().size(), 1U);
  EXPECT_EQ(run.out[0].output, "/usr/bin/curl exited 6");
}

TEST(EngineSequence, InOrderInOneProcessTree) {
  Replay run(kDropper);
  run(exec_ev(0, 100, "/usr/bin/python3", {"python3", "get.py"}, 1));
  run(open_ev(1 * kSecond, 100, "/tmp/x"));
  run(chmod_ev(2 * kSecond, 100, "/tmp/x"));
  run(fork_ev(3 * kSecond, 100, 101));
  run(exec_ev(4 * kSecond, 101, "/tmp/x", {"x"}, 100));
  const auto& out = run.done();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].output, "/tmp/x runs a file it wrote");
  EXPECT_EQ(out[0].event.type, EventType::Exec);
  EXPECT_EQ(out[0].process.pid, 101);
  // Finished: the same exec again is no new detection.
  run.out.clear();
  run(exec_ev(5 * kSecond, 101, "/tmp/x", {"x"}, 100));
  EXPECT_TRUE(run.done().empty());
}

TEST(EngineSequence, OutOfOrderDoesNotMatch) {
  Replay run(kDropper);
  run(chmod_ev(1, 100, "/tmp/x"));
  run(open_ev(2, 100, "/tmp/x"));
  run(exec_ev(3, 100, "/tmp/x", {"x"}));
  EXPECT_TRUE(run.done().empty());
}

// The shell dropper: `sh -c "curl -o /tmp/x URL; chmod +x /tmp/x; /tmp/x"` runs the three as siblings.
TEST(EngineSequence, SiblingsUnderOneShellMatch) {
  Replay run(kDropper);
  run(exec_ev(0, 10, "/usr/bin/bash", {"bash"}, 2));
  run(fork_ev(1, 2, 10));
  run(fork_ev(1, 10, 11));
  run(fork_ev(2, 10, 12));
  run(fork_ev(2, 10, 13));
  run(open_ev(3, 11, "/tmp/x"));         // curl (11) writes it
  run(chmod_ev(4, 12, "/tmp/x"));        // chmod (12), a sibling, makes it executable
  run(exec_ev(6, 13, "/tmp/x", {"x"}));  // and another sibling runs it
  ASSERT_EQ(run.done().size(), 1U);
  EXPECT_EQ(run.out[0].process.pid, 13);
}

TEST(EngineSequence, OtherProcessTreeDoesNotMatch) {
  Replay run(kDropper);
  run(fork_ev(0, 2, 10));
  run(fork_ev(0, 2, 20));
  run(fork_ev(1, 10, 11));
  run(fork_ev(1, 20, 21));
  run(open_ev(3, 11, "/tmp/x"));         // a child of shell 10 writes it
  run(chmod_ev(4, 21, "/tmp/x"));        // a child of another shell (20) chmods it
  run(exec_ev(6, 21, "/tmp/x", {"x"}));  // and runs it: not the same tree
  EXPECT_TRUE(run.done().empty());
  // A daemon (parent: init) is its own tree: another service beside it is unrelated.
  Replay daemons(kDropper);
  daemons(fork_ev(0, 1, 30));
  daemons(fork_ev(0, 1, 31));
  daemons(open_ev(3, 30, "/tmp/x"));
  daemons(chmod_ev(4, 31, "/tmp/x"));
  daemons(exec_ev(6, 31, "/tmp/x", {"x"}));
  EXPECT_TRUE(daemons.done().empty());
}

TEST(EngineSequence, WindowExpiry) {
  Replay run(kDropper);
  run(open_ev(0, 100, "/tmp/x"));
  run(chmod_ev(30 * kSecond, 100, "/tmp/x"));
  run(exec_ev(60 * kSecond + 1, 100, "/tmp/x", {"x"}));  // 60 s after the first step, plus 1 ns
  EXPECT_TRUE(run.done().empty());
  Replay edge(kDropper);
  edge(open_ev(0, 100, "/tmp/x"));
  edge(chmod_ev(30 * kSecond, 100, "/tmp/x"));
  edge(exec_ev(60 * kSecond, 100, "/tmp/x", {"x"}));  // exactly within
  EXPECT_EQ(edge.done().size(), 1U);
}

TEST(EngineSequence, BindMismatchDoesNotMatch) {
  Replay run(kDropper);
  run(open_ev(1, 100, "/tmp/a"));
  run(chmod_ev(2, 100, "/tmp/b"));
  run(exec_ev(3, 100, "/tmp/a", {"a"}));
  EXPECT_TRUE(run.done().empty());
  // Two files written: each partial match keeps its own binding.
  Replay two(kDropper);
  two(open_ev(1, 100, "/tmp/a"));
  two(open_ev(2, 100, "/tmp/b"));
  two(chmod_ev(3, 100, "/tmp/b"));
  two(exec_ev(4, 100, "/tmp/b", {"b"}));
  ASSERT_EQ(two.done().size(), 1U);
  EXPECT_EQ(two.out[0].output, "/tmp/b runs a file it wrote");
}

TEST(EngineSequence, PartialMatchesAreBounded) {
  EngineOptions options;
  options.max_partial_sequences = 2;
  Replay run(kDropper, options);
  run(open_ev(1, 100, "/tmp/a"));
  run(open_ev(2, 100, "/tmp/b"));
  run(open_ev(3, 100, "/tmp/c"));  // /tmp/a's partial match goes
  for (const char* f : {"/tmp/a", "/tmp/b", "/tmp/c"}) run(chmod_ev(4, 100, f));
  for (const char* f : {"/tmp/a", "/tmp/b", "/tmp/c"}) run(exec_ev(5, 100, f, {"x"}));
  const auto& out = run.done();
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0].output, "/tmp/b runs a file it wrote");
  EXPECT_EQ(out[1].output, "/tmp/c runs a file it wrote");
}

TEST(EngineThreshold, BurstThenReset) {
  EngineOptions options;
  options.rate_limit_ns = 0;
  Replay run(kStorm, options);
  run(exec_ev(0, 50, "/usr/bin/ssh", {"ssh"}));
  for (int i = 0; i < 7; ++i) run(connect_ev(kSecond * (i + 1), 50, -111));
  const auto& out = run.done();
  ASSERT_EQ(out.size(), 2U);  // the 3rd and the 6th: the window restarts after each detection
  EXPECT_EQ(out[0].output, "ssh failed 3 connects in 10s");
  EXPECT_EQ(out[0].time_ns, kT0 + 3 * kSecond);
  EXPECT_EQ(out[1].time_ns, kT0 + 6 * kSecond);
}

TEST(EngineThreshold, SlidingWindowAndKeys) {
  EngineOptions options;
  options.rate_limit_ns = 0;
  Replay run(kStorm, options);
  run(connect_ev(0, 50, -111));
  run(connect_ev(1, 51, -111));  // another key
  run(connect_ev(2, 50, 0));     // success: not counted
  run(connect_ev(11 * kSecond, 50, -111));
  run(connect_ev(12 * kSecond, 50, -111));  // the first fell out of the 10 s window: 2 in it
  EXPECT_TRUE(run.done().empty());
  run(connect_ev(13 * kSecond, 50, -111));
  EXPECT_EQ(run.done().size(), 1U);
}

TEST(EngineThreshold, KeysAreBounded) {
  EngineOptions options;
  options.rate_limit_ns = 0;
  options.max_threshold_keys = 2;
  Replay run(kStorm, options);
  run(connect_ev(1, 50, -1));
  run(connect_ev(2, 51, -1));
  run(connect_ev(3, 52, -1));  // evicts 50, the least recently matched
  run(connect_ev(4, 50, -1));
  run(connect_ev(5, 50, -1));
  EXPECT_TRUE(run.done().empty());  // 50 counts 2 since it came back
  run(connect_ev(6, 50, -1));
  EXPECT_EQ(run.done().size(), 1U);
}

TEST(EngineRateLimit, IdenticalDetectionsFold) {
  Replay run(kShellRule);  // default rate limit: 10 s
  run(exec_ev(0, 800, "/usr/sbin/nginx", {"nginx"}, 1));
  for (int i = 0; i < 5; ++i) {
    run(fork_ev(i * kSecond + 1, 800, 801));
    run(exec_ev(i * kSecond + 2, 801, "/bin/sh", {"sh", "-c", "id"}, 800));
  }
  run(fork_ev(5 * kSecond, 800, 802));
  run(exec_ev(5 * kSecond + 1, 802, "/bin/sh", {"sh", "-c", "id"}, 800));  // another pid: another output
  ASSERT_EQ(run.out.size(), 2U);                                           // the first of each, at once
  EXPECT_EQ(run.out[0].repeats, 1U);
  run(open_ev(20 * kSecond, 800, "/var/log/nginx/access.log"));  // the window ended: the folded four go out
  ASSERT_EQ(run.out.size(), 3U);
  EXPECT_EQ(run.out[2].output, run.out[0].output);
  EXPECT_EQ(run.out[2].repeats, 4U);
  EXPECT_EQ(run.out[2].time_ns, kT0 + 4 * kSecond + 2);
  EXPECT_EQ(run.done().size(), 3U);  // nothing left to flush
  // After the window, the same detection is new again.
  run(fork_ev(21 * kSecond, 800, 801));
  run(exec_ev(21 * kSecond + 1, 801, "/bin/sh", {"sh", "-c", "id"}, 800));
  run(exec_ev(21 * kSecond + 2, 801, "/bin/sh", {"sh", "-c", "id"}, 800));
  ASSERT_EQ(run.out.size(), 4U);
  ASSERT_EQ(run.done().size(), 5U);  // flush hands over the held repeat
  EXPECT_EQ(run.out[4].repeats, 1U);
}

TEST(DetectionJson, SchemaAndEscaping) {
  Replay run(kShellRule);
  run(exec_ev(0, 800, "/usr/sbin/nginx", {"nginx"}, 1));
  run(fork_ev(1, 800, 801));
  run(exec_ev(kSecond + 5, 801, "/bin/sh", {"sh", "-c", "echo \"hi\"\n\xff"}, 800));
  ASSERT_EQ(run.done().size(), 1U);
  EXPECT_EQ(detection_json(run.out[0]),
            R"j({"time":"2026-11-18T11:06:41.000000005Z","rule":"Shell spawned by a web server","priority":"WARNING",)j"
            R"j("tags":["process","T1059.004"],"output":"shell sh -c echo \"hi\"\n\ufffd started by nginx (pid 801)",)j"
            R"j("process":{"pid":801,"ppid":800,"exe":"/bin/sh","cmdline":"sh -c echo \"hi\"\n\ufffd",)j"
            R"j("ancestors":[{"exe":"/usr/sbin/nginx","cmdline":"nginx"}]},)j"
            R"j("event":{"type":"execve","time_ns":1795000001000000005,"pid":801,"tid":801,"ppid":800,"comm":"sh",)j"
            R"j("filename":"/bin/sh","argv":["sh","-c","echo \"hi\"\n\ufffd"]},"repeats":1})j");
  EXPECT_EQ(rfc3339_ns(0), "1970-01-01T00:00:00.000000000Z");
}

}  // namespace
}  // namespace vigil::watch
