// node_modules/<pkg>/package.json: one installed npm package (name, version, license).
#include "formats/npm.hpp"
#include "formats/npm/npm_common.hpp"

namespace vigil::formats {
namespace {

Result<Parsed> parse_manifest(std::string_view bytes) {
  simdjson::dom::parser parser;
  auto doc = npm_detail::parse_json(parser, bytes);
  if (!doc) {
    return tl::unexpected(doc.error());
  }
  simdjson::dom::object obj;
  if (doc->get_object().get(obj) != simdjson::SUCCESS) {
    return fail("package.json is not a JSON object");
  }
  std::string_view name;
  std::string_view version;
  std::string license;
  for (const auto field : obj) {
    if (field.key == "name") {
      name = npm_detail::string_or_empty(field.value);
    } else if (field.key == "version") {
      version = npm_detail::string_or_empty(field.value);
    } else if (field.key == "license" || (field.key == "licenses" && license.empty())) {
      license = npm_detail::license_of(field.value);
    }
  }
  Parsed parsed;
  if (name.empty() || version.empty()) {
    parsed.warnings.push_back({"", 0,
                               name.empty()
                                   ? "package.json has no \"name\": not inventoried"
                                   : "package.json of " + std::string(name) + " has no \"version\": not inventoried"});
    return parsed;
  }
  model::Package p;
  p.name = std::string(name);
  p.version = std::string(version);
  p.ecosystem = model::Ecosystem::Npm;
  p.license = std::move(license);
  parsed.packages.push_back(std::move(p));
  return parsed;
}

}  // namespace

Result<Parsed> parse_node_package_json(std::string_view /*path*/, std::string_view bytes) {
  try {
    return parse_manifest(bytes);
  } catch (const std::exception& e) {
    return fail(std::string("cannot read package.json: ") + e.what());
  }
}

}  // namespace vigil::formats
