// The OCI image layout logic shared by the `oci:` directory source and the `oci-archive:` tar source: the
// oci-layout marker, index.json, choosing the image by tag, and blobs at blobs/<alg>/<hex>. Only where the
// files come from differs (LayoutFiles).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "image/source.hpp"

namespace vigil::image {

// Access to the files of a layout, by path relative to its root ("index.json", "blobs/sha256/<hex>").
class LayoutFiles {
 public:
  virtual ~LayoutFiles() = default;
  // The whole file, failing when larger than limit.
  virtual Result<std::string> read_file(std::string_view rel, uint64_t limit) = 0;
  // A raw, unverified stream of the file (the layout source wraps it with verify_blob).
  virtual Result<std::unique_ptr<BlobReader>> open_file(std::string_view rel) = 0;
};

// Checks the layout (oci-layout, index.json) and picks the image named by ref.tag; messages name ref.path.
Result<std::unique_ptr<ImageSource>> open_layout_source(std::unique_ptr<LayoutFiles> files,
                                                        const oci::ImageReference& ref);

}  // namespace vigil::image
