// Parallel directory walker: never leaves the root (no symlinks followed, openat2 RESOLVE_BENEATH),
// stays on the root's filesystem unless asked, and hands each regular file to a visitor once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/result.hpp"
#include "scan/file_content.hpp"

namespace vigil::scan {

struct WalkOptions {
  unsigned threads = 0;                 // 0: one per core
  bool cross_filesystems = false;       // descend into other mounts under the root
  std::vector<std::string> skip_paths;  // relative paths not entered, e.g. "proc"
};

struct WalkCounters {
  std::atomic<uint64_t> files{0};
  std::atomic<uint64_t> dirs{0};
};

// Called for every regular file with the worker's index (0..threads-1) and the open directory fd
// the file lives in; the visitor opens the file itself only if it wants it.
using FileVisitor = std::function<void(unsigned worker, int dir_fd, const FileInfo& file)>;
// Called (from any worker, serialised by the walker) for directories and files that could not be read.
using WarningSink = std::function<void(Diagnostic)>;

unsigned walker_threads(const WalkOptions& options);

// Walks the directory tree under root_fd. Returns an error only when the root itself cannot be read.
Result<void> walk_tree(int root_fd, const WalkOptions& options, const FileVisitor& visit, const WarningSink& warn,
                       WalkCounters& counters);

}  // namespace vigil::scan
