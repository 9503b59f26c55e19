// Loading and running the probes: privileges, tracefs, which programs to load for the wanted event types, the
// cgroup and pid filters, attaching, and draining the ring buffer.
#include "watch/ebpf/sensor.hpp"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/btf.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <thread>

#include "core/unique_fd.hpp"
#include "watch/bpf/sensor.skel.h"
#include "watch/bpf/sensor_abi.h"
#include "watch/ebpf/decode.hpp"

namespace vigil::watch::ebpf {
namespace {

using model::EventType;

constexpr const char* kTracefs = "/sys/kernel/tracing";

// THE probe table: the system calls sensor.bpf.c has a SYSCALL() program for, the event type each serves, its
// record variant and its x86-64 number (for kernels without that call's tracepoint: see on_fallback_exit).
struct SyscallProbe {
  std::string_view syscall;
  EventType type;
  uint32_t variant;  // enum vigil_syscall
  uint32_t number;
};
constexpr SyscallProbe kSyscallProbes[] = {
    {"open", EventType::Open, VS_OPEN, 2},
    {"openat", EventType::Open, VS_OPENAT, 257},
    {"openat2", EventType::Open, VS_OPENAT2, 437},
    {"unlink", EventType::Unlink, VS_UNLINK, 87},
    {"unlinkat", EventType::Unlink, VS_UNLINKAT, 263},
    {"rmdir", EventType::Unlink, VS_RMDIR, 84},
    {"rename", EventType::Rename, VS_RENAME, 82},
    {"renameat", EventType::Rename, VS_RENAMEAT, 264},
    {"renameat2", EventType::Rename, VS_RENAMEAT2, 316},
    {"chmod", EventType::Chmod, VS_CHMOD, 90},
    {"fchmod", EventType::Chmod, VS_FCHMOD, 91},
    {"fchmodat", EventType::Chmod, VS_FCHMODAT, 268},
    {"connect", EventType::Connect, VS_CONNECT, 42},
    {"accept", EventType::Accept, VS_ACCEPT, 43},
    {"accept4", EventType::Accept, VS_ACCEPT4, 288},
    {"bind", EventType::Bind, VS_BIND, 49},
    {"ptrace", EventType::Ptrace, VS_PTRACE, 101},
    {"memfd_create", EventType::MemfdCreate, VS_MEMFD_CREATE, 319},
    {"mmap", EventType::ExecMmap, VS_MMAP, 9},
    {"mprotect", EventType::ExecMmap, VS_MPROTECT, 10},
    {"init_module", EventType::ModuleLoad, VS_INIT_MODULE, 175},
    {"finit_module", EventType::ModuleLoad, VS_FINIT_MODULE, 313},
    {"setuid", EventType::SetUid, VS_SETUID, 105},
    {"setreuid", EventType::SetUid, VS_SETREUID, 113},
    {"setresuid", EventType::SetUid, VS_SETRESUID, 117},
    {"setgid", EventType::SetGid, VS_SETGID, 106},
    {"setregid", EventType::SetGid, VS_SETREGID, 114},
    {"setresgid", EventType::SetGid, VS_SETRESGID, 119},
    {"capset", EventType::Capset, VS_CAPSET, 126},
    {"mount", EventType::Mount, VS_MOUNT, 165},
    {"bpf", EventType::Bpf, VS_BPF, 321},
    {"dup2", EventType::Dup, VS_DUP2, 33},
    {"dup3", EventType::Dup, VS_DUP3, 292},
    {"chdir", EventType::Chdir, VS_CHDIR, 80},
    {"fchdir", EventType::Chdir, VS_FCHDIR, 81},
};

bool exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

// libbpf finds tracepoint ids under tracefs, which some machines do not mount at boot.
Result<void> ensure_tracefs() {
  if (exists(std::string(kTracefs) + "/events") || exists("/sys/kernel/debug/tracing/events")) return {};
  if (::mount("tracefs", kTracefs, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    return fail(fmt::format("cannot mount tracefs on {}: {}", kTracefs, std::strerror(errno)));
  }
  return {};
}

// sensor.bpf.c names each system call's program exit_<syscall>.
std::string_view syscall_of(std::string_view program) {
  constexpr std::string_view kPrefix = "exit_";
  return program.starts_with(kPrefix) ? program.substr(kPrefix.size()) : std::string_view();
}

const SyscallProbe* probe_for(std::string_view program) {
  const std::string_view name = syscall_of(program);
  for (const auto& probe : kSyscallProbes) {
    if (probe.syscall == name) return &probe;
  }
  return nullptr;
}

int load_probe_program(bpf_prog_type type, bpf_attach_type attach, const char* function) {
  btf* vmlinux = btf__load_vmlinux_btf();
  if (vmlinux == nullptr) return -ENOENT;
  const int id = btf__find_by_name_kind(vmlinux, function, BTF_KIND_FUNC);
  btf__free(vmlinux);
  if (id < 0) return -ENOENT;
  const bpf_insn program[] = {
      {.code = 0xb7, .dst_reg = 0, .src_reg = 0, .off = 0, .imm = 0},  // r0 = 0
      {.code = 0x95, .dst_reg = 0, .src_reg = 0, .off = 0, .imm = 0},  // exit
  };
  LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach, .attach_btf_id = static_cast<__u32>(id));
  const int fd = bpf_prog_load(type, "vigil_probe", "GPL", program, 2, &opts);
  if (fd < 0) return -errno;
  ::close(fd);
  return 0;
}

}  // namespace

KernelFeatures probe_kernel_features() {
  KernelFeatures features;
  const int fentry = load_probe_program(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "do_unlinkat");
  features.fentry = fentry == 0;
  if (fentry != 0) features.fentry_error = std::strerror(-fentry);
  const int lsm = load_probe_program(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "bpf_lsm_file_open");
  features.lsm = lsm == 0;
  if (lsm != 0) features.lsm_error = std::strerror(-lsm);
  return features;
}

std::string missing_privileges() {
  // Capabilities, not the uid: root with its capabilities dropped (a container, setpriv) cannot load probes either.
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &header, data) == 0) {
    const auto has = [&](int cap) { return (data[cap / 32].effective & (1U << (cap % 32))) != 0; };
    constexpr int kCapSysAdmin = 21;
    constexpr int kCapPerfmon = 38;
    constexpr int kCapBpf = 39;
    if (has(kCapSysAdmin) || (has(kCapBpf) && has(kCapPerfmon))) return {};
  }
  return "loading the eBPF probes needs root (CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON): run vigil watch with "
         "sudo, or use --replay FILE to run the rules over recorded events";
}

