// Sources that read images from local files: an OCI image layout directory, an oci-archive (a tar of a layout)
// and a docker-archive (what `docker save` and `skopeo copy ... docker-archive:` write). Nothing is unpacked.
#pragma once

#include <memory>

#include "image/source.hpp"

namespace vigil::image {

Result<std::unique_ptr<ImageSource>> open_oci_layout(const oci::ImageReference& ref);
Result<std::unique_ptr<ImageSource>> open_oci_archive(const oci::ImageReference& ref);
Result<std::unique_ptr<ImageSource>> open_docker_archive(const oci::ImageReference& ref);

}  // namespace vigil::image
