// Turns one ring-buffer record of the probes (watch/bpf/sensor_abi.h) into a model::Event: names, addresses and
// paths made readable, relative paths resolved against the process's cwd or directory fd (through /proc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "model/event.hpp"

namespace vigil::watch::ebpf {

struct DecodeOptions {
  uint64_t boot_time_ns = 0;        // wall-clock time of boot: records carry time since boot
  bool env_values = false;          // keep NAME=value at exec (default: NAME)
  std::string proc_root = "/proc";  // where to resolve cwd and fds (tests point it elsewhere)
};

// nullopt when the record is too short or of an unknown kind.
std::optional<model::Event> decode_record(std::span<const std::byte> record, const DecodeOptions& options);

// Wall-clock nanoseconds at boot (CLOCK_REALTIME - CLOCK_BOOTTIME).
uint64_t boot_time_ns();

}  // namespace vigil::watch::ebpf