struct Sensor::Impl {
  vigil_sensor* skeleton = nullptr;
  ring_buffer* ring = nullptr;
  std::vector<bpf_link*> links;
  UniqueFd cgroup_fd;
  DecodeOptions decode;
  std::string backend;
  const std::function<void(model::Event&&)>* sink = nullptr;
  size_t delivered = 0;  // in this poll
  uint64_t total_delivered = 0;
  uint64_t undecodable = 0;
  std::vector<const SyscallProbe*> fallbacks;  // wanted system calls without a tracepoint here, caught anyway
  std::vector<const SyscallProbe*> uncovered;  // the same, not caught (no --fallback-probes)

  ~Impl() {
    // Closing a tracepoint link waits for an RCU grace period (70-80 ms here); one after another, 65 links took
    // 4.5 s. In parallel the waits overlap.
    std::vector<std::thread> closers;
    closers.reserve(links.size());
    for (bpf_link* link : links) closers.emplace_back([link] { bpf_link__destroy(link); });
    for (auto& closer : closers) closer.join();
    ring_buffer__free(ring);
    vigil_sensor__destroy(skeleton);
  }

  static int on_record(void* context, void* data, size_t size) {
    auto* self = static_cast<Impl*>(context);
    auto event = decode_record({static_cast<const std::byte*>(data), size}, self->decode);
    if (!event) {
      ++self->undecodable;
      return 0;
    }
    ++self->delivered;
    ++self->total_delivered;
    (*self->sink)(std::move(*event));
    return 0;
  }

