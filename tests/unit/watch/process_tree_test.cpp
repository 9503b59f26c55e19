// The process tree: a snapshot from a fake procfs, fork/exec/exit, ancestors, bounds, linger, container ids.
#include "watch/process_tree.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "test_support.hpp"

namespace vigil::watch {
namespace {

using model::Event;
using model::EventType;

constexpr uint64_t kSecond = 1'000'000'000ULL;

void fake_process(const test::TempDir& dir, int pid, const std::string& stat, const std::string& cmdline,
                  const std::string& exe, const std::string& cgroup) {
  const std::string base = std::to_string(pid) + "/";
  dir.write(base + "stat", stat);
  dir.write(base + "cmdline", cmdline);
  dir.write(base + "status", "Name:\tx\nUmask:\t0022\nUid:\t1000\t1000\t1000\t1000\nGid:\t100\n");
  dir.write(base + "cgroup", cgroup);
  if (!exe.empty()) {
    std::filesystem::create_symlink(exe, dir.path() / (base + "exe"));
    std::filesystem::create_symlink("/srv/app", dir.path() / (base + "cwd"));
  }
}

Event event(EventType type, uint64_t t, int pid, int ppid = 0) {
  Event e;
  e.type = type;
  e.time_ns = t;
  e.pid = pid;
  e.tid = pid;
  e.ppid = ppid;
  return e;
}

Event fork_event(uint64_t t, int parent, int child) {
  Event e = event(EventType::Fork, t, parent);
  e.child_pid = child;
  return e;
}

Event exec_event(uint64_t t, int pid, const std::string& exe, std::vector<std::string> argv) {
  Event e = event(EventType::Exec, t, pid);
  e.filename = exe;
  e.argv = std::move(argv);
  e.cwd = "/work";
  return e;
}

const std::string kId = "4c01db0b339c4b5a9e8e7f6d5c4b3a2918d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3";

TEST(ProcessTree, SnapshotReadsAFakeProcfs) {
  test::TempDir proc;
  fake_process(proc, 1, "1 (systemd) S 0 1 1 0 -1", std::string("/sbin/init\0splash\0", 18), "/usr/lib/systemd/systemd",
               "0::/init.scope\n");
  fake_process(proc, 812, "812 (my (odd) name) S 1 812 812 0", std::string("nginx: master\0", 14), "/usr/sbin/nginx",
               "0::/system.slice/docker-" + kId + ".scope\n");
  fake_process(proc, 900, "900 (kthreadd) S 0 0 0", "", "", "");
  proc.write("self/stat", "1 (self) S 0");   // not a pid directory
  proc.write("77/cmdline", "no stat file");  // gone while reading: skipped
  ProcessTree tree;
  tree.snapshot(proc.path().string());
  EXPECT_EQ(tree.size(), 3U);
  const ProcessNode* nginx = tree.find(812);
  ASSERT_NE(nginx, nullptr);
  EXPECT_EQ(nginx->comm, "my (odd) name");
  EXPECT_EQ(nginx->ppid, 1);
  EXPECT_EQ(nginx->uid, 1000U);
  EXPECT_EQ(nginx->exe, "/usr/sbin/nginx");
  EXPECT_EQ(nginx->cwd, "/srv/app");
  EXPECT_EQ(nginx->argv, std::vector<std::string>{"nginx: master"});
  EXPECT_EQ(nginx->container_id, kId);
  const ProcessNode* init = tree.find(1);
  ASSERT_NE(init, nullptr);
  EXPECT_EQ(init->argv, (std::vector<std::string>{"/sbin/init", "splash"}));
  EXPECT_EQ(init->container_id, "");
  EXPECT_EQ(tree.find(900)->exe, "");
  EXPECT_EQ(tree.find(77), nullptr);
  ASSERT_EQ(tree.ancestors(812).size(), 1U);
  EXPECT_EQ(tree.ancestors(812)[0]->pid, 1);
}

TEST(ProcessTree, ContainerIdsFromEveryRuntimeSpelling) {
  const std::string other = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const std::pair<std::string, std::string> cases[] = {
      {"0::/system.slice/docker-" + kId + ".scope\n", kId},
      {"12:memory:/docker/" + kId + "\n", kId},
      {"0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-" + kId + ".scope\n", kId},
      {"0::/kubepods.slice/crio-" + other + ".scope\n", other},
      {"0::/machine.slice/libpod-" + other + ".scope/container\n", other},
      {"11:cpu:/kubepods/burstable/pod1f2e3d4c-aaaa-bbbb-cccc-000011112222/" + other + "\n", other},
      {"0::/system.slice/docker-" + kId.substr(0, 63) + ".scope\n", ""},     // too short
      {"0::/system.slice/docker-" + std::string(64, 'G') + ".scope\n", ""},  // not hex
      {"0::/user.slice/user-1000.slice/session-2.scope\n", ""},
  };
  int pid = 100;
  for (const auto& [cgroup, id] : cases) {
    test::TempDir proc;
    fake_process(proc, pid, std::to_string(pid) + " (x) S 1", "", "/bin/x", cgroup);
    ProcessTree tree;
    tree.snapshot(proc.path().string());
    ASSERT_NE(tree.find(pid), nullptr) << cgroup;
    EXPECT_EQ(tree.find(pid)->container_id, id) << cgroup;
  }
}

TEST(ProcessTree, LiveProcessesMovedIntoAContainerCgroupGetItsId) {
  test::TempDir proc;
  fake_process(proc, 300, "300 (sh) S 1", "", "/bin/sh", "0::/system.slice/docker-" + kId + ".scope\n");
  ProcessTreeOptions options;
  options.live_proc_root = proc.path().string();
  ProcessTree tree(options);
  Event host = event(EventType::Exec, 1, 300, 1);
  host.filename = "/bin/sh";
  tree.apply(host);  // cgroup id 0: nothing to resolve
  EXPECT_EQ(tree.find(300)->container_id, "");
  Event moved = host;
  moved.time_ns = 2;
  moved.cgroup_id = 77;
  tree.apply(moved);
  EXPECT_EQ(tree.find(300)->container_id, kId);
  EXPECT_EQ(tree.find(300)->cgroup_id, 77U);
  EXPECT_EQ(tree.find(300)->cgroup_path, "/system.slice/docker-" + kId + ".scope");  // the v2 line
  // Replay (no live_proc_root) never reads /proc: the recorded cgroup id alone.
  ProcessTree replay;
  replay.apply(moved);
  EXPECT_EQ(replay.find(300)->container_id, "");
}

TEST(NormalPath, ResolvesDotsAndEmptyComponentsAsText) {
  EXPECT_EQ(normal_path("/tmp/../etc/shadow"), "/etc/shadow");
  EXPECT_EQ(normal_path("//etc///shadow"), "/etc/shadow");
  EXPECT_EQ(normal_path("/etc/./shadow/."), "/etc/shadow");
  EXPECT_EQ(normal_path("/../../etc/shadow"), "/etc/shadow");  // ".." at the root stays at the root
  EXPECT_EQ(normal_path("/root/.ssh/"), "/root/.ssh");
  EXPECT_EQ(normal_path("/root/..ssh/.x"), "/root/..ssh/.x");  // names that only start with dots are names
  EXPECT_EQ(normal_path("/a/b/../../.."), "/");
  EXPECT_EQ(normal_path("///"), "/");
  EXPECT_EQ(normal_path("/usr/lib/libc.so.6"), "/usr/lib/libc.so.6");
}

TEST(ProcessTree, AbsolutePathsAreMadeNormalEvenForAnUnknownProcess) {
  ProcessTree tree;  // no snapshot, no /proc: no cwd for pid 400
  Event open = event(EventType::Open, 1, 400, 1);
  open.path = "/tmp/../etc//shadow";
  tree.resolve_paths(open);
  EXPECT_EQ(open.path, "/etc/shadow");
  Event rename = event(EventType::Rename, 2, 400, 1);
  rename.path = "/tmp/./x";
  rename.new_path = "relative/y";  // no cwd known: left as it is
  tree.resolve_paths(rename);
  EXPECT_EQ(rename.path, "/tmp/x");
  EXPECT_EQ(rename.new_path, "relative/y");
  Event replayed = event(EventType::Exec, 3, 400, 1);
  replayed.filename = "/usr/bin/../../bin/sh";
  normalize_paths(replayed);
  EXPECT_EQ(replayed.filename, "/bin/sh");
  for (const char* path : {"/etc/shadow/", "/a/.", "/a/..", "/a//b", "/./a", "/../a", "/a/./b"}) {
    Event spelled = event(EventType::Open, 4, 400, 1);
    spelled.path = path;
    normalize_paths(spelled);
    EXPECT_EQ(spelled.path, normal_path(path)) << path;
    EXPECT_NE(spelled.path, path) << path;
  }
  for (const char* path : {"/", "/a", "/a/.b", "/a/..b/c", "/a/b.", "/.x/..y"}) {  // already normal: left alone
    Event plain = event(EventType::Open, 5, 400, 1);
    plain.path = path;
    normalize_paths(plain);
    EXPECT_EQ(plain.path, path);
    EXPECT_EQ(normal_path(path), path);
  }
}

TEST(ProcessTree, RelativePathsUseTheCwdTheTreeKeeps) {
  test::TempDir proc;
  fake_process(proc, 300, "300 (bash) S 1", "", "/bin/bash", "");  // cwd /srv/app
  ProcessTreeOptions options;
  options.live_proc_root = proc.path().string();
  ProcessTree tree(options);
  tree.snapshot(proc.path().string());
  tree.apply(fork_event(1, 300, 301));  // the child inherits /srv/app and never shows up in /proc
  Event open = event(EventType::Open, 2, 301, 300);
  open.path = "./out/../report.txt";
  tree.resolve_paths(open);
  EXPECT_EQ(open.path, "/srv/app/report.txt");
  Event cd = event(EventType::Chdir, 3, 301, 300);
  cd.path = "sub";
  tree.resolve_paths(cd);
  tree.apply(cd);
  Event run = event(EventType::Exec, 4, 301, 300);
  run.filename = "./prog";
  tree.resolve_paths(run);
  EXPECT_EQ(run.filename, "/srv/app/sub/prog");
  EXPECT_EQ(run.cwd, "/srv/app/sub");
  tree.apply(run);
  tree.apply(event(EventType::Exit, 5, 301, 300));
  Event late = event(EventType::Rename, 6, 301, 300);  // read after the exit: the lingering node still knows
  late.path = "a";
  late.new_path = "/abs/b";
  tree.resolve_paths(late);
  EXPECT_EQ(late.path, "/srv/app/sub/a");
  EXPECT_EQ(late.new_path, "/abs/b");
  Event failed = event(EventType::Chdir, 7, 300, 1);
  failed.path = "/nope";
  failed.ret = -2;
  tree.apply(failed);  // a failed chdir moves nothing
  EXPECT_EQ(tree.find(300)->cwd, "/srv/app");
}

TEST(ProcessTree, ForkExecExitAndAncestors) {
  ProcessTree tree;
  tree.apply(exec_event(1, 100, "/usr/bin/bash", {"-bash"}));
  tree.apply(fork_event(2, 100, 101));
  const ProcessNode* child = tree.find(101);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->ppid, 100);
  EXPECT_EQ(child->exe, "/usr/bin/bash");  // inherited until it execs
  EXPECT_EQ(child->start_ns, 2U);
  tree.apply(exec_event(3, 101, "/usr/bin/curl", {"curl", "-O", "http://x"}));
  EXPECT_EQ(tree.find(101)->exe, "/usr/bin/curl");
  EXPECT_EQ(tree.find(101)->comm, "curl");  // from the file name when the event has none
  EXPECT_EQ(tree.find(101)->argv.size(), 3U);
  EXPECT_EQ(tree.find(101)->cwd, "/work");
  tree.apply(fork_event(4, 101, 102));
  const auto chain = tree.ancestors(102);
  ASSERT_EQ(chain.size(), 2U);
  EXPECT_EQ(chain[0]->pid, 101);
  EXPECT_EQ(chain[1]->pid, 100);
  EXPECT_EQ(tree.ancestors(102, 1).size(), 1U);
  tree.apply(event(EventType::Exit, 5, 102, 101));
  ASSERT_NE(tree.find(102), nullptr);  // lingers
  EXPECT_EQ(tree.find(102)->exit_ns, 5U);
  Event thread_exit = event(EventType::Exit, 6, 101);
  thread_exit.tid = 150;
  tree.apply(thread_exit);
  EXPECT_EQ(tree.find(101)->exit_ns, 0U);  // a thread ending is not the process ending
}

TEST(ProcessTree, UnknownActorsAreAddedFromTheEvent) {
  ProcessTree tree;
  Event open = event(EventType::Open, 1, 500, 499);
  open.comm = "python3";
  open.uid = 33;
  tree.apply(open);
  const ProcessNode* node = tree.find(500);
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->comm, "python3");
  EXPECT_EQ(node->uid, 33U);
  EXPECT_EQ(node->ppid, 499);
  EXPECT_TRUE(tree.ancestors(500).empty());  // 499 unknown
  EXPECT_EQ(tree.find(0), nullptr);
}

