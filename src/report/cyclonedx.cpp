// CycloneDX 1.5 JSON writer: the inventory as a BOM (docs/sbom-formats.md has the field mapping).
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/report.hpp"
#include "report/sbom_support.hpp"

namespace vigil::report {
namespace {

using Json = nlohmann::ordered_json;  // keeps the members in the order the spec lists them

constexpr std::string_view kTargetRef = "vigil:target";
constexpr std::string_view kOsRef = "vigil:os";

void add_property(Json& properties, std::string_view name, std::string_view value) {
  if (!value.empty()) {
    properties.push_back(Json{{"name", name}, {"value", value}});
  }
}

Json license_choice(const sbom::License& license) {
  switch (license.form) {
    case sbom::LicenseForm::Id: return Json{{"license", Json{{"id", license.value}}}};
    case sbom::LicenseForm::Expression: return Json{{"expression", license.value}};
    case sbom::LicenseForm::Name: return Json{{"license", Json{{"name", license.value}}}};
    case sbom::LicenseForm::None: break;
  }
  return nullptr;
}

Json metadata(const Report& report) {
  Json tool{{"type", "application"}, {"name", "vigil"}};
  if (!report.tool_version.empty()) {
    tool["version"] = report.tool_version;
  }
  Json meta;
  if (!report.created.empty()) {
    meta["timestamp"] = sbom::utc_seconds(report.created);
  }
  meta["tools"] = Json{{"components", Json::array({tool})}};
  meta["component"] = Json{{"bom-ref", kTargetRef},
                           {"type", report.target_kind == "image" ? "container" : "file"},
                           {"name", report.target.empty() ? std::string("unknown") : report.target}};
  if (!report.target_kind.empty()) {
    meta["component"]["properties"] = Json::array({Json{{"name", "vigil:target_kind"}, {"value", report.target_kind}}});
  }
  return meta;
}

Json os_component(const model::OsInfo& os) {
  Json component{{"bom-ref", kOsRef}, {"type", "operating-system"}, {"name", os.family}};
  if (!os.version.empty()) {
    component["version"] = os.version;
  }
  if (!os.name.empty()) {
    component["description"] = os.name;
  }
  Json properties = Json::array();
  add_property(properties, "vigil:location", os.location);
  if (!properties.empty()) {
    component["properties"] = std::move(properties);
  }
  return component;
}

Json package_component(const model::Package& pkg, const std::string& purl, std::string bom_ref) {
  auto [group, name] = sbom::group_and_name(pkg);
  Json component{{"bom-ref", std::move(bom_ref)}, {"type", "library"}};
  if (!group.empty()) {
    component["group"] = std::move(group);
  }
  component["name"] = std::move(name);
  if (!pkg.version.empty()) {
    component["version"] = pkg.version;
  }
  if (pkg.scope != model::Scope::Unknown) {
    // CycloneDX: "optional" = not needed at run time, which is what a dev dependency is.
    component["scope"] = pkg.scope == model::Scope::Dev ? "optional" : "required";
  }
  if (Json license = license_choice(sbom::classify_license(pkg.license)); !license.is_null()) {
    component["licenses"] = Json::array({std::move(license)});
  }
  component["purl"] = purl;
  Json properties = Json::array();
  add_property(properties, "vigil:ecosystem", model::ecosystem_name(pkg.ecosystem));
  add_property(properties, "vigil:location", pkg.location);
  add_property(properties, "vigil:scope", model::scope_name(pkg.scope));
  add_property(properties, "vigil:relation", model::relation_name(pkg.relation));
  add_property(properties, "vigil:source_name", pkg.source_name);
  add_property(properties, "vigil:source_version", pkg.source_version);
  add_property(properties, "vigil:arch", pkg.arch);
  component["properties"] = std::move(properties);
  return component;
}

}  // namespace

void write_cyclonedx(const Report& report, std::ostream& out) {
  const model::Inventory& inventory = report.inventory;
  const model::OsInfo* os = inventory.os ? &*inventory.os : nullptr;

  // bom-ref is the purl, unless several packages share it (same package in several lockfiles): then each of
  // those gets "#<n>" in input order, which is deterministic because the input is sorted.
  std::vector<std::string> purls;
  purls.reserve(inventory.packages.size());
  std::map<std::string, size_t> purl_count;
  for (const auto& pkg : inventory.packages) {
    purls.push_back(sbom::purl_of(pkg, os));
    ++purl_count[purls.back()];
  }

  Json components = Json::array();
  if (os != nullptr && !os->family.empty()) {
    components.push_back(os_component(*os));
  }
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < inventory.packages.size(); ++i) {
    const std::string& purl = purls[i];
    std::string bom_ref = purl;
    if (purl_count[purl] > 1) {
      bom_ref += "#" + std::to_string(++seen[purl]);
    }
    components.push_back(package_component(inventory.packages[i], purl, std::move(bom_ref)));
  }

  Json bom{
      {"$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json"},
      {"bomFormat", "CycloneDX"},
      {"specVersion", "1.5"},
      {"serialNumber", "urn:uuid:" + sbom::random_uuid_v4()},
      {"version", 1},
  };
  bom["metadata"] = metadata(report);
  bom["components"] = std::move(components);
  // Package names and versions come from scanned files and may hold invalid UTF-8: replace, never throw.
  out << bom.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace vigil::report
