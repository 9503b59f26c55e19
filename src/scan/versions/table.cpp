// The table of version comparators by OSV ecosystem name.
#include <array>

#include "core/strings.hpp"
#include "scan/versions/compare.hpp"

namespace vigil::versions {
namespace {

constexpr std::array kComparators{
    EcosystemComparator{"Debian", compare_dpkg},     EcosystemComparator{"Ubuntu", compare_dpkg},
    EcosystemComparator{"Alpine", compare_apk},      EcosystemComparator{"Red Hat", compare_rpm},
    EcosystemComparator{"Rocky Linux", compare_rpm}, EcosystemComparator{"AlmaLinux", compare_rpm},
    EcosystemComparator{"SUSE", compare_rpm},        EcosystemComparator{"openSUSE", compare_rpm},
    EcosystemComparator{"npm", compare_semver},      EcosystemComparator{"crates.io", compare_semver},
    EcosystemComparator{"Go", compare_go},           EcosystemComparator{"PyPI", compare_pep440},
    EcosystemComparator{"Maven", compare_maven},     EcosystemComparator{"RubyGems", compare_rubygems},
    EcosystemComparator{"NuGet", compare_nuget},     EcosystemComparator{"Packagist", compare_packagist},
    EcosystemComparator{"Hex", compare_hex},         EcosystemComparator{"Pub", compare_pub},
};

}  // namespace

std::span<const EcosystemComparator> all_comparators() {
  return kComparators;
}

std::optional<CompareFn> comparator_for(std::string_view ecosystem) {
  const std::string wanted = to_lower(trim(ecosystem.substr(0, ecosystem.find(':'))));
  for (const auto& row : kComparators) {
    if (to_lower(row.osv_name) == wanted) {
      return row.compare;
    }
  }
  return std::nullopt;
}

}  // namespace vigil::versions
