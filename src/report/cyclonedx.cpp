// CycloneDX 1.5 JSON writer: the inventory as a BOM (docs/sbom-formats.md has the field mapping) and, when the
// vulnerability scanner ran, its findings as BOM vulnerabilities (docs/report-formats.md).
#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "report/report.hpp"
#include "report/sbom_support.hpp"
#include "report/vuln_support.hpp"

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
  if (pkg.layer) {  // images: the layer that introduced the package
    add_property(properties, "vigil:layer:index", std::to_string(pkg.layer->index));
    add_property(properties, "vigil:layer:digest", pkg.layer->digest);
    add_property(properties, "vigil:layer:diff_id", pkg.layer->diff_id);
  }
  component["properties"] = std::move(properties);
  return component;
}

// "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm)": what the schema's date-time format accepts; anything else is left out.
bool is_rfc3339(std::string_view s) {
  const auto digits = [&](size_t pos, size_t n) {
    return pos + n <= s.size() &&
           std::all_of(s.begin() + pos, s.begin() + pos + n, [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!(digits(0, 4) && s.size() >= 20 && s[4] == '-' && digits(5, 2) && s[7] == '-' && digits(8, 2) &&
        (s[10] == 'T' || s[10] == 't') && digits(11, 2) && s[13] == ':' && digits(14, 2) && s[16] == ':' &&
        digits(17, 2))) {
    return false;
  }
  size_t i = 19;
  if (s[i] == '.') {
    const size_t start = ++i;
    while (digits(i, 1)) {
      ++i;
    }
    if (i == start) {
      return false;
    }
  }
  const std::string_view zone = s.substr(i);
  return zone == "Z" || zone == "z" ||
         (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(i + 1, 2) && zone[3] == ':' &&
          digits(i + 4, 2));
}

std::string_view score_method(const model::SeverityInfo& s) {
  if (s.source == "CVSS_V4") {
    return "CVSSv4";
  }
  if (s.source == "CVSS_V3") {
    return starts_with(s.vector, "CVSS:3.0/") ? "CVSSv3" : "CVSSv31";
  }
  if (s.source == "CVSS_V2") {
    return "CVSSv2";
  }
  return "other";
}

Json ratings(const model::SeverityInfo& s) {
  if (s.rating == model::Severity::Unknown && s.source.empty() && !vuln::has_score(s)) {
    return Json::array();
  }
  Json rating;
  if (vuln::has_score(s)) {
    rating["score"] = s.score;
  }
  rating["severity"] = to_lower(model::severity_name(s.rating));
  rating["method"] = score_method(s);
  if (!s.vector.empty()) {
    rating["vector"] = s.vector;
  }
  return Json::array({std::move(rating)});
}

// A VEX justification in CycloneDX's words (OpenVEX's are mapped where they mean the same); "" otherwise.
std::string_view justification_of(std::string_view reason) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kJustifications{{
      {"code_not_present", "code_not_present"},
      {"code_not_reachable", "code_not_reachable"},
      {"requires_configuration", "requires_configuration"},
      {"requires_dependency", "requires_dependency"},
      {"requires_environment", "requires_environment"},
      {"protected_by_compiler", "protected_by_compiler"},
      {"protected_at_runtime", "protected_at_runtime"},
      {"protected_at_perimeter", "protected_at_perimeter"},
      {"protected_by_mitigating_control", "protected_by_mitigating_control"},
      {"component_not_present", "code_not_present"},
      {"vulnerable_code_not_present", "code_not_present"},
      {"vulnerable_code_not_in_execute_path", "code_not_reachable"},
      {"inline_mitigations_already_exist", "protected_by_mitigating_control"},
  }};
  const std::string_view trimmed = trim(reason);
  for (const auto& [from, to] : kJustifications) {
    if (trimmed == from) {
      return to;
    }
  }
  return {};
}

Json analysis(const model::Suppression& s) {
  Json obj{{"state", "not_affected"}};
  if (s.kind == "vex") {
    if (std::string_view justification = justification_of(s.reason); !justification.empty()) {
      obj["justification"] = justification;
    }
  }
  obj["detail"] = s.reason.empty() ? "suppressed by " + (s.file.empty() ? s.kind : s.file) : s.reason;
  return obj;
}

// bom-refs of the components a finding is about: the inventoried packages of the same name and version at
// the finding's locations, or its purl when none of them is in this BOM.
Json affects(const model::Vulnerability& v, const model::Inventory& inventory, const std::vector<std::string>& refs,
             const model::OsInfo* os) {
  const std::vector<std::string> locations = vuln::locations_of(v);
  const std::set<std::string_view> where(locations.begin(), locations.end());
  Json out = Json::array();
  for (size_t i = 0; i < inventory.packages.size(); ++i) {
    const model::Package& p = inventory.packages[i];
    if (p.ecosystem == v.package.ecosystem && p.name == v.package.name && p.version == v.package.version &&
        (where.empty() || where.count(p.location) > 0)) {
      out.push_back(Json{{"ref", refs[i]}});
    }
  }
  if (out.empty()) {
    out.push_back(Json{{"ref", sbom::purl_of(v.package, os)}});
  }
  return out;
}

Json vulnerability(const model::Vulnerability& v, Json affected) {
  Json obj{{"id", v.id}, {"source", {{"name", "OSV"}, {"url", vuln::osv_url(v.id)}}}};
  if (!v.aliases.empty()) {
    Json references = Json::array();
    for (const auto& alias : v.aliases) {
      references.push_back(Json{{"id", alias}, {"source", {{"name", "OSV"}, {"url", vuln::osv_url(alias)}}}});
    }
    obj["references"] = std::move(references);
  }
  if (Json r = ratings(v.severity); !r.empty()) {
    obj["ratings"] = std::move(r);
  }
  if (!v.summary.empty()) {
    obj["description"] = v.summary;
  }
  if (v.fixed_versions.size() == 1) {
    obj["recommendation"] = "Upgrade " + v.package.name + " to " + v.fixed_versions.front();
  } else if (!v.fixed_versions.empty()) {
    obj["recommendation"] = "Upgrade " + v.package.name + " to one of " + vuln::join(v.fixed_versions);
  }
  if (is_rfc3339(v.modified)) {
    obj["updated"] = v.modified;
  }
  if (v.suppressed) {
    obj["analysis"] = analysis(*v.suppressed);
  }
  obj["affects"] = std::move(affected);
  Json properties = Json::array();
  add_property(properties, "vigil:osv_ecosystem", v.osv_ecosystem);
  add_property(properties, "vigil:fixed_versions", vuln::join(v.fixed_versions));
  if (v.suppressed) {
    add_property(properties, "vigil:suppression_kind", v.suppressed->kind);
    add_property(properties, "vigil:suppression_file", v.suppressed->file);
  }
  if (!properties.empty()) {
    obj["properties"] = std::move(properties);
  }
  return obj;
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
  std::vector<std::string> refs;
  refs.reserve(inventory.packages.size());
  for (size_t i = 0; i < inventory.packages.size(); ++i) {
    const std::string& purl = purls[i];
    refs.push_back(purl);
    if (purl_count[purl] > 1) {
      refs.back() += "#" + std::to_string(++seen[purl]);
    }
    components.push_back(package_component(inventory.packages[i], purl, refs.back()));
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
  if (report.vulnerabilities_scanned) {
    // The schema wants unique items: findings that render the same (a package listed twice) are written once.
    Json vulnerabilities = Json::array();
    std::set<std::string> written;
    for (const auto& v : report.vulnerabilities) {
      Json item = vulnerability(v, affects(v, inventory, refs, os));
      if (written.insert(item.dump(-1, ' ', false, Json::error_handler_t::replace)).second) {
        vulnerabilities.push_back(std::move(item));
      }
    }
    bom["vulnerabilities"] = std::move(vulnerabilities);
  }
  // Package names and versions come from scanned files and may hold invalid UTF-8: replace, never throw.
  out << bom.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace vigil::report
