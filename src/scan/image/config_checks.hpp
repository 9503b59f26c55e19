// Checks of an image's config (not its files): secrets in Env, running as root, build lines that download and
// run code. One table of checks in config_checks.cpp.
#pragma once

#include <span>

#include "formats/oci.hpp"
#include "model/image.hpp"
#include "model/package.hpp"
#include "scan/secrets/scanner.hpp"

namespace vigil::scan::image_checks {

// Paths findings report (there is no file: these name the part of the config).
inline constexpr std::string_view kEnvPath = "image-config/env";
inline constexpr std::string_view kHistoryPath = "image-config/history";
inline constexpr std::string_view kUserPath = "image-config/user";

// Adds misconfigurations and (when env_secrets is given) secrets found in Env to inventory.
void check_config(const formats::oci::ImageConfig& config, std::span<const model::LayerPtr> layers,
                  const secrets::SecretScanner* env_secrets, model::Inventory& inventory);

}  // namespace vigil::scan::image_checks
