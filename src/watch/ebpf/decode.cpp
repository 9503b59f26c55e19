// Record -> model::Event. One function per record shape; the syscall variant says where each argument sits.
#include "watch/ebpf/decode.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <string_view>
#include <vector>

#include "watch/bpf/sensor_abi.h"

namespace vigil::watch::ebpf {
namespace {

using model::Event;
using model::EventType;

static_assert(static_cast<int>(EventType::Chdir) == VK_CHDIR && VK_KIND_COUNT == model::kEventTypeCount,
              "sensor_abi.h kinds follow model::EventType");

constexpr int64_t kAtFdcwd = -100;
constexpr uint32_t kModeBits = 07777;  // chmod ignores the rest; rules compare permission bits

template <size_t N>
std::string c_string(const char (&text)[N]) {
  return {text, strnlen(text, N)};
}

std::string read_link(const std::string& path) {
  char buffer[4096];
  const ssize_t n = ::readlink(path.c_str(), buffer, sizeof buffer);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
}

// A path relative to a directory fd, made absolute through /proc while the fd is open. Paths relative to the
// working directory (AT_FDCWD) stay as they are: the process tree knows every process's cwd (snapshot, fork,
// chdir) even after it exited, which /proc does not (ProcessTree::resolve_paths).
std::string absolute(std::string path, int64_t dirfd, int32_t pid, const DecodeOptions& options) {
  if (path.empty() || path[0] == '/' || dirfd == kAtFdcwd) return path;
  const std::string base = read_link(options.proc_root + "/" + std::to_string(pid) + "/fd/" + std::to_string(dirfd));
  if (base.empty() || base[0] != '/') return path;  // the process is gone: keep what it said
  std::string_view rest(path);
  while (rest.starts_with("./")) rest.remove_prefix(2);
  std::string out = base;
  if (out.back() != '/') out += '/';
  out.append(rest);
  return out;
}

std::string fd_path(int64_t fd, int32_t pid, const DecodeOptions& options) {
  return read_link(options.proc_root + "/" + std::to_string(pid) + "/fd/" + std::to_string(fd));
}

// "a\0\0b\0" -> {"a", "", "b"}: empty arguments are arguments; only the final terminator ends nothing. A cut
// record (the probes read at most so many bytes) keeps its partial last item.
std::vector<std::string> split_nul(const char* data, size_t size) {
  std::vector<std::string> items;
  size_t start = 0;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\0') {
      items.emplace_back(data + start, i - start);
      start = i + 1;
    }
  }
  if (start < size) items.emplace_back(data + start, size - start);
  return items;
}

std::string fd_type_name(uint8_t type) {
  switch (type) {
    case VF_FILE: return "file";
    case VF_DIR: return "dir";
    case VF_PIPE: return "pipe";
    case VF_SOCKET: return "socket";
    case VF_CHR: return "chr";
    case VF_BLK: return "blk";
    case VF_LINK: return "link";
    default: return "";
  }
}

void decode_header(const vigil_header& h, const DecodeOptions& options, Event& e) {
  e.type = static_cast<EventType>(h.kind);
  e.time_ns = options.boot_time_ns + h.boot_ns;
  e.pid = h.pid;
  e.tid = h.tid;
  e.ppid = h.ppid;
  e.uid = h.uid;
  e.gid = h.gid;
  e.comm = c_string(h.comm);
  e.cgroup_id = h.cgroup_id;
  e.pid_ns = h.pid_ns;
  e.mnt_ns = h.mnt_ns;
  e.ret = h.ret;
  e.context_only = (h.flags & VH_CONTEXT) != 0;
}

Event decode_exec(const vigil_exec_record& r, const DecodeOptions& options) {
  Event e;
  decode_header(r.h, options, e);
  const std::string proc = options.proc_root + "/" + std::to_string(r.h.pid);
  e.filename = c_string(r.filename);  // a relative one is resolved with the tree's cwd (resolve_paths)
  const std::string exe_name = c_string(r.exe_name);
  if (e.filename.starts_with("/dev/fd/")) {  // fexecve / execveat(AT_EMPTY_PATH): name what really ran
    e.filename = exe_name.starts_with("memfd:") ? "/" + exe_name + " (deleted)" : read_link(proc + "/exe");
    if (e.filename.empty()) e.filename = c_string(r.filename);
  }
  e.argv = split_nul(r.args, std::min<size_t>(r.args_len, sizeof r.args));
  e.env = split_nul(r.env, std::min<size_t>(r.env_len, sizeof r.env));
  if (!options.env_values) {
    for (auto& entry : e.env) entry.resize(std::min(entry.size(), entry.find('=')));
  }
  e.stdin_type = fd_type_name(r.stdio[0]);
  e.stdout_type = fd_type_name(r.stdio[1]);
  e.stderr_type = fd_type_name(r.stdio[2]);
  return e;
}

