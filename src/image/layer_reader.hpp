// Reads one image layer as a stream of entries, without unpacking it: the blob (verified by its source) is
// decompressed by libarchive (gzip, zstd or none), the uncompressed tar is hashed on the way to check the
// config's diff_id, and every entry name is normalised and checked before anyone sees it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/result.hpp"
#include "image/source.hpp"

namespace vigil::image {

enum class EntryType { File, Directory, Symlink, Hardlink, Other };  // Other: devices, FIFOs, sockets

// What an overlay does with an entry: a plain entry, ".wh.NAME" (NAME deleted from lower layers), or
// ".wh..wh..opq" (the directory's lower contents hidden).
enum class Whiteout { None, Delete, Opaque };

struct LayerEntry {
  std::string path;  // relative, '/'-separated, no "./", no "..", no trailing '/'; for whiteouts: the target
  EntryType type = EntryType::File;
  Whiteout whiteout = Whiteout::None;
  uint64_t size = 0;        // File only: bytes of data
  uint32_t mode = 0;        // permission bits
  std::string link_target;  // Symlink / Hardlink, as written (never followed here)
};

struct LayerLimits {
  uint64_t max_entries = 4'000'000;
  uint64_t max_uncompressed_bytes = 256ULL << 30;  // a decompression bomb stops here with an error
  size_t max_path_bytes = 4096;
};

class LayerReader {
 public:
  // expected_diff_id: the config's rootfs.diff_ids entry for this layer ("" skips the check).
  static Result<std::unique_ptr<LayerReader>> open(std::unique_ptr<BlobReader> blob, std::string expected_diff_id,
                                                   const LayerLimits& limits = {});
  ~LayerReader();
  LayerReader(const LayerReader&) = delete;
  LayerReader& operator=(const LayerReader&) = delete;

  // The next entry, or nullopt at the end, once the blob digest and the diff_id have both been verified.
  // Entries with unsafe names (absolute, "..", NUL, too long) are skipped with a warning.
  Result<std::optional<LayerEntry>> next();
  // Data of the current File entry; 0 at its end. Unread data is skipped by next().
  Result<size_t> read(std::span<char> out);
  // Warnings gathered so far (unsafe names skipped, ...), moved out.
  std::vector<Diagnostic> take_warnings();
  [[nodiscard]] uint64_t uncompressed_bytes() const;

  struct Impl;

 private:
  explicit LayerReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Path normalisation used for every entry: strips leading "/" and "./", collapses "//" and "/./", drops a
// trailing '/'; returns nullopt for "..", empty names and names with NUL.
std::optional<std::string> normalize_entry_path(std::string_view raw);

}  // namespace vigil::image
