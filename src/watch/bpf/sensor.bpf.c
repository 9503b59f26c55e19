// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/* Vigil's runtime probes: scheduler tracepoints for exec/fork/exit and per-syscall exit tracepoints for the rest.
 * One program per system call, at its exit: the result is known (accept's peer address too) and the arguments
 * are read from the registers saved at entry, so no entry program or per-thread stash is needed. Filtering
 * happens before anything is written to the ring buffer:
 * wanted kinds (a bit mask), the sensor's own and other ignored processes, optionally one cgroup subtree, and
 * optionally read-only opens of absolute paths the rules cannot match (open_prefixes, open_basenames).
 * Records are submitted without a wakeup until enough data is pending; userspace polls with a short timeout. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sensor_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define PROT_EXEC 0x4
#define MAP_ANONYMOUS 0x20
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000

/* Set by userspace before load. */
const volatile __u32 wanted_kinds = 0xffffffff;
const volatile __s32 self_tgid = 0;
const volatile __u8 filter_cgroup = 0;
const volatile __u8 have_ignored = 0; /* any ignored_tgids: without, the lookup is skipped on every event */
const volatile __u64 wakeup_bytes = 256 * 1024;
const volatile __u8 filter_read_opens = 0; /* drop read-only opens of paths open_prefixes does not cover */
const volatile __u8 filter_names = 0;      /* and that open_basenames does not cover either (any entries) */
/* First bytes of the basename prefixes: components starting otherwise are not looked up (most of them). */
const volatile __u8 name_first_bytes[256] = {};

#define O_ACCMODE 00000003
#define O_CREAT 00000100
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define __O_TMPFILE 020000000
/* An open with none of these only reads (or is O_PATH): RuleSet::read_open_prefixes bounds what rules see of it. */
#define VIGIL_NOT_READ_ONLY (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | __O_TMPFILE)

/* System calls this kernel has no tracepoint for (init_module without CONFIG_MODULES...), by number: kind << 16 |
 * enum vigil_syscall. Filled by userspace; on_fallback_exit is loaded only when there is any. */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 512);
  __type(key, __u32);
  __type(value, __u32);
} fallback_syscalls SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 16 * 1024 * 1024);
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, VC_COUNTER_COUNT);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

/* tgids never traced (the sensor itself is self_tgid; `--ignore-pid` adds more). */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 256);
  __type(key, __s32);
  __type(value, __u8);
} ignored_tgids SEC(".maps");

/* Slot 0: the cgroup (v2) whose subtree alone is traced when filter_cgroup is set. */
struct {
  __uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} target_cgroup SEC(".maps");

/* Absolute path prefixes some rule can match a read-only open of (value unused), when filter_read_opens. */
struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(max_entries, VIGIL_MAX_OPEN_PREFIXES);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, struct vigil_path_key);
  __type(value, __u8);
} open_prefixes SEC(".maps");

/* Basename prefixes: a path some component of which starts with one passes too (see vigil_name_key). */
struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(max_entries, VIGIL_MAX_OPEN_BASENAMES);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, struct vigil_name_key);
  __type(value, __u8);
} open_basenames SEC(".maps");

/* The lookup keys, per CPU: 260 bytes are too many for the stack beside the rest. The padding after the path lets
 * a component key be copied as VIGIL_NAME_BYTES bytes from any offset without leaving the value. */
struct open_keys {
  struct vigil_path_key path;
  char pad[VIGIL_NAME_BYTES];
  struct vigil_name_key name;
};
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct open_keys);
} path_key SEC(".maps");

/* Where syscall records are put together before they are copied to the ring buffer with their exact length. */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct vigil_syscall_record);
} scratch SEC(".maps");

static __always_inline __u64 count(__u32 which) {
  __u64 *value = bpf_map_lookup_elem(&counters, &which);
  if (!value) return 0;
  *value += 1;
  return *value;
}

/* Wakes the reader only when enough is pending, checked every 256 events of a CPU: a wakeup per event costs
 * microseconds, and the reader polls every few milliseconds anyway. */
