// `vigil sbom PATH` and `vigil sbom image REF`: an SBOM (CycloneDX by default) of a directory, root filesystem or
// container image.
#include <memory>

#include "cli/command.hpp"
#include "cli/image_inventory.hpp"
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
  sub->add_option("PATH", options->target, "directory or file");
  sub->add_option("--kind", options->kind, "fs, rootfs or auto")
      ->check(CLI::IsMember({"auto", "fs", "rootfs"}))
      ->capture_default_str();
  add_inventory_options(*sub, *options);

  auto image = std::make_shared<InventoryCommandOptions>();
  image->kind = "image";
  image->format = "cyclonedx";
  CLI::App* image_sub = sub->add_subcommand("image", "SBOM of a container image (same REF forms as scan image)");
  image_sub->footer(
      "Examples:\n"
      "  vigil sbom image docker-archive:app.tar -o app.cdx.json\n"
      "  vigil sbom image 127.0.0.1:5000/team/app:1.0 --insecure-registry -f spdx-json\n");
  image_sub
      ->add_option("REF", image->target,
                   "oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE or a registry reference")
      ->required();
  add_inventory_options(*image_sub, *image, false);
  add_image_options(*image_sub, *image);
  image_sub->callback([image, &exit_code] { exit_code = run_inventory_command(*image); });

  sub->callback([options, image_sub, &exit_code] {
    if (image_sub->parsed()) {
      return;
    }
    if (options->target.empty()) {
      throw CLI::RequiredError("PATH (or: vigil sbom image REF)");
    }
    exit_code = run_inventory_command(*options);
  });
}

}  // namespace vigil::cli
