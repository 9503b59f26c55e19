// Orchestrates an image scan: cached layers are taken as they are, the others are read in parallel (each layer
// is one stream: decompression is sequential within it), then the layers are stacked (stack.cpp) and the config
// checked (config_checks.cpp).
#include "scan/image/image_scan.hpp"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "scan/image/config_checks.hpp"

namespace vigil::scan {
namespace {

using image_layers::LayerFindings;

std::vector<model::LayerPtr> layer_refs(const image::ResolvedImage& resolved) {
  std::vector<model::LayerPtr> refs;
  for (size_t i = 0; i < resolved.manifest.layers.size(); ++i) {
    auto ref = std::make_shared<model::LayerRef>();
    ref->index = static_cast<int>(i);
    ref->digest = resolved.manifest.layers[i].digest;
    ref->diff_id = i < resolved.config.diff_ids.size() ? resolved.config.diff_ids[i] : std::string();
    if (const auto* h = formats::oci::history_for_layer(resolved.config, i)) ref->created_by = h->created_by;
    ref->size = static_cast<uint64_t>(std::max<int64_t>(resolved.manifest.layers[i].size, 0));
    refs.push_back(std::move(ref));
  }
  return refs;
}

Result<LayerFindings> read_layer(image::ImageSource& source, const image::ResolvedImage& resolved, size_t i,
                                 const ImageScanOptions& options, uint64_t& uncompressed) {
  const auto& descriptor = resolved.manifest.layers[i];
  if (!descriptor.urls.empty()) {
    return fail(fmt::format("layer {} ({}) is a foreign layer (urls); not fetched", i, descriptor.digest));
  }
  auto blob = source.open_blob(descriptor);
  if (!blob) return fail(fmt::format("layer {} ({}): {}", i, descriptor.digest, blob.error().message));
  // An uncompressed layer's blob digest is its diff_id, and the source already verifies the blob: hash it once.
  const std::string& diff_id = resolved.config.diff_ids[i];
  auto reader = image::LayerReader::open(std::move(*blob), descriptor.digest == diff_id ? std::string() : diff_id,
                                         options.limits);
  if (!reader) return fail(fmt::format("layer {} ({}): {}", i, descriptor.digest, reader.error().message));
  auto findings = image_layers::scan_layer(**reader, options.layers);
  if (!findings) return fail(fmt::format("layer {} ({}): {}", i, descriptor.digest, findings.error().message));
  uncompressed += (*reader)->uncompressed_bytes();
  return findings;
}

}  // namespace

Result<ImageScan> scan_image(image::ImageSource& source, const image::ResolvedImage& resolved,
                             const ImageScanOptions& options) {
  const size_t n = resolved.manifest.layers.size();
  if (resolved.config.diff_ids.size() != n) {
    return fail(fmt::format("image config lists {} diff_ids for {} layers", resolved.config.diff_ids.size(), n));
  }
  ImageScan result;
  std::vector<LayerFindings> layers(n);
  std::vector<std::string> keys(n);
  std::vector<size_t> todo;
  for (size_t i = 0; i < n; ++i) {
    keys[i] = image_layers::layer_cache_key(resolved.config.diff_ids[i], options.layers);
    std::optional<LayerFindings> cached = options.cache ? options.cache->get(keys[i]) : std::nullopt;
    if (cached) {
      layers[i] = std::move(*cached);
      ++result.stats.layers_cached;
      if (options.progress) options.progress(i, n, true);
    } else {
      todo.push_back(i);
    }
  }

  std::mutex mutex;  // guards the cache, progress, errors and stats below
  std::optional<Error> first_error;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t k = next++; k < todo.size(); k = next++) {
      const size_t i = todo[k];
      uint64_t uncompressed = 0;
      auto findings = read_layer(source, resolved, i, options, uncompressed);
      std::lock_guard lock(mutex);
      if (!findings) {
        if (!first_error) first_error = findings.error();
        next = todo.size();  // stop handing out layers
        return;
      }
      if (options.cache) {
        if (auto stored = options.cache->put(keys[i], *findings); !stored) {
          findings->warnings.push_back({"", 0, stored.error().message});  // the scan still stands
        }
      }
      layers[i] = std::move(*findings);
      ++result.stats.layers_scanned;
      result.stats.bytes_uncompressed += uncompressed;
      if (options.progress) options.progress(i, n, false);
    }
  };
  unsigned threads = options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, todo.size()));
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    if (threads > 0) work();
  }
  if (first_error) return tl::unexpected(*first_error);

  result.image.reference = source.name();
  result.image.manifest_digest = resolved.manifest_digest;
  result.image.index_digest = resolved.index_digest;
  result.image.config_digest = resolved.manifest.config.digest;
  result.image.platform = formats::oci::platform_string(resolved.config.platform);
  result.image.user = resolved.config.user;
  result.image.layers = layer_refs(resolved);
  result.inventory = stack_layers(layers, result.image.layers);
  image_checks::check_config(resolved.config, result.image.layers, options.env_secrets, result.inventory);
  return result;
}

}  // namespace vigil::scan
