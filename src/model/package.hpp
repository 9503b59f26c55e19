// Package, OsInfo and Inventory: what a scan found, shared by every part of Vigil.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "model/image.hpp"
#include "model/misconfiguration.hpp"
#include "model/secret.hpp"

namespace vigil::model {

// OSV ecosystem a package belongs to; see ecosystem_name() for the spelling.
enum class Ecosystem {
  Debian,  // dpkg: Debian, Ubuntu and derivatives (purl type deb)
  Alpine,  // apk
  Rpm,     // rpm: Red Hat, Rocky, Alma, Fedora, SUSE...
  Npm,
  PyPI,
  Go,
  CratesIo,
  Maven,
  Packagist,
  RubyGems,
  NuGet,
  Conan,
  Vcpkg,
};

enum class Scope { Unknown, Prod, Dev };
enum class Relation { Unknown, Direct, Transitive };

struct Package {
  std::string name;     // ecosystem-native name: "@scope/pkg", "group:artifact", "github.com/a/b", "vendor/pkg"
  std::string version;  // as the ecosystem writes it; dpkg/rpm include "epoch:" when the epoch is not 0
  Ecosystem ecosystem = Ecosystem::Npm;
  std::string location;  // file it was found in, relative to the scan root
  Scope scope = Scope::Unknown;
  Relation relation = Relation::Unknown;
  // OS packages: source package (dpkg Source:, apk origin, rpm SOURCERPM), epoch and architecture.
  std::string source_name;
  std::string source_version;
  std::string arch;
  std::string license;  // free text or SPDX expression, when the file says
  std::string purl;     // filled by assign_purls() once the OS is known
  LayerPtr layer;       // images: the layer that introduced the package
};

struct OsInfo {
  std::string family;   // os-release ID: "debian", "ubuntu", "alpine", "rhel", "rocky"...
  std::string version;  // VERSION_ID: "12", "3.19.1", "9.3"
  std::string name;     // PRETTY_NAME, for display
  std::string location;
};

struct Inventory {
  std::optional<OsInfo> os;
  std::vector<Package> packages;
  std::vector<Diagnostic> warnings;
  std::vector<SecretFinding> secrets;               // when a secret scanner ran over the files (scan/file_scanner.hpp)
  std::vector<Misconfiguration> misconfigurations;  // from config checks (image config now)
};

std::string_view ecosystem_name(Ecosystem e);  // OSV spelling: "Debian", "crates.io", "PyPI"...
std::string_view scope_name(Scope s);          // "prod", "dev", "" when unknown
std::string_view relation_name(Relation r);    // "direct", "transitive", "" when unknown

// Deterministic order for reports: ecosystem, name, version, location, then every other field.
void sort_packages(std::vector<Package>& packages);

}  // namespace vigil::model