static __always_inline __u64 wakeup_flags(void) {
  if ((count(VC_EVENTS) & 255) != 0) return BPF_RB_NO_WAKEUP;
  return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* 0: not traced; 1: traced; 2 (VH_CONTEXT + 1): outside the traced cgroup, but a fork, exit or chdir the process
 * tree needs (a process joining the cgroup brings its cwd and parent with it). */
static __always_inline int traced(__u32 kind) {
  if (!(wanted_kinds & (1U << kind))) return 0;
  __s32 tgid = bpf_get_current_pid_tgid() >> 32;
  if (tgid == self_tgid) return 0;
  if (have_ignored && bpf_map_lookup_elem(&ignored_tgids, &tgid)) return 0;
  if (filter_cgroup && bpf_current_task_under_cgroup(&target_cgroup, 0) != 1) {
    return kind == VK_FORK || kind == VK_EXIT || kind == VK_CHDIR ? 2 : 0;
  }
  return 1;
}

static __always_inline void fill_header(struct vigil_header *h, __u32 kind, __u32 syscall, __s64 ret, int how) {
  /* A BTF pointer: fields are read with plain (fault-checked) loads, much cheaper than probe-read helpers. */
  struct task_struct *task = bpf_get_current_task_btf();
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  __u64 uid_gid = bpf_get_current_uid_gid();
  h->boot_ns = bpf_ktime_get_boot_ns();
  h->kind = kind;
  h->syscall = syscall;
  h->pid = pid_tgid >> 32;
  h->tid = (__u32)pid_tgid;
  h->ppid = task->real_parent->tgid;
  h->uid = (__u32)uid_gid;
  h->gid = uid_gid >> 32;
  struct nsproxy *ns = task->nsproxy;
  h->pid_ns = ns ? ns->pid_ns_for_children->ns.inum : 0; /* no nsproxy: the task is exiting */
  h->mnt_ns = ns ? ns->mnt_ns->ns.inum : 0;
  h->flags = how == 2 ? VH_CONTEXT : 0;
  h->cgroup_id = bpf_get_current_cgroup_id();
  h->ret = ret;
  bpf_get_current_comm(h->comm, sizeof(h->comm));
}

static __always_inline void submit(void *record) {
  bpf_ringbuf_submit(record, wakeup_flags());
}

static __always_inline __u8 fd_type_of(struct task_struct *task, __s64 fd) {
  if (fd < 0 || fd > 65535) return VF_NONE;
  struct fdtable *fdt = task->files->fdt; /* BTF pointers: plain loads */
  if (!fdt || fd >= fdt->max_fds) return VF_NONE;
  struct file **array = fdt->fd;
  struct file *file = 0;
  bpf_probe_read_kernel(&file, sizeof(file), &array[fd]);
  if (!file) return VF_NONE;
  __u16 mode = BPF_CORE_READ(file, f_inode, i_mode);
  switch (mode & S_IFMT) {
    case S_IFREG: return VF_FILE;
    case S_IFDIR: return VF_DIR;
    case S_IFIFO: return VF_PIPE;
    case S_IFSOCK: return VF_SOCKET;
    case S_IFCHR: return VF_CHR;
    case S_IFBLK: return VF_BLK;
    case S_IFLNK: return VF_LINK;
  }
  return VF_NONE;
}

/* ---- exec, fork, exit ---- */

/* Copies [start, end) of the new program's memory, at most cap bytes (a power of two, so the mask gives the
 * verifier its bound); returns the bytes copied, 0 on a fault. */
static __always_inline __u32 read_user_block(char *dst, __u32 cap, unsigned long start, unsigned long end) {
  unsigned long len = end - start;
  if (len >= cap) return bpf_probe_read_user(dst, cap, (void *)start) == 0 ? cap : 0;
  return bpf_probe_read_user(dst, len & (cap - 1), (void *)start) == 0 ? (len & (cap - 1)) : 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm) {
  if (traced(VK_EXEC) != 1) return 0;
  struct vigil_exec_record *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
  if (!r) {
    count(VC_DROPS);
    return 0;
  }
  fill_header(&r->h, VK_EXEC, 0, 0, 1);
  bpf_probe_read_kernel_str(r->filename, sizeof(r->filename), BPF_CORE_READ(bprm, filename));
  bpf_probe_read_kernel_str(r->exe_name, sizeof(r->exe_name), BPF_CORE_READ(bprm, file, f_path.dentry, d_name.name));
  struct mm_struct *mm = BPF_CORE_READ(task, mm);
  r->args_len = read_user_block(r->args, VIGIL_ARGS_BYTES, BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end));
  r->env_len = read_user_block(r->env, VIGIL_ENV_BYTES, BPF_CORE_READ(mm, env_start), BPF_CORE_READ(mm, env_end));
  for (int fd = 0; fd < 3; fd++) r->stdio[fd] = fd_type_of(task, fd);
  submit(r);
  return 0;
}

