// Image scans from the command line: parse the reference, open its source, resolve the platform, scan the layers
// with the shared layer cache, and show progress per layer on a TTY.
#include "cli/image_inventory.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "formats/oci.hpp"
#include "image/source.hpp"
#include "scan/image/image_scan.hpp"

namespace vigil::cli {
namespace {

Result<image::OpenOptions> open_options(const InventoryCommandOptions& options) {
  image::OpenOptions open;
  open.registry.insecure = options.image.insecure_registry;
  if (!options.image.creds.empty()) {
    const size_t colon = options.image.creds.find(':');
    if (colon == std::string::npos || colon == 0) return fail("--creds takes USER:PASSWORD");
    open.registry.credential =
        formats::oci::Credential{options.image.creds.substr(0, colon), options.image.creds.substr(colon + 1)};
  }
  return open;
}

}  // namespace

void add_image_options(CLI::App& command, InventoryCommandOptions& options) {
  command.add_option("--platform", options.image.platform, "OS/ARCH[/VARIANT] to pick from a multi-platform image")
      ->capture_default_str();
  command.add_flag("--insecure-registry", options.image.insecure_registry,
                   "plain HTTP to the registry (allowed only for loopback addresses)");
  command.add_option("--creds", options.image.creds,
                     "USER:PASSWORD for the registry (default: REGISTRY_AUTH_FILE, then ~/.docker/config.json)");
  command.add_option("--cache-dir", options.image.cache_dir,
                     "directory of the layer cache (default: $XDG_CACHE_HOME/vigil or ~/.cache/vigil)");
  command.add_flag("--no-cache", options.image.no_cache, "neither read nor write the layer cache");
  command.add_option("--threads", options.threads, "layers read at once (default: one per core)");
}

Result<model::Inventory> image_inventory(const InventoryCommandOptions& options,
                                         const secrets::SecretScanner* secret_scanner,
                                         std::optional<model::ImageSummary>& summary) {
  auto ref = formats::oci::parse_image_reference(options.target);
  if (!ref) return fail(fmt::format("image reference \"{}\": {}", options.target, ref.error().message));
  auto platform = formats::oci::parse_platform(options.image.platform);
  if (!platform) return fail(fmt::format("--platform {}: {}", options.image.platform, platform.error().message));
  auto open = open_options(options);
  if (!open) return tl::unexpected(open.error());
  auto source = image::open_image_source(*ref, *open);
  if (!source) return fail(fmt::format("{}: {}", ref->to_string(), source.error().message));
  auto resolved = image::resolve_image(**source, *platform);
  if (!resolved) return fail(fmt::format("{}: {}", (*source)->name(), resolved.error().message));

  scan::ImageScanOptions scan_options;
  scan_options.layers.analyzers = scan::all_analyzers();
  if (secret_scanner != nullptr) scan_options.layers.file_scanners.push_back(secret_scanner);
  scan_options.env_secrets = secret_scanner;
  scan_options.threads = options.threads;
  std::optional<scan::image_layers::LayerCache> cache;
  std::vector<Diagnostic> cache_warnings;
  if (!options.image.no_cache) {
    const std::string path = options.image.cache_dir.empty() ? scan::image_layers::default_layer_cache_path()
                                                             : options.image.cache_dir + "/layers.db";
    if (!path.empty()) {
      auto opened = scan::image_layers::LayerCache::open(path);
      if (opened) {
        cache = std::move(*opened);
        scan_options.cache = &*cache;
      } else {
        cache_warnings.push_back({"", 0, opened.error().message + "; scanning without the layer cache"});
      }
    }
  }
  const bool show_progress = !options.quiet && ::isatty(STDERR_FILENO) != 0;
  if (show_progress) {
    auto done = std::make_shared<size_t>(0);
    scan_options.progress = [done](size_t, size_t layers, bool) {
      fmt::print(stderr, "\r\033[Kscanning layers: {}/{}", ++*done, layers);
    };
  }
  auto scanned = scan::scan_image(**source, *resolved, scan_options);
  if (show_progress) fmt::print(stderr, "\r\033[K");
  if (!scanned) return fail(fmt::format("{}: {}", (*source)->name(), scanned.error().message));
  if (!options.quiet) {
    const auto& st = scanned->stats;
    fmt::print(stderr, "{}: {} layer{}, {} from the layer cache, {} read ({:.1f} MiB uncompressed)\n",
               (*source)->name(), st.layers_cached + st.layers_scanned,
               st.layers_cached + st.layers_scanned == 1 ? "" : "s", st.layers_cached, st.layers_scanned,
               static_cast<double>(st.bytes_uncompressed) / (1 << 20));
  }
  summary = std::move(scanned->image);
  auto inventory = std::move(scanned->inventory);
  inventory.warnings.insert(inventory.warnings.end(), cache_warnings.begin(), cache_warnings.end());
  return inventory;
}

}  // namespace vigil::cli
