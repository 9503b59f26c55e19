// SARIF 2.1.0 writer: vulnerability findings (one rule per advisory id, one result per finding and location) and
// secrets (one rule per secret rule id, one result per finding) as code-scanning results, in the shape GitHub
// code scanning ingests. docs/report-formats.md shows an example.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
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

// A suppressed finding: GitHub shows it as dismissed, with the justification.
Json suppression(const model::Suppression& s) {
  std::string justification = s.reason.empty() ? s.kind : s.reason;
  if (!s.file.empty()) {
    justification += " (" + s.file + ")";
  }
  // A `vigil:allow` comment is in the scanned file itself; everything else is a separate file.
  return Json{{"kind", s.kind == "inline" ? "inSource" : "external"}, {"justification", std::move(justification)}};
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
      result["suppressions"] = Json::array({suppression(*v.suppressed)});
    }
    result["properties"] = {{"package", v.package.name},
                            {"installedVersion", v.package.version},
                            {"ecosystem", eco},
                            {"fixedVersions", v.fixed_versions},
                            {"purl", v.package.purl}};
    results.push_back(std::move(result));
  }
}

// ------------------------------------------------------------------------------------------------- secrets

struct SecretRule {
  std::string sarif_id;  // the rule id; "secret/<id>" in the (unlikely) case an advisory has the same id
  std::string title;
  model::Severity severity = model::Severity::Unknown;  // the highest over the findings
  size_t index = 0;                                     // in driver.rules
};

constexpr std::string_view kSecretHelp =
    "Revoke or rotate the credential where it was issued, then remove it from the file and load it from a secret "
    "store or the environment instead. If the file was committed, the secret stays in the version-control history "
    "until that is rewritten, so rotating it is what makes it harmless.";

Json secret_rule_json(const SecretRule& rule) {
  const std::string title = vuln::printable(rule.title);
  Json properties;
  if (std::string score = vuln::security_severity({rule.severity}); !score.empty()) {
    properties["security-severity"] = std::move(score);
  }
  properties["tags"] = Json::array({"security", "secret"});
  const std::string shown = title.empty() ? rule.sarif_id : title;
  return Json{
      {"id", rule.sarif_id},
      {"shortDescription", {{"text", vuln::truncate(shown, kMaxShortDescription)}}},
      {"fullDescription", {{"text", shown}}},
      {"help",
       {{"text", shown + " (rule " + rule.sarif_id + ")\n" + std::string(kSecretHelp)},
        {"markdown", "**" + md(shown) + "** (rule " + md(rule.sarif_id) + ")\n\n" + std::string(kSecretHelp)}}},
      {"defaultConfiguration", {{"level", level_of(rule.severity)}}},
      {"properties", std::move(properties)},
  };
}

// Rules of the secret findings, sorted by id, indexed after the `taken` ones (the advisories).
std::map<std::string, SecretRule> collect_secret_rules(const std::vector<model::SecretFinding>& secrets,
                                                       const std::set<std::string_view>& taken) {
  std::map<std::string, SecretRule> rules;
  for (const auto& s : secrets) {
    auto [it, added] = rules.try_emplace(s.rule);
    SecretRule& rule = it->second;
    if (added) {
      rule.sarif_id = taken.contains(s.rule) ? "secret/" + s.rule : s.rule;
      rule.title = s.title;
      rule.severity = s.severity;
    } else {
      rule.severity = std::max(rule.severity, s.severity);
    }
  }
  size_t index = taken.size();
  for (auto& [id, rule] : rules) {
    rule.index = index++;
  }
  return rules;
}

Json secret_result(const model::SecretFinding& s, const SecretRule& rule, std::string fingerprint) {
  Json result{{"ruleId", rule.sarif_id},
              {"ruleIndex", rule.index},
              {"level", level_of(s.severity)},
              {"message", {{"text", (s.title.empty() ? s.rule : s.title) + ": " + s.redacted}}}};
  if (!s.path.empty()) {
    Json region{{"startLine", std::max(s.line, 1)}};
    if (s.column >= 1) {
      region["startColumn"] = s.column;
    }
    result["locations"] =
        Json::array({{{"physicalLocation",
                       {{"artifactLocation", {{"uri", vuln::path_to_uri(s.path)}}}, {"region", std::move(region)}}}}});
  }
  result["partialFingerprints"] = {{"vigilSecret/v1", std::move(fingerprint)}};
  if (s.suppressed) {
    result["suppressions"] = Json::array({suppression(*s.suppressed)});
  }
  Json properties{{"redacted", s.redacted}};
  if (!s.commit.empty()) {
    properties["commit"] = s.commit;
  }
  if (!s.author_date.empty()) {
    properties["authorDate"] = s.author_date;
  }
  if (s.present_at_head) {
    properties["presentAtHead"] = *s.present_at_head;
  }
  result["properties"] = std::move(properties);
  return result;
}