TEST(ProcessTree, LoopsInRecordedParentsEndTheAncestry) {
  ProcessTree tree;
  tree.apply(event(EventType::Open, 1, 10, 11));
  tree.apply(event(EventType::Open, 2, 11, 10));
  const auto chain = tree.ancestors(10);
  ASSERT_EQ(chain.size(), 1U);
  EXPECT_EQ(chain[0]->pid, 11);
  tree.apply(event(EventType::Open, 3, 12, 12));  // its own parent
  EXPECT_TRUE(tree.ancestors(12).empty());
}

TEST(ProcessTree, ExitedProcessesGoAfterLinger) {
  ProcessTree tree(ProcessTreeOptions{.max_processes = 100, .linger_ns = 30 * kSecond});
  tree.apply(fork_event(kSecond, 1, 2));
  tree.apply(event(EventType::Exit, 2 * kSecond, 2, 1));
  tree.apply(event(EventType::Open, 32 * kSecond, 1));
  EXPECT_NE(tree.find(2), nullptr);  // exactly 30 s: still there
  tree.apply(event(EventType::Open, 32 * kSecond + 1, 1));
  EXPECT_EQ(tree.find(2), nullptr);
  EXPECT_NE(tree.find(1), nullptr);
}

TEST(ProcessTree, BoundEvictsExitedFirstThenOldest) {
  ProcessTree tree(ProcessTreeOptions{.max_processes = 3, .linger_ns = 3600 * kSecond});
  tree.apply(event(EventType::Open, 1, 1));
  tree.apply(fork_event(2, 1, 2));
  tree.apply(fork_event(3, 1, 3));
  tree.apply(event(EventType::Exit, 4, 3, 1));
  tree.apply(fork_event(5, 1, 4));  // over the bound: exited 3 goes
  EXPECT_EQ(tree.size(), 3U);
  EXPECT_EQ(tree.find(3), nullptr);
  EXPECT_NE(tree.find(2), nullptr);
  tree.apply(fork_event(6, 1, 5));  // none exited: the oldest (1) goes
  EXPECT_EQ(tree.size(), 3U);
  EXPECT_EQ(tree.find(1), nullptr);
  EXPECT_NE(tree.find(5), nullptr);
  for (int pid = 10; pid < 5000; ++pid) tree.apply(fork_event(10 + pid, 4, pid));
  EXPECT_EQ(tree.size(), 3U);
  EXPECT_NE(tree.find(4999), nullptr);
}

TEST(ProcessTree, PidReuseReplacesTheOldProcess) {
  ProcessTree tree;
  tree.apply(exec_event(1, 7, "/usr/bin/old", {"old"}));
  tree.apply(event(EventType::Exit, 2, 7));
  tree.apply(exec_event(3, 1, "/sbin/init", {"init"}));
  tree.apply(fork_event(4, 1, 7));
  ASSERT_NE(tree.find(7), nullptr);
  EXPECT_EQ(tree.find(7)->exit_ns, 0U);
  EXPECT_EQ(tree.find(7)->exe, "/sbin/init");
  tree.apply(event(EventType::Open, 40 * 1'000'000'000ULL, 1));  // the old exit's linger ends
  EXPECT_NE(tree.find(7), nullptr);                              // the new process stays
}

}  // namespace
}  // namespace vigil::watch