  // Loads only the syscall programs the wanted types need and whose tracepoints this kernel has; wanted calls
  // without a tracepoint go to the fallback table (one program on every system call's exit, so only then).
  void choose_programs(const std::vector<EventType>& types, bool use_fallback) {
    bpf_program* program = nullptr;
    bpf_object__for_each_program(program, skeleton->obj) {
      const SyscallProbe* probe = probe_for(bpf_program__name(program));
      if (probe == nullptr) continue;  // exec, fork, exit: always on; the fallback: below
      const bool wanted = types.empty() || probe->type == EventType::Chdir ||  // the tree's cwd needs chdir
                          std::find(types.begin(), types.end(), probe->type) != types.end();
      const bool present = exists(fmt::format("{}/events/syscalls/sys_exit_{}", kTracefs, probe->syscall));
      bpf_program__set_autoload(program, wanted && present);
      if (wanted && !present) (use_fallback ? fallbacks : uncovered).push_back(probe);
    }
    bpf_program__set_autoload(skeleton->progs.on_fallback_exit, !fallbacks.empty());
  }

  Result<void> fill_fallbacks() {
    for (const SyscallProbe* probe : fallbacks) {
      const uint32_t value = (static_cast<uint32_t>(probe->type) << 16U) | probe->variant;
      if (bpf_map__update_elem(skeleton->maps.fallback_syscalls, &probe->number, sizeof probe->number, &value,
                               sizeof value, BPF_ANY) != 0) {
        return fail(fmt::format("cannot set up the fallback probe for {}: {}", probe->syscall, std::strerror(errno)));
      }
    }
    return {};
  }

  Result<void> attach() {
    bpf_program* program = nullptr;
    bpf_object__for_each_program(program, skeleton->obj) {
      if (!bpf_program__autoload(program)) continue;
      bpf_link* link = bpf_program__attach(program);
      if (link == nullptr) {
        return fail(fmt::format("cannot attach probe {}: {}", bpf_program__name(program), std::strerror(errno)));
      }
      links.push_back(link);
    }
    return {};
  }
};

Sensor::Sensor() : impl_(std::make_unique<Impl>()) {}
Sensor::~Sensor() = default;

