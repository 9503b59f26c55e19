// Parallel directory walker: a shared stack of directories drained by N workers.
#include "scan/walker.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "core/unique_fd.hpp"

namespace vigil::scan {
namespace {

// Opens a directory below the root without following any symlink on the way (kernel >= 5.6).
int open_beneath(int root_fd, const std::string& rel) {
  if (rel.empty()) {
    return ::fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
  }
  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  const long fd = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof(how));
  if (fd >= 0 || errno != ENOSYS) {
    return static_cast<int>(fd);
  }
  // Old kernel: O_NOFOLLOW guards the last component; parents were entered by us as real directories.
  return ::openat(root_fd, rel.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
}

class DirQueue {
 public:
  void push(std::string dir) {
    {
      std::lock_guard lock(mutex_);
      dirs_.push_back(std::move(dir));
    }
    ready_.notify_one();
  }
  // Blocks until a directory is available or every worker is idle with nothing queued.
  bool pop(std::string& dir) {
    std::unique_lock lock(mutex_);
    --busy_;
    if (busy_ == 0 && dirs_.empty()) {
      ready_.notify_all();
    }
    ready_.wait(lock, [&] { return !dirs_.empty() || busy_ == 0; });
    if (dirs_.empty()) {
      return false;
    }
    dir = std::move(dirs_.back());
    dirs_.pop_back();
    ++busy_;
    return true;
  }
  void set_workers(unsigned n) { busy_ = n; }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<std::string> dirs_;
  unsigned busy_ = 0;
};

struct WalkContext {
  int root_fd;
  dev_t root_dev;
  const WalkOptions& options;
  const FileVisitor& visit;
  const WarningSink& warn;
  WalkCounters& counters;
  DirQueue queue;
  std::mutex warn_mutex;

  void warning(std::string path, std::string message) {
    std::lock_guard lock(warn_mutex);
    warn(Diagnostic{std::move(path), 0, std::move(message)});
  }

  bool skipped(const std::string& rel) const {
    return std::find(options.skip_paths.begin(), options.skip_paths.end(), rel) != options.skip_paths.end();
  }

  void scan_directory(unsigned worker, const std::string& rel) {
    UniqueFd dir_fd(open_beneath(root_fd, rel));
    if (!dir_fd.valid()) {
      warning(rel, fmt::format("directory skipped: {}", std::strerror(errno)));
      return;
    }
    struct stat dir_stat {};
    if (::fstat(dir_fd.get(), &dir_stat) != 0) {
      return;
    }
    if (!options.cross_filesystems && dir_stat.st_dev != root_dev) {
      return;  // another mounted filesystem: skipped unless asked (--cross-fs)
    }
    counters.dirs.fetch_add(1, std::memory_order_relaxed);
    DIR* dir = ::fdopendir(::fcntl(dir_fd.get(), F_DUPFD_CLOEXEC, 0));
    if (dir == nullptr) {
      warning(rel, fmt::format("directory skipped: {}", std::strerror(errno)));
      return;
    }
    std::string child;
    while (const dirent* entry = ::readdir(dir)) {
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") {
        continue;
      }
      child.assign(rel);
      if (!child.empty()) {
        child += '/';
      }
      child += name;
      unsigned char type = entry->d_type;
      struct stat st {};
      if (type == DT_UNKNOWN || type == DT_REG) {
        if (::fstatat(dir_fd.get(), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
          continue;
        }
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
      }
      if (type == DT_DIR) {
        if (!skipped(child)) {
          queue.push(child);
        }
      } else if (type == DT_REG) {
        counters.files.fetch_add(1, std::memory_order_relaxed);
        const FileInfo info{child, base_name_of(child), static_cast<uint64_t>(st.st_size),
                            (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0};
        visit(worker, dir_fd.get(), info);
      }
      // Symlinks, devices, sockets and FIFOs are never followed or read.
    }
    ::closedir(dir);
  }

  static std::string_view base_name_of(std::string_view path) {
    const size_t pos = path.rfind('/');
    return pos == std::string_view::npos ? path : path.substr(pos + 1);
  }

  void run_worker(unsigned worker) {
    std::string dir;
    while (queue.pop(dir)) {
      scan_directory(worker, dir);
    }
  }
};

}  // namespace

unsigned walker_threads(const WalkOptions& options) {
  if (options.threads != 0) {
    return options.threads;
  }
  return std::max(1U, std::thread::hardware_concurrency());
}

Result<void> walk_tree(int root_fd, const WalkOptions& options, const FileVisitor& visit, const WarningSink& warn,
                       WalkCounters& counters) {
  struct stat root_stat {};
  if (::fstat(root_fd, &root_stat) != 0 || !S_ISDIR(root_stat.st_mode)) {
    return fail("not a readable directory");
  }
  WalkContext context{root_fd, root_stat.st_dev, options, visit, warn, counters, {}, {}};
  const unsigned threads = walker_threads(options);
  context.queue.set_workers(threads);
  context.queue.push("");
  std::vector<std::jthread> workers;
  workers.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) {
    workers.emplace_back([&context, i] { context.run_worker(i); });
  }
  return {};
}

}  // namespace vigil::scan
