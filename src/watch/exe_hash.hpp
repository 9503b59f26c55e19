// SHA-256 of the program a process runs, for detections (`process.sha256`): read through /proc/PID/exe, which
// works even when the file was deleted or replaced, and cached by (device, inode, mtime, size) so a program
// run a thousand times is hashed once. Bounded: the cache is emptied when it reaches max_entries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace vigil::watch {

class ExeHashCache {
 public:
  explicit ExeHashCache(std::string proc_root = "/proc", size_t max_entries = 4096, uint64_t max_bytes = 256U << 20U)
      : proc_root_(std::move(proc_root)), max_entries_(max_entries), max_bytes_(max_bytes) {}
  // Through /proc/PID/exe, or `path` when the process is already gone; "" when neither can be read or the file
  // is larger than max_bytes.
  std::string sha256(int32_t pid, const std::string& path = "");
  [[nodiscard]] size_t hashed() const { return hashed_; }  // files actually read (cache misses)

 private:
  using Key = std::tuple<uint64_t, uint64_t, int64_t, int64_t, uint64_t>;  // dev, inode, mtime s, ns, size
  std::string proc_root_;
  size_t max_entries_;
  uint64_t max_bytes_;
  std::map<Key, std::string> cache_;
  size_t hashed_ = 0;
};

}  // namespace vigil::watch
