// CycloneDX 1.4-1.6 JSON input: each component's purl becomes a package, with what Vigil, Trivy and syft
// write in component properties (location, source package, arch, scope). Nested components are walked to a
// bounded depth; the OS comes from the "operating-system" component, else from the purls' distro qualifier.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <string>

#include "core/strings.hpp"
#include "formats/sbom_in.hpp"
#include "formats/sbom_in/common.hpp"

namespace vigil::formats::sbom_in {
namespace {

constexpr size_t kMaxProperties = 512;  // per component

// The properties that say something about the package, by name (the first value of each name wins).
std::map<std::string_view, std::string_view> read_properties(json::object component) {
  static constexpr std::array kKnown{
      "vigil:location",
      "vigil:scope",
      "vigil:relation",
      "vigil:source_name",
      "vigil:source_version",
      "vigil:arch",
      "aquasecurity:trivy:FilePath",
      "aquasecurity:trivy:SrcName",
      "aquasecurity:trivy:SrcVersion",
      "aquasecurity:trivy:SrcRelease",
      "aquasecurity:trivy:SrcEpoch",
      "aquasecurity:trivy:Class",
      "syft:location:0:path",
      "syft:distro:id",
  };
  std::map<std::string_view, std::string_view> out;
  json::array properties;
  if (component["properties"].get_array().get(properties)) {
    return out;
  }
  size_t count = 0;
  for (json::element e : properties) {
    json::object property;
    if (++count > kMaxProperties || e.get_object().get(property)) {
      continue;
    }
    const std::string_view name = json::string_field(property, "name");
    if (std::find(kKnown.begin(), kKnown.end(), name) != kKnown.end()) {
      out.emplace(name, json::string_field(property, "value"));
    }
  }
  return out;
}

std::string_view property(const std::map<std::string_view, std::string_view>& props, std::string_view name) {
  const auto it = props.find(name);
  return it == props.end() ? std::string_view{} : it->second;
}

// licenses: [{"license": {"id"|"name"}}, {"expression"}], several joined with AND (all of them apply).
std::string license_of(json::object component) {
  json::array licenses;
  if (component["licenses"].get_array().get(licenses)) {
    return {};
  }
  std::string out;
  size_t count = 0;
  for (json::element e : licenses) {
    if (++count > 64) {
      break;
    }
    std::string_view text = string_of(e["expression"]);
    if (text.empty()) {
      text = string_of(e["license"]["id"]);
    }
    if (text.empty()) {
      text = string_of(e["license"]["name"]);
    }
    if (!text.empty()) {
      out += out.empty() ? "" : " AND ";
      out += text;
    }
  }
  return out;
}

model::Scope scope_of(std::string_view cdx_scope, std::string_view vigil_scope) {
  if (vigil_scope == "dev") return model::Scope::Dev;
  if (vigil_scope == "prod") return model::Scope::Prod;
  if (cdx_scope == "optional") return model::Scope::Dev;  // what Vigil writes for dev dependencies
  if (cdx_scope == "required") return model::Scope::Prod;
  return model::Scope::Unknown;
}

model::Relation relation_of(std::string_view vigil_relation) {
  if (vigil_relation == "direct") return model::Relation::Direct;
  if (vigil_relation == "transitive") return model::Relation::Transitive;
  return model::Relation::Unknown;
}

// Trivy: SrcEpoch, SrcVersion and SrcRelease make "epoch:version-release" (rpm) or "epoch:version" (deb).
std::string trivy_source_version(const std::map<std::string_view, std::string_view>& props) {
  const std::string_view version = property(props, "aquasecurity:trivy:SrcVersion");
  if (version.empty()) {
    return {};
  }
  const std::string_view epoch = property(props, "aquasecurity:trivy:SrcEpoch");
  const std::string_view release = property(props, "aquasecurity:trivy:SrcRelease");
  std::string out = epoch.empty() || epoch == "0" ? "" : std::string(epoch) + ":";
  out += version;
  if (!release.empty()) {
    out += "-" + std::string(release);
  }
  return out;
}

Extras extras_of(json::object component, const std::map<std::string_view, std::string_view>& props) {
  Extras x;
  x.version = std::string(json::string_field(component, "version"));
  std::string_view location = property(props, "vigil:location");
  if (location.empty()) location = property(props, "aquasecurity:trivy:FilePath");
  if (location.empty()) location = property(props, "syft:location:0:path");
  x.location = relative_location(location);
  x.license = license_of(component);
  x.scope = scope_of(json::string_field(component, "scope"), property(props, "vigil:scope"));
  x.relation = relation_of(property(props, "vigil:relation"));
  x.source_name = std::string(property(props, "vigil:source_name"));
  x.source_version = std::string(property(props, "vigil:source_version"));
  if (x.source_name.empty()) {
    x.source_name = std::string(property(props, "aquasecurity:trivy:SrcName"));
    x.source_version = trivy_source_version(props);
  }
  x.arch = std::string(property(props, "vigil:arch"));
  return x;
}

void read_os(json::object component, const std::map<std::string_view, std::string_view>& props, Collector& out) {
  model::OsInfo os;
  std::string_view family = property(props, "syft:distro:id");
  if (family.empty()) {
    family = json::string_field(component, "name");
  }
  os.family = to_lower(trim(family));
  os.version = std::string(json::string_field(component, "version"));
  os.name = std::string(json::string_field(component, "description"));
  os.location = relative_location(property(props, "vigil:location"));
  out.set_document_os(std::move(os));
}

// Components that are not packages and rightly have no purl: no warning for those.
bool is_container_like(std::string_view type, json::object component,
                       const std::map<std::string_view, std::string_view>& props) {
  static constexpr std::array kTypes{"operating-system", "file", "container", "platform", "data"};
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end() || json::has_field(component, "components") ||
         !property(props, "aquasecurity:trivy:Class").empty();  // Trivy's lockfile/application holders
}

void read_components(json::element list, std::string_view where, int depth, Collector& out);

void read_component(json::object component, size_t index, std::string_view where, int depth, Collector& out) {
  const auto props = read_properties(component);
  const std::string_view type = json::string_field(component, "type");
  const std::string_view name = json::string_field(component, "name");
  const std::string what = fmt::format("{}[{}] '{}'", where, index, clip(name, 80));
  if (type == "operating-system") {
    read_os(component, props, out);
  }
  const std::string_view purl = json::string_field(component, "purl");
  if (!purl.empty()) {
    out.add(purl, extras_of(component, props), what);
  } else if (!is_container_like(type, component, props)) {
    out.warn(0, what + " has no purl: skipped");
  }
  json::element nested;
  if (!component["components"].get(nested)) {
    read_components(nested, fmt::format("{}[{}].components", where, index), depth + 1, out);
  }
}

void read_components(json::element list, std::string_view where, int depth, Collector& out) {
  json::array components;
  if (list.get_array().get(components)) {
    out.warn(0, fmt::format("{} is a JSON {}, expected an array", where, json::type_name(list)));
    return;
  }
  if (depth > kMaxDepth) {
    out.warn(0, fmt::format("components nested deeper than {} levels: not read", kMaxDepth));
    return;
  }
  size_t index = 0;
  for (json::element e : components) {
    if (!out.take_entry()) {
      return;
    }
    json::object component;
    if (e.get_object().get(component)) {
      out.warn(0, fmt::format("{}[{}] is a JSON {}, expected an object", where, index, json::type_name(e)));
    } else {
      read_component(component, index, where, depth, out);
    }
    ++index;
  }
}

}  // namespace

Result<Parsed> read_cyclonedx(json::object root) {
  Collector out;
  json::element components;
  const bool has_components = !root["components"].get(components);
  const std::string_view format = json::string_field(root, "bomFormat");
  if (!format.empty() && format != "CycloneDX") {
    return fail("bomFormat is '" + clip(format, 40) + "', expected CycloneDX");
  }
  if (format.empty()) {
    if (json::has_field(root, "spdxVersion")) {
      return fail("an SPDX document, not CycloneDX");
    }
    if (!has_components) {
      return fail("not a CycloneDX document: no \"bomFormat\" and no \"components\"");
    }
    out.warn(0, "no \"bomFormat\": read as CycloneDX");
  }
  json::object metadata_component;
  if (!root["metadata"]["component"].get_object().get(metadata_component) &&
      json::string_field(metadata_component, "type") == "operating-system") {
    read_os(metadata_component, read_properties(metadata_component), out);
  }
  if (has_components) {
    read_components(components, "components", 0, out);
  }
  return out.finish();
}

}  // namespace vigil::formats::sbom_in

namespace vigil::formats {

Result<Parsed> parse_cyclonedx_json(std::string_view /*path*/, std::string_view bytes) {
  simdjson::dom::parser parser;
  auto root = json::parse_object(parser, bytes, "CycloneDX document");
  if (!root) {
    return tl::unexpected(root.error());
  }
  return sbom_in::read_cyclonedx(*root);
}

}  // namespace vigil::formats
