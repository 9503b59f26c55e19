// Reads a walked file once into the worker's reusable buffer (read() beats mmap on our VMs: KERNEL.md).
#include "scan/file_content.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vigil::scan {
namespace {

// Reads a regular file of known size from its start (fewer bytes if it shrank meanwhile).
std::string read_from_start(int fd, uint64_t size) {
  std::string out(static_cast<size_t>(size), '\0');
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}

// Kernels before 5.6 lack openat2: one component at a time, no symlink followed, no "..", no absolute path.
int open_beneath_fallback(int root_fd, const std::string& rel, int flags) {
  if (rel.empty() || rel.front() == '/') {
    errno = EXDEV;
    return -1;
  }
  UniqueFd dir;
  int at = root_fd;
  size_t pos = 0;
  while (true) {
    const size_t slash = rel.find('/', pos);
    const std::string part = rel.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    if (part == "..") {
      errno = EXDEV;
      return -1;
    }
    if (slash == std::string::npos) {
      return ::openat(at, part.c_str(), flags);
    }
    pos = slash + 1;
    if (part.empty() || part == ".") {
      continue;
    }
    UniqueFd next(::openat(at, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.valid()) {
      return -1;
    }
    dir = std::move(next);
    at = dir.get();
  }
}

int open_beneath(int root_fd, const std::string& rel, int flags) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  const long fd = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof(how));
  if (fd < 0 && errno == ENOSYS) {
    return open_beneath_fallback(root_fd, rel, flags);
  }
  return static_cast<int>(fd);
}

// A failure whose reason also stays in errno for callers that act on it.
tl::unexpected<Error> fail_errno(int err, std::string message) {
  auto failure = fail(std::move(message));
  errno = err;
  return failure;
}

}  // namespace

Result<size_t> FileContent::read_streamed(uint64_t offset, std::span<char> out) const {
  if (offset < window_start_) {
    return fail("streamed file: cannot read backwards");
  }
  // Drop what lies before offset, then pull until the window covers the request or the stream ends.
  const uint64_t drop = std::min<uint64_t>(offset - window_start_, window_.size());
  window_.erase(0, static_cast<size_t>(drop));
  window_start_ += drop;
  while (window_start_ + window_.size() < offset + out.size() && !stream_ended_) {
    const size_t have = window_.size();
    const size_t want = std::max<size_t>(out.size(), 1U << 16);
    window_.resize(have + want);
    auto n = pull_(std::span<char>(window_.data() + have, want));
    if (!n) {
      window_.resize(have);
      return tl::unexpected(n.error());
    }
    window_.resize(have + *n);
    stream_ended_ = *n == 0;
  }
  if (offset > window_start_ + window_.size()) {
    return size_t{0};
  }
  const size_t skip = static_cast<size_t>(offset - window_start_);
  return static_cast<size_t>(window_.copy(out.data(), out.size(), skip));
}

Result<std::string_view> FileContent::bytes() {
  if (streaming_) {
    return fail("file is streamed from an image layer and not held whole");
  }
  if (info_.size > kMaxWholeRead) {
    return fail(fmt::format("file is {} bytes, over the {} MiB limit for whole-file analysis", info_.size,
                            kMaxWholeRead >> 20));
  }
  if (in_memory_) {
    return memory_;
  }
  std::string& buffer = *buffer_;
  if (loaded_) {
    return std::string_view(buffer);
  }
  buffer.resize(static_cast<size_t>(info_.size));
  size_t done = 0;
  while (done < buffer.size()) {
    const ssize_t n = ::pread(fd_.get(), buffer.data() + done, buffer.size() - done, static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(fmt::format("read failed: {}", std::strerror(errno)));
    }
    if (n == 0) {
      break;  // file shrank since it was stat'ed
    }
    done += static_cast<size_t>(n);
  }
  buffer.resize(done);
  loaded_ = true;
  return std::string_view(buffer);
}

