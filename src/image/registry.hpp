// Registry source: the OCI distribution API over libcurl (manifest negotiation, anonymous/Basic/Bearer auth,
// retries on 429 and 5xx, proxies from the environment, streamed and verified blobs).
#pragma once

#include <memory>

#include "image/source.hpp"

namespace vigil::image {

Result<std::unique_ptr<ImageSource>> open_registry_source(const oci::ImageReference& ref,
                                                          const RegistryOptions& options);

}  // namespace vigil::image
