/* The records the eBPF probes (sensor.bpf.c) put on the ring buffer and the decoder (src/watch/ebpf/decode.cpp)
 * reads: plain C, shared by both sides. Kinds follow model::EventType's order (static_assert in decode.cpp). */
#ifndef VIGIL_SENSOR_ABI_H
#define VIGIL_SENSOR_ABI_H

#ifndef __bpf__
#include <linux/types.h> /* the BPF side has these from vmlinux.h */
#endif

#define VIGIL_PATH_BYTES 256
#define VIGIL_ARGS_BYTES 1024
#define VIGIL_ENV_BYTES 2048
#define VIGIL_NAME_BYTES 64

enum vigil_kind {
  VK_EXEC = 0,
  VK_FORK,
  VK_EXIT,
  VK_OPEN,
  VK_UNLINK,
  VK_RENAME,
  VK_CHMOD,
  VK_CONNECT,
  VK_ACCEPT,
  VK_BIND,
  VK_PTRACE,
  VK_MEMFD,
  VK_EXEC_MMAP,
  VK_MODULE,
  VK_SETUID,
  VK_SETGID,
  VK_CAPSET,
  VK_MOUNT,
  VK_BPF,
  VK_DUP,
  VK_CHDIR,
  VK_KIND_COUNT,
};

/* Which system call (of a kind's several) produced a syscall record: its arguments sit in different places. */
enum vigil_syscall {
  VS_OPEN = 1,
  VS_OPENAT,
  VS_OPENAT2,
  VS_UNLINK,
  VS_UNLINKAT,
  VS_RMDIR,
  VS_RENAME,
  VS_RENAMEAT,
  VS_RENAMEAT2,
  VS_CHMOD,
  VS_FCHMOD,
  VS_FCHMODAT,
  VS_CONNECT,
  VS_ACCEPT,
  VS_ACCEPT4,
  VS_BIND,
  VS_PTRACE,
  VS_MEMFD_CREATE,
  VS_MMAP,
  VS_MPROTECT,
  VS_INIT_MODULE,
  VS_FINIT_MODULE,
  VS_SETUID,
  VS_SETREUID,
  VS_SETRESUID,
  VS_SETGID,
  VS_SETREGID,
  VS_SETRESGID,
  VS_CAPSET,
  VS_MOUNT,
  VS_BPF,
  VS_DUP2,
  VS_DUP3,
  VS_CHDIR,
  VS_FCHDIR,
};

/* Header flags. VH_CONTEXT: outside the traced cgroup, sent only to keep the process tree right (fork, exit,
 * chdir of processes that may later join it): not for the rules, not recorded. */
#define VH_CONTEXT 1U

/* What an fd is (from the inode's mode). */
enum vigil_fd_type { VF_NONE = 0, VF_FILE, VF_DIR, VF_PIPE, VF_SOCKET, VF_CHR, VF_BLK, VF_LINK };

struct vigil_header {
  __u64 boot_ns; /* bpf_ktime_get_boot_ns(); userspace adds the boot time */
  __u32 kind;    /* enum vigil_kind */
  __u32 syscall; /* enum vigil_syscall, 0 for exec/fork/exit */
  __s32 pid;     /* tgid */
  __s32 tid;
  __s32 ppid;
  __u32 uid;
  __u32 gid;
  __u32 pid_ns;
  __u32 mnt_ns;
  __u32 flags; /* VH_* */
  __u64 cgroup_id;
  __s64 ret;
  char comm[16];
};

struct vigil_exec_record {
  struct vigil_header h;
  __u32 args_len; /* bytes of args (NUL-separated argv) */
  __u32 env_len;  /* bytes of env (NUL-separated NAME=value) */
  __u8 stdio[3];  /* enum vigil_fd_type of fds 0, 1, 2 */
  __u8 pad[5];
  char filename[VIGIL_PATH_BYTES]; /* as given to execve */
  char exe_name[VIGIL_NAME_BYTES]; /* the executed file's dentry name ("memfd:x" for memfd execs) */
  char args[VIGIL_ARGS_BYTES];
  char env[VIGIL_ENV_BYTES];
};

struct vigil_task_record { /* fork (child_pid) and exit (exit_code) */
  struct vigil_header h;
  __s32 child_pid;
  __s32 exit_code; /* the wait status */
};

/* Written with its exact length: the fixed part, then path and path2 back to back (each NUL-terminated when
 * present), so a short path costs a short record. */
struct vigil_syscall_record {
  struct vigil_header h;
  __s64 args[6]; /* the system call's integer arguments as passed */
  __u8 fd_type;  /* dup: what the old fd is */
  __u8 pad;
  __u16 family;    /* AF_INET, AF_INET6, AF_UNIX, or 0 */
  __u16 port;      /* host order */
  __u16 path_len;  /* bytes of path in strings, with its NUL (0: none) */
  __u16 path2_len; /* bytes of path2 after it */
  __u16 pad2;
  __u32 open_flags; /* openat2: from struct open_how */
  __u32 open_mode;
  __u8 addr[16]; /* IPv4 in the first 4 bytes */
  /* path: first path argument, unix socket path, memfd name, mount target; path2: rename's new path, mount's
   * source */
  char strings[2 * VIGIL_PATH_BYTES];
};

/* Per-CPU counters, indexed. VC_EVENTS paces wakeups (records attempted); VC_DROPS counts records lost to a full
 * ring buffer; VC_FILTERED read-only opens the path filter kept out. */
enum vigil_counter { VC_EVENTS = 0, VC_DROPS, VC_FILTERED, VC_COUNTER_COUNT };

/* The in-kernel filter of read-only opens (RuleSet::read_open_bounds): an LPM trie of absolute path prefixes.
 * Keys carry the path's first VIGIL_PATH_BYTES bytes, all a record holds; prefixlen is in bits. */
#define VIGIL_MAX_OPEN_PREFIXES 4096
struct vigil_path_key {
  __u32 prefixlen;
  char data[VIGIL_PATH_BYTES];
};
/* And one of basename prefixes: a path passes if one of its components starts with one. The probe looks up each
 * component (after a '/') whose first byte starts some prefix with a fixed prefixlen of VIGIL_NAME_BYTES bytes:
 * what follows the component is '/' or the NUL, which no stored prefix holds, so a hit means the component starts
 * with the prefix. Longer prefixes are cut (a shorter prefix lets more through, never less). */
#define VIGIL_NAME_BYTES 64
#define VIGIL_MAX_OPEN_BASENAMES 1024
struct vigil_name_key {
  __u32 prefixlen;
  char data[VIGIL_NAME_BYTES];
};

#endif
