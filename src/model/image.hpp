// A scanned container image: what it is (digests, platform) and its layers, which findings point back to.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vigil::model {

// One layer of an image. Findings share one LayerRef per layer (shared_ptr), so attributing thousands of
// packages to a layer costs a pointer each.
struct LayerRef {
  int index = 0;           // 0-based, bottom first
  std::string digest;      // the blob digest in the manifest (compressed for registry images)
  std::string diff_id;     // digest of the uncompressed tar (config rootfs.diff_ids): the same in every form
  std::string created_by;  // the build line that made the layer, from the config history; may be empty
  uint64_t size = 0;       // blob bytes
};
using LayerPtr = std::shared_ptr<const LayerRef>;

struct ImageSummary {
  std::string reference;        // as resolved: "oci:/tmp/l:1.0", "127.0.0.1:5000/app:1.0"
  std::string manifest_digest;  // of the single-platform manifest
  std::string index_digest;     // when the reference named an index
  std::string config_digest;
  std::string platform;  // "linux/amd64"
  std::string user;      // config User; empty = root
  std::vector<LayerPtr> layers;
};

}  // namespace vigil::model
