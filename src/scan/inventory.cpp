// The inventory engine: every file is offered to the analyzer table, read at most once,
// and each worker collects into its own output (no locks on the hot path).
#include "scan/inventory.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "core/strings.hpp"
#include "core/unique_fd.hpp"
#include "model/purl.hpp"

namespace vigil::scan {
namespace {

struct Worker {
  AnalyzerOutput out;
  std::string buffer;  // reused for every file this worker reads
  std::vector<const Analyzer*> wanted;
  std::vector<const FileScanner*> wanted_scanners;
};

// root_fd is the directory info.path is relative to (FileContent::read_beneath_root stays below it).
void analyze_file(Worker& worker, const InventoryOptions& options, int root_fd, int dir_fd, const FileInfo& info) {
  worker.wanted.clear();
  for (const auto& analyzer : options.analyzers) {
    if (analyzer.wants(info)) {
      worker.wanted.push_back(&analyzer);
    }
  }
  worker.wanted_scanners.clear();
  for (const FileScanner* scanner : options.file_scanners) {
    if (scanner->wants(info)) {
      worker.wanted_scanners.push_back(scanner);
    }
  }
  if (worker.wanted.empty() && worker.wanted_scanners.empty()) {
    return;
  }
  const std::string name(info.name);
  UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
  struct stat st{};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    worker.out.warnings.push_back({std::string(info.path), 0, fmt::format("file skipped: {}", std::strerror(errno))});
    return;
  }
  FileContent content(info, std::move(fd), dir_fd, root_fd, worker.buffer);
  const size_t first_package = worker.out.packages.size();
  const size_t first_warning = worker.out.warnings.size();
  std::optional<model::OsInfo> previous_os = worker.out.os;
  worker.out.os.reset();
  for (const Analyzer* analyzer : worker.wanted) {
    analyzer->analyze(content, worker.out);
  }
  for (const FileScanner* scanner : worker.wanted_scanners) {
    scanner->scan(content, worker.out);
  }
  for (size_t i = first_package; i < worker.out.packages.size(); ++i) {
    if (worker.out.packages[i].location.empty()) {
      worker.out.packages[i].location = info.path;
    }
  }
  for (size_t i = first_warning; i < worker.out.warnings.size(); ++i) {
    if (worker.out.warnings[i].file.empty()) {
      worker.out.warnings[i].file = info.path;
    }
  }
  if (worker.out.os) {
    worker.out.os->location = info.path;
    if (previous_os && os_location_rank(previous_os->location) <= os_location_rank(worker.out.os->location)) {
      worker.out.os = std::move(previous_os);
    }
  } else {
    worker.out.os = std::move(previous_os);
  }
  if (worker.buffer.capacity() > (16U << 20)) {
    std::string().swap(worker.buffer);  // don't keep a huge file's buffer for the rest of the walk
  }
}

model::Inventory merge(std::vector<Worker>& workers, std::vector<Diagnostic> walk_warnings) {
  model::Inventory inventory;
  inventory.warnings = std::move(walk_warnings);
  size_t total = 0;
  for (const auto& worker : workers) {
    total += worker.out.packages.size();
  }
  inventory.packages.reserve(total);
  for (auto& worker : workers) {
    for (auto& pkg : worker.out.packages) {
      inventory.packages.push_back(std::move(pkg));
    }
    std::vector<model::Package>().swap(worker.out.packages);
    for (auto& w : worker.out.warnings) {
      inventory.warnings.push_back(std::move(w));
    }
    for (auto& secret : worker.out.secrets) {
      inventory.secrets.push_back(std::move(secret));
    }
    for (auto& m : worker.out.misconfigurations) {
      inventory.misconfigurations.push_back(std::move(m));
    }
    if (worker.out.os &&
        (!inventory.os || os_location_rank(worker.out.os->location) < os_location_rank(inventory.os->location))) {
      inventory.os = std::move(worker.out.os);
    }
  }
  model::sort_packages(inventory.packages);
  std::sort(inventory.secrets.begin(), inventory.secrets.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.line, a.column, a.rule) < std::tie(b.path, b.line, b.column, b.rule);
  });
  std::sort(inventory.misconfigurations.begin(), inventory.misconfigurations.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.line, a.check, a.message) < std::tie(b.path, b.line, b.check, b.message);
  });
  std::sort(inventory.warnings.begin(), inventory.warnings.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.message) < std::tie(b.file, b.line, b.message);
  });
  model::assign_purls(inventory);
  return inventory;
}

// Runs progress callbacks on a side thread until stopped.
class ProgressTicker {
 public:
  ProgressTicker(const std::function<void(const WalkCounters&)>& report, const WalkCounters& counters) {
    if (!report) {
      return;
    }
    thread_ = std::jthread([this, &report, &counters](const std::stop_token& stop) {
      std::unique_lock lock(mutex_);
      while (!stop.stop_requested()) {
        wake_.wait_for(lock, stop, std::chrono::milliseconds(100), [] { return false; });
        report(counters);
      }
    });
  }
  ~ProgressTicker() {
    if (thread_.joinable()) {
      thread_.request_stop();
    }
  }
  ProgressTicker(const ProgressTicker&) = delete;
  ProgressTicker& operator=(const ProgressTicker&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace

int os_location_rank(std::string_view location) {
  static constexpr std::array<std::string_view, 2> kPreferred{"etc/os-release", "usr/lib/os-release"};
  for (size_t i = 0; i < kPreferred.size(); ++i) {
    if (location == kPreferred[i]) {
      return static_cast<int>(i);
    }
  }
  return static_cast<int>(kPreferred.size());
}

WalkOptions rootfs_walk_options() {
  WalkOptions options;
  options.skip_paths = {"proc", "sys", "dev"};
  return options;
}

Result<model::Inventory> build_inventory(const std::string& target, const InventoryOptions& options) {
  UniqueFd root(::open(target.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  struct stat st{};
  if (!root.valid() || ::fstat(root.get(), &st) != 0) {
    return fail(fmt::format("{}: cannot open: {}", target, std::strerror(errno)));
  }
  if (S_ISREG(st.st_mode)) {
    // A single file: analyze it as if it sat at the root of a scan of its directory.
    std::vector<Worker> workers(1);
    const std::string_view parent = dir_name(target);
    const std::string dir = !parent.empty() ? std::string(parent) : starts_with(target, "/") ? "/" : ".";
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid()) {
      return fail(fmt::format("{}: cannot open its directory: {}", target, std::strerror(errno)));
    }
    const std::string name(base_name(target));
    const FileInfo info{name, name, static_cast<uint64_t>(st.st_size), (st.st_mode & 0111) != 0};
    analyze_file(workers[0], options, dir_fd.get(), dir_fd.get(), info);
    return merge(workers, {});
  }
  if (!S_ISDIR(st.st_mode)) {
    return fail(fmt::format("{}: not a regular file or directory", target));
  }
  std::vector<Worker> workers(walker_threads(options.walk));
  std::vector<Diagnostic> walk_warnings;
  WalkCounters counters;
  Result<void> walked;
  {
    ProgressTicker ticker(options.progress, counters);
    walked = walk_tree(
        root.get(), options.walk,
        [&](unsigned worker, int dir_fd, const FileInfo& info) {
          analyze_file(workers[worker], options, root.get(), dir_fd, info);
        },
        [&](Diagnostic d) { walk_warnings.push_back(std::move(d)); }, counters);
  }
  if (!walked) {
    return fail(fmt::format("{}: {}", target, walked.error().message));
  }
  return merge(workers, std::move(walk_warnings));
}

}  // namespace vigil::scan
