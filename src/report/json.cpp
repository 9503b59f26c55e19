// Vigil's own JSON report (schema: docs/schemas/report.md); stable keys, omitted when empty.
#include <nlohmann/json.hpp>

#include "report/report.hpp"

namespace vigil::report {
namespace {

void put_if(nlohmann::ordered_json& obj, const char* key, std::string_view value) {
  if (!value.empty()) {
    obj[key] = value;
  }
}

nlohmann::ordered_json package_json(const model::Package& pkg) {
  nlohmann::ordered_json obj;
  obj["name"] = pkg.name;
  obj["version"] = pkg.version;
  obj["ecosystem"] = model::ecosystem_name(pkg.ecosystem);
  obj["purl"] = pkg.purl;
  obj["location"] = pkg.location;
  put_if(obj, "scope", model::scope_name(pkg.scope));
  put_if(obj, "relation", model::relation_name(pkg.relation));
  put_if(obj, "source_name", pkg.source_name);
  put_if(obj, "source_version", pkg.source_version);
  put_if(obj, "arch", pkg.arch);
  put_if(obj, "license", pkg.license);
  return obj;
}

}  // namespace

void write_json(const Report& report, std::ostream& out) {
  nlohmann::ordered_json doc;
  doc["schema_version"] = 1;
  doc["tool"] = {{"name", "vigil"}, {"version", report.tool_version}};
  doc["created"] = report.created;
  doc["target"] = {{"name", report.target}, {"kind", report.target_kind}};
  if (const auto& os = report.inventory.os) {
    doc["os"] = {{"family", os->family}, {"version", os->version}, {"name", os->name}, {"location", os->location}};
  } else {
    doc["os"] = nullptr;
  }
  auto& packages = doc["packages"] = nlohmann::ordered_json::array();
  for (const auto& pkg : report.inventory.packages) {
    packages.push_back(package_json(pkg));
  }
  auto& warnings = doc["warnings"] = nlohmann::ordered_json::array();
  for (const auto& w : report.inventory.warnings) {
    warnings.push_back({{"file", w.file}, {"line", w.line}, {"message", w.message}});
  }
  out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace vigil::report
