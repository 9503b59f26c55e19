// `vigil scan fs|rootfs|sbom|purl TARGET`: inventory a target and match it against the vulnerability DB.
#include <memory>

#include "cli/command.hpp"
#include "cli/inventory_command.hpp"

namespace vigil::cli {
namespace {

struct Target {
  const char* kind;
  const char* argument;  // the positional's name and help
  const char* argument_help;
  const char* description;
  const char* examples;
  bool walks;  // takes the walker's options
};

const char* const kGateFooter =
    "\nExit codes: 0 success (findings do not fail the scan unless --fail-on is given),\n"
    "1 an unsuppressed finding reached --fail-on, 2 error.\n";

// One row per scan target.
const Target kTargets[] = {
    {"fs", "PATH", "directory or file to scan",
     "scan a directory tree or a single file (lockfiles, manifests, installed packages, binaries)",
     "Examples:\n"
     "  vigil scan fs .                              packages and known vulnerabilities of this tree\n"
     "  vigil scan fs . --fail-on high               CI gate: exit 1 on a high or critical finding\n"
     "  vigil scan fs package-lock.json -f json      one lockfile, as JSON\n"
     "  vigil scan fs . -f sarif -o vigil.sarif      for GitHub code scanning\n"
     "  vigil scan fs ~/src --skip-dir node_modules --scanners none   inventory only\n",
     true},
    {"rootfs", "PATH", "root of the filesystem to scan",
     "scan a root filesystem (OS packages too); skips /proc, /sys, /dev and other mounts",
     "Examples:\n"
     "  vigil scan rootfs /                         this machine\n"
     "  vigil scan rootfs ./unpacked-image -f json -o report.json --severity HIGH,CRITICAL\n",
     true},
    {"sbom", "FILE", "CycloneDX or SPDX JSON document ('-' reads stdin)",
     "match the packages an SBOM lists (CycloneDX 1.4-1.6 or SPDX 2.2/2.3 JSON, by their purls)",
     "Examples:\n"
     "  vigil scan sbom bom.cdx.json\n"
     "  syft alpine:3.19 -o spdx-json | vigil scan sbom - --fail-on critical\n",
     false},
    {"purl", "FILE", "file with one package URL per line ('-' reads stdin)",
     "match a list of package URLs, one per line ('#' starts a comment)",
     "Examples:\n"
     "  echo pkg:pypi/django@3.2.0 | vigil scan purl -\n"
     "  vigil scan purl deps.txt -f json\n",
     false},
};

void define_target(CLI::App& scan, int& exit_code, const Target& target) {
  auto options = std::make_shared<InventoryCommandOptions>();
  options->kind = target.kind;
  options->with_vulns = true;
  CLI::App* sub = scan.add_subcommand(target.kind, target.description);
  sub->footer(std::string(target.examples) + kGateFooter);
  sub->add_option(target.argument, options->target, target.argument_help)->required();
  add_inventory_options(*sub, *options, target.walks);
  add_vuln_options(*sub, options->vuln);
  sub->callback([options, &exit_code] { exit_code = run_inventory_command(*options); });
}

}  // namespace

void define_scan(CLI::App& app, int& exit_code) {
  CLI::App* scan = app.add_subcommand("scan", "inventory a target and find its known vulnerabilities");
  scan->require_subcommand(1);
  for (const auto& target : kTargets) {
    define_target(*scan, exit_code, target);
  }
}

}  // namespace vigil::cli
