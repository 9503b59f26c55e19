// Decoding the probes' ring-buffer records (watch/bpf/sensor_abi.h) into events, without a kernel: records are
// built here as the BPF side writes them, /proc lookups go to a fake procfs.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstring>
#include <filesystem>
#include <span>

#include "test_support.hpp"
#include "watch/bpf/sensor_abi.h"
#include "watch/ebpf/decode.hpp"

namespace vigil::watch::ebpf {
namespace {

using model::EventType;

template <class Record>
std::optional<model::Event> decode(const Record& r, const DecodeOptions& options = {}) {
  return decode_record(std::as_bytes(std::span(&r, 1)), options);
}

template <size_t N>
void put(char (&field)[N], std::string_view text) {
  std::memset(field, 0, N);
  std::memcpy(field, text.data(), std::min(text.size(), N - 1));
}

// As the probes write them: path then path2 back to back in strings, each with its NUL.
void set_paths(vigil_syscall_record& r, std::string_view path, std::string_view path2 = {}) {
  std::memset(r.strings, 0, sizeof r.strings);
  path.copy(r.strings, path.size());
  r.path_len = static_cast<uint16_t>(path.size() + 1);
  path2.copy(r.strings + r.path_len, path2.size());
  r.path2_len = path2.empty() ? 0 : static_cast<uint16_t>(path2.size() + 1);
}

void header(vigil_header& h, uint32_t kind, uint32_t syscall = 0) {
  std::memset(&h, 0, sizeof h);
  h.kind = kind;
  h.syscall = syscall;
  h.boot_ns = 5;
  h.pid = 4242;
  h.tid = 4243;
  h.ppid = 1;
  h.uid = 1000;
  h.cgroup_id = 99;
  h.ret = -13;
  put(h.comm, "python3");
}

TEST(SensorDecode, ExecWithMemfdArgvEnvNamesAndStdio) {
  vigil_exec_record r{};
  header(r.h, VK_EXEC);
  put(r.filename, "/dev/fd/3");
  put(r.exe_name, "memfd:payload");
  const char args[] = "payload\0--flag\0\0value";  // sizeof counts the final NUL, as the kernel's args do
  std::memcpy(r.args, args, sizeof args);
  r.args_len = sizeof args;
  const char env[] = "HOME=/root\0GITHUB_TOKEN=ghp_secret\0EMPTY=";
  std::memcpy(r.env, env, sizeof env);
  r.env_len = sizeof env;
  r.stdio[0] = VF_SOCKET;
  r.stdio[1] = VF_PIPE;
  r.stdio[2] = VF_CHR;
  DecodeOptions options;
  options.boot_time_ns = 1000;
  options.proc_root = "/nonexistent";
  const auto e = decode(r, options);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, EventType::Exec);
  EXPECT_EQ(e->time_ns, 1005U);
  EXPECT_EQ(e->pid, 4242);
  EXPECT_EQ(e->comm, "python3");
  EXPECT_EQ(e->filename, "/memfd:payload (deleted)");
  EXPECT_EQ(e->argv, (std::vector<std::string>{"payload", "--flag", "", "value"}));  // empty arguments kept
  EXPECT_EQ(e->env, (std::vector<std::string>{"HOME", "GITHUB_TOKEN", "EMPTY"}));    // never the secret values
  EXPECT_EQ(e->stdin_type, "socket");
  EXPECT_EQ(e->stdout_type, "pipe");
  EXPECT_EQ(e->stderr_type, "chr");
  options.env_values = true;
  EXPECT_EQ(decode(r, options)->env[1], "GITHUB_TOKEN=ghp_secret");
}

TEST(SensorDecode, RelativePathsResolveAgainstCwdAndDirectoryFds) {
  test::TempDir proc;
  std::filesystem::create_directories(proc.path() / "4242/fd");
  std::filesystem::create_symlink("/srv/app", proc.path() / "4242/cwd");
  std::filesystem::create_symlink("/var/data", proc.path() / "4242/fd/7");
  DecodeOptions options;
  options.proc_root = proc.path().string();
  vigil_syscall_record r{};
  header(r.h, VK_OPEN, VS_OPENAT);
  r.args[0] = -100;   // AT_FDCWD
  r.args[2] = 0x241;  // O_WRONLY|O_CREAT|O_TRUNC
  r.args[3] = 0644;
  set_paths(r, "./out/report.txt");
  auto e = decode(r, options);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->path, "./out/report.txt");  // relative to the cwd: the process tree resolves it (resolve_paths)
  EXPECT_EQ(e->flags, 0x241U);
  EXPECT_EQ(e->mode, 0644U);
  EXPECT_EQ(e->ret, -13);
  r.args[0] = 7;
  set_paths(r, "cache.db");
  EXPECT_EQ(decode(r, options)->path, "/var/data/cache.db");
  set_paths(r, "/etc/shadow");
  EXPECT_EQ(decode(r, options)->path, "/etc/shadow");

