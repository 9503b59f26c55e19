// Names of model enums and the canonical package order.
#include "model/package.hpp"

#include <algorithm>
#include <tuple>

namespace vigil::model {

std::string_view ecosystem_name(Ecosystem e) {
  switch (e) {
    case Ecosystem::Debian: return "Debian";
    case Ecosystem::Alpine: return "Alpine";
    case Ecosystem::Rpm: return "Red Hat";
    case Ecosystem::Npm: return "npm";
    case Ecosystem::PyPI: return "PyPI";
    case Ecosystem::Go: return "Go";
    case Ecosystem::CratesIo: return "crates.io";
    case Ecosystem::Maven: return "Maven";
    case Ecosystem::Packagist: return "Packagist";
    case Ecosystem::RubyGems: return "RubyGems";
    case Ecosystem::NuGet: return "NuGet";
    case Ecosystem::Conan: return "ConanCenter";
    case Ecosystem::Vcpkg: return "vcpkg";
  }
  return "";
}

std::string_view scope_name(Scope s) {
  switch (s) {
    case Scope::Prod: return "prod";
    case Scope::Dev: return "dev";
    case Scope::Unknown: return "";
  }
  return "";
}

std::string_view relation_name(Relation r) {
  switch (r) {
    case Relation::Direct: return "direct";
    case Relation::Transitive: return "transitive";
    case Relation::Unknown: return "";
  }
  return "";
}

void sort_packages(std::vector<Package>& packages) {
  // A total order: workers finish in any order, and a report must not depend on it.
  const auto key = [](const Package& p) {
    return std::tie(p.ecosystem, p.name, p.version, p.location, p.scope, p.relation, p.arch, p.source_name,
                    p.source_version, p.license);
  };
  std::sort(packages.begin(), packages.end(), [&](const Package& a, const Package& b) { return key(a) < key(b); });
}

}  // namespace vigil::model
