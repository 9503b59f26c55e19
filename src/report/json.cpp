// Vigil's own JSON report (schema: docs/schemas/report.md): inventory, vulnerabilities and secrets; stable keys,
// optional ones omitted when empty.
#include <nlohmann/json.hpp>

#include "report/report.hpp"
#include "report/vuln_support.hpp"

namespace vigil::report {
namespace {

void put_if(nlohmann::ordered_json& obj, const char* key, std::string_view value) {
  if (!value.empty()) {
    obj[key] = value;
  }
}

nlohmann::ordered_json suppression_json(const model::Suppression& s) {
  return {{"kind", s.kind}, {"file", s.file}, {"reason", s.reason}};
}

// The layer a finding came from (images only): digest as in the manifest, diff_id as in the config.
nlohmann::ordered_json layer_json(const model::LayerRef& layer) {
  nlohmann::ordered_json obj{{"index", layer.index}, {"digest", layer.digest}, {"diff_id", layer.diff_id}};
  put_if(obj, "created_by", layer.created_by);
  return obj;
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
  if (pkg.layer) {
    obj["layer"] = layer_json(*pkg.layer);
  }
  return obj;
}

// One finding (docs/schemas/report.md): the package is repeated in short so each entry stands alone.
nlohmann::ordered_json vulnerability_json(const model::Vulnerability& v) {
  nlohmann::ordered_json obj;
  obj["id"] = v.id;
  obj["aliases"] = v.aliases;
  obj["summary"] = v.summary;
  obj["package"] = {{"name", v.package.name},
                    {"version", v.package.version},
                    {"ecosystem", model::ecosystem_name(v.package.ecosystem)},
                    {"purl", v.package.purl}};
  if (v.package.layer) {
    obj["package"]["layer"] = layer_json(*v.package.layer);
  }
  obj["osv_ecosystem"] = v.osv_ecosystem;
  nlohmann::ordered_json severity{{"rating", model::severity_name(v.severity.rating)}};
  if (vuln::has_score(v.severity)) {
    severity["score"] = v.severity.score;
  }
  put_if(severity, "vector", v.severity.vector);
  put_if(severity, "source", v.severity.source);
  obj["severity"] = std::move(severity);
  obj["fixed_versions"] = v.fixed_versions;
  obj["locations"] = vuln::locations_of(v);
  put_if(obj, "modified", v.modified);
  if (v.suppressed) {
    obj["suppressed"] = suppression_json(*v.suppressed);
  }
  return obj;
}

// One secret (docs/schemas/report.md): only the redacted value, never the secret (the model does not hold it).
nlohmann::ordered_json secret_json(const model::SecretFinding& s) {
  nlohmann::ordered_json obj;
  obj["rule"] = s.rule;
  obj["title"] = s.title;
  obj["severity"] = model::severity_name(s.severity);
  obj["path"] = s.path;
  obj["line"] = s.line;
  obj["column"] = s.column;
  obj["redacted"] = s.redacted;
  obj["fingerprint"] = s.fingerprint;
  put_if(obj, "commit", s.commit);
  put_if(obj, "author_date", s.author_date);
  if (s.present_at_head) {
    obj["present_at_head"] = *s.present_at_head;
  }
  if (s.layer) {
    obj["layer"] = layer_json(*s.layer);
  }
  if (s.deleted_in_layer >= 0) {
    obj["deleted_in_layer"] = s.deleted_in_layer;
  }
  if (s.suppressed) {
    obj["suppressed"] = suppression_json(*s.suppressed);
  }
  return obj;
}

nlohmann::ordered_json misconfiguration_json(const model::Misconfiguration& m) {
  nlohmann::ordered_json obj;
  obj["check"] = m.check;
  obj["severity"] = model::severity_name(m.severity);
  obj["title"] = m.title;
  obj["message"] = m.message;
  obj["remediation"] = m.remediation;
  obj["path"] = m.path;
  obj["line"] = m.line;
  if (m.layer) {
    obj["layer"] = layer_json(*m.layer);
  }
  if (m.suppressed) {
    obj["suppressed"] = suppression_json(*m.suppressed);
  }
  return obj;
}

nlohmann::ordered_json image_json(const model::ImageSummary& image) {
  nlohmann::ordered_json obj;
  obj["reference"] = image.reference;
  obj["manifest_digest"] = image.manifest_digest;
  put_if(obj, "index_digest", image.index_digest);
  obj["config_digest"] = image.config_digest;
  obj["platform"] = image.platform;
  obj["user"] = image.user;
  auto layers = nlohmann::ordered_json::array();
  for (const auto& layer : image.layers) {
    auto l = layer_json(*layer);
    l["size"] = layer->size;
    layers.push_back(std::move(l));
  }
  obj["layers"] = std::move(layers);
  return obj;
}

// value.dump(2) with every line after the first indented by `spaces` more.
std::string dump_indented(const nlohmann::ordered_json& value, size_t spaces) {
  std::string text = value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  const std::string pad(spaces, ' ');
  for (size_t pos = text.find('\n'); pos != std::string::npos; pos = text.find('\n', pos + 1 + spaces)) {
    text.insert(pos + 1, pad);
  }
  return text;
}

// Writes `"key": value` at two spaces of indentation, as dump(2) of the whole document would, so
// large arrays are streamed element by element instead of built as one tree first.
void write_member(std::ostream& out, const char* key, const nlohmann::ordered_json& value, bool last = false) {
  out << "  \"" << key << "\": " << dump_indented(value, 2) << (last ? "\n" : ",\n");
}

template <class Items, class ToJson>
void write_array_member(std::ostream& out, const char* key, const Items& items, ToJson to_json, bool last) {
  if (items.empty()) {
    out << "  \"" << key << "\": []" << (last ? "\n" : ",\n");
    return;
  }
  out << "  \"" << key << "\": [\n";
  for (size_t i = 0; i < items.size(); ++i) {
    out << "    " << dump_indented(to_json(items[i]), 4) << (i + 1 < items.size() ? ",\n" : "\n");
  }
  out << "  ]" << (last ? "\n" : ",\n");
}

}  // namespace

void write_json(const Report& report, std::ostream& out) {
  out << "{\n";
  write_member(out, "schema_version", 1);
  write_member(out, "tool", {{"name", "vigil"}, {"version", report.tool_version}});
  write_member(out, "created", report.created);
  write_member(out, "target", {{"name", report.target}, {"kind", report.target_kind}});
  if (report.image) {
    write_member(out, "image", image_json(*report.image));
  }
  if (const auto& os = report.inventory.os) {
    write_member(out, "os",
                 {{"family", os->family}, {"version", os->version}, {"name", os->name}, {"location", os->location}});
  } else {
    write_member(out, "os", nullptr);
  }
  if (report.vulnerabilities_scanned) {
    write_member(out, "vuln_db", report.vuln_db);
  }
  write_array_member(out, "packages", report.inventory.packages, package_json, false);
  if (report.vulnerabilities_scanned) {
    write_array_member(out, "vulnerabilities", report.vulnerabilities, vulnerability_json, false);
  }
  if (report.secrets_scanned) {
    write_array_member(out, "secrets", report.inventory.secrets, secret_json, false);
  }
  if (report.misconfigurations_scanned) {
    write_array_member(out, "misconfigurations", report.inventory.misconfigurations, misconfiguration_json, false);
  }
  write_array_member(
      out, "warnings", report.inventory.warnings,
      [](const Diagnostic& w) {
        return nlohmann::ordered_json{{"file", w.file}, {"line", w.line}, {"message", w.message}};
      },
      true);
  out << "}\n";
}

}  // namespace vigil::report
