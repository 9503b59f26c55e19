// Package URLs per the purl spec: one type a row in the table below.
#include "model/purl.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "core/strings.hpp"

namespace vigil::model {
namespace {

struct PurlType {
  Ecosystem ecosystem;
  std::string_view type;
  bool lowercase_name;  // the spec says the type's names are case-insensitive
};

constexpr std::array kPurlTypes{
    PurlType{Ecosystem::Debian, "deb", true},         PurlType{Ecosystem::Alpine, "apk", true},
    PurlType{Ecosystem::Rpm, "rpm", false},           PurlType{Ecosystem::Npm, "npm", false},
    PurlType{Ecosystem::PyPI, "pypi", true},          PurlType{Ecosystem::Go, "golang", false},
    PurlType{Ecosystem::CratesIo, "cargo", false},    PurlType{Ecosystem::Maven, "maven", false},
    PurlType{Ecosystem::Packagist, "composer", true}, PurlType{Ecosystem::RubyGems, "gem", false},
    PurlType{Ecosystem::NuGet, "nuget", false},       PurlType{Ecosystem::Conan, "conan", false},
    PurlType{Ecosystem::Vcpkg, "generic", false},
};

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_' || c == '~';
}

// Splits "epoch:version" (dpkg and rpm spelling) into its parts; epoch is "" when absent.
std::pair<std::string_view, std::string_view> split_epoch(std::string_view version) {
  const size_t colon = version.find(':');
  if (colon == std::string_view::npos) {
    return {{}, version};
  }
  return {version.substr(0, colon), version.substr(colon + 1)};
}

// Namespace segments and name for the ecosystems whose names carry a namespace.
std::pair<std::string, std::string> namespace_and_name(const Package& pkg, const OsInfo* os) {
  const std::string_view name = pkg.name;
  switch (pkg.ecosystem) {
    case Ecosystem::Debian: return {os != nullptr && !os->family.empty() ? os->family : "debian", std::string(name)};
    case Ecosystem::Alpine: return {"alpine", std::string(name)};
    case Ecosystem::Rpm: return {os != nullptr && !os->family.empty() ? os->family : "redhat", std::string(name)};
    case Ecosystem::Maven: {
      const size_t colon = name.find(':');
      if (colon != std::string_view::npos) {
        return {std::string(name.substr(0, colon)), std::string(name.substr(colon + 1))};
      }
      return {"", std::string(name)};
    }
    case Ecosystem::Vcpkg: return {"vcpkg", std::string(name)};
    case Ecosystem::Npm:
    case Ecosystem::Go:
    case Ecosystem::Packagist: {
      if (pkg.ecosystem == Ecosystem::Npm && !starts_with(name, "@")) {
        return {"", std::string(name)};
      }
      const size_t slash = name.rfind('/');
      if (slash == std::string_view::npos) {
        return {"", std::string(name)};
      }
      return {std::string(name.substr(0, slash)), std::string(name.substr(slash + 1))};
    }
    default: return {"", std::string(name)};
  }
}

std::string normalise_pypi(std::string_view name) {
  std::string out = to_lower(name);
  std::replace(out.begin(), out.end(), '_', '-');
  std::replace(out.begin(), out.end(), '.', '-');
  return out;
}

}  // namespace

std::string purl_encode(std::string_view s, std::string_view also_keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (is_unreserved(c) || also_keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      const auto u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

std::string make_purl(const Package& pkg, const OsInfo* os) {
  const auto* type = std::find_if(kPurlTypes.begin(), kPurlTypes.end(),
                                  [&](const PurlType& t) { return t.ecosystem == pkg.ecosystem; });
  auto [ns, name] = namespace_and_name(pkg, os);
  if (pkg.ecosystem == Ecosystem::PyPI) {
    name = normalise_pypi(name);
  } else if (type->lowercase_name) {
    name = to_lower(name);
    ns = to_lower(ns);
  }

  std::string version = pkg.version;
  std::map<std::string, std::string> qualifiers;  // sorted by key, as the spec requires
  const bool is_os =
      pkg.ecosystem == Ecosystem::Debian || pkg.ecosystem == Ecosystem::Alpine || pkg.ecosystem == Ecosystem::Rpm;
  if (is_os) {
    if (!pkg.arch.empty()) {
      qualifiers["arch"] = pkg.arch;
    }
    if (os != nullptr && !os->version.empty()) {
      qualifiers["distro"] = pkg.ecosystem == Ecosystem::Alpine ? os->version : os->family + "-" + os->version;
    }
    if (!pkg.source_name.empty() && pkg.source_name != pkg.name) {
      qualifiers["upstream"] = pkg.source_name;
    }
  }
  if (pkg.ecosystem == Ecosystem::Rpm) {
    // rpm puts the epoch in a qualifier; dpkg keeps it in the version (as dpkg-query and OSV do).
    const auto [epoch, rest] = split_epoch(pkg.version);
    if (!epoch.empty() && epoch != "0") {
      qualifiers["epoch"] = std::string(epoch);
    }
    version = std::string(rest);
  }

  std::string out = "pkg:";
  out += type->type;
  out += '/';
  if (!ns.empty()) {
    for (const auto segment : split(ns, '/')) {
      if (!segment.empty()) {
        out += purl_encode(segment);
        out += '/';
      }
    }
  }
  out += purl_encode(name);
  if (!version.empty()) {
    out += '@';
    out += purl_encode(version, ":");
  }
  char sep = '?';
  for (const auto& [key, value] : qualifiers) {
    out += sep;
    out += key;
    out += '=';
    out += purl_encode(value, ":");
    sep = '&';
  }
  return out;
}

void assign_purls(Inventory& inventory) {
  const OsInfo* os = inventory.os ? &*inventory.os : nullptr;
  for (auto& pkg : inventory.packages) {
    if (pkg.purl.empty()) {  // SBOM inputs keep the purl they were given
      pkg.purl = make_purl(pkg, os);
    }
  }
}

}  // namespace vigil::model
