// Which OSV ecosystem and package name the DB holds advisories for a package under: language ecosystems map
// one to one; OS packages take the distro release from os-release ("Debian:12", "Alpine:v3.19") and, where the
// distro keys advisories by source package (Debian, Ubuntu, Alpine), the source name and version.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/package.hpp"
#include "scan/versions/compare.hpp"

namespace vigil::vulndb {

struct LookupKey {
  std::string ecosystem;  // OSV spelling, e.g. "Ubuntu:22.04:LTS"; the DB keys it lower-cased
  std::string name;       // normalized as the DB stores it
  std::string version;    // the version to evaluate (the source version for source-keyed distros)
  versions::CompareFn compare = nullptr;
};

// The keys to look a package up under (empty: no OSV data exists for it, e.g. Conan, or an unknown distro).
std::vector<LookupKey> lookup_keys(const model::Package& pkg, const model::OsInfo* os);

// How the DB keys names: PyPI PEP 503 ("Foo_Bar" -> "foo-bar"), NuGet and Packagist lower-case, others as is.
std::string normalize_name(std::string_view ecosystem, std::string_view name);

// The DB's ecosystem key: lower-cased.
std::string ecosystem_key(std::string_view ecosystem);

// "Debian:12" -> "Debian".
std::string_view ecosystem_base(std::string_view ecosystem);

// Why an OS cannot be matched (empty when it can): shown once per scan as a warning.
std::string os_unsupported_reason(const model::OsInfo& os);

}  // namespace vigil::vulndb
