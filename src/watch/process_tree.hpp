// The process tree the sensor keeps: every live process with its program, command line and parent, from a
// start-up snapshot (/proc) kept current by fork/exec/exit events. Bounded: at most max_processes entries (the
// oldest exited ones go first) and exited processes are kept only for `linger` so late events still resolve.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/event.hpp"

namespace vigil::watch {

struct ProcessNode {
  int32_t pid = 0;
  int32_t ppid = 0;
  uint32_t uid = 0;
  std::string comm;
  std::string exe;                // the file last executed ("" before any exec seen)
  std::vector<std::string> argv;  // of that exec
  std::vector<std::string> env;   // names (or NAME=value) of that exec
  std::string cwd;
  std::string stdin_type;  // of that exec (model::Event::stdin_type)
  std::string stdout_type;
  std::string stderr_type;
  uint64_t cgroup_id = 0;
  std::string cgroup_path;   // cgroup v2 path ("/system.slice/nginx.service"); "" when not known
  std::string container_id;  // from the cgroup path when it names one (docker/containerd/podman/crio); else ""
  uint64_t start_ns = 0;     // first seen (fork or snapshot)
  uint64_t exit_ns = 0;      // 0 while running
};

struct ProcessTreeOptions {
  size_t max_processes = 65536;
  uint64_t linger_ns = 30'000'000'000ULL;  // exited processes stay findable for 30 s
  // Live events: when a process shows a cgroup id not seen for it before (moved into a container's cgroup), the
  // container id comes from that cgroup's path, found under the cgroup v2 mount (cgroup_root, or the one
  // PROC/mounts names), else from PROC/PID/cgroup. "" (replay) never looks at the live system.
  std::string live_proc_root;
  std::string cgroup_root;
};

// "/tmp/../etc//shadow/." -> "/etc/shadow": ".", ".." and empty components resolved lexically, no trailing '/'.
// Rules compare paths as text, so the path a process gave is made normal before they see it (as Falco does);
// a symlink is not followed (the kernel's ".." after one may differ, as in every sensor that works on text).
std::string normal_path(std::string_view path);
// The absolute paths of an event made normal: for replayed events, which do not go through resolve_paths.
void normalize_paths(model::Event& event);

class ProcessTree {
 public:
  explicit ProcessTree(ProcessTreeOptions options = {});
  ~ProcessTree();
  ProcessTree(const ProcessTree&) = delete;
  ProcessTree& operator=(const ProcessTree&) = delete;

  // Reads /proc (or another procfs root, for tests) once: every process with its exe, cmdline, cgroup.
  void snapshot(const std::string& proc_root = "/proc");
  // Fork adds the child, Exec replaces exe/argv/env/cwd, Chdir moves its cwd, Exit marks it exited; other events
  // add an unknown pid with what the event says (comm, uid, ppid), so rules still see something.
  void apply(const model::Event& event);
  // Live events, before apply: paths relative to the working directory (exec's filename, open/unlink/rename/
  // chmod/chdir paths) made absolute with the cwd the tree knows for the process (from the snapshot, inherited at
  // fork, moved by chdir: still known after the process exited), and exec's cwd filled in. With live_proc_root,
  // a process the tree does not know is asked through /proc. Every absolute path is made normal (normal_path).
  void resolve_paths(model::Event& event) const;
  // Live events, before apply: container_id filled from the event's cgroup (so --record keeps it).
  void add_container_id(model::Event& event);
  // nullptr when unknown.
  [[nodiscard]] const ProcessNode* find(int32_t pid) const;
  // Parent, grandparent, ... up to max (stops at pid 0/1 or an unknown pid).
  [[nodiscard]] std::vector<const ProcessNode*> ancestors(int32_t pid, size_t max = 16) const;
  [[nodiscard]] size_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::watch
