// `vigil scan fs|rootfs|image|sbom|purl|repo TARGET`: inventory a target and match it against the vulnerability DB.
#include <memory>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/image_inventory.hpp"
#include "cli/inventory_command.hpp"

namespace vigil::cli {
namespace {

struct Target {
  const char* kind;
  const char* argument;  // the positional's name and help
  const char* argument_help;
  const char* description;
  const char* examples;
  bool walks;                         // takes the walker's options
  std::vector<std::string> scanners;  // what --scanners may name; all of them run by default
};

const char* const kGateFooter =
    "\nExit codes: 0 success (findings do not fail the scan unless --fail-on is given),\n"
    "1 an unsuppressed finding reached --fail-on, 2 error.\n";

// One row per scan target.
const Target kTargets[] = {
    {"fs",
     "PATH",
     "directory or file to scan",
     "scan a directory tree or a single file: lockfiles, manifests, installed packages and binaries for packages; "
     "every file for secrets; CI workflows, GitLab CI, Dockerfiles and shell scripts for risky config",
     "Examples:\n"
     "  vigil scan fs .                              packages and known vulnerabilities of this tree\n"
     "  vigil scan fs . --fail-on high               CI gate: exit 1 on a high or critical finding\n"
     "  vigil scan fs package-lock.json -f json      one lockfile, as JSON\n"
     "  vigil scan fs . -f sarif -o vigil.sarif      for GitHub code scanning\n"
     "  vigil scan fs ~/src --skip-dir node_modules --scanners none   inventory only\n"
     "  vigil scan fs . --scanners secret --baseline accepted.json   only secrets not already accepted\n"
     "  vigil scan fs . --scanners config --allowed-registry registry.internal   CI and Dockerfile checks only\n",
     true,
     {"vuln", "secret", "config"}},
    {"rootfs",
     "PATH",
     "root of the filesystem to scan",
     "scan a root filesystem (OS packages too); skips /proc, /sys, /dev and other mounts",
     "Examples:\n"
     "  vigil scan rootfs /                         this machine\n"
     "  vigil scan rootfs ./unpacked-image -f json -o report.json --severity HIGH,CRITICAL\n",
     true,
     {"vuln", "secret"}},
    {"image",
     "REF",
     "image: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE or [HOST[:PORT]/]REPO[:TAG|@DIGEST]",
     "scan a container image layer by layer, without Docker: packages, vulnerabilities and secrets with the layer "
     "that brought each, and checks of the image config",
     "Examples:\n"
     "  vigil scan image docker-archive:app.tar        what `docker save` or `skopeo copy` wrote\n"
     "  vigil scan image oci:./layout:1.0               an OCI image layout directory\n"
     "  vigil scan image registry.example.com/team/app:1.4 --fail-on critical\n"
     "  vigil scan image 127.0.0.1:5000/app:dev --insecure-registry --creds ci:$TOKEN\n"
     "  vigil scan image alpine:3.19 --platform linux/arm64 -f json -o report.json\n"
     "Layers are cached by content (--cache-dir), so images on a common base rescan quickly.\n",
     false,
     {"vuln", "secret", "config"}},
    {"sbom",
     "FILE",
     "CycloneDX or SPDX JSON document ('-' reads stdin)",
     "match the packages an SBOM lists (CycloneDX 1.4-1.6 or SPDX 2.2/2.3 JSON, by their purls)",
     "Examples:\n"
     "  vigil scan sbom bom.cdx.json\n"
     "  syft alpine:3.19 -o spdx-json | vigil scan sbom - --fail-on critical\n",
     false,
     {"vuln"}},
    {"purl",
     "FILE",
     "file with one package URL per line ('-' reads stdin)",
     "match a list of package URLs, one per line ('#' starts a comment)",
     "Examples:\n"
     "  echo pkg:pypi/django@3.2.0 | vigil scan purl -\n"
     "  vigil scan purl deps.txt -f json\n",
     false,
     {"vuln"}},
    {"repo",
     "PATH",
     "git work tree, .git directory or bare repository",
     "find secrets in every blob of a git repository's history (all refs), with the commit that added each, and "
     "risky CI/CD and Dockerfile configuration in HEAD",
     "Examples:\n"
     "  vigil scan repo .                              secrets anywhere in this repository's history\n"
     "  vigil scan repo /srv/git/app.git -f json --fail-on high\n"
     "  vigil scan repo . --scanners config -f sarif -o config.sarif   workflow checks for code scanning\n",
     false,
     {"secret", "config"}},
};

void define_target(CLI::App& scan, int& exit_code, const Target& target) {
  auto options = std::make_shared<InventoryCommandOptions>();
  options->kind = target.kind;
  options->with_findings = true;
  options->findings.scanners = target.scanners;
  CLI::App* sub = scan.add_subcommand(target.kind, target.description);
  sub->footer(std::string(target.examples) + kGateFooter);
  sub->add_option(target.argument, options->target, target.argument_help)->required();
  add_inventory_options(*sub, *options, target.walks);
  add_finding_options(*sub, options->findings, target.scanners);
  if (std::string_view(target.kind) == "image") {
    add_image_options(*sub, *options);
  }
  if (std::string_view(target.kind) == "fs" || std::string_view(target.kind) == "repo") {
    add_config_options(*sub, options->findings);
  }
  if (std::string_view(target.kind) == "repo") {
    sub->add_option("--threads", options->threads, "blob readers (default: one per core, at most 8)");
    sub->add_option("--max-blob-size", options->max_blob_bytes, "skip larger blobs (bytes; suffixes K, M, G)")
        ->transform(CLI::AsSizeValue(false))
        ->capture_default_str();
  }
  sub->callback([options, &exit_code] { exit_code = run_inventory_command(*options); });
}

}  // namespace

void define_scan(CLI::App& app, int& exit_code) {
  CLI::App* scan =
      app.add_subcommand("scan", "inventory a target; find known vulnerabilities, secrets and risky CI/build config");
  scan->require_subcommand(1);
  for (const auto& target : kTargets) {
    define_target(*scan, exit_code, target);
  }
}

}  // namespace vigil::cli