Event decode_task(const vigil_task_record& r, const DecodeOptions& options) {
  Event e;
  decode_header(r.h, options, e);
  e.child_pid = r.child_pid;
  const int status = r.exit_code;
  e.exit_code = (status & 0x7f) != 0 ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
  return e;
}

void decode_socket(const vigil_syscall_record& r, const std::string& unix_path, Event& e) {
  e.fd = static_cast<int32_t>(r.args[0]);
  std::string address;
  uint16_t port = r.port;
  if (r.family == AF_INET || r.family == AF_INET6) {
    char text[INET6_ADDRSTRLEN] = {};
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (r.family == AF_INET6 && std::memcmp(r.addr, kMapped, sizeof kMapped) == 0) {
      ::inet_ntop(AF_INET, r.addr + 12, text, sizeof text);  // ::ffff:a.b.c.d is an IPv4 peer
    } else {
      ::inet_ntop(r.family, r.addr, text, sizeof text);
    }
    address = text;
    e.family = r.family == AF_INET ? model::SocketFamily::Inet : model::SocketFamily::Inet6;
  } else if (r.family == AF_UNIX) {
    e.family = model::SocketFamily::Unix;
    e.unix_path = unix_path;
  }
  if (e.type == EventType::Connect) {
    e.daddr = address;
    e.dport = port;
  } else {  // bind: the local address; accept: where the connection came from
    e.saddr = address;
    e.sport = port;
  }
}

// setreuid(r, e) and setresuid(r, e, s) change the effective id unless it is -1; then the real one.
int64_t new_id(const vigil_syscall_record& r) {
  const bool single = r.h.syscall == VS_SETUID || r.h.syscall == VS_SETGID;
  if (single) return static_cast<uint32_t>(r.args[0]);
  return static_cast<int32_t>(r.args[1]) != -1 ? static_cast<uint32_t>(r.args[1]) : static_cast<uint32_t>(r.args[0]);
}

// path and path2 sit back to back in `strings`; `available` is how many bytes of it the record carried.
struct RecordPaths {
  std::string path;
  std::string path2;
};
RecordPaths record_paths(const vigil_syscall_record& r, size_t available) {
  const auto take = [&](size_t from, size_t length) {
    if (from >= available) return std::string();
    length = std::min(length, available - from);
    const std::string_view text(r.strings + from, length);
    return std::string(text.substr(0, text.find('\0')));
  };
  return {take(0, r.path_len), take(r.path_len, r.path2_len)};
}

