// Package -> OSV ecosystem and name (see ecosystems.hpp). Two tables: distros and name normalizers.
#include "scan/vulndb/ecosystems.hpp"

#include <array>

#include "core/strings.hpp"

namespace vigil::vulndb {
namespace {

std::string first_fields(std::string_view version, size_t count) {
  std::string out;
  size_t fields = 0;
  for (const auto part : split(version, '.')) {
    if (fields++ == count) {
      break;
    }
    out += (out.empty() ? "" : ".") + std::string(part);
  }
  return out;
}

// Ubuntu LTS releases are even years' April releases ("22.04"); OSV names them "Ubuntu:22.04:LTS".
std::vector<std::string> ubuntu_ecosystems(const model::OsInfo& os) {
  const std::string release = first_fields(os.version, 2);
  const bool lts = release.size() == 5 && ends_with(release, ".04") && (release[1] - '0') % 2 == 0;
  if (lts) {
    return {"Ubuntu:" + release + ":LTS", "Ubuntu:" + release};
  }
  return {"Ubuntu:" + release};
}

struct Distro {
  std::string_view os_release_id;  // ID= of os-release
  bool keyed_by_source;            // advisories name the source package
  std::vector<std::string> (*ecosystems)(const model::OsInfo& os);
};

// One row per distro with OSV data; ID_LIKE is not followed: a derivative has its own advisories.
const std::array kDistros{
    Distro{"debian", true,
           [](const model::OsInfo& os) { return std::vector{"Debian:" + first_fields(os.version, 1)}; }},
    Distro{"ubuntu", true, ubuntu_ecosystems},
    Distro{"alpine", true,
           [](const model::OsInfo& os) { return std::vector{"Alpine:v" + first_fields(os.version, 2)}; }},
    Distro{"rocky", false,
           [](const model::OsInfo& os) { return std::vector{"Rocky Linux:" + first_fields(os.version, 1)}; }},
    Distro{"almalinux", false,
           [](const model::OsInfo& os) { return std::vector{"AlmaLinux:" + first_fields(os.version, 1)}; }},
    Distro{"wolfi", false, [](const model::OsInfo&) { return std::vector<std::string>{"Wolfi"}; }},
    Distro{"chainguard", false, [](const model::OsInfo&) { return std::vector<std::string>{"Chainguard"}; }},
    Distro{"mariner", false,
           [](const model::OsInfo& os) { return std::vector{"Mariner:" + first_fields(os.version, 2)}; }},
    Distro{"azurelinux", false,
           [](const model::OsInfo& os) { return std::vector{"Azure Linux:" + first_fields(os.version, 2)}; }},
};

const Distro* find_distro(const model::OsInfo& os) {
  for (const auto& d : kDistros) {
    if (iequals(d.os_release_id, os.family)) {
      return &d;
    }
  }
  return nullptr;
}

bool is_os_ecosystem(model::Ecosystem e) {
  return e == model::Ecosystem::Debian || e == model::Ecosystem::Alpine || e == model::Ecosystem::Rpm;
}

// PEP 503: lower-case, and every run of '-', '_' and '.' becomes one '-'.
std::string pep503(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool in_separator = false;
  for (const char c : to_lower(name)) {
    const bool separator = c == '-' || c == '_' || c == '.';
    if (separator && !in_separator) {
      out += '-';
    } else if (!separator) {
      out += c;
    }
    in_separator = separator;
  }
  return out;
}

}  // namespace

std::string ecosystem_key(std::string_view ecosystem) {
  return to_lower(ecosystem);
}

std::string_view ecosystem_base(std::string_view ecosystem) {
  return ecosystem.substr(0, ecosystem.find(':'));
}

std::string normalize_name(std::string_view ecosystem, std::string_view name) {
  const std::string_view base = ecosystem_base(ecosystem);
  if (iequals(base, "PyPI")) {
    return pep503(name);
  }
  if (iequals(base, "NuGet") || iequals(base, "Packagist")) {
    return to_lower(name);
  }
  return std::string(name);
}

std::string os_unsupported_reason(const model::OsInfo& os) {
  if (find_distro(os) == nullptr) {
    return "no OSV advisories are matched for OS '" + os.family + "': its OS packages are not checked";
  }
  if (os.version.empty()) {
    return "OS '" + os.family + "' has no VERSION_ID (a testing or rolling release?): its OS packages are not checked";
  }
  return "";
}

std::vector<LookupKey> lookup_keys(const model::Package& pkg, const model::OsInfo* os) {
  std::vector<LookupKey> keys;
  if (!is_os_ecosystem(pkg.ecosystem)) {
    const std::string_view eco = model::ecosystem_name(pkg.ecosystem);
    if (const auto compare = versions::comparator_for(eco)) {
      keys.push_back({std::string(eco), normalize_name(eco, pkg.name), pkg.version, *compare});
    }
    return keys;
  }
  const Distro* distro = os == nullptr ? nullptr : find_distro(*os);
  if (distro == nullptr || os->version.empty()) {
    return keys;
  }
  const auto compare = versions::comparator_for(model::ecosystem_name(pkg.ecosystem));
  if (!compare) {
    return keys;
  }
  const bool by_source = distro->keyed_by_source && !pkg.source_name.empty();
  const std::string& name = by_source ? pkg.source_name : pkg.name;
  const std::string& version = by_source && !pkg.source_version.empty() ? pkg.source_version : pkg.version;
  for (auto& eco : distro->ecosystems(*os)) {
    keys.push_back({std::move(eco), name, version, *compare});
  }
  return keys;
}

}  // namespace vigil::vulndb
