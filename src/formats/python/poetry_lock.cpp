// poetry.lock: [[package]] tables with name and version. Scope comes from "category" (poetry < 1.5: "main" or
// "dev") or "groups" (poetry 2: ["main", "dev"]); the lockfile does not say which packages are direct.
#include <string>

#include "formats/python.hpp"
#include "formats/python/python_common.hpp"

namespace vigil::formats {
namespace {

model::Scope scope_of(const toml::table& pkg) {
  if (const auto category = pkg["category"].value<std::string_view>()) {
    return *category == "dev" ? model::Scope::Dev : model::Scope::Prod;
  }
  const toml::array* groups = pkg["groups"].as_array();
  if (groups == nullptr || groups->empty()) {
    return model::Scope::Unknown;
  }
  for (const toml::node& g : *groups) {
    if (g.value<std::string_view>() == "main") {
      return model::Scope::Prod;
    }
  }
  return model::Scope::Dev;
}

Result<Parsed> parse_lock(std::string_view bytes) {
  auto table = python_detail::parse_toml(bytes);
  if (!table) {
    return tl::unexpected(table.error());
  }
  Parsed parsed;
  const toml::array* packages = (*table)["package"].as_array();
  if (packages == nullptr) {
    parsed.warnings.push_back({"", 0, "no [[package]] tables: no packages listed"});
    return parsed;
  }
  size_t index = 0;
  for (const toml::node& node : *packages) {
    ++index;
    const toml::table* pkg = node.as_table();
    const auto name = pkg == nullptr ? std::nullopt : (*pkg)["name"].value<std::string_view>();
    const auto version = pkg == nullptr ? std::nullopt : (*pkg)["version"].value<std::string_view>();
    if (!name || !version || name->empty() || version->empty()) {
      const int line = static_cast<int>(node.source().begin.line);
      parsed.warnings.push_back(
          {"", line, "[[package]] #" + std::to_string(index) + " has no name or version: skipped"});
      continue;
    }
    parsed.packages.push_back(python_detail::make_package(*name, *version, scope_of(*pkg), model::Relation::Unknown));
  }
  return parsed;
}

}  // namespace

Result<Parsed> parse_poetry_lock(std::string_view /*path*/, std::string_view bytes) {
  try {
    return parse_lock(bytes);
  } catch (const std::exception& e) {
    return fail(std::string("cannot read poetry.lock: ") + e.what());
  }
}

}  // namespace vigil::formats
