// A runtime event, as the sensor (eBPF) or a replay file delivers it: who did what. The same struct for every
// source, so rules are tested on replayed events exactly as they run on live ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::model {

// One value per kind of event. Names (event_type_name) are the `evt.type` values rules compare with; they follow
// Falco's where Falco has one (execve, clone, procexit, open, connect...).
enum class EventType : uint8_t {
  Exec,         // "execve" (also execveat)
  Fork,         // "clone" (fork, vfork, clone, clone3)
  Exit,         // "procexit"
  Open,         // "open" (open, openat, openat2)
  Unlink,       // "unlink" (unlink, unlinkat, rmdir)
  Rename,       // "rename" (rename, renameat, renameat2)
  Chmod,        // "chmod" (chmod, fchmod, fchmodat)
  Connect,      // "connect"
  Accept,       // "accept" (accept, accept4)
  Bind,         // "bind"
  Ptrace,       // "ptrace"
  MemfdCreate,  // "memfd_create"
  ExecMmap,     // "mmap_exec": an anonymous or writable mapping made executable (mmap/mprotect PROT_EXEC)
  ModuleLoad,   // "init_module" (init_module, finit_module)
  SetUid,       // "setuid" (setuid, setreuid, setresuid)
  SetGid,       // "setgid" (setgid, setregid, setresgid)
  Capset,       // "capset"
  Mount,        // "mount"
  Bpf,          // "bpf"
  Dup,          // "dup" (dup2, dup3: fd redirection, for reverse shells)
  Chdir,        // "chdir" (chdir, fchdir: path = the new working directory; keeps the process tree's cwd true)
};
inline constexpr size_t kEventTypeCount = static_cast<size_t>(EventType::Chdir) + 1;

std::string_view event_type_name(EventType type);
std::optional<EventType> parse_event_type(std::string_view name);

enum class SocketFamily : uint8_t { None, Inet, Inet6, Unix };

struct Event {
  EventType type = EventType::Exec;
  uint64_t time_ns = 0;  // wall clock, nanoseconds since the Unix epoch
  // The acting thread and process (root pid namespace ids), its identity and where it runs.
  int32_t pid = 0;
  int32_t tid = 0;
  int32_t ppid = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string comm;          // the kernel's 16-byte task name
  uint64_t cgroup_id = 0;    // cgroup v2 id (inode of the v2 directory)
  std::string container_id;  // live: filled from the cgroup by the process tree, so recordings keep it
  uint32_t pid_ns = 0;
  uint32_t mnt_ns = 0;
  int64_t ret = 0;  // the syscall's result (negative errno on failure); 0 when not applicable

  // Exec: the new program. env holds names only unless the sensor was asked for values ("NAME=value").
  std::string filename;
  std::vector<std::string> argv;
  std::string cwd;
  std::vector<std::string> env;
  // Exec: what the new program's standard input, output and error are: "file", "dir", "pipe", "socket", "chr"
  // (terminals and other character devices), "blk", "" (closed or unknown).
  std::string stdin_type;
  std::string stdout_type;
  std::string stderr_type;

  int32_t child_pid = 0;  // Fork
  int32_t exit_code = 0;  // Exit (the wait status's exit code, or 128 + signal)

  // Open, Unlink, Rename (path -> new_path), Chmod (mode), Mount (path = target, new_path = source),
  // MemfdCreate (path = the name given), ModuleLoad (path = the module file or name).
  std::string path;
  std::string new_path;
  uint32_t flags = 0;  // open flags, mmap/mprotect prot, mount flags, memfd flags
  uint32_t mode = 0;

  // Connect, Accept, Bind: the socket's addresses ("10.0.0.1", "::1"), or unix_path.
  SocketFamily family = SocketFamily::None;
  std::string saddr;
  uint16_t sport = 0;
  std::string daddr;
  uint16_t dport = 0;
  std::string unix_path;

  int32_t target_pid = 0;  // Ptrace
  int64_t request = 0;     // Ptrace request, Bpf command, SetUid/SetGid new id, Capset effective caps (low bits)
  int32_t fd = -1;         // Dup: the old fd (newfd in request); Connect/Accept/Bind: the socket fd
  std::string fd_type;     // Dup: what the old fd is ("socket", "pipe"... as stdin_type)

  // Live only, never recorded: an event from outside the traced cgroup that keeps the process tree right (a
  // fork, exit or chdir of a process that may join it later); not for the rules.
  bool context_only = false;
};

}  // namespace vigil::model