  header(r.h, VK_RENAME, VS_RENAMEAT2);
  r.args[0] = -100;
  r.args[2] = 7;
  set_paths(r, "a.tmp", "a");
  e = decode(r, options);
  EXPECT_EQ(e->path, "a.tmp");
  EXPECT_EQ(e->new_path, "/var/data/a");

  // A record cut short (as written: only the bytes its strings need) still decodes what it carries.
  const size_t fixed = offsetof(vigil_syscall_record, strings);
  auto cut = decode_record(std::as_bytes(std::span(&r, 1)).first(fixed + 6), options);
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->path, "a.tmp");
  EXPECT_EQ(cut->new_path, "");

  header(r.h, VK_CHMOD, VS_FCHMOD);
  r.args[0] = 7;
  r.args[1] = 0104755;  // a whole st_mode: only the permission bits matter to chmod
  e = decode(r, options);
  EXPECT_EQ(e->path, "/var/data");
  EXPECT_EQ(e->mode, 04755U);
}

TEST(SensorDecode, SocketAddresses) {
  vigil_syscall_record r{};
  header(r.h, VK_CONNECT, VS_CONNECT);
  r.args[0] = 5;
  r.family = AF_INET;
  r.port = 80;
  const uint8_t metadata[4] = {169, 254, 169, 254};
  std::memcpy(r.addr, metadata, 4);
  auto e = decode(r);
  EXPECT_EQ(e->family, model::SocketFamily::Inet);
  EXPECT_EQ(e->daddr, "169.254.169.254");
  EXPECT_EQ(e->dport, 80);
  EXPECT_EQ(e->fd, 5);

  r.family = AF_INET6;
  const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1};
  std::memcpy(r.addr, mapped, 16);
  e = decode(r);
  EXPECT_EQ(e->family, model::SocketFamily::Inet6);
  EXPECT_EQ(e->daddr, "10.0.0.1");  // an IPv4 peer on an IPv6 socket reads as IPv4
  const uint8_t loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  std::memcpy(r.addr, loopback, 16);
  EXPECT_EQ(decode(r)->daddr, "::1");

  r.family = AF_UNIX;
  set_paths(r, "/run/docker.sock");
  e = decode(r);
  EXPECT_EQ(e->family, model::SocketFamily::Unix);
  EXPECT_EQ(e->unix_path, "/run/docker.sock");

  header(r.h, VK_BIND, VS_BIND);
  r.family = AF_INET;
  r.port = 4444;
  std::memset(r.addr, 0, sizeof r.addr);
  e = decode(r);
  EXPECT_EQ(e->saddr, "0.0.0.0");  // bind: the local side
  EXPECT_EQ(e->sport, 4444);
  EXPECT_EQ(e->daddr, "");
}

TEST(SensorDecode, ExitCodesIdsDupAndBadRecords) {
  vigil_task_record t{};
  header(t.h, VK_EXIT);
  t.exit_code = 3 << 8;
  EXPECT_EQ(decode(t)->exit_code, 3);
  t.exit_code = 9;  // killed by SIGKILL
  EXPECT_EQ(decode(t)->exit_code, 137);
  header(t.h, VK_FORK);
  t.child_pid = 5000;
  EXPECT_EQ(decode(t)->child_pid, 5000);
  EXPECT_FALSE(decode(t)->context_only);
  t.h.flags = VH_CONTEXT;  // outside the traced cgroup: for the process tree only
  EXPECT_TRUE(decode(t)->context_only);

  vigil_syscall_record r{};
  header(r.h, VK_SETUID, VS_SETRESUID);
  r.args[0] = 0;
  r.args[1] = 0xffffffff;  // -1: effective unchanged, so the real id is the one set
  EXPECT_EQ(decode(r)->request, 0);
  r.args[1] = 33;
  EXPECT_EQ(decode(r)->request, 33);

  header(r.h, VK_DUP, VS_DUP2);
  r.args[0] = 3;
  r.args[1] = 0;
  r.fd_type = VF_SOCKET;
  auto e = decode(r);
  EXPECT_EQ(e->type, EventType::Dup);
  EXPECT_EQ(e->fd, 3);
  EXPECT_EQ(e->request, 0);
  EXPECT_EQ(e->fd_type, "socket");

  EXPECT_FALSE(decode_record(std::as_bytes(std::span(&r, 1)).first(sizeof(vigil_header) - 1), {}));
  EXPECT_FALSE(decode_record(std::as_bytes(std::span(&r, 1)).first(sizeof(vigil_header) + 8), {}));  // short
  vigil_exec_record exec{};
  header(exec.h, VK_EXEC);
  EXPECT_FALSE(decode_record(std::as_bytes(std::span(&exec, 1)).first(sizeof exec - 1), {}));
  header(r.h, VK_KIND_COUNT, 0);
  EXPECT_FALSE(decode(r));
}

}  // namespace
}  // namespace vigil::watch::ebpf
