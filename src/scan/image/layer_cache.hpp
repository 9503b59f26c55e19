// Per-layer results kept between runs, so a second image on the same base skips the base layers. One SQLite
// file (WAL, busy timeout) shared safely by concurrent vigil processes; keyed by the layer's verified diff_id
// and everything else that changes the result (analyzer names and versions, file scanners' keys, this format).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "scan/image/layer_scan.hpp"

namespace vigil::scan::image_layers {

// $XDG_CACHE_HOME/vigil/layers.db, else ~/.cache/vigil/layers.db; empty without HOME.
std::string default_layer_cache_path();

// The cache key of a layer: a sha256 over diff_id and the inputs that shape LayerFindings.
std::string layer_cache_key(std::string_view diff_id, const LayerScanOptions& options);

// Serialisation of LayerFindings (our own compact binary format: length-prefixed fields, bounds-checked on read).
std::string encode_findings(const LayerFindings& findings);
Result<LayerFindings> decode_findings(std::string_view bytes);

class LayerCache {
 public:
  // Creates the file (and its directory, mode 0700) if needed.
  static Result<LayerCache> open(const std::string& path);
  LayerCache(LayerCache&&) noexcept;
  LayerCache& operator=(LayerCache&&) noexcept;
  ~LayerCache();

  // nullopt on a miss; an unreadable or corrupt entry is a miss too (and is overwritten by the next put).
  std::optional<LayerFindings> get(const std::string& key);
  Result<void> put(const std::string& key, const LayerFindings& findings);
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  struct Impl;
  explicit LayerCache(std::unique_ptr<Impl> impl, std::string path);
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

}  // namespace vigil::scan::image_layers
