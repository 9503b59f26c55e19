// SARIF 2.1.0 writer: vulnerability findings as code-scanning results (one rule per advisory id, one result per
// finding and location), in the shape GitHub code scanning ingests. docs/report-formats.md shows an example.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "report/report.hpp"
#include "report/vuln_support.hpp"

namespace vigil::report {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxShortDescription = 120;  // code points; GitHub shows it as the alert title
constexpr size_t kMaxHelpPackages = 25;       // rows of the help table, so a rule stays readable

// Everything the findings of one advisory id share, merged over the packages it affects.
struct Rule {
  std::string id;
  std::string summary;
  std::vector<std::string> aliases;
  model::SeverityInfo severity;  // the highest over the findings
  std::vector<const model::Vulnerability*> findings;
};

std::string_view level_of(model::Severity s) {
  switch (s) {
    case model::Severity::Critical:
    case model::Severity::High: return "error";
    case model::Severity::Medium: return "warning";
    case model::Severity::Low:
    case model::Severity::Unknown: break;
  }
  return "note";
}

std::string fixed_text(const model::Vulnerability& v) {
  return v.fixed_versions.empty() ? std::string("no fix available") : "fixed in " + vuln::join(v.fixed_versions);
}

// Markdown of text from a database: characters that would start inline markup, raw HTML or break a table cell
// are escaped (the text never starts a line, so block markup like '#' or '+' cannot trigger).
std::string md(std::string_view s) {
  std::string out;
  for (char c : vuln::printable(s)) {
    if (std::string_view("\\`*_[]<>|~").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::map<std::string, Rule> collect_rules(const std::vector<model::Vulnerability>& vulns) {
  std::map<std::string, Rule> rules;
  for (const auto& v : vulns) {
    Rule& rule = rules[v.id];
    if (rule.findings.empty()) {
      rule.id = v.id;
      rule.summary = v.summary;
      rule.aliases = v.aliases;
      rule.severity = v.severity;
    } else if (std::tie(v.severity.rating, v.severity.score) > std::tie(rule.severity.rating, rule.severity.score)) {
      rule.severity = v.severity;
    }
    rule.findings.push_back(&v);
  }
  return rules;
}

Json help(const Rule& rule) {
  std::string text = rule.id + (rule.summary.empty() ? "" : ": " + vuln::printable(rule.summary)) + "\n";
  std::string markdown = "**" + md(rule.id) + "**" + (rule.summary.empty() ? "" : " " + md(rule.summary)) + "\n\n";
  if (!rule.aliases.empty()) {
    text += "Aliases: " + vuln::join(rule.aliases) + "\n";
    markdown += "Aliases: " + md(vuln::join(rule.aliases)) + "\n\n";
  }
  markdown += "| Package | Ecosystem | Installed | Fixed in |\n| --- | --- | --- | --- |\n";
  const size_t shown = std::min(rule.findings.size(), kMaxHelpPackages);
  for (size_t i = 0; i < shown; ++i) {
    const auto& v = *rule.findings[i];
    const std::string fixed = v.fixed_versions.empty() ? "no fix" : vuln::join(v.fixed_versions);
    const std::string_view eco = model::ecosystem_name(v.package.ecosystem);
    text += fmt::format("Package: {} ({}), installed: {}, fixed in: {}\n", vuln::printable(v.package.name), eco,
                        vuln::printable(v.package.version), vuln::printable(fixed));
    markdown += fmt::format("| {} | {} | {} | {} |\n", md(v.package.name), md(eco), md(v.package.version), md(fixed));
  }
  if (shown < rule.findings.size()) {
    text += fmt::format("... and {} more\n", rule.findings.size() - shown);
    markdown += fmt::format("\n... and {} more\n", rule.findings.size() - shown);
  }
  text += "Details: " + vuln::osv_url(rule.id);
  markdown += "\n[" + md(rule.id) + " on OSV](" + vuln::osv_url(rule.id) + ")";
  return Json{{"text", std::move(text)}, {"markdown", std::move(markdown)}};
}

Json rule_json(const Rule& rule) {
  const std::string summary = vuln::printable(rule.summary);
  std::string full = summary.empty() ? rule.id : summary;
  if (!rule.aliases.empty()) {
    full += " (aliases: " + vuln::join(rule.aliases) + ")";
  }
  Json properties;
  if (std::string score = vuln::security_severity(rule.severity); !score.empty()) {
    properties["security-severity"] = std::move(score);
  }
  properties["tags"] = Json::array({"security", "vulnerability"});
  return Json{
      {"id", rule.id},
      {"shortDescription", {{"text", summary.empty() ? rule.id : vuln::truncate(summary, kMaxShortDescription)}}},
      {"fullDescription", {{"text", std::move(full)}}},
      {"helpUri", vuln::osv_url(rule.id)},
      {"help", help(rule)},
      {"defaultConfiguration", {{"level", level_of(rule.severity.rating)}}},
      {"properties", std::move(properties)},
  };
}

// One result per place the package was found: code scanning anchors an alert to one file.
void add_results(const model::Vulnerability& v, size_t rule_index, Json& results) {
  const std::string message =
      fmt::format("{} {} is affected by {}; {}", v.package.name, v.package.version, v.id, fixed_text(v));
  std::vector<std::string> locations = vuln::locations_of(v);
  if (locations.empty()) {
    locations.emplace_back();  // still one result, without a location
  }
  for (const auto& location : locations) {
    Json result{{"ruleId", v.id},
                {"ruleIndex", rule_index},
                {"level", level_of(v.severity.rating)},
                {"message", {{"text", message}}}};
    if (!location.empty()) {
      Json artifact{{"uri", vuln::path_to_uri(location)}};
      result["locations"] =
          Json::array({{{"physicalLocation", {{"artifactLocation", artifact}, {"region", {{"startLine", 1}}}}}}});
    }
    const std::string_view eco = model::ecosystem_name(v.package.ecosystem);
    result["partialFingerprints"] = {
        {"vigilFinding/v1", vuln::fingerprint({v.id, eco, v.package.name, v.package.version, location})}};
    if (v.suppressed) {
      const std::string& reason = v.suppressed->reason;
      std::string justification = reason.empty() ? v.suppressed->kind : reason;
      if (!v.suppressed->file.empty()) {
        justification += " (" + v.suppressed->file + ")";
      }
      result["suppressions"] = Json::array({{{"kind", "external"}, {"justification", std::move(justification)}}});
    }
    result["properties"] = {{"package", v.package.name},
                            {"installedVersion", v.package.version},
                            {"ecosystem", eco},
                            {"fixedVersions", v.fixed_versions},
                            {"purl", v.package.purl}};
    results.push_back(std::move(result));
  }
}

}  // namespace

void write_sarif(const Report& report, std::ostream& out) {
  const std::map<std::string, Rule> rules = collect_rules(report.vulnerabilities);
  Json rule_list = Json::array();
  std::map<std::string_view, size_t> rule_index;
  for (const auto& [id, rule] : rules) {
    rule_index[id] = rule_list.size();
    rule_list.push_back(rule_json(rule));
  }
  Json driver{{"name", "vigil"}};
  if (!report.tool_version.empty()) {
    driver["version"] = report.tool_version;
  }
  driver["informationUri"] = "https://github.com/vigil-sec/vigil";
  driver["rules"] = std::move(rule_list);

  Json results = Json::array();
  for (const auto& v : report.vulnerabilities) {
    add_results(v, rule_index.at(v.id), results);
  }
  Json run{{"tool", {{"driver", std::move(driver)}}}, {"results", std::move(results)}};
  run["columnKind"] = "utf16CodeUnits";
  Json log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}};
  log["runs"] = Json::array({std::move(run)});
  // Summaries and names come from databases and scanned files: replace invalid UTF-8, never throw.
  out << log.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace vigil::report
