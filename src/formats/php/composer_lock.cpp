// composer.lock (Composer 1 and 2): "packages" are production dependencies, "packages-dev" development ones.
// The lock file alone cannot tell direct from transitive (that needs composer.json), so relation stays unknown.
#include <fmt/format.h>

#include <string>

#include "formats/json_read.hpp"
#include "formats/php.hpp"

namespace vigil::formats {
namespace {

// Composer writes "license": ["MIT"] (an array, possibly several: either may apply); old files have a string.
std::string license_of(json::object entry) {
  json::element license;
  if (entry["license"].get(license)) {
    return {};
  }
  std::string_view s;
  if (!license.get_string().get(s)) {
    return std::string(s);
  }
  json::array items;
  if (license.get_array().get(items)) {
    return {};
  }
  std::string out;
  for (json::element item : items) {
    if (!item.get_string().get(s) && !s.empty()) {
      out += out.empty() ? "" : " OR ";
      out += s;
    }
  }
  return out;
}

void read_section(json::object root, std::string_view key, model::Scope scope, Parsed& parsed) {
  json::element section;
  if (root[key].get(section) || section.is_null()) {
    return;  // "packages-dev" is absent or null when installed with --no-dev
  }
  json::array entries;
  if (section.get_array().get(entries)) {
    // An empty PHP array is written as [] but an empty object {} is seen in hand-edited files.
    json::object empty;
    if (section.get_object().get(empty) || empty.size() != 0) {
      parsed.warnings.push_back(
          {"", 0, fmt::format("\"{}\" is a JSON {}, expected an array", key, json::type_name(section))});
    }
    return;
  }
  size_t index = 0;
  for (json::element e : entries) {
    json::object entry;
    if (e.get_object().get(entry)) {
      parsed.warnings.push_back(
          {"", 0, fmt::format("{}[{}] is a JSON {}, expected an object", key, index, json::type_name(e))});
      ++index;
      continue;
    }
    const std::string_view name = json::string_field(entry, "name");
    const std::string_view version = json::string_field(entry, "version");
    if (name.empty()) {
      parsed.warnings.push_back({"", 0, fmt::format("{}[{}] has no \"name\": skipped", key, index)});
      ++index;
      continue;
    }
    if (version.empty()) {
      parsed.warnings.push_back({"", 0, fmt::format("{} has no \"version\"", name)});
    }
    model::Package pkg;
    pkg.name = std::string(name);
    pkg.version = std::string(version);  // as written: "v5.4.2", "dev-main" and "1.0.x-dev" are kept
    pkg.ecosystem = model::Ecosystem::Packagist;
    pkg.scope = scope;
    pkg.license = license_of(entry);
    parsed.packages.push_back(std::move(pkg));
    ++index;
  }
}

}  // namespace

Result<Parsed> parse_composer_lock(std::string_view /*path*/, std::string_view bytes) {
  simdjson::dom::parser parser;
  auto parsed_root = json::parse_object(parser, bytes, "composer.lock");
  if (!parsed_root) {
    return tl::unexpected(parsed_root.error());
  }
  const json::object root = *parsed_root;
  Parsed parsed;
  if (!json::has_field(root, "packages")) {
    parsed.warnings.push_back({"", 0, "no \"packages\" array: not a composer.lock?"});
  }
  read_section(root, "packages", model::Scope::Prod, parsed);
  read_section(root, "packages-dev", model::Scope::Dev, parsed);
  return parsed;
}

}  // namespace vigil::formats
