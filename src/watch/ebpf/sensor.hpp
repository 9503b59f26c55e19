// The live event source of `vigil watch`: eBPF probes on scheduler and system-call tracepoints (watch/bpf/),
// loaded through a libbpf skeleton, feeding decoded model::Events from a ring buffer. Only the probes a rule set
// needs are attached, the sensor never sees itself, and one cgroup subtree can be singled out (tests, sandbox).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "model/event.hpp"

namespace vigil::watch::ebpf {

struct SensorOptions {
  std::vector<model::EventType> types;  // what to trace (exec, fork and exit always: the process tree needs them)
  std::string cgroup_path;              // a cgroup v2 directory: trace only its subtree ("" traces everything)
  std::vector<int32_t> ignored_pids;    // processes (tgids) never traced, besides the sensor itself
  bool env_values = false;              // keep environment values at exec (default: names only)
  // Wanted system calls this kernel has no tracepoint for exist here only as ENOSYS stubs (init_module without
  // module support): attempts at them are caught only with a probe on every system call's exit, ~100 ns each.
  bool fallback_probes = false;
  // Absolute path prefixes (RuleSet::read_open_prefixes): read-only opens of other absolute paths are dropped in
  // the kernel and counted (SensorStats::filtered). nullopt, the default: every open is sent (recording, sandbox).
  std::optional<std::vector<std::string>> read_open_prefixes;
  // With read_open_prefixes: read-only opens with a path component starting with one of these pass too
  // (RuleSet::read_open_bounds, basename_prefixes).
  std::vector<std::string> read_open_basenames;
};

struct SensorStats {
  uint64_t events = 0;       // records the probes wrote
  uint64_t dropped = 0;      // records lost because the ring buffer was full
  uint64_t filtered = 0;     // read-only opens the path filter kept out (SensorOptions::read_open_prefixes)
  uint64_t undecodable = 0;  // records userspace could not read (a bug if ever non-zero)
};

// Which program types this kernel lets us load: fentry and BPF-LSM need trampolines some kernels block.
struct KernelFeatures {
  bool fentry = false;
  bool lsm = false;
  std::string fentry_error;  // why not, e.g. "Operation not permitted"
  std::string lsm_error;
};
KernelFeatures probe_kernel_features();

// "" when this process may load the probes; otherwise what is missing, written for the user.
std::string missing_privileges();

class Sensor {
 public:
  // Checks privileges, mounts tracefs when it is missing, loads and attaches the probes.
  static Result<std::unique_ptr<Sensor>> start(const SensorOptions& options);
  ~Sensor();
  Sensor(const Sensor&) = delete;
  Sensor& operator=(const Sensor&) = delete;

  // Waits up to timeout_ms for the probes' wakeup, then hands every pending event to `sink`; returns how many.
  // Records are submitted without a wakeup until enough are pending, so a short timeout bounds the latency.
  Result<size_t> poll(int timeout_ms, const std::function<void(model::Event&&)>& sink);

  [[nodiscard]] SensorStats stats() const;
  [[nodiscard]] size_t attached_probes() const;
  // What runs, for the start-up line: "tracepoints (fentry: not allowed by this kernel: Operation not permitted)".
  [[nodiscard]] std::string backend() const;

 private:
  Sensor();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::watch::ebpf