Result<size_t> FileContent::read_at(uint64_t offset, std::span<char> out) const {
  if (streaming_) {
    return read_streamed(offset, out);
  }
  if (in_memory_) {
    if (info_.size > kMaxWholeRead) {
      return fail(fmt::format("file is {} bytes, over the {} MiB limit for files read from image layers", info_.size,
                              kMaxWholeRead >> 20));
    }
    if (offset >= memory_.size()) {
      return size_t{0};
    }
    return static_cast<size_t>(memory_.copy(out.data(), out.size(), static_cast<size_t>(offset)));
  }
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd_.get(), out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(fmt::format("read failed: {}", std::strerror(errno)));
    }
    if (n == 0) {
      break;
    }
    done += static_cast<size_t>(n);
  }
  return done;
}

Result<std::string> FileContent::find_neighbour(const std::string& relative_to_root, uint64_t limit) const {
  const std::string* found = neighbours_ != nullptr ? neighbours_->find(relative_to_root) : nullptr;
  if (found == nullptr && neighbours_ != nullptr && neighbours_->has_files_under(relative_to_root)) {
    return fail_errno(EISDIR, fmt::format("{}: is a directory", relative_to_root));
  }
  if (found == nullptr) {
    return fail_errno(ENOENT, fmt::format("{}: not found in the same layer", relative_to_root));
  }
  if (found->size() > limit) {
    return fail_errno(EFBIG, fmt::format("{}: {} bytes, over the limit of {}", relative_to_root, found->size(), limit));
  }
  return *found;
}

Result<std::string> FileContent::read_sibling(const std::string& name, uint64_t limit) const {
  if (in_memory_ || streaming_) {
    const size_t slash = info_.path.rfind('/');
    const std::string dir =
        slash == std::string_view::npos ? std::string() : std::string(info_.path.substr(0, slash + 1));
    return find_neighbour(dir + name, limit);
  }
  UniqueFd fd(::openat(dir_fd_, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
  struct stat st{};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0) {
    return fail(fmt::format("{}: {}", name, std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) > limit) {
    return fail(fmt::format("{}: not a regular file of at most {} bytes", name, limit));
  }
  return read_from_start(fd.get(), static_cast<uint64_t>(st.st_size));
}

Result<std::string> FileContent::read_beneath_root(const std::string& relative_to_root, uint64_t limit) const {
  const std::string& rel = relative_to_root;
  if (in_memory_ || streaming_) {
    return find_neighbour(rel, limit);
  }
  // Look before opening for reading: opening a device node (say dev/watchdog in a root filesystem scan) acts.
  struct stat st{};
  {
    UniqueFd probe(open_beneath(root_fd_, rel, O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!probe.valid() || ::fstat(probe.get(), &st) != 0) {
      const int err = errno;
      return fail_errno(err, fmt::format("{}: {}", rel, std::strerror(err)));
    }
  }
  if (S_ISLNK(st.st_mode)) {  // O_PATH | O_NOFOLLOW hands back the link itself
    return fail_errno(ELOOP, fmt::format("{}: is a symbolic link; not followed", rel));
  }
  if (S_ISDIR(st.st_mode)) {
    return fail_errno(EISDIR, fmt::format("{}: is a directory", rel));
  }
  if (!S_ISREG(st.st_mode)) {
    return fail_errno(EINVAL, fmt::format("{}: not a regular file", rel));
  }
  UniqueFd fd(open_beneath(root_fd_, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0) {
    const int err = errno;
    return fail_errno(err, fmt::format("{}: {}", rel, std::strerror(err)));
  }
  if (!S_ISREG(st.st_mode)) {
    return fail_errno(EINVAL, fmt::format("{}: not a regular file", rel));
  }
  if (static_cast<uint64_t>(st.st_size) > limit) {
    return fail_errno(EFBIG, fmt::format("{}: {} bytes, over the limit of {}", rel, st.st_size, limit));
  }
  return read_from_start(fd.get(), static_cast<uint64_t>(st.st_size));
}

}  // namespace vigil::scan
