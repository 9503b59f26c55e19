// The log follower's file handling (follower.hpp): open, read a block, notice rotation and truncation.
#include "incidents/flood/follower.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace vigil::incidents::flood {

LogFollower::LogFollower(FollowerOptions options) : options_(std::move(options)) {
  options_.block_bytes = std::max<size_t>(options_.block_bytes, 4096);
  options_.max_line_bytes = std::max<size_t>(options_.max_line_bytes, 64);
}

// The first open skips existing content unless from_start; a file that appears later (created after we started,
// or the new file after a rotation) is read from its beginning.
bool LogFollower::open_file(bool at_end) {
  first_open_ = false;
  UniqueFd fd(::open(options_.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid()) return false;
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) return false;
  offset_ = at_end ? ::lseek(fd.get(), 0, SEEK_END) : 0;
  if (offset_ < 0) offset_ = 0;
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  fd_ = std::move(fd);
  return true;
}

Result<size_t> LogFollower::read_block() {
  if (!fd_.valid() && !open_file(first_open_ && !options_.from_start)) return size_t{0};  // not there (yet)
  const size_t old = buffer_.size();
  buffer_.resize(old + options_.block_bytes);
  ssize_t n = 0;
  do {
    n = ::read(fd_.get(), buffer_.data() + old, options_.block_bytes);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    const int err = errno;
    buffer_.resize(old);
    return fail(options_.path + ": cannot read: " + std::strerror(err));
  }
  buffer_.resize(old + static_cast<size_t>(n));
  offset_ += n;
  stats_.bytes += static_cast<uint64_t>(n);
  return static_cast<size_t>(n);
}

bool LogFollower::finish_if_rotated() {
  if (!fd_.valid()) return false;
  struct stat at_path{};
  if (::stat(options_.path.c_str(), &at_path) != 0) return false;  // renamed away, no new file yet: keep reading
  if (at_path.st_dev != dev_ || at_path.st_ino != ino_) {
    ++stats_.rotations;
    fd_.reset();  // the old file is read to its end; the next read opens the new one from its start
    return true;
  }
  struct stat open_file{};
  if (::fstat(fd_.get(), &open_file) == 0 && open_file.st_size < offset_) {  // truncated (copytruncate)
    ++stats_.truncations;
    offset_ = ::lseek(fd_.get(), 0, SEEK_SET);
    if (offset_ < 0) offset_ = 0;
    buffer_.clear();  // a partial line from before the truncation has no end any more
    skipping_ = false;
  }
  return false;
}

}  // namespace vigil::incidents::flood
