// vcpkg.json (vcpkg manifest). A manifest names ports, not installed versions, so the inventory rule is:
//  - "overrides" pin an exact version ("version" plus optional "port-version"): those are reported as packages;
//  - a dependency without an override is NOT reported: without a version it cannot be matched honestly, and
//    "version>=" is only a minimum (the baseline may resolve a newer one). They are named in one warning that
//    points at the installed tree (vcpkg_installed/<triplet>/../vcpkg/status), which has exact versions.
#include <fmt/format.h>

#include <map>
#include <set>
#include <string>

#include "formats/cpp.hpp"
#include "formats/json_read.hpp"

namespace vigil::formats {
namespace {

struct Dependency {
  std::string minimum;  // "version>=", empty when none
  bool host = false;    // a build tool run on the host (vcpkg-cmake, protobuf's protoc...)
};

using DependencyMap = std::map<std::string, Dependency, std::less<>>;
using NameSet = std::set<std::string, std::less<>>;

// "dependencies": ["fmt", {"name": "openssl", "version>=": "3.0.8", "host": false, "features": [...]}].
DependencyMap read_dependencies(json::object root, Parsed& parsed) {
  DependencyMap out;
  json::element value;
  json::array deps;
  if (root["dependencies"].get(value)) {
    return out;
  }
  if (value.get_array().get(deps)) {
    parsed.warnings.push_back(
        {"", 0, fmt::format("\"dependencies\" is a JSON {}, expected an array", json::type_name(value))});
    return out;
  }
  for (json::element e : deps) {
    std::string_view name;
    json::object obj;
    Dependency dep;
    if (e.get_string().get(name) && !e.get_object().get(obj)) {
      name = json::string_field(obj, "name");
      dep.minimum = std::string(json::string_field(obj, "version>="));
      bool host = false;
      dep.host = !obj["host"].get_bool().get(host) && host;
    }
    if (name.empty()) {
      parsed.warnings.push_back({"", 0, fmt::format("a dependency (JSON {}) has no name", json::type_name(e))});
      continue;
    }
    out.emplace(name, std::move(dep));
  }
  return out;
}

// vcpkg spells a port revision after '#': "1.3.1#2"; port-version 0 is not written.
std::string override_version(json::object entry) {
  std::string_view version;
  for (const char* key : {"version", "version-semver", "version-date", "version-string"}) {
    if (!(version = json::string_field(entry, key)).empty()) {
      break;
    }
  }
  int64_t port = 0;
  if (version.empty() || entry["port-version"].get_int64().get(port) || port <= 0) {
    return std::string(version);
  }
  return fmt::format("{}#{}", version, port);
}

// The single warning naming the dependencies that are not inventoried (at most 20 names, then a count).
std::string unversioned_warning(const DependencyMap& deps, const NameSet& overridden) {
  std::string names;
  size_t count = 0;
  for (const auto& [name, dep] : deps) {
    if (overridden.count(name) != 0) {
      continue;
    }
    if (++count <= 20) {
      names += names.empty() ? "" : ", ";
      names += dep.minimum.empty() ? name : fmt::format("{} (version>= {} is only a minimum)", name, dep.minimum);
    }
  }
  if (count == 0) {
    return {};
  }
  if (count > 20) {
    names += fmt::format(" and {} more", count - 20);
  }
  return fmt::format(
      "vcpkg.json lists {} dependencies without versions ({}); scan the installed tree "
      "(vcpkg_installed/vcpkg/status) for exact versions",
      count, names);
}

// "overrides": [{"name": "zlib", "version": "1.3.1", "port-version": 1}]: exact versions, reported as packages.
void read_overrides(json::object root, const DependencyMap& deps, Parsed& parsed, NameSet& overridden) {
  json::element value;
  json::array overrides;
  if (root["overrides"].get(value)) {
    return;
  }
  if (value.get_array().get(overrides)) {
    parsed.warnings.push_back(
        {"", 0, fmt::format("\"overrides\" is a JSON {}, expected an array", json::type_name(value))});
    return;
  }
  for (json::element e : overrides) {
    json::object entry;
    const std::string_view name = e.get_object().get(entry) ? std::string_view{} : json::string_field(entry, "name");
    const std::string version = name.empty() ? std::string{} : override_version(entry);
    if (version.empty()) {
      parsed.warnings.push_back({"", 0, "an override without \"name\" and \"version\" is ignored"});
      continue;
    }
    if (!overridden.emplace(name).second) {
      continue;
    }
    model::Package pkg;
    pkg.name = std::string(name);
    pkg.version = version;
    pkg.ecosystem = model::Ecosystem::Vcpkg;
    // An override of a port the manifest does not name pins a transitive port, if anything uses it at all.
    if (const auto it = deps.find(name); it != deps.end()) {
      pkg.relation = model::Relation::Direct;
      pkg.scope = it->second.host ? model::Scope::Dev : model::Scope::Prod;
    }
    parsed.packages.push_back(std::move(pkg));
  }
}

}  // namespace

Result<Parsed> parse_vcpkg_json(std::string_view /*path*/, std::string_view bytes) {
  simdjson::dom::parser parser;
  auto parsed_root = json::parse_object(parser, bytes, "vcpkg.json");
  if (!parsed_root) {
    return tl::unexpected(parsed_root.error());
  }
  const json::object root = *parsed_root;
  Parsed parsed;
  const DependencyMap deps = read_dependencies(root, parsed);
  NameSet overridden;
  read_overrides(root, deps, parsed, overridden);
  if (std::string warning = unversioned_warning(deps, overridden); !warning.empty()) {
    parsed.warnings.push_back({"", 0, std::move(warning)});
  }
  return parsed;
}

}  // namespace vigil::formats
