// vigil: one binary, one table of subcommands.
#include <fmt/format.h>

#include <array>
#include <clocale>
#include <cstdio>
#include <cstdlib>

#include "cli/command.hpp"
#include "core/version.hpp"

namespace {

constexpr std::array kCommands{
    vigil::cli::Command{"scan", vigil::cli::define_scan},
    vigil::cli::Command{"sbom", vigil::cli::define_sbom},
    vigil::cli::Command{"db", vigil::cli::define_db},
    vigil::cli::Command{"watch", vigil::cli::define_watch},
    vigil::cli::Command{"rules", vigil::cli::define_rules},
    vigil::cli::Command{"version", vigil::cli::define_version},
    vigil::cli::Command{"incidents", vigil::cli::define_incidents},
};

}  // namespace

int main(int argc, char** argv) {
  // With TZ unset glibc stats /etc/localtime on every localtime() call (libarchive makes one per zip
  // entry: 540k stats in a scan of /); a fixed TZ value makes it read the file once.
  ::setenv("TZ", ":/etc/localtime", 0);
  // libarchive converts every zip entry name between UTF-8 and the locale's charset; in the default
  // "C" (ASCII) locale that goes through iconv per character.
  std::setlocale(LC_CTYPE, "C.UTF-8");
  CLI::App app{
      "Vigil: software supply-chain security.\n"
      "Inventories OS and language packages of directories, root filesystems, images and SBOMs, matches them\n"
      "against a local OSV vulnerability database, finds hard-coded secrets and risky CI/Dockerfile config,\n"
      "and writes tables, Vigil JSON, SARIF, CycloneDX 1.5 and SPDX 2.3.\n\n"
      "Examples:\n"
      "  vigil db update                            fetch the OSV vulnerability feeds\n"
      "  vigil scan fs ./my-project --fail-on high  packages and vulnerabilities; exit 1 on high or critical\n"
      "  vigil scan rootfs / --format json          this machine as JSON\n"
      "  vigil scan fs . --scanners config          risky workflows, Dockerfiles and scripts\n"
      "  vigil sbom / --format cyclonedx -o bom.json\n",
      "vigil"};
  app.set_version_flag("--version", fmt::format("vigil {}", vigil::kVersion));
  app.require_subcommand(1);
  app.fallthrough(false);
  int exit_code = vigil::cli::kExitOk;
  for (const auto& command : kCommands) {
    command.define(app, exit_code);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return vigil::cli::kExitError;
  }
  return exit_code;
}
