// The analyzer table: every analyzer Vigil runs, the files it wants, and its parser.
// Adding one: a parser in src/formats (with a test and a fuzz target) and one row here.
#include <array>

#include "core/strings.hpp"
#include "formats/cpp.hpp"
#include "formats/dotnet.hpp"
#include "formats/go.hpp"
#include "formats/java.hpp"
#include "formats/npm.hpp"
#include "formats/os.hpp"
#include "formats/php.hpp"
#include "formats/python.hpp"
#include "formats/ruby.hpp"
#include "formats/rust.hpp"
#include "scan/analyzer.hpp"
#include "scan/analyzers/executable.hpp"
#include "scan/analyzers/go_module.hpp"
#include "scan/analyzers/java_archive.hpp"
#include "scan/analyzers/maven_pom.hpp"

namespace vigil::scan {
namespace {

bool named(const FileInfo& f, std::string_view name) {
  return f.name == name;
}
bool path_is(const FileInfo& f, std::string_view path) {
  return f.path == path;
}
bool in_dir(const FileInfo& f, std::string_view dir) {
  return dir_name(f.path) == dir;
}
bool path_ends(const FileInfo& f, std::string_view suffix) {
  return f.path.size() > suffix.size() && ends_with(f.path, suffix) && f.path[f.path.size() - suffix.size() - 1] == '/';
}

// node_modules/<name>/package.json or node_modules/@scope/<name>/package.json.
bool installed_node_package(const FileInfo& f) {
  if (f.name != "package.json") {
    return false;
  }
  const std::string_view dir = dir_name(f.path);
  const std::string_view parent = dir_name(dir);
  return base_name(parent) == "node_modules" ||
         (starts_with(base_name(parent), "@") && base_name(dir_name(parent)) == "node_modules");
}

bool requirements_txt(const FileInfo& f) {
  return starts_with(f.name, "requirements") && ends_with(f.name, ".txt");
}

bool python_metadata(const FileInfo& f) {
  const std::string_view dir = base_name(dir_name(f.path));
  return (f.name == "METADATA" && ends_with(dir, ".dist-info")) ||
         (f.name == "PKG-INFO" && ends_with(dir, ".egg-info")) || ends_with(f.name, ".egg-info");
}

bool java_archive(const FileInfo& f) {
  return ends_with(f.name, ".jar") || ends_with(f.name, ".war") || ends_with(f.name, ".ear") ||
         ends_with(f.name, ".par");
}

bool os_release(const FileInfo& f) {
  return path_is(f, "etc/os-release") || path_is(f, "usr/lib/os-release") || path_is(f, "etc/alpine-release") ||
         path_is(f, "etc/debian_version") || path_is(f, "etc/redhat-release") || path_is(f, "etc/lsb-release");
}

constexpr std::array kAnalyzers{
    // Operating system
    Analyzer{"os-release", "1", os_release, analyze_bytes<formats::parse_os_release>},
    Analyzer{"dpkg", "1",
             [](const FileInfo& f) { return path_is(f, "var/lib/dpkg/status") || in_dir(f, "var/lib/dpkg/status.d"); },
             analyze_bytes<formats::parse_dpkg_status>},
    Analyzer{"apk", "1", [](const FileInfo& f) { return path_is(f, "lib/apk/db/installed"); },
             analyze_bytes<formats::parse_apk_installed>},
    Analyzer{"rpm", "1",
             [](const FileInfo& f) {
               return path_is(f, "var/lib/rpm/rpmdb.sqlite") || path_is(f, "usr/lib/sysimage/rpm/rpmdb.sqlite");
             },
             analyze_bytes<formats::parse_rpmdb_sqlite>},
    Analyzer{"rpm-legacy", "1",
             [](const FileInfo& f) {
               return path_is(f, "var/lib/rpm/Packages") || path_is(f, "var/lib/rpm/Packages.db") ||
                      path_is(f, "usr/lib/sysimage/rpm/Packages.db");
             },
             analyze_bytes<formats::parse_rpmdb_unsupported>},
    // JavaScript
    Analyzer{"npm-lock", "1",
             [](const FileInfo& f) { return named(f, "package-lock.json") || named(f, "npm-shrinkwrap.json"); },
             analyze_bytes<formats::parse_npm_package_lock>},
    Analyzer{"yarn-lock", "1", [](const FileInfo& f) { return named(f, "yarn.lock"); },
             analyze_bytes<formats::parse_yarn_lock>},
    Analyzer{"pnpm-lock", "1", [](const FileInfo& f) { return named(f, "pnpm-lock.yaml"); },
             analyze_bytes<formats::parse_pnpm_lock>},
    Analyzer{"node-modules", "1", installed_node_package, analyze_bytes<formats::parse_node_package_json>},
    // Python
    Analyzer{"requirements", "1", requirements_txt, analyze_bytes<formats::parse_requirements_txt>},
    Analyzer{"poetry-lock", "1", [](const FileInfo& f) { return named(f, "poetry.lock"); },
             analyze_bytes<formats::parse_poetry_lock>},
    Analyzer{"pipfile-lock", "1", [](const FileInfo& f) { return named(f, "Pipfile.lock"); },
             analyze_bytes<formats::parse_pipfile_lock>},
    Analyzer{"uv-lock", "1", [](const FileInfo& f) { return named(f, "uv.lock"); },
             analyze_bytes<formats::parse_uv_lock>},
    Analyzer{"python-installed", "1", python_metadata, analyze_bytes<formats::parse_python_metadata>},
    Analyzer{"python-egg", "1", [](const FileInfo& f) { return ends_with(f.name, ".egg"); },
             analyze_bytes<formats::parse_egg>},
    // Go and Rust
    Analyzer{"go-mod", "1", [](const FileInfo& f) { return named(f, "go.mod"); }, analyze_go_module, true, "go.sum"},
    Analyzer{"cargo-lock", "1", [](const FileInfo& f) { return named(f, "Cargo.lock"); },
             analyze_bytes<formats::parse_cargo_lock>},
    Analyzer{"executable", "1", wants_executable, analyze_executable},
    // Java
    Analyzer{"java-archive", "1", java_archive, analyze_java_archive},
    Analyzer{"pom", "2", [](const FileInfo& f) { return named(f, "pom.xml"); }, analyze_maven_pom, true},
    Analyzer{"gradle-lock", "1", [](const FileInfo& f) { return named(f, "gradle.lockfile"); },
             analyze_bytes<formats::parse_gradle_lockfile>},
    // PHP, Ruby, .NET
    Analyzer{"composer-lock", "1", [](const FileInfo& f) { return named(f, "composer.lock"); },
             analyze_bytes<formats::parse_composer_lock>},
    Analyzer{"gemfile-lock", "1", [](const FileInfo& f) { return named(f, "Gemfile.lock"); },
             analyze_bytes<formats::parse_gemfile_lock>},
    Analyzer{"nuget-lock", "1", [](const FileInfo& f) { return named(f, "packages.lock.json"); },
             analyze_bytes<formats::parse_nuget_packages_lock>},
    Analyzer{"dotnet-deps", "1", [](const FileInfo& f) { return ends_with(f.name, ".deps.json"); },
             analyze_bytes<formats::parse_dotnet_deps_json>},
    // C and C++
    Analyzer{"conan-lock", "1", [](const FileInfo& f) { return named(f, "conan.lock"); },
             analyze_bytes<formats::parse_conan_lock>},
    Analyzer{"vcpkg-manifest", "1", [](const FileInfo& f) { return named(f, "vcpkg.json"); },
             analyze_bytes<formats::parse_vcpkg_json>},
    Analyzer{"vcpkg-installed", "1", [](const FileInfo& f) { return path_ends(f, "vcpkg/status"); },
             analyze_bytes<formats::parse_vcpkg_status>},
};

}  // namespace

std::span<const Analyzer> all_analyzers() {
  return kAnalyzers;
}

}  // namespace vigil::scan
