// Version ordering for every ecosystem Vigil matches vulnerabilities in. Each comparator is exact to
// its ecosystem's reference implementation (tests check thousands of generated pairs against it) and
// returns <0, 0 or >0. Unparseable input is ordered deterministically, never rejected: OSV data and
// lockfiles contain odd versions and matching must still be total.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace vigil::versions {

int compare_dpkg(std::string_view a, std::string_view b);       // Debian, Ubuntu: dpkg --compare-versions
int compare_rpm(std::string_view a, std::string_view b);        // Red Hat, Rocky, Alma, SUSE: rpmvercmp + epoch
int compare_apk(std::string_view a, std::string_view b);        // Alpine: apk-tools version rules
int compare_semver(std::string_view a, std::string_view b);     // npm, crates.io: SemVer 2.0 precedence
int compare_go(std::string_view a, std::string_view b);         // Go modules: semver with v, +incompatible, pseudo
int compare_pep440(std::string_view a, std::string_view b);     // PyPI: PEP 440 (packaging.version)
int compare_maven(std::string_view a, std::string_view b);      // Maven: ComparableVersion
int compare_rubygems(std::string_view a, std::string_view b);   // RubyGems: Gem::Version
int compare_nuget(std::string_view a, std::string_view b);      // NuGet: NuGetVersion (SemVer 2 + 4 parts)
int compare_packagist(std::string_view a, std::string_view b);  // Packagist: composer/semver version_compare
int compare_hex(std::string_view a, std::string_view b);        // Hex: Elixir Version (SemVer 2.0)
int compare_pub(std::string_view a, std::string_view b);        // Pub: pub_semver

using CompareFn = int (*)(std::string_view, std::string_view);

struct EcosystemComparator {
  std::string_view osv_name;  // OSV ecosystem name, matched case-insensitively, before any ":release" suffix
  CompareFn compare;
};

std::span<const EcosystemComparator> all_comparators();
// "Debian:12", "debian", "Alpine:v3.19" -> the comparator; nullopt for unknown ecosystems.
std::optional<CompareFn> comparator_for(std::string_view ecosystem);

}  // namespace vigil::versions
