// *.deps.json (.NET dependency manifest written next to a built application): "libraries" keyed "Name/Version".
// Only "package" entries are NuGet packages ("project", "reference", "runtimepack" are not); whether a package
// was a development dependency is not recorded. Direct packages are those a "project" entry of the runtime target
// depends on.
#include <fmt/format.h>

#include <set>
#include <string>

#include "core/strings.hpp"
#include "formats/dotnet.hpp"
#include "formats/json_read.hpp"

namespace vigil::formats {
namespace {

using NameSet = std::set<std::string, std::less<>>;

// Lower-cased names of the packages the application's own projects depend on, from
// targets[runtimeTarget.name]["App/1.0.0"].dependencies. Empty when the file does not say.
NameSet direct_names(json::object root, json::object libraries) {
  NameSet out;
  json::object runtime;
  json::object targets;
  json::object target;
  if (root["runtimeTarget"].get_object().get(runtime) || root["targets"].get_object().get(targets) ||
      targets[json::string_field(runtime, "name")].get_object().get(target)) {
    return out;
  }
  for (auto [key, value] : target) {
    json::object library;
    json::object deps;
    if (libraries[key].get_object().get(library) || json::string_field(library, "type") != "project" ||
        value["dependencies"].get_object().get(deps)) {
      continue;
    }
    for (auto [dep, dep_version] : deps) {
      out.insert(to_lower(dep));
    }
  }
  return out;
}

}  // namespace

Result<Parsed> parse_dotnet_deps_json(std::string_view /*path*/, std::string_view bytes) {
  simdjson::dom::parser parser;
  auto parsed_root = json::parse_object(parser, bytes, "deps.json");
  if (!parsed_root) {
    return tl::unexpected(parsed_root.error());
  }
  const json::object root = *parsed_root;
  Parsed parsed;
  json::object libraries;
  if (root["libraries"].get_object().get(libraries)) {
    parsed.warnings.push_back({"", 0, "no \"libraries\" object: not a .NET deps.json?"});
    return parsed;
  }
  const NameSet direct = direct_names(root, libraries);
  for (auto [key, value] : libraries) {
    json::object library;
    if (value.get_object().get(library)) {
      parsed.warnings.push_back(
          {"", 0, fmt::format("library \"{}\" is a JSON {}, expected an object", key, json::type_name(value))});
      continue;
    }
    if (json::string_field(library, "type") != "package") {
      continue;
    }
    const size_t slash = key.rfind('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == key.size()) {
      parsed.warnings.push_back({"", 0, fmt::format("library key \"{}\" is not \"Name/Version\"", key)});
      continue;
    }
    model::Package pkg;
    pkg.name = std::string(key.substr(0, slash));
    pkg.version = std::string(key.substr(slash + 1));
    pkg.ecosystem = model::Ecosystem::NuGet;
    if (!direct.empty()) {
      pkg.relation = direct.count(to_lower(pkg.name)) != 0 ? model::Relation::Direct : model::Relation::Transitive;
    }
    parsed.packages.push_back(std::move(pkg));
  }
  return parsed;
}

}  // namespace vigil::formats
