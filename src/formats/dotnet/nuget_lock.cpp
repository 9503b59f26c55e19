// packages.lock.json (NuGet lock file, versions 1 and 2): one block of packages per target framework
// (and per runtime identifier, "net8.0/linux-x64"); a package restored for several targets is reported once.
#include <fmt/format.h>

#include <map>
#include <string>
#include <utility>

#include "core/strings.hpp"
#include "formats/dotnet.hpp"
#include "formats/json_read.hpp"

namespace vigil::formats {
namespace {

// "Direct" and "Transitive" say it; "CentralTransitive" is a transitive package whose version is pinned in
// Directory.Packages.props; "Project" entries are other projects of the solution, not packages.
model::Relation relation_of(std::string_view type) {
  if (type == "Direct") {
    return model::Relation::Direct;
  }
  if (type == "Transitive" || type == "CentralTransitive") {
    return model::Relation::Transitive;
  }
  return model::Relation::Unknown;
}

// NuGet ids are case-insensitive: key on the lower-cased id and the version.
using Seen = std::map<std::pair<std::string, std::string>, size_t>;

void read_target(std::string_view target, json::object packages, Parsed& parsed, Seen& seen) {
  for (auto [key, value] : packages) {
    json::object entry;
    if (value.get_object().get(entry)) {
      parsed.warnings.push_back(
          {"", 0, fmt::format("{}: \"{}\" is a JSON {}, expected an object", target, key, json::type_name(value))});
      continue;
    }
    const std::string_view type = json::string_field(entry, "type");
    if (type == "Project") {
      continue;
    }
    const std::string_view version = json::string_field(entry, "resolved");
    if (version.empty()) {
      parsed.warnings.push_back({"", 0, fmt::format("{}: {} has no \"resolved\" version", target, key)});
    }
    const auto [it, inserted] =
        seen.emplace(std::make_pair(to_lower(key), std::string(version)), parsed.packages.size());
    if (!inserted) {
      // Direct for one target framework is direct for the project.
      auto& known = parsed.packages[it->second];
      if (relation_of(type) == model::Relation::Direct || known.relation == model::Relation::Unknown) {
        known.relation = relation_of(type);
      }
      continue;
    }
    model::Package pkg;
    pkg.name = std::string(key);
    pkg.version = std::string(version);
    pkg.ecosystem = model::Ecosystem::NuGet;
    pkg.relation = relation_of(type);
    parsed.packages.push_back(std::move(pkg));
  }
}

}  // namespace

Result<Parsed> parse_nuget_packages_lock(std::string_view /*path*/, std::string_view bytes) {
  simdjson::dom::parser parser;
  auto parsed_root = json::parse_object(parser, bytes, "packages.lock.json");
  if (!parsed_root) {
    return tl::unexpected(parsed_root.error());
  }
  const json::object root = *parsed_root;
  Parsed parsed;
  int64_t version = 0;
  if (!root["version"].get_int64().get(version) && version != 1 && version != 2) {
    parsed.warnings.push_back({"", 0, fmt::format("unknown lock file version {}; reading it as version 2", version)});
  }
  json::element deps;
  json::object targets;
  if (root["dependencies"].get(deps) || deps.get_object().get(targets)) {
    parsed.warnings.push_back({"", 0, "no \"dependencies\" object: not a NuGet packages.lock.json?"});
    return parsed;
  }
  Seen seen;
  for (auto [target, value] : targets) {
    json::object packages;
    if (value.get_object().get(packages)) {
      parsed.warnings.push_back(
          {"", 0, fmt::format("target \"{}\" is a JSON {}, expected an object", target, json::type_name(value))});
      continue;
    }
    read_target(target, packages, parsed, seen);
  }
  return parsed;
}

}  // namespace vigil::formats