/* A fork (child_pid) or an exit (exit_code: the wait status) of a whole process, not of a thread. */
static __always_inline int task_record(__u32 kind, __s32 child_pid, __s32 exit_code) {
  int how = traced(kind);
  if (!how) return 0;
  struct vigil_task_record *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
  if (!r) {
    count(VC_DROPS);
    return 0;
  }
  fill_header(&r->h, kind, 0, 0, how);
  r->child_pid = child_pid;
  r->exit_code = exit_code;
  submit(r);
  return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child) {
  if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid)) return 0; /* a new thread, not a process */
  return task_record(VK_FORK, BPF_CORE_READ(child, tgid), 0);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task) {
  if (BPF_CORE_READ(task, pid) != BPF_CORE_READ(task, tgid)) return 0; /* a thread ending */
  return task_record(VK_EXIT, 0, BPF_CORE_READ(task, exit_code));
}

/* ---- system calls: one program at the exit, with the result; the arguments come from the registers saved at
 * entry (x86-64: rdi, rsi, rdx, r10, r8, r9), which these system calls leave as they were ---- */

/* addr_len: the length the caller gave (connect, bind) or -1 to read it through len_ptr (accept). */
static __always_inline void read_sockaddr(struct vigil_syscall_record *r, const void *user_addr, __s64 addr_len,
                                          const void *len_ptr) {
  if (!user_addr) return;
  __u16 family = 0;
  if (bpf_probe_read_user(&family, sizeof(family), user_addr)) return;
  r->family = family;
  if (family == AF_INET) {
    struct sockaddr_in sin = {};
    if (bpf_probe_read_user(&sin, sizeof(sin), user_addr)) return;
    r->port = bpf_ntohs(sin.sin_port);
    __builtin_memcpy(r->addr, &sin.sin_addr, 4);
  } else if (family == AF_INET6) {
    struct sockaddr_in6 sin6 = {};
    if (bpf_probe_read_user(&sin6, sizeof(sin6), user_addr)) return;
    r->port = bpf_ntohs(sin6.sin6_port);
    __builtin_memcpy(r->addr, &sin6.sin6_addr, 16);
  } else if (family == AF_UNIX) {
    long n = bpf_probe_read_user_str(r->strings, 108, (const char *)user_addr + 2);
    if (n == 1) { /* abstract: a name of addr_len - 3 bytes after a NUL, not terminated; shown as "@name" */
      int len = 0;
      if (addr_len < 0 && len_ptr) bpf_probe_read_user(&len, sizeof(len), len_ptr);
      if (addr_len >= 0) len = addr_len;
      __u32 name_len = len > 3 ? (__u32)(len - 3) : 0;
      if (name_len > 106) name_len = 106;
      asm volatile("" : "+r"(name_len)); /* hide the range from clang so the mask below stays for the verifier */
      name_len &= 127;
      r->strings[0] = '@';
      if (bpf_probe_read_user(r->strings + 1, name_len, (const char *)user_addr + 3)) name_len = 0;
      r->strings[(name_len + 1) & 127] = 0;
      n = name_len + 2;
    }
    r->path_len = n > 0 ? n : 0;
  }
}

