// SPDX 2.3 JSON writer: the inventory as an SPDX document (docs/sbom-formats.md has the field mapping).
#include <nlohmann/json.hpp>
#include <string>

#include "report/report.hpp"
#include "report/sbom_support.hpp"

namespace vigil::report {
namespace {

using Json = nlohmann::ordered_json;  // keeps the members in the order the spec lists them

constexpr std::string_view kDocumentId = "SPDXRef-DOCUMENT";
constexpr std::string_view kRootId = "SPDXRef-Target";
constexpr std::string_view kOsId = "SPDXRef-OperatingSystem";
constexpr size_t kMaxNamespaceTarget = 64;

// The target as a URI path segment: only unreserved characters, so the namespace is a valid URI.
std::string namespace_segment(std::string_view target) {
  std::string out;
  for (const char c : target) {
    if (out.size() >= kMaxNamespaceTarget) {
      break;
    }
    const bool unreserved =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (unreserved) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && (out.back() == '-' || out.back() == '.')) {
    out.pop_back();
  }
  return out.empty() ? "target" : out;
}

std::string_view nonempty_or(std::string_view value, std::string_view fallback) {
  return value.empty() ? fallback : value;
}

// The fields every package of the document has, in the order the spec lists them.
Json base_package(std::string_view id, std::string_view name, std::string_view version) {
  Json package{{"SPDXID", id}, {"name", nonempty_or(name, "unknown")}};
  if (!version.empty()) {
    package["versionInfo"] = version;
  }
  package["downloadLocation"] = "NOASSERTION";
  package["filesAnalyzed"] = false;
  return package;
}

Json root_package(const Report& report) {
  Json package = base_package(kRootId, report.target, "");
  package["licenseConcluded"] = "NOASSERTION";
  package["licenseDeclared"] = "NOASSERTION";
  package["copyrightText"] = "NOASSERTION";
  package["primaryPackagePurpose"] = report.target_kind == "image" ? "CONTAINER" : "FILE";
  if (!report.target_kind.empty()) {
    package["comment"] = "scanned by vigil as " + report.target_kind;
  }
  return package;
}

Json os_package(const model::OsInfo& os) {
  Json package = base_package(kOsId, os.family, os.version);
  package["licenseConcluded"] = "NOASSERTION";
  package["licenseDeclared"] = "NOASSERTION";
  package["copyrightText"] = "NOASSERTION";
  if (!os.location.empty()) {
    package["sourceInfo"] = "found in " + os.location;
  }
  if (!os.name.empty()) {
    package["description"] = os.name;
  }
  package["primaryPackagePurpose"] = "OPERATING_SYSTEM";
  return package;
}

Json library_package(const model::Package& pkg, std::string_view id, const std::string& purl) {
  Json package = base_package(id, pkg.name, pkg.version);
  package["licenseConcluded"] = "NOASSERTION";
  const sbom::License license = sbom::classify_license(pkg.license);
  const bool spdx = license.form == sbom::LicenseForm::Id || license.form == sbom::LicenseForm::Expression;
  package["licenseDeclared"] = spdx ? license.value : "NOASSERTION";
  if (license.form == sbom::LicenseForm::Name) {
    // Not an SPDX expression: keep what the package says where a reader can still see it.
    package["licenseComments"] = "declared license (not an SPDX expression): " + license.value;
  }
  package["copyrightText"] = "NOASSERTION";
  if (!pkg.location.empty()) {
    package["sourceInfo"] =
        "found in " + pkg.location +
        (pkg.layer ? " (image layer " + std::to_string(pkg.layer->index) + ", " + pkg.layer->diff_id + ")"
                   : std::string());
  }
  package["externalRefs"] = Json::array({Json{
      {"referenceCategory", "PACKAGE-MANAGER"},
      {"referenceType", "purl"},
      {"referenceLocator", purl},
  }});
  package["primaryPackagePurpose"] = "LIBRARY";
  return package;
}

Json relationship(std::string_view from, std::string_view type, std::string_view to) {
  return Json{{"spdxElementId", from}, {"relationshipType", type}, {"relatedSpdxElement", to}};
}

}  // namespace

void write_spdx_json(const Report& report, std::ostream& out) {
  const model::Inventory& inventory = report.inventory;
  const model::OsInfo* os = inventory.os ? &*inventory.os : nullptr;
  const std::string name = report.target.empty() ? std::string("vigil-sbom") : report.target;
  const std::string creator =
      report.tool_version.empty() ? std::string("Tool: vigil") : "Tool: vigil-" + report.tool_version;

  Json doc{
      {"spdxVersion", "SPDX-2.3"},
      {"dataLicense", "CC0-1.0"},
      {"SPDXID", kDocumentId},
      {"name", name},
      {"documentNamespace",
       "https://vigil.invalid/spdx/" + namespace_segment(report.target) + "-" + sbom::random_uuid_v4()},
      {"creationInfo", Json{{"created", sbom::utc_seconds(report.created)}, {"creators", Json::array({creator})}}},
      {"documentDescribes", Json::array({kRootId})},
  };

  Json packages = Json::array({root_package(report)});
  Json relationships = Json::array({relationship(kDocumentId, "DESCRIBES", kRootId)});
  if (os != nullptr && !os->family.empty()) {
    packages.push_back(os_package(*os));
    relationships.push_back(relationship(kRootId, "CONTAINS", kOsId));
  }
  // SPDXRef-Package-<n> in input order: stable for a given inventory and always within [A-Za-z0-9.-].
  for (size_t i = 0; i < inventory.packages.size(); ++i) {
    const std::string id = "SPDXRef-Package-" + std::to_string(i + 1);
    packages.push_back(library_package(inventory.packages[i], id, sbom::purl_of(inventory.packages[i], os)));
    relationships.push_back(relationship(kRootId, "CONTAINS", id));
  }
  doc["packages"] = std::move(packages);
  doc["relationships"] = std::move(relationships);
  // Package names and versions come from scanned files and may hold invalid UTF-8: replace, never throw.
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace vigil::report