// One result per finding. The finding's fingerprint (rule, path, secret) is what GitHub tracks the alert by;
// the same secret twice in one file gets ":2", ":3"... after the second one so no two results share it.
void add_secret_results(const std::vector<model::SecretFinding>& secrets,
                        const std::map<std::string, SecretRule>& rules, Json& results) {
  std::map<std::string, size_t> seen;
  for (const auto& s : secrets) {
    std::string fingerprint =
        s.fingerprint.empty()
            ? vuln::fingerprint({"secret", s.rule, s.path, std::to_string(s.line), std::to_string(s.column)})
            : s.fingerprint;
    if (const size_t n = ++seen[fingerprint]; n > 1) {
      fingerprint += ":" + std::to_string(n);
    }
    results.push_back(secret_result(s, rules.at(s.rule), std::move(fingerprint)));
  }
}

// ------------------------------------------------------------------------------------------ misconfigurations

// One rule per check id (the checks' ids never look like advisory or secret rule ids), indexed from `first`.
std::map<std::string, size_t> add_misconfiguration_rules(const std::vector<model::Misconfiguration>& found,
                                                         Json& rule_list) {
  std::map<std::string, const model::Misconfiguration*> first_of;
  for (const auto& m : found) {
    first_of.try_emplace(m.check, &m);
  }
  std::map<std::string, size_t> index;
  for (const auto& [id, m] : first_of) {
    index[id] = rule_list.size();
    Json properties{{"tags", Json::array({"security", "misconfiguration"})}};
    if (std::string score = vuln::security_severity({m->severity}); !score.empty()) {
      properties["security-severity"] = std::move(score);
    }
    const std::string title = vuln::printable(m->title);
    const std::string fix = vuln::printable(m->remediation);
    const std::string why = vuln::printable(m->explanation);
    const std::string help_text =
        why.empty() ? fmt::format("{}\n{}", title, fix) : fmt::format("{}\n{}\n{}", title, why, fix);
    const std::string help_markdown = why.empty()
                                          ? fmt::format("**{}**\n\n{}", md(title), md(fix))
                                          : fmt::format("**{}**\n\n{}\n\n**Fix:** {}", md(title), md(why), md(fix));
    rule_list.push_back(Json{
        {"id", id},
        {"shortDescription", {{"text", vuln::truncate(title, kMaxShortDescription)}}},
        {"fullDescription", {{"text", why.empty() ? title : why}}},
        {"help", {{"text", help_text}, {"markdown", help_markdown}}},
        {"defaultConfiguration", {{"level", level_of(m->severity)}}},
        {"properties", std::move(properties)},
    });
  }
  return index;
}

void add_misconfiguration_results(const std::vector<model::Misconfiguration>& found,
                                  const std::map<std::string, size_t>& rule_index, Json& results) {
  for (const auto& m : found) {
    Json result{{"ruleId", m.check},
                {"ruleIndex", rule_index.at(m.check)},
                {"level", level_of(m.severity)},
                {"message", {{"text", vuln::printable(m.message)}}}};
    result["locations"] = Json::array({{{"physicalLocation",
                                         {{"artifactLocation", {{"uri", vuln::path_to_uri(m.path)}}},
                                          {"region", {{"startLine", std::max(m.line, 1)}}}}}}});
    result["partialFingerprints"] = {
        {"vigilConfig/v1", vuln::fingerprint({"config", m.check, m.path, std::to_string(m.line)})}};
    if (m.suppressed) {
      result["suppressions"] = Json::array({suppression(*m.suppressed)});
    }
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
  std::set<std::string_view> taken;
  for (const auto& [id, rule] : rules) {
    taken.insert(id);
  }
  const auto secret_rules = report.secrets_scanned ? collect_secret_rules(report.inventory.secrets, taken)
                                                   : std::map<std::string, SecretRule>{};
  for (const auto& [id, rule] : secret_rules) {
    rule_list.push_back(secret_rule_json(rule));
  }
  const auto misconfiguration_rules = report.misconfigurations_scanned
                                          ? add_misconfiguration_rules(report.inventory.misconfigurations, rule_list)
                                          : std::map<std::string, size_t>{};
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
  if (report.secrets_scanned) {
    add_secret_results(report.inventory.secrets, secret_rules, results);
  }
  if (report.misconfigurations_scanned) {
    add_misconfiguration_results(report.inventory.misconfigurations, misconfiguration_rules, results);
  }
  Json run{{"tool", {{"driver", std::move(driver)}}}, {"results", std::move(results)}};
  run["columnKind"] = "utf16CodeUnits";
  Json log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}};
  log["runs"] = Json::array({std::move(run)});
  // Summaries and names come from databases and scanned files: replace invalid UTF-8, never throw.
  out << log.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace vigil::report
