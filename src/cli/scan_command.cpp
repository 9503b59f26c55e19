// `vigil scan fs|rootfs PATH`: inventory of a source tree or a root filesystem.
#include <memory>

#include "cli/command.hpp"
#include "cli/inventory_command.hpp"

namespace vigil::cli {
namespace {

void define_target(CLI::App& scan, int& exit_code, const char* kind, const char* description, const char* example) {
  auto options = std::make_shared<InventoryCommandOptions>();
  options->kind = kind;
  CLI::App* sub = scan.add_subcommand(kind, description);
  sub->footer(example);
  sub->add_option("PATH", options->target, "directory or file to scan")->required();
  add_inventory_options(*sub, *options);
  sub->callback([options, &exit_code] { exit_code = run_inventory_command(*options); });
}

}  // namespace

void define_scan(CLI::App& app, int& exit_code) {
  CLI::App* scan = app.add_subcommand("scan", "inventory the packages of a target");
  scan->require_subcommand(1);
  define_target(*scan, exit_code, "fs",
                "scan a directory tree or a single file (lockfiles, manifests, installed packages, binaries)",
                "Examples:\n"
                "  vigil scan fs .                          table of every package in this tree\n"
                "  vigil scan fs package-lock.json -f json  one lockfile, as JSON\n"
                "  vigil scan fs ~/src --skip-dir node_modules\n");
  define_target(*scan, exit_code, "rootfs",
                "scan a root filesystem (OS packages too); skips /proc, /sys, /dev and other mounts",
                "Examples:\n"
                "  vigil scan rootfs /                       this machine\n"
                "  vigil scan rootfs ./unpacked-image -f json -o inventory.json\n");
}

}  // namespace vigil::cli
