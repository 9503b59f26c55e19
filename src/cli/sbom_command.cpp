// `vigil sbom PATH`: an SBOM (CycloneDX by default) of a directory or root filesystem.
#include <memory>

#include "cli/command.hpp"
#include "cli/inventory_command.hpp"

namespace vigil::cli {

void define_sbom(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<InventoryCommandOptions>();
  options->kind = "auto";
  options->format = "cyclonedx";
  CLI::App* sub = app.add_subcommand("sbom", "write a software bill of materials (CycloneDX 1.5 or SPDX 2.3 JSON)");
  sub->footer(
      "PATH is scanned as a root filesystem when it has etc/os-release (or usr/lib/os-release),\n"
      "else as a source tree; --kind forces one.\n\n"
      "Examples:\n"
      "  vigil sbom / -o bom.cdx.json                  CycloneDX SBOM of this machine\n"
      "  vigil sbom . --format spdx-json -o bom.spdx.json\n");
  sub->add_option("PATH", options->target, "directory or file")->required();
  sub->add_option("--kind", options->kind, "fs, rootfs or auto")
      ->check(CLI::IsMember({"auto", "fs", "rootfs"}))
      ->capture_default_str();
  add_inventory_options(*sub, *options);
  sub->callback([options, &exit_code] { exit_code = run_inventory_command(*options); });
}

}  // namespace vigil::cli
