// What `scan` and `sbom` share: options for walking a target, running the inventory and writing a report.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace vigil::cli {

struct InventoryCommandOptions {
  std::string target;
  std::string kind;  // "fs" or "rootfs"; "auto" picks rootfs when the target has etc/os-release
  std::string format = "table";
  std::string output;  // empty: stdout
  unsigned threads = 0;
  bool cross_fs = false;
  bool quiet = false;
  std::vector<std::string> skip_dirs;
};

// Adds --format, --output, --threads, --cross-fs, --skip-dir and --quiet to a subcommand.
void add_inventory_options(CLI::App& command, InventoryCommandOptions& options);

// Runs the inventory and writes the report; returns the process exit code.
int run_inventory_command(const InventoryCommandOptions& options);

}  // namespace vigil::cli
