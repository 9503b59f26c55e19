// Builds the package inventory of a directory tree or single file: walker + analyzer table.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "model/package.hpp"
#include "scan/analyzer.hpp"
#include "scan/file_scanner.hpp"
#include "scan/walker.hpp"

namespace vigil::scan {

struct InventoryOptions {
  WalkOptions walk;
  std::span<const Analyzer> analyzers;
  std::vector<const FileScanner*> file_scanners;  // e.g. the secret scanner; not owned
  // Called about every 100 ms while walking (the CLI draws progress on a TTY); may be empty.
  std::function<void(const WalkCounters&)> progress;
};

// Returns an error only when the target itself cannot be read; problems inside it become warnings.
Result<model::Inventory> build_inventory(const std::string& target, const InventoryOptions& options);

// Preference among OS identification files, lower is better: etc/os-release, usr/lib/os-release, then the
// distro-specific fallbacks.
int os_location_rank(std::string_view location);

// The default walk of a root filesystem: skips /proc, /sys and /dev (and other mounts, as every walk).
WalkOptions rootfs_walk_options();

}  // namespace vigil::scan
