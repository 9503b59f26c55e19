// A file the walker handed to analyzers: read at most once, shared by every analyzer that wants it.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/unique_fd.hpp"

namespace vigil::scan {

// What an analyzer may look at before the file is opened.
struct FileInfo {
  std::string_view path;  // relative to the scan root, '/'-separated, no leading '/'
  std::string_view name;  // last component of path
  uint64_t size = 0;
  bool executable = false;  // any x bit set
};

// Files a FileContent that is not on disk (an image layer entry) may read beside itself: the engine keeps the
// few files that analyzers read as neighbours (go.sum, pom.xml) in memory and looks them up here.
class FileLookup {
 public:
  virtual ~FileLookup() = default;
  // path relative to the scan root, as FileInfo::path; nullptr when absent.
  [[nodiscard]] virtual const std::string* find(std::string_view path) const = 0;
  // True when some kept file lies below dir (then dir is a directory, as far as the engine knows).
  [[nodiscard]] virtual bool has_files_under(std::string_view dir) const = 0;
};

class FileContent {
 public:
  // Largest file read whole; bigger ones are only reachable through read_at().
  static constexpr uint64_t kMaxWholeRead = 256ULL << 20;

  // dir_fd: the directory the file is in; root_fd: the scan root info.path is relative to (neither owned).
  FileContent(FileInfo info, UniqueFd fd, int dir_fd, int root_fd, std::string& buffer)
      : info_(info), fd_(std::move(fd)), dir_fd_(dir_fd), root_fd_(root_fd), buffer_(&buffer) {}
  // Pulls the next bytes of a streamed file; 0 at its end.
  using StreamPull = std::function<Result<size_t>(std::span<char>)>;
  // A file read front to back from a stream and never held whole (a large image layer entry that only file
  // scanners want): read_at() may only move forward (each offset at least the previous one); bytes() fails.
  FileContent(FileInfo info, StreamPull pull) : info_(info), pull_(std::move(pull)), streaming_(true) {}
  // A file already in memory (read from a layer stream). memory is empty when info.size is over kMaxWholeRead:
  // then bytes() and read_at() fail. neighbours serves read_sibling / read_beneath_root (may be nullptr).
  FileContent(FileInfo info, std::string_view memory, const FileLookup* neighbours)
      : info_(info), memory_(memory), in_memory_(true), neighbours_(neighbours) {}

  [[nodiscard]] const FileInfo& info() const { return info_; }
  // The whole file (read once, then cached); an error names the reason, the caller adds the path.
  Result<std::string_view> bytes();
  // Reads up to out.size() bytes at offset; returns how many were read.
  Result<size_t> read_at(uint64_t offset, std::span<char> out) const;
  // A regular file beside this one (same directory, no symlinks), for formats that span two files
  // (go.mod + go.sum). Errors when it is absent, not regular, or larger than limit.
  Result<std::string> read_sibling(const std::string& name, uint64_t limit) const;
  // A regular file anywhere below the scan root (path relative to it, as FileInfo::path), for formats that point
  // at other files (a pom.xml's parent). The kernel refuses to leave the root or follow any symlink on the way
  // (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS). On failure errno says why: ENOENT absent, ELOOP a symlink,
  // EXDEV outside the root, EISDIR a directory, EFBIG larger than limit, EINVAL not a regular file.
  Result<std::string> read_beneath_root(const std::string& relative_to_root, uint64_t limit) const;

 private:
  FileInfo info_;
  UniqueFd fd_;
  int dir_fd_ = -1;                // the directory the walker has open; not owned
  int root_fd_ = -1;               // the scan root; not owned
  std::string* buffer_ = nullptr;  // owned by the worker thread and reused across files
  bool loaded_ = false;
  std::string_view memory_;  // in-memory files: the whole content
  bool in_memory_ = false;
  const FileLookup* neighbours_ = nullptr;
  StreamPull pull_;  // streamed files: the source, and the bytes from window_start_ kept for read_at()
  bool streaming_ = false;
  mutable std::string window_;
  mutable uint64_t window_start_ = 0;
  mutable bool stream_ended_ = false;
  Result<size_t> read_streamed(uint64_t offset, std::span<char> out) const;
  Result<std::string> find_neighbour(const std::string& relative_to_root, uint64_t limit) const;
};

}  // namespace vigil::scan