static __always_inline void read_path(struct vigil_syscall_record *r, __s64 user_ptr) {
  long n = user_ptr ? bpf_probe_read_user_str(r->strings, VIGIL_PATH_BYTES, (const char *)user_ptr) : 0;
  r->path_len = n > 0 ? n : 0;
}

/* After path (read first). */
static __always_inline void read_path2(struct vigil_syscall_record *r, __s64 user_ptr) {
  __u32 at = r->path_len & (VIGIL_PATH_BYTES - 1);
  if (r->path_len >= VIGIL_PATH_BYTES) at = VIGIL_PATH_BYTES;
  long n = user_ptr ? bpf_probe_read_user_str(r->strings + at, VIGIL_PATH_BYTES, (const char *)user_ptr) : 0;
  r->path_len = at;
  r->path2_len = n > 0 ? n : 0;
}

/* 1: the path must reach userspace whatever the trie says: a component is empty, "." or ".." (userspace makes the
 * path normal before rules see it, so "/tmp/../etc/shadow" is about /etc/shadow), or some component starts with a
 * basename prefix. Scans backwards from the end (bytes 0..n-2, data[0] == '/'), so the last component (the
 * basename, what most basename rules are about) is looked up first; only components whose first byte starts some
 * prefix are looked up. The key has a fixed length: past the component comes '/' or the NUL, which no prefix
 * holds, so a hit is a prefix of the component itself. */
static __always_inline int kept_by_components(struct open_keys *k, long n) {
  const char *data = k->path.data;
  for (int back = 0; back < VIGIL_PATH_BYTES - 1; back++) {
    long i = n - 2 - back;
    if (i < 0) break;
    if (data[i & (VIGIL_PATH_BYTES - 1)] != '/') continue;
    long start = (i + 1) & (VIGIL_PATH_BYTES - 1);
    char first = data[start];
    if (first == '/' || first == 0) return 1; /* "//" or a trailing '/' */
    if (first == '.') {
      char second = data[(start + 1) & (VIGIL_PATH_BYTES - 1)];
      if (second == '/' || second == 0) return 1;
      if (second == '.') {
        char third = data[(start + 2) & (VIGIL_PATH_BYTES - 1)];
        if (third == '/' || third == 0) return 1;
      }
    }
    if (!filter_names || !name_first_bytes[(__u8)first]) continue;
    if (bpf_probe_read_kernel(k->name.data, sizeof(k->name.data), &data[start])) return 1; /* unsure: keep */
    k->name.prefixlen = VIGIL_NAME_BYTES * 8;
    if (bpf_map_lookup_elem(&open_basenames, &k->name)) return 1;
  }
  return 0;
}

/* 1: a read-only open of an absolute path under none of open_prefixes and with no component starting with one of
 * open_basenames, which no rule can match: counted, not sent. The flags are tested first, so opens that write,
 * create or truncate cost nothing more; then the path trie (one lookup), and only then the component scan. Relative
 * paths are always sent (userspace makes them absolute with the process tree's cwd), as are unreadable ones and
 * those longer than a key.
 * Failed opens are filtered alike: a rule bounded by path is bounded whatever the result. path_read: the bytes read
 * into path_key, with the NUL. */
static __always_inline int unwanted_read_open(__u32 syscall, const __s64 *args, long *path_read) {
  __u64 flags = syscall == VS_OPEN ? args[1] : args[2];
  const char *path = (const char *)(syscall == VS_OPEN ? args[0] : args[1]);
  if (syscall == VS_OPENAT2 && (!args[2] || bpf_probe_read_user(&flags, sizeof(flags), (void *)args[2]))) return 0;
  if ((flags & VIGIL_NOT_READ_ONLY) || !path) return 0;
  __u32 zero = 0;
  struct open_keys *keys = bpf_map_lookup_elem(&path_key, &zero);
  if (!keys) return 0;
  struct vigil_path_key *key = &keys->path;
  long n = bpf_probe_read_user_str(key->data, sizeof(key->data), path);
  if (n > 0) *path_read = n; /* a sent open's record copies it from here instead of reading user memory again */
  if (n <= 1 || n >= (long)sizeof(key->data) || key->data[0] != '/') return 0; /* cut short: its end is unseen */
  key->prefixlen = (__u32)(n - 1) * 8; /* the bytes before the NUL: what the rules see as fd.name */
  if (bpf_map_lookup_elem(&open_prefixes, key)) return 0;
  if (kept_by_components(keys, n)) return 0;
  count(VC_FILTERED);
  return 1;
}

