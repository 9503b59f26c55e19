// Random access to the files of a tar archive without extracting it (oci-archive and docker-archive sources):
// one pass builds an index of entry names, and each file is later streamed by re-reading the archive with
// libarchive and skipping to its entry (skips are seeks on an uncompressed tar).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/unique_fd.hpp"
#include "image/source.hpp"

namespace vigil::image {

struct TarLimits {
  uint64_t max_entries = 100'000;
  size_t max_name_bytes = 4096;
};

class TarArchive {
 public:
  struct Entry {
    uint64_t ordinal = 0;  // position among all headers of the archive, for the skip on re-open
    uint64_t size = 0;
  };

  // Opens the file (O_CLOEXEC) and indexes its regular files. Entries with absolute names or ".." are not
  // indexed (counted in skipped_names()); names are normalised ("./a//b" -> "a/b").
  static Result<std::unique_ptr<TarArchive>> open(const std::string& path, const TarLimits& limits = {});

  // The regular file `name` (normalised like the index), or nullptr.
  [[nodiscard]] const Entry* find(std::string_view name) const;
  // Its bytes as a raw (unverified) stream; the reader keeps the file open on its own.
  Result<std::unique_ptr<BlobReader>> open_entry(std::string_view name) const;
  // The whole file, failing when it is larger than limit.
  Result<std::string> read_entry(std::string_view name, uint64_t limit) const;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] uint64_t skipped_names() const { return skipped_names_; }
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  TarArchive(std::string path, std::shared_ptr<const UniqueFd> fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  Result<void> build_index(const TarLimits& limits);

  std::string path_;
  std::shared_ptr<const UniqueFd> fd_;
  std::map<std::string, Entry, std::less<>> index_;
  uint64_t skipped_names_ = 0;
};

}  // namespace vigil::image
