// What `scan` and `sbom` share: options for walking a target, running the inventory and writing a report.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/findings.hpp"

namespace vigil::cli {

// `scan image` / `sbom image` only.
struct ImageCommandOptions {
  std::string platform = "linux/amd64";
  bool insecure_registry = false;
  std::string creds;      // USER:PASSWORD
  std::string cache_dir;  // empty: the default cache
  bool no_cache = false;
};

struct InventoryCommandOptions {
  std::string target;
  std::string
      kind;  // "fs", "rootfs", "image", "sbom", "purl" or "repo"; "auto": rootfs when the target has etc/os-release
  std::string format = "table";
  std::string output;  // empty: stdout
  unsigned threads = 0;
  uint64_t max_blob_bytes = 64ULL << 20;  // scan repo
  bool cross_fs = false;
  bool quiet = false;
  std::vector<std::string> skip_dirs;
  bool with_findings = false;  // `scan` runs the finding scanners (--scanners); `sbom` never does
  FindingOptions findings;
  ImageCommandOptions image;
};

// Adds --format, --output and --quiet to a subcommand; walk_options adds --threads, --cross-fs, --skip-dir.
void add_inventory_options(CLI::App& command, InventoryCommandOptions& options, bool walk_options = true);

// Runs the inventory (and the vulnerability scan), writes the report; returns the process exit code.
int run_inventory_command(const InventoryCommandOptions& options);

}  // namespace vigil::cli