/* An open's path: copied from path_key when the open filter already read it (path_read bytes, with the NUL), else
 * read from user memory. */
static __always_inline void read_open_path(struct vigil_syscall_record *r, __s64 user_ptr, long path_read) {
  __u32 zero = 0;
  struct open_keys *keys = path_read > 0 ? bpf_map_lookup_elem(&path_key, &zero) : 0;
  if (!keys) {
    read_path(r, user_ptr);
    return;
  }
  __u32 len = path_read > VIGIL_PATH_BYTES ? VIGIL_PATH_BYTES : (__u32)path_read;
  if (bpf_probe_read_kernel(r->strings, len, keys->path.data)) len = 0;
  r->path_len = len;
}

static __always_inline int record(long ret, __u32 kind, __u32 syscall) {
  int how = traced(kind);
  if (!how) return 0;
  struct task_struct *task = bpf_get_current_task_btf();
  struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
  if (!regs) return 0;
  __s64 args[6] = {regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9};
  if (syscall == VS_MMAP && (!(args[2] & PROT_EXEC) || !(args[3] & MAP_ANONYMOUS))) return 0;
  if (syscall == VS_MPROTECT && !(args[2] & PROT_EXEC)) return 0;
  if (kind == VK_DUP && (args[1] > 2 || args[0] == args[1])) return 0; /* only real redirections of 0, 1, 2 */
  long path_read = 0;
  if (filter_read_opens && kind == VK_OPEN && unwanted_read_open(syscall, args, &path_read)) return 0;
  __u32 zero = 0;
  struct vigil_syscall_record *r = bpf_map_lookup_elem(&scratch, &zero);
  if (!r) return 0;
  fill_header(&r->h, kind, syscall, ret, how);
  for (int i = 0; i < 6; i++) r->args[i] = args[i];
  r->fd_type = kind == VK_DUP ? fd_type_of(task, args[0]) : VF_NONE;
  r->pad = 0;
  r->family = 0;
  r->port = 0;
  r->path_len = 0;
  r->path2_len = 0;
  r->pad2 = 0;
  r->open_flags = 0;
  r->open_mode = 0;
  __builtin_memset(r->addr, 0, sizeof(r->addr));
  switch (syscall) {
    case VS_OPEN:
      read_open_path(r, r->args[0], path_read);
      break;
    case VS_UNLINK:
    case VS_RMDIR:
    case VS_CHMOD:
    case VS_MEMFD_CREATE:
    case VS_CHDIR:
      read_path(r, r->args[0]);
      break;
    case VS_OPENAT:
      read_open_path(r, r->args[1], path_read);
      break;
    case VS_UNLINKAT:
    case VS_FCHMODAT:
      read_path(r, r->args[1]);
      break;
    case VS_OPENAT2: {
      read_open_path(r, r->args[1], path_read);
      struct open_how how = {};
      if (r->args[2] && bpf_probe_read_user(&how, sizeof(how), (void *)r->args[2]) == 0) {
        r->open_flags = (__u32)how.flags;
        r->open_mode = (__u32)how.mode;
      }
      break;
    }
    case VS_RENAME:
      read_path(r, r->args[0]);
      read_path2(r, r->args[1]);
      break;
    case VS_RENAMEAT:
    case VS_RENAMEAT2:
      read_path(r, r->args[1]);
      read_path2(r, r->args[3]);
      break;
    case VS_CONNECT:
    case VS_BIND:
      read_sockaddr(r, (const void *)r->args[1], r->args[2], 0);
      break;
    case VS_ACCEPT:
    case VS_ACCEPT4:
      read_sockaddr(r, (const void *)r->args[1], -1, (const void *)r->args[2]);
      break;
    case VS_MOUNT:
      read_path(r, r->args[1]);
      read_path2(r, r->args[0]);
      break;
  }
  __u64 size = __builtin_offsetof(struct vigil_syscall_record, strings) + ((r->path_len + r->path2_len) & (2 * VIGIL_PATH_BYTES - 1));
  if (r->path_len + r->path2_len >= 2 * VIGIL_PATH_BYTES) size = sizeof(*r);
  if (bpf_ringbuf_output(&events, r, size, wakeup_flags())) count(VC_DROPS);
  return 0;
}

