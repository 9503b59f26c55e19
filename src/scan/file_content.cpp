// Reads a walked file once into the worker's reusable buffer (read() beats mmap on our VMs: KERNEL.md).
#include "scan/file_content.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigil::scan {

Result<std::string_view> FileContent::bytes() {
  if (loaded_) {
    return std::string_view(buffer_);
  }
  if (info_.size > kMaxWholeRead) {
    return fail(fmt::format("file is {} bytes, over the {} MiB limit for whole-file analysis", info_.size,
                            kMaxWholeRead >> 20));
  }
  buffer_.resize(static_cast<size_t>(info_.size));
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::pread(fd_.get(), buffer_.data() + done, buffer_.size() - done, static_cast<off_t>(done));
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
  buffer_.resize(done);
  loaded_ = true;
  return std::string_view(buffer_);
}

Result<size_t> FileContent::read_at(uint64_t offset, std::span<char> out) const {
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

Result<std::string> FileContent::read_sibling(const std::string& name, uint64_t limit) const {
  UniqueFd fd(::openat(dir_fd_, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0) {
    return fail(fmt::format("{}: {}", name, std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) > limit) {
    return fail(fmt::format("{}: not a regular file of at most {} bytes", name, limit));
  }
  std::string out(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd.get(), out.data() + done, out.size() - done, static_cast<off_t>(done));
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

}  // namespace vigil::scan
