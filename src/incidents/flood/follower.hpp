// Follows a growing log file like `tail -F`: reads appended data in large blocks and hands over whole lines;
// survives rotation by rename (finishes the old file, then opens the new one at the path) and truncation
// (copytruncate: starts again at 0). Polling, no inotify: the caller calls poll() every 100-200 ms.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/unique_fd.hpp"

namespace vigil::incidents::flood {

struct FollowerOptions {
  std::string path;
  bool from_start = false;             // read what the file already holds (default: start at its end)
  size_t block_bytes = 1U << 20U;      // one read()
  size_t max_line_bytes = 64U << 10U;  // longer lines are skipped and counted
};

struct FollowerStats {
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t long_lines = 0;  // skipped
  uint64_t rotations = 0;   // a new file appeared at the path
  uint64_t truncations = 0;
};

class LogFollower {
 public:
  explicit LogFollower(FollowerOptions options);

  // Reads what is available now and calls on_line for each complete line (without its '\n'; the view is valid
  // during the call). Returns the bytes read; 0 means nothing new (then sleep before the next poll). A missing
  // file is waited for, not an error; read errors are.
  template <class F>
  Result<size_t> poll(F&& on_line) {
    size_t total = 0;
    for (;;) {
      auto n = read_block();
      if (!n) return tl::unexpected(n.error());
      if (*n == 0) break;
      total += *n;
      split_lines(on_line);
      if (total >= options_.block_bytes * 8) break;  // let the caller poll its detector and stop flag
    }
    if (total == 0 && finish_if_rotated()) split_final(on_line);
    return total;
  }

  [[nodiscard]] const FollowerStats& stats() const { return stats_; }
  [[nodiscard]] bool is_open() const { return fd_.get() >= 0; }

 private:
  Result<size_t> read_block();  // appends to buffer_; opens or reopens as needed
  bool open_file(bool at_end);
  // At the end of the open file: true when another file is now at the path (or the file shrank); the partial
  // line left from the old file is then handed over by split_final().
  bool finish_if_rotated();

  template <class F>
  void split_lines(F& on_line) {
    const char* data = buffer_.data();
    size_t start = 0;
    for (;;) {
      const void* nl = std::memchr(data + start, '\n', buffer_.size() - start);
      if (nl == nullptr) break;
      const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - data);
      if (skipping_) {
        skipping_ = false;
      } else {
        ++stats_.lines;
        on_line(std::string_view(data + start, end - start));
      }
      start = end + 1;
    }
    buffer_.erase(0, start);
    if (buffer_.size() > options_.max_line_bytes) {  // a line without end so far: skip it whole
      if (!skipping_) ++stats_.long_lines;
      skipping_ = true;
      buffer_.clear();
    }
  }
  template <class F>
  void split_final(F& on_line) {
    if (!buffer_.empty() && !skipping_) {
      ++stats_.lines;
      on_line(std::string_view(buffer_));
    }
    buffer_.clear();
    skipping_ = false;
  }

  FollowerOptions options_;
  UniqueFd fd_;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  off_t offset_ = 0;
  bool first_open_ = true;
  bool skipping_ = false;  // inside an over-long line: drop until its newline
  std::string buffer_;     // the partial last line (and the block being split)
  FollowerStats stats_;
};

}  // namespace vigil::incidents::flood