#define SYSCALL(name, kind, syscall)                   \
  SEC("tp/syscalls/sys_exit_" #name)                   \
  int exit_##name(struct trace_event_raw_sys_exit *ctx) { return record(ctx->ret, kind, syscall); }

SYSCALL(open, VK_OPEN, VS_OPEN)
SYSCALL(openat, VK_OPEN, VS_OPENAT)
SYSCALL(openat2, VK_OPEN, VS_OPENAT2)
SYSCALL(unlink, VK_UNLINK, VS_UNLINK)
SYSCALL(unlinkat, VK_UNLINK, VS_UNLINKAT)
SYSCALL(rmdir, VK_UNLINK, VS_RMDIR)
SYSCALL(rename, VK_RENAME, VS_RENAME)
SYSCALL(renameat, VK_RENAME, VS_RENAMEAT)
SYSCALL(renameat2, VK_RENAME, VS_RENAMEAT2)
SYSCALL(chmod, VK_CHMOD, VS_CHMOD)
SYSCALL(fchmod, VK_CHMOD, VS_FCHMOD)
SYSCALL(fchmodat, VK_CHMOD, VS_FCHMODAT)
SYSCALL(connect, VK_CONNECT, VS_CONNECT)
SYSCALL(accept, VK_ACCEPT, VS_ACCEPT)
SYSCALL(accept4, VK_ACCEPT, VS_ACCEPT4)
SYSCALL(bind, VK_BIND, VS_BIND)
SYSCALL(ptrace, VK_PTRACE, VS_PTRACE)
SYSCALL(memfd_create, VK_MEMFD, VS_MEMFD_CREATE)
SYSCALL(mmap, VK_EXEC_MMAP, VS_MMAP)
SYSCALL(mprotect, VK_EXEC_MMAP, VS_MPROTECT)
SYSCALL(init_module, VK_MODULE, VS_INIT_MODULE)
SYSCALL(finit_module, VK_MODULE, VS_FINIT_MODULE)
SYSCALL(setuid, VK_SETUID, VS_SETUID)
SYSCALL(setreuid, VK_SETUID, VS_SETREUID)
SYSCALL(setresuid, VK_SETUID, VS_SETRESUID)
SYSCALL(setgid, VK_SETGID, VS_SETGID)
SYSCALL(setregid, VK_SETGID, VS_SETREGID)
SYSCALL(setresgid, VK_SETGID, VS_SETRESGID)
SYSCALL(capset, VK_CAPSET, VS_CAPSET)
SYSCALL(mount, VK_MOUNT, VS_MOUNT)
SYSCALL(bpf, VK_BPF, VS_BPF)
SYSCALL(dup2, VK_DUP, VS_DUP2)
SYSCALL(dup3, VK_DUP, VS_DUP3)
SYSCALL(chdir, VK_CHDIR, VS_CHDIR)
SYSCALL(fchdir, VK_CHDIR, VS_FCHDIR)

/* Every system call's exit, for those in fallback_syscalls only: costs a map lookup per system call, so it is
 * attached only when a wanted system call has no tracepoint of its own. */
SEC("tp_btf/sys_exit")
int BPF_PROG(on_fallback_exit, struct pt_regs *regs, long ret) {
  __u32 nr = (__u32)regs->orig_ax;
  __u32 *entry = bpf_map_lookup_elem(&fallback_syscalls, &nr);
  if (!entry || !*entry) return 0;
  return record(ret, *entry >> 16, *entry & 0xffff);
}
