// `oci-archive:FILE[:tag]`: an OCI image layout inside a tar (what `skopeo copy ... oci-archive:` writes),
// read in place through the tar index; nothing is extracted.
#include <fmt/format.h>

#include "image/local_sources.hpp"
#include "image/oci_layout.hpp"
#include "image/tar_archive.hpp"

namespace vigil::image {
namespace {

class TarLayoutFiles final : public LayoutFiles {
 public:
  explicit TarLayoutFiles(std::unique_ptr<TarArchive> tar) : tar_(std::move(tar)) {}

  Result<std::string> read_file(std::string_view rel, uint64_t limit) override { return tar_->read_entry(rel, limit); }

  Result<std::unique_ptr<BlobReader>> open_file(std::string_view rel) override { return tar_->open_entry(rel); }

 private:
  std::unique_ptr<TarArchive> tar_;
};

}  // namespace

Result<std::unique_ptr<ImageSource>> open_oci_archive(const oci::ImageReference& ref) {
  auto tar = TarArchive::open(ref.path);
  if (!tar) return tl::unexpected(tar.error());
  return open_layout_source(std::make_unique<TarLayoutFiles>(std::move(*tar)), ref);
}

}  // namespace vigil::image
