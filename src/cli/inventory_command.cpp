// Shared runner of `scan fs|rootfs` and `sbom`: walk, analyze, report, write atomically.
#include "cli/inventory_command.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/command.hpp"
#include "cli/image_inventory.hpp"
#include "cli/input_file.hpp"
#include "cli/output_file.hpp"
#include "core/clock.hpp"
#include "core/strings.hpp"
#include "core/version.hpp"
#include "formats/sbom_in.hpp"
#include "report/report.hpp"
#include "scan/inventory.hpp"
#include "scan/repo/git_history.hpp"
#include "scan/repo/head_tree.hpp"

namespace vigil::cli {
namespace {

constexpr size_t kWarningsShown = 20;
constexpr size_t kMaxDocumentBytes = size_t{1} << 30;  // an SBOM of a large image is tens of MB
constexpr uint64_t kMaxConfigFileBytes = 4ULL << 20;   // CI and build files in a repository's HEAD

bool looks_like_rootfs(const std::string& target) {
  struct stat st{};
  return ::stat((target + "/etc/os-release").c_str(), &st) == 0 ||
         ::stat((target + "/usr/lib/os-release").c_str(), &st) == 0;
}

std::string writer_names() {
  std::string names;
  for (const auto& w : report::all_writers()) {
    names += fmt::format("{}{}", names.empty() ? "" : "|", w.name);
  }
  return names;
}

void print_warnings(const std::vector<Diagnostic>& warnings) {
  for (size_t i = 0; i < warnings.size() && i < kWarningsShown; ++i) {
    const auto& w = warnings[i];
    if (w.file.empty()) {  // not about one file (e.g. the matcher's GIT-range note)
      fmt::print(stderr, "warning: {}\n", w.message);
    } else if (w.line > 0) {
      fmt::print(stderr, "warning: {}:{}: {}\n", w.file, w.line, w.message);
    } else {
      fmt::print(stderr, "warning: {}: {}\n", w.file, w.message);
    }
  }
  if (warnings.size() > kWarningsShown) {
    fmt::print(stderr, "warning: ... and {} more (all of them are in the JSON report's \"warnings\")\n",
               warnings.size() - kWarningsShown);
  }
}

Result<model::Inventory> walk_inventory(const InventoryCommandOptions& options, const std::string& kind,
                                        const FileScanners& scanners) {
  scan::InventoryOptions inventory_options;
  inventory_options.walk = kind == "rootfs" ? scan::rootfs_walk_options() : scan::WalkOptions{};
  inventory_options.walk.threads = options.threads;
  inventory_options.walk.cross_filesystems = options.cross_fs;
  for (const auto& dir : options.skip_dirs) {
    inventory_options.walk.skip_paths.push_back(dir);
  }
  inventory_options.analyzers = scan::all_analyzers();
  if (scanners.secret) {
    inventory_options.file_scanners.push_back(scanners.secret.get());
  }
  if (scanners.config) {
    inventory_options.file_scanners.push_back(scanners.config.get());
  }
  const bool show_progress = !options.quiet && ::isatty(STDERR_FILENO) != 0;
  if (show_progress) {
    inventory_options.progress = [](const scan::WalkCounters& c) {
      fmt::print(stderr, "\r\033[Kscanning: {} files in {} directories", c.files.load(), c.dirs.load());
    };
  }
  auto inventory = scan::build_inventory(options.target, inventory_options);
  if (show_progress) {
    fmt::print(stderr, "\r\033[K");
  }
  return inventory;
}

// `scan sbom FILE` and `scan purl FILE|-`: the packages a document lists (purls kept as written).
Result<model::Inventory> read_document_inventory(const std::string& path, const std::string& kind) {
  auto bytes = read_input(path, kMaxDocumentBytes);
  if (!bytes) {
    return tl::unexpected(bytes.error());
  }
  const std::string name = path == "-" ? "<stdin>" : path;
  auto parsed = kind == "sbom" ? formats::parse_sbom_auto(name, *bytes) : formats::parse_purl_list(name, *bytes);
  if (!parsed) {
    return fail(fmt::format("{}: {}", name, parsed.error().message));
  }
  model::Inventory inventory;
  inventory.os = std::move(parsed->os);
  inventory.packages = std::move(parsed->packages);
  for (auto& w : parsed->warnings) {
    w.file = name;
    inventory.warnings.push_back(std::move(w));
  }
  model::sort_packages(inventory.packages);
  return inventory;
}

// `scan repo PATH`, config: the CI and build files of HEAD (what runs next), not of old commits.
Result<void> check_head_config(const std::string& repo_path, const scan::config::ConfigScanner& scanner,
                               model::Inventory& inventory) {
  auto head = repo::HeadTree::open(repo_path);
  if (!head) {
    return tl::unexpected(head.error());
  }
  const scan::config::ReadOtherFile read_other = [&head](const std::string& path) {
    return (*head)->read(path, kMaxConfigFileBytes);
  };
  (*head)->for_each_file(
      [](std::string_view path) {
        return scan::config::classify_config_file(path) != scan::config::DocumentKind::None;
      },
      [&](std::string_view path, std::string_view bytes) {
        scanner.scan_bytes(path, bytes, read_other, inventory.misconfigurations, inventory.warnings);
      },
      kMaxConfigFileBytes, inventory.warnings);
  return {};
}

// `scan repo PATH`: secrets in every blob of the history (no package inventory), and the config of HEAD.
Result<model::Inventory> history_inventory(const InventoryCommandOptions& options, const FileScanners& scanners) {
  if (!scanners.secret && !scanners.config) {
    return fail("scan repo looks for secrets and risky CI config only: --scanners none leaves nothing to do");
  }
  model::Inventory inventory;
  if (scanners.config) {
    if (auto checked = check_head_config(options.target, *scanners.config, inventory); !checked) {
      return tl::unexpected(checked.error());
    }
  }
  if (!scanners.secret) {
    return inventory;
  }
  const secrets::SecretScanner* scanner = scanners.secret.get();
  repo::HistoryOptions history;
  history.max_blob_bytes = options.max_blob_bytes;
  history.scan_binary = options.findings.scan_binary;
  history.threads = options.threads;
  auto result = repo::scan_git_history(
      options.target,
      [scanner](std::string_view path, std::string_view bytes, std::vector<model::SecretFinding>& out) {
        scanner->scan_bytes(path, bytes, out);
      },
      history);
  if (!result) {
    return tl::unexpected(result.error());
  }
  inventory.secrets = std::move(result->secrets);
  inventory.warnings.insert(inventory.warnings.end(), result->warnings.begin(), result->warnings.end());
  return inventory;
}

// A default .vigilignore.yaml is looked for in the scanned directory (or beside a scanned file).
std::string policy_dir_of(const std::string& target) {
  struct stat st{};
  if (::stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return target;
  }
  const std::string_view dir = dir_name(target);
  return dir.empty() ? "." : std::string(dir);
}

}  // namespace

void add_inventory_options(CLI::App& command, InventoryCommandOptions& options, bool walk_options) {
  command.add_option("-f,--format", options.format, "output format: " + writer_names())
      ->capture_default_str()
      ->check(CLI::IsMember([] {
        std::vector<std::string> names;
        for (const auto& w : report::all_writers()) {
          names.emplace_back(w.name);
        }
        return names;
      }()));
  command.add_option("-o,--output", options.output, "write the report to FILE (atomically) instead of stdout");
  if (walk_options) {
    command.add_option("--threads", options.threads, "walker threads (default: one per core)");
    command.add_flag("--cross-fs", options.cross_fs, "descend into other mounted filesystems under the target");
    command.add_option("--skip-dir", options.skip_dirs, "relative directory not to enter (repeatable)");
  }
  command.add_flag("-q,--quiet", options.quiet, "no progress and no warnings on stderr");
}

Result<model::Inventory> build(const InventoryCommandOptions& options, const std::string& kind,
                               const FileScanners& scanners) {
  if (kind == "sbom" || kind == "purl") {
    return read_document_inventory(options.target, kind);
  }
  if (kind == "repo") {
    return history_inventory(options, scanners);
  }
  return walk_inventory(options, kind, scanners);
}

int run_inventory_command(const InventoryCommandOptions& options) {
  std::string kind = options.kind;
  if (kind == "auto") {
    kind = looks_like_rootfs(options.target) ? "rootfs" : "fs";
  }
  auto scanners = options.with_findings ? make_file_scanners(options.findings) : Result<FileScanners>(FileScanners{});
  if (!scanners) {
    fmt::print(stderr, "error: {}\n", scanners.error().message);
    return kExitError;
  }
  std::optional<model::ImageSummary> image;
  auto inventory =
      kind == "image" ? image_inventory(options, scanners->secret.get(), image) : build(options, kind, *scanners);
  if (!inventory) {
    fmt::print(stderr, "error: {}\n", inventory.error().message);
    return kExitError;
  }
  report::Report report{options.target, kind, kVersion, utc_now_rfc3339(), std::move(*inventory)};
  report.image = std::move(image);
  if (options.with_findings) {
    const bool document = kind == "sbom" || kind == "purl" || kind == "image";
    const std::string target_dir = document ? std::string() : policy_dir_of(options.target);
    if (auto scanned = run_finding_scanners(options.findings, target_dir, report); !scanned) {
      fmt::print(stderr, "error: {}\n", scanned.error().message);
      return kExitError;
    }
  }
  if (!options.quiet) {
    print_warnings(report.inventory.warnings);
  }
  const report::Writer* writer = report::find_writer(options.format);
  if (auto written = write_output(options.output, [&](std::ostream& out) { writer->write(report, out); }); !written) {
    fmt::print(stderr, "error: {}\n", written.error().message);
    return kExitError;
  }
  if (options.with_findings && !options.findings.incidents_url.empty()) {
    auto sent = send_to_incidents(options.findings, report);
    if (!sent) {
      fmt::print(stderr, "error: {}\n", sent.error().message);
      return kExitError;
    }
    if (!options.quiet) fmt::print(stderr, "incidents: {} findings sent\n", *sent);
  }
  return options.with_findings ? gate_exit_code(options.findings, report) : kExitOk;
}

}  // namespace vigil::cli
