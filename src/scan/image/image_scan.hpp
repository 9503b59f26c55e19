// `scan image`: every layer analysed on its own (in parallel, or taken from the layer cache), then the layers
// stacked as an overlay would stack them: what a later layer deletes or overwrites is gone from the final view
// (secrets stay reported: they are still in the lower layer's blob), and each package and secret points at the
// layer that introduced it. Image config checks run on the config.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "image/layer_reader.hpp"
#include "image/source.hpp"
#include "model/image.hpp"
#include "model/package.hpp"
#include "scan/image/layer_cache.hpp"
#include "scan/image/layer_scan.hpp"
#include "scan/secrets/scanner.hpp"

namespace vigil::scan {

struct ImageScanOptions {
  image_layers::LayerScanOptions layers;
  image_layers::LayerCache* cache = nullptr;            // nullptr: no cache
  const secrets::SecretScanner* env_secrets = nullptr;  // scans the config's Env; nullptr: not scanned
  unsigned threads = 0;                                 // layers read at once; 0: one per core
  image::LayerLimits limits;                            // per layer: entries, uncompressed bytes, name length
  // Called when a layer is done (from worker threads, serialised): index, whether it came from the cache.
  std::function<void(size_t layer, size_t layers, bool cached)> progress;
};

struct ImageScanStats {
  size_t layers_cached = 0;
  size_t layers_scanned = 0;
  uint64_t bytes_uncompressed = 0;  // of the layers scanned
};

struct ImageScan {
  model::ImageSummary image;
  model::Inventory inventory;  // packages and secrets carry their layer; misconfigurations from config checks
  ImageScanStats stats;
};

Result<ImageScan> scan_image(image::ImageSource& source, const image::ResolvedImage& resolved,
                             const ImageScanOptions& options);

// The stacking step on its own (tests): layers bottom first, with their refs.
model::Inventory stack_layers(std::span<const image_layers::LayerFindings> layers,
                              std::span<const model::LayerPtr> refs);

}  // namespace vigil::scan
