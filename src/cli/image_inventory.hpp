// `scan image` and `sbom image`: the image options and the image inventory (layers, cache, config checks).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>

#include "cli/inventory_command.hpp"
#include "core/result.hpp"
#include "model/image.hpp"
#include "model/package.hpp"
#include "scan/secrets/scanner.hpp"

namespace vigil::cli {

// --platform, --insecure-registry, --creds, --cache-dir, --no-cache, --threads.
void add_image_options(CLI::App& command, InventoryCommandOptions& options);

// Reads the image options.target names, scans its layers (secrets too when secret_scanner is given), and fills
// summary. Misconfigurations of the image config are always computed; the findings step keeps or drops them.
Result<model::Inventory> image_inventory(const InventoryCommandOptions& options,
                                         const secrets::SecretScanner* secret_scanner,
                                         std::optional<model::ImageSummary>& summary);

}  // namespace vigil::cli
