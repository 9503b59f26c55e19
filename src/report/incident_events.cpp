#include "report/incident_events.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

namespace vigil::report {
namespace {

using nlohmann::json;

// The service has four severities; a finding without a rating is reported as low rather than dropped.
std::string_view incident_severity(model::Severity s) {
  switch (s) {
    case model::Severity::Critical: return "critical";
    case model::Severity::High: return "high";
    case model::Severity::Medium: return "medium";
    case model::Severity::Low:
    case model::Severity::Unknown: break;
  }
  return "low";
}

json base_event(const Report& report, const std::string& subject, std::string_view rule, model::Severity severity,
                std::string title, std::string_view kind) {
  return json{{"source", "vigil-scan"},
              {"rule", rule},
              {"severity", incident_severity(severity)},
              {"subject", subject},
              {"title", std::move(title)},
              {"time", report.created},
              {"labels", {{"kind", kind}, {"target", report.target}, {"target_kind", report.target_kind}}}};
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void add_vulnerabilities(const Report& report, const std::string& subject, std::vector<std::string>& out) {
  for (const auto& v : report.vulnerabilities) {
    if (v.suppressed) continue;
    const auto& p = v.package;
    std::string title = fmt::format("{} in {} {}", v.id, p.name, p.version);
    if (!v.fixed_versions.empty()) title += fmt::format(" (fixed in {})", v.fixed_versions.front());
    json e = base_event(report, subject, v.id, v.severity.rating, std::move(title), "vulnerability");
    e["labels"]["package"] = p.name;
    e["labels"]["version"] = p.version;
    e["details"] = json{{"aliases", v.aliases},
                        {"summary", v.summary},
                        {"purl", p.purl},
                        {"fixed_versions", v.fixed_versions},
                        {"locations", v.locations}};
    out.push_back(dump(e));
  }
}

void add_secrets(const Report& report, const std::string& subject, std::vector<std::string>& out) {
  for (const auto& s : report.inventory.secrets) {
    if (s.suppressed) continue;
    json e =
        base_event(report, subject, s.rule, s.severity, fmt::format("{} in {}:{}", s.title, s.path, s.line), "secret");
    e["labels"]["path"] = s.path;
    // The secret's own fingerprint (rule + path + secret): the same leak found again is the same incident.
    e["fingerprint"] = "secret:" + s.fingerprint;
    e["details"] = json{{"path", s.path}, {"line", s.line}, {"redacted", s.redacted}, {"commit", s.commit}};
    out.push_back(dump(e));
  }
}

void add_misconfigurations(const Report& report, const std::string& subject, std::vector<std::string>& out) {
  for (const auto& m : report.inventory.misconfigurations) {
    if (m.suppressed) continue;
    std::string where = m.line > 0 ? fmt::format("{}:{}", m.path, m.line) : m.path;
    json e =
        base_event(report, subject, m.check, m.severity, fmt::format("{} ({})", m.message, where), "misconfiguration");
    e["labels"]["path"] = m.path;
    e["details"] = json{{"path", m.path}, {"line", m.line}, {"remediation", m.remediation}};
    out.push_back(dump(e));
  }
}

}  // namespace

std::string scan_subject(const Report& report, std::string_view host) {
  if (report.image && !report.image->manifest_digest.empty()) return "image@" + report.image->manifest_digest;
  if (report.target_kind == "sbom" || report.target_kind == "purl") return report.target;
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(report.target, ec);
  return fmt::format("{}:{}", host, ec ? report.target : absolute.lexically_normal().string());
}

std::vector<std::string> incident_events(const Report& report, std::string_view host) {
  const std::string subject = scan_subject(report, host);
  std::vector<std::string> out;
  add_vulnerabilities(report, subject, out);
  add_secrets(report, subject, out);
  add_misconfigurations(report, subject, out);
  return out;
}

}  // namespace vigil::report