Result<std::unique_ptr<Sensor>> Sensor::start(const SensorOptions& options) {
  if (auto missing = missing_privileges(); !missing.empty()) return fail(missing);
  if (auto mounted = ensure_tracefs(); !mounted) return fail(mounted.error().message);
  std::unique_ptr<Sensor> sensor(new Sensor());
  Impl& impl = *sensor->impl_;
  libbpf_set_print([](libbpf_print_level level, const char* format, va_list args) {
    return level == LIBBPF_WARN && std::getenv("VIGIL_BPF_DEBUG") != nullptr ? std::vfprintf(stderr, format, args) : 0;
  });
  impl.skeleton = vigil_sensor__open();
  if (impl.skeleton == nullptr) return fail(fmt::format("cannot open the eBPF probes: {}", std::strerror(errno)));

  uint32_t wanted = (1U << VK_EXEC) | (1U << VK_FORK) | (1U << VK_EXIT) | (1U << VK_CHDIR);
  for (EventType type : options.types) wanted |= 1U << static_cast<uint32_t>(type);
  impl.skeleton->rodata->wanted_kinds = options.types.empty() ? ~0U : wanted;
  impl.skeleton->rodata->self_tgid = ::getpid();
  if (!options.cgroup_path.empty()) {
    impl.cgroup_fd = UniqueFd(::open(options.cgroup_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!impl.cgroup_fd.valid()) {
      return fail(fmt::format("{}: cannot open the cgroup: {}", options.cgroup_path, std::strerror(errno)));
    }
    impl.skeleton->rodata->filter_cgroup = 1;
  }
  impl.choose_programs(options.types, options.fallback_probes);
  if (vigil_sensor__load(impl.skeleton) != 0) {
    return fail(
        fmt::format("cannot load the eBPF probes into the kernel: {} (set VIGIL_BPF_DEBUG=1 for the "
                    "verifier's log)",
                    std::strerror(errno)));
  }
  if (impl.cgroup_fd.valid()) {
    const uint32_t slot = 0;
    const uint32_t fd = static_cast<uint32_t>(impl.cgroup_fd.get());
    if (bpf_map__update_elem(impl.skeleton->maps.target_cgroup, &slot, sizeof slot, &fd, sizeof fd, BPF_ANY) != 0) {
      return fail(fmt::format("{}: not a cgroup v2 directory: {}", options.cgroup_path, std::strerror(errno)));
    }
  }
  if (auto filled = impl.fill_fallbacks(); !filled) return fail(filled.error().message);
  for (int32_t pid : options.ignored_pids) {
    const uint8_t yes = 1;
    bpf_map__update_elem(impl.skeleton->maps.ignored_tgids, &pid, sizeof pid, &yes, sizeof yes, BPF_ANY);
  }
  impl.decode.boot_time_ns = boot_time_ns();
  impl.decode.env_values = options.env_values;
  impl.ring = ring_buffer__new(bpf_map__fd(impl.skeleton->maps.events), &Impl::on_record, &impl, nullptr);
  if (impl.ring == nullptr) return fail(fmt::format("cannot map the ring buffer: {}", std::strerror(errno)));
  if (auto attached = impl.attach(); !attached) return fail(attached.error().message);

  const KernelFeatures features = probe_kernel_features();
  std::string fallback;
  for (const SyscallProbe* probe : impl.fallbacks) {
    fallback += (fallback.empty() ? "; sys_exit fallback for " : ", ") + std::string(probe->syscall);
  }
  for (const SyscallProbe* probe : impl.uncovered) {
    fallback += (probe == impl.uncovered.front() ? "; not in this kernel (--fallback-probes sees attempts): " : ", ") +
                std::string(probe->syscall);
  }
  impl.backend = fmt::format("tracepoints{}; {}", fallback,
                             features.fentry ? "fentry is allowed here but not used yet"
                                             : "fentry not allowed by this kernel: " + features.fentry_error);
  return sensor;
}

Result<size_t> Sensor::poll(int timeout_ms, const std::function<void(model::Event&&)>& sink) {
  impl_->sink = &sink;
  impl_->delivered = 0;
  const int woken = ring_buffer__poll(impl_->ring, timeout_ms);
  if (woken < 0 && woken != -EINTR) return fail(fmt::format("ring buffer: {}", std::strerror(-woken)));
  // Records submitted without a wakeup are still waiting: take them too.
  const int drained = ring_buffer__consume(impl_->ring);
  if (drained < 0 && drained != -EINTR) return fail(fmt::format("ring buffer: {}", std::strerror(-drained)));
  impl_->sink = nullptr;
  return impl_->delivered;
}

SensorStats Sensor::stats() const {
  SensorStats stats;
  const int cpus = libbpf_num_possible_cpus();
  std::vector<uint64_t> values(static_cast<size_t>(std::max(cpus, 1)));
  const auto sum = [&](uint32_t counter) {
    uint64_t total = 0;
    if (bpf_map__lookup_elem(impl_->skeleton->maps.counters, &counter, sizeof counter, values.data(),
                             values.size() * sizeof(uint64_t), 0) == 0) {
      for (uint64_t v : values) total += v;
    }
    return total;
  };
  stats.events = impl_->total_delivered;
  stats.dropped = sum(VC_DROPS);
  stats.undecodable = impl_->undecodable;
  return stats;
}

size_t Sensor::attached_probes() const {
  return impl_->links.size();
}

std::string Sensor::backend() const {
  return impl_->backend;
}

}  // namespace vigil::watch::ebpf
