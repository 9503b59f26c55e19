#include "watch/exe_hash.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/sha256.hpp"
#include "core/unique_fd.hpp"

namespace vigil::watch {

std::string ExeHashCache::sha256(int32_t pid, const std::string& path) {
  const std::string exe = proc_root_ + "/" + std::to_string(pid) + "/exe";
  UniqueFd fd(::open(exe.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid() && path.starts_with('/')) fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  struct stat st{};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return {};
  if (static_cast<uint64_t>(st.st_size) > max_bytes_) return {};
  const Key key{st.st_dev, st.st_ino, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, static_cast<uint64_t>(st.st_size)};
  if (const auto it = cache_.find(key); it != cache_.end()) return it->second;
  Sha256 hash;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return {};
    if (n == 0) break;
    hash.update({buffer, static_cast<size_t>(n)});
  }
  ++hashed_;
  if (cache_.size() >= max_entries_) cache_.clear();
  return cache_.emplace(key, hash.hex()).first->second;
}

}  // namespace vigil::watch