Event decode_syscall(const vigil_syscall_record& r, size_t available, const DecodeOptions& options) {
  Event e;
  decode_header(r.h, options, e);
  const RecordPaths paths = record_paths(r, available);
  const int32_t pid = r.h.pid;
  const auto arg = [&](int i) { return r.args[i]; };
  switch (r.h.syscall) {
    case VS_OPEN:
      e.path = absolute(paths.path, kAtFdcwd, pid, options);
      e.flags = static_cast<uint32_t>(arg(1));
      e.mode = static_cast<uint32_t>(arg(2));
      break;
    case VS_OPENAT:
      e.path = absolute(paths.path, arg(0), pid, options);
      e.flags = static_cast<uint32_t>(arg(2));
      e.mode = static_cast<uint32_t>(arg(3));
      break;
    case VS_OPENAT2:
      e.path = absolute(paths.path, arg(0), pid, options);
      e.flags = r.open_flags;
      e.mode = r.open_mode;
      break;
    case VS_UNLINK:
    case VS_RMDIR: e.path = absolute(paths.path, kAtFdcwd, pid, options); break;
    case VS_UNLINKAT: e.path = absolute(paths.path, arg(0), pid, options); break;
    case VS_RENAME:
      e.path = absolute(paths.path, kAtFdcwd, pid, options);
      e.new_path = absolute(paths.path2, kAtFdcwd, pid, options);
      break;
    case VS_RENAMEAT:
    case VS_RENAMEAT2:
      e.path = absolute(paths.path, arg(0), pid, options);
      e.new_path = absolute(paths.path2, arg(2), pid, options);
      break;
    case VS_CHMOD:
      e.path = absolute(paths.path, kAtFdcwd, pid, options);
      e.mode = static_cast<uint32_t>(arg(1)) & kModeBits;
      break;
    case VS_FCHMOD:
      e.path = fd_path(arg(0), pid, options);
      e.mode = static_cast<uint32_t>(arg(1)) & kModeBits;
      break;
    case VS_FCHMODAT:
      e.path = absolute(paths.path, arg(0), pid, options);
      e.mode = static_cast<uint32_t>(arg(2)) & kModeBits;
      break;
    case VS_CONNECT:
    case VS_ACCEPT:
    case VS_ACCEPT4:
    case VS_BIND: decode_socket(r, paths.path, e); break;
    case VS_PTRACE:
      e.request = arg(0);
      e.target_pid = static_cast<int32_t>(arg(1));
      break;
    case VS_MEMFD_CREATE:
      e.path = paths.path;
      e.flags = static_cast<uint32_t>(arg(1));
      break;
    case VS_MMAP:
    case VS_MPROTECT: e.flags = static_cast<uint32_t>(arg(2)); break;
    case VS_INIT_MODULE: break;  // loaded from memory: no file to name
    case VS_FINIT_MODULE: e.path = fd_path(arg(0), pid, options); break;
    case VS_SETUID:
    case VS_SETREUID:
    case VS_SETRESUID:
    case VS_SETGID:
    case VS_SETREGID:
    case VS_SETRESGID: e.request = new_id(r); break;
    case VS_CAPSET: break;
    case VS_MOUNT:
      e.path = paths.path;
      e.new_path = paths.path2;
      e.flags = static_cast<uint32_t>(arg(3));
      break;
    case VS_BPF: e.request = arg(0); break;
    case VS_CHDIR: e.path = paths.path; break;  // relative ones: the process tree knows the cwd (resolve_paths)
    case VS_FCHDIR: e.path = fd_path(arg(0), pid, options); break;
    case VS_DUP2:
    case VS_DUP3:
      e.fd = static_cast<int32_t>(arg(0));
      e.request = arg(1);
      e.fd_type = fd_type_name(r.fd_type);
      break;
    default: break;
  }
  return e;
}

template <class Record>
std::optional<Record> as(std::span<const std::byte> bytes) {
  if (bytes.size() < sizeof(Record)) return std::nullopt;
  Record r;
  std::memcpy(&r, bytes.data(), sizeof r);
  return r;
}

}  // namespace

std::optional<Event> decode_record(std::span<const std::byte> record, const DecodeOptions& options) {
  const auto header = as<vigil_header>(record);
  if (!header || header->kind >= VK_KIND_COUNT) return std::nullopt;
  switch (header->kind) {
    case VK_EXEC: {
      const auto r = as<vigil_exec_record>(record);
      return r ? std::optional(decode_exec(*r, options)) : std::nullopt;
    }
    case VK_FORK:
    case VK_EXIT: {
      const auto r = as<vigil_task_record>(record);
      return r ? std::optional(decode_task(*r, options)) : std::nullopt;
    }
    default: {  // written with its exact length: the fixed part, then as many bytes of strings as it needs
      constexpr size_t kFixed = offsetof(vigil_syscall_record, strings);
      if (record.size() < kFixed) return std::nullopt;
      vigil_syscall_record r{};
      const size_t size = std::min(record.size(), sizeof r);
      std::memcpy(&r, record.data(), size);
      return decode_syscall(r, size - kFixed, options);
    }
  }
}

uint64_t boot_time_ns() {
  timespec real{};
  timespec boot{};
  ::clock_gettime(CLOCK_REALTIME, &real);
  ::clock_gettime(CLOCK_BOOTTIME, &boot);
  const auto ns = [](const timespec& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(t.tv_nsec);
  };
  return ns(real) - ns(boot);
}

}  // namespace vigil::watch::ebpf
