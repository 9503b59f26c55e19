// Parallel directory walker: a shared stack of directories drained by N workers.
#include "scan/walker.hpp"

#include <dirent.h>  // DT_* constants
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

struct OpenedDir {
  int fd = -1;
  bool other_filesystem = false;    // openat2 said EXDEV: a mount point we do not cross
  bool checked_filesystem = false;  // openat2 already refused mount crossings: no fstat needed
};

// Opens a directory below the root without following any symlink on the way (kernel >= 5.6), and
// without crossing into another mount unless asked.
OpenedDir open_beneath(int root_fd, const std::string& rel, bool cross_filesystems) {
  if (rel.empty()) {
    return {::fcntl(root_fd, F_DUPFD_CLOEXEC, 0), false, false};
  }
  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  if (!cross_filesystems) {
    how.resolve |= RESOLVE_NO_XDEV;
  }
  const long fd = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof(how));
  if (fd >= 0 || errno != ENOSYS) {
    return {static_cast<int>(fd), fd < 0 && errno == EXDEV, !cross_filesystems};
  }
  // Old kernel: O_NOFOLLOW guards the last component; parents were entered by us as real directories.
  return {::openat(root_fd, rel.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW), false, false};
}

// One getdents64 record (the kernel ABI; glibc's readdir would add a dup, an fstat and two fcntl per directory).
struct KernelDirent {
  uint64_t ino;
  int64_t off;
  unsigned short reclen;
  unsigned char type;
  char name[1];
};

// Directories waiting to be read. Workers push a whole directory's subdirectories at once and only
// wake sleeping workers: a futex wake per directory cost ~20% of a walk of / in context switches.
class DirQueue {
 public:
  void push_all(std::vector<std::string>& dirs) {
    if (dirs.empty()) {
      return;
    }
    unsigned to_wake = 0;
    {
      std::lock_guard lock(mutex_);
      for (auto& dir : dirs) {
        dirs_.push_back(std::move(dir));
      }
      to_wake = std::min<unsigned>(waiting_, static_cast<unsigned>(dirs.size()));
    }
    dirs.clear();
    for (unsigned i = 0; i < to_wake; ++i) {
      ready_.notify_one();
    }
  }
  // Blocks until a directory is available or every worker is idle with nothing queued.
  bool pop(std::string& dir) {
    std::unique_lock lock(mutex_);
    --busy_;
    if (busy_ == 0 && dirs_.empty()) {
      ready_.notify_all();
    }
    ++waiting_;
    ready_.wait(lock, [&] { return !dirs_.empty() || busy_ == 0; });
    --waiting_;
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
  unsigned waiting_ = 0;
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

  // Returns the open directory, or an invalid fd when it is to be skipped.
  UniqueFd open_directory(const std::string& rel) {
    const OpenedDir opened = open_beneath(root_fd, rel, options.cross_filesystems);
    UniqueFd dir_fd(opened.fd);
    if (opened.other_filesystem) {
      return {};  // another mounted filesystem: skipped unless asked (--cross-fs)
    }
    if (!dir_fd.valid()) {
      warning(rel, fmt::format("directory skipped: {}", std::strerror(errno)));
      return {};
    }
    if (!opened.checked_filesystem && !options.cross_filesystems) {
      struct stat dir_stat{};
      if (::fstat(dir_fd.get(), &dir_stat) != 0 || dir_stat.st_dev != root_dev) {
        return {};
      }
    }
    return dir_fd;
  }

  void scan_directory(unsigned worker, const std::string& rel, std::vector<char>& dents) {
    UniqueFd dir_fd = open_directory(rel);
    if (!dir_fd.valid()) {
      return;
    }
    counters.dirs.fetch_add(1, std::memory_order_relaxed);
    std::string child;
    std::vector<std::string> subdirs;
    while (true) {
      const long got = ::syscall(SYS_getdents64, dir_fd.get(), dents.data(), dents.size());
      if (got < 0) {
        warning(rel, fmt::format("directory listing stopped: {}", std::strerror(errno)));
        break;
      }
      if (got == 0) {
        break;
      }
      for (long pos = 0; pos < got;) {
        const auto* entry = reinterpret_cast<const KernelDirent*>(dents.data() + pos);
        pos += entry->reclen;
        visit_entry(worker, dir_fd.get(), rel, entry->name, entry->type, child, subdirs);
      }
    }
    queue.push_all(subdirs);
  }

  void visit_entry(unsigned worker, int dir_fd, const std::string& rel, const char* entry_name, unsigned char type,
                   std::string& child, std::vector<std::string>& subdirs) {
    const std::string_view name = entry_name;
    if (name == "." || name == "..") {
      return;
    }
    child.assign(rel);
    if (!child.empty()) {
      child += '/';
    }
    child += name;
    struct stat st{};
    if (type == DT_UNKNOWN || type == DT_REG) {
      if (::fstatat(dir_fd, entry_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return;
      }
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    if (type == DT_DIR) {
      if (!skipped(child)) {
        subdirs.push_back(child);
      }
    } else if (type == DT_REG) {
      counters.files.fetch_add(1, std::memory_order_relaxed);
      const FileInfo info{child, base_name_of(child), static_cast<uint64_t>(st.st_size),
                          (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0};
      visit(worker, dir_fd, info);
    }
    // Symlinks, devices, sockets and FIFOs are never followed or read.
  }

  static std::string_view base_name_of(std::string_view path) {
    const size_t pos = path.rfind('/');
    return pos == std::string_view::npos ? path : path.substr(pos + 1);
  }

  void run_worker(unsigned worker) {
    std::string dir;
    std::vector<char> dents(64 * 1024);
    while (queue.pop(dir)) {
      scan_directory(worker, dir, dents);
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
  struct stat root_stat{};
  if (::fstat(root_fd, &root_stat) != 0 || !S_ISDIR(root_stat.st_mode)) {
    return fail("not a readable directory");
  }
  WalkContext context{root_fd, root_stat.st_dev, options, visit, warn, counters, {}, {}};
  const unsigned threads = walker_threads(options);
  context.queue.set_workers(threads);
  std::vector<std::string> top{""};
  context.queue.push_all(top);
  std::vector<std::jthread> workers;
  workers.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) {
    workers.emplace_back([&context, i] { context.run_worker(i); });
  }
  return {};
}

}  // namespace vigil::scan
