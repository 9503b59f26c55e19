// Test helpers for image layers: tar archives written by libarchive in memory (including hostile entries a normal
// tool would refuse to write), and a BlobReader over bytes.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/sha256.hpp"
#include "image/layer_reader.hpp"
#include "image/source.hpp"

namespace vigil::test {

struct TarEntry {
  std::string path;
  std::string content;  // regular files
  char type = 'f';      // f file, d directory, l symlink, h hardlink, c char device, p FIFO
  std::string link;     // l and h
  unsigned mode = 0644;
};

enum class Compression { None, Gzip, Zstd };

inline la_ssize_t append_to_string(archive*, void* out, const void* data, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

inline std::string make_tar(const std::vector<TarEntry>& entries, Compression compression = Compression::None) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (compression == Compression::Gzip) archive_write_add_filter_gzip(a);
  if (compression == Compression::Zstd) archive_write_add_filter_zstd(a);
  archive_write_set_bytes_in_last_block(a, 1);
  if (archive_write_open(a, &out, nullptr, append_to_string, nullptr) != ARCHIVE_OK) {
    throw std::runtime_error(archive_error_string(a));
  }
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_perm(entry, e.mode);
    switch (e.type) {
      case 'd': archive_entry_set_filetype(entry, AE_IFDIR); break;
      case 'l':
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink(entry, e.link.c_str());
        break;
      case 'h':
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink(entry, e.link.c_str());
        break;
      case 'c':
        archive_entry_set_filetype(entry, AE_IFCHR);
        archive_entry_set_rdevmajor(entry, 1);
        archive_entry_set_rdevminor(entry, 3);
        break;
      case 'p': archive_entry_set_filetype(entry, AE_IFIFO); break;
      default:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
    }
    archive_write_header(a, entry);
    if (e.type == 'f' && !e.content.empty()) archive_write_data(a, e.content.data(), e.content.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// Uncompressed digest of a tar made by make_tar(..., Compression::None): what a config's diff_id would say.
inline std::string digest_of(std::string_view bytes) {
  return sha256_digest(bytes);
}

// A blob served from memory in small reads (to exercise buffering), unverified: LayerReader checks diff_id.
class MemoryBlob final : public image::BlobReader {
 public:
  explicit MemoryBlob(std::string bytes, size_t step = 7001) : bytes_(std::move(bytes)), step_(step) {}
  Result<size_t> read(std::span<char> out) override {
    const size_t n = std::min({out.size(), step_, bytes_.size() - pos_});
    std::memcpy(out.data(), bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string bytes_;
  size_t step_;
  size_t pos_ = 0;
};

inline Result<std::unique_ptr<image::LayerReader>> open_layer(std::string blob, std::string diff_id = {},
                                                              const image::LayerLimits& limits = {}) {
  return image::LayerReader::open(std::make_unique<MemoryBlob>(std::move(blob)), std::move(diff_id), limits);
}

// Every entry of a layer (fails the test's expectations through the Result).
inline Result<std::vector<image::LayerEntry>> read_entries(image::LayerReader& reader) {
  std::vector<image::LayerEntry> out;
  while (true) {
    auto e = reader.next();
    if (!e) return tl::unexpected(e.error());
    if (!*e) return out;
    out.push_back(std::move(**e));
  }
}

}  // namespace vigil::test
