// Vulnerability matching, policy and gating for `vigil scan` (see vuln_scan.hpp).
#include "cli/findings.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "cli/command.hpp"
#include "cli/db_options.hpp"
#include "cli/input_file.hpp"
#include "core/batch_poster.hpp"
#include "core/clock.hpp"
#include "formats/policy.hpp"
#include "report/incident_events.hpp"
#include "scan/policy/apply.hpp"
#include "scan/vulndb/match.hpp"

namespace vigil::cli {
namespace {

constexpr size_t kMaxPolicyBytes = size_t{16} << 20;
constexpr size_t kMaxBaselineBytes = size_t{256} << 20;  // a whole previous report

bool is_file(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string describe(const std::string& file, const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    out += fmt::format("\n  {}:{}: {}", file, d.line, d.message);
  }
  return out;
}

// The ignore file is the user's own: any problem in it is an error, all of them listed at once.
Result<scan::policy::PolicyInput> load_ignore_file(const std::string& path) {
  auto bytes = read_input(path, kMaxPolicyBytes);
  if (!bytes) {
    return tl::unexpected(bytes.error());
  }
  std::vector<Diagnostic> diagnostics;
  auto rules = formats::policy::read_ignore_file(*bytes, diagnostics);
  if (!rules) {
    return fail(fmt::format("{}: {}", path, rules.error().message));
  }
  if (!diagnostics.empty()) {
    return fail(fmt::format("{} has {} problem(s):{}", path, diagnostics.size(), describe(path, diagnostics)));
  }
  return scan::policy::PolicyInput{path, std::move(*rules), {}};
}

// VEX documents come from vendors and tools: a bad statement is skipped with a warning.
Result<scan::policy::PolicyInput> load_vex(const std::string& path, std::vector<Diagnostic>& warnings) {
  auto bytes = read_input(path, kMaxPolicyBytes);
  if (!bytes) {
    return tl::unexpected(bytes.error());
  }
  std::vector<Diagnostic> diagnostics;
  auto statements = formats::policy::read_vex_auto(*bytes, diagnostics);
  if (!statements) {
    return fail(fmt::format("{}: {}", path, statements.error().message));
  }
  for (auto& d : diagnostics) {
    d.file = path;
    warnings.push_back(std::move(d));
  }
  return scan::policy::PolicyInput{path, {}, std::move(*statements)};
}

std::string default_ignore_file(const std::string& target_dir) {
  if (!target_dir.empty() && is_file(target_dir + "/.vigilignore.yaml")) {
    return target_dir + "/.vigilignore.yaml";
  }
  return is_file(".vigilignore.yaml") ? ".vigilignore.yaml" : "";
}

Result<std::vector<scan::policy::PolicyInput>> load_policy(const FindingOptions& options, const std::string& target_dir,
                                                           std::vector<Diagnostic>& warnings) {
  std::vector<scan::policy::PolicyInput> inputs;
  const std::string ignore = options.ignore_file.empty() ? default_ignore_file(target_dir) : options.ignore_file;
  if (!ignore.empty()) {
    auto input = load_ignore_file(ignore);
    if (!input) {
      return tl::unexpected(input.error());
    }
    inputs.push_back(std::move(*input));
  }
  for (const auto& path : options.vex) {
    auto input = load_vex(path, warnings);
    if (!input) {
      return tl::unexpected(input.error());
    }
    inputs.push_back(std::move(*input));
  }
  return inputs;
}

bool severity_wanted(const FindingOptions& options, model::Severity s) {
  return options.severities.empty() ||
         std::any_of(options.severities.begin(), options.severities.end(),
                     [&](const std::string& name) { return model::parse_severity(name) == s; });
}

const std::vector<std::string> kSeverityChoices{"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

Result<void> match_vulnerabilities(const FindingOptions& options, report::Report& report) {
  const std::string db_path = resolve_db_path(options.db);
  auto reader = vulndb::Reader::open(db_path);
  if (!reader) {
    return fail(reader.error().message + "; or scan without vulnerabilities: --scanners none (inventory only)" +
                (options.secret_enabled() ? " or --scanners secret" : ""));
  }
  auto matched = vulndb::match_inventory(*reader, report.inventory);
  if (!matched) {
    return fail(fmt::format("{}: {}", db_path, matched.error().message));
  }
  auto& vulns = matched->vulnerabilities;
  std::erase_if(vulns, [&](const model::Vulnerability& v) {
    return !severity_wanted(options, v.severity.rating) || (options.ignore_unfixed && v.fixed_versions.empty());
  });
  report.inventory.warnings.insert(report.inventory.warnings.end(), matched->warnings.begin(), matched->warnings.end());
  report.vulnerabilities = std::move(vulns);
  report.vulnerabilities_scanned = true;
  report.vuln_db = db_path;
  return {};
}

Result<std::vector<std::string>> load_baseline(const std::string& path) {
  auto bytes = read_input(path, kMaxBaselineBytes);
  if (!bytes) {
    return tl::unexpected(bytes.error());
  }
  auto fingerprints = formats::policy::read_secret_baseline(*bytes);
  if (!fingerprints) {
    return fail(fmt::format("{}: {}", path, fingerprints.error().message));
  }
  return fingerprints;
}

// The secret scanner to hand to the walker when --scanners has secret, else null.
Result<std::unique_ptr<secrets::SecretScanner>> make_secret_scanner(const FindingOptions& options) {
  if (!options.secret_enabled()) {
    return std::unique_ptr<secrets::SecretScanner>();
  }
  secrets::ScannerOptions scanner_options;
  scanner_options.scan_binary = options.scan_binary;
  return secrets::SecretScanner::create(secrets::all_secret_rules(), scanner_options);
}

}  // namespace

bool FindingOptions::enabled(std::string_view scanner) const {
  return std::find(scanners.begin(), scanners.end(), scanner) != scanners.end();
}

void add_finding_options(CLI::App& command, FindingOptions& options, const std::vector<std::string>& choices) {
  std::string names;
  for (const auto& c : choices) {
    names += c + ", ";
  }
  auto allowed = choices;
  allowed.emplace_back("none");
  command.add_option("--scanners", options.scanners, "what to look for: " + names + "or none (inventory only)")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::IsMember(allowed));
  const auto offers = [&](std::string_view scanner) {
    return std::find(choices.begin(), choices.end(), scanner) != choices.end();
  };
  if (offers("vuln")) {
    add_db_option(command, options.db);
  }
  command
      .add_option("--severity", options.severities,
                  "report only these severities (comma list of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL)")
      ->delimiter(',')
      ->transform(CLI::IsMember(kSeverityChoices, CLI::ignore_case));
  command
      .add_option("--fail-on", options.fail_on,
                  "exit 1 when an unsuppressed finding is at least this severe (UNKNOWN: any finding)")
      ->transform(CLI::IsMember(kSeverityChoices, CLI::ignore_case));
  command.add_option("--ignore-file", options.ignore_file,
                     "ignore file (default: .vigilignore.yaml in the target directory or here, when present)");
  if (offers("vuln")) {
    command.add_flag("--ignore-unfixed", options.ignore_unfixed, "drop vulnerabilities that have no fixed version");
    command.add_option("--vex", options.vex, "OpenVEX or CycloneDX VEX document (repeatable)");
  }
  if (offers("secret")) {
    command.add_option("--baseline", options.baseline,
                       "a previous JSON report: the secrets it lists are accepted (reported as suppressed)");
    command.add_flag("--scan-binary", options.scan_binary, "look for secrets in binary files too (NUL bytes)");
  }
  command.add_option("--incidents", options.incidents_url,
                     "also send the findings to an incidents service (URL of its POST /api/v1/events)");
  command.add_option("--token", options.incidents_token,
                     "API token for --incidents (ingest role; default: $VIGIL_INCIDENTS_TOKEN)");
}

Result<uint64_t> send_to_incidents(const FindingOptions& options, const report::Report& report) {
  http::BatchPosterOptions poster_options;
  poster_options.url = options.incidents_url;
  poster_options.token = options.incidents_token;
  if (poster_options.token.empty()) {
    if (const char* env = std::getenv("VIGIL_INCIDENTS_TOKEN")) poster_options.token = env;
  }
  poster_options.batch = 1000;
  poster_options.noun = "findings";
  std::array<char, 256> host{};
  ::gethostname(host.data(), host.size() - 1);
  http::BatchPoster poster(std::move(poster_options));
  for (auto& event : report::incident_events(report, host.data())) poster.add(std::move(event));
  poster.pump(/*final=*/true);
  if (poster.dropped() > 0) {
    return fail(fmt::format("incidents: {} of {} findings were not delivered to {}", poster.dropped(),
                            poster.dropped() + poster.delivered(), options.incidents_url));
  }
  return poster.delivered();
}

void add_config_options(CLI::App& command, FindingOptions& options) {
  command.add_option("--allowed-registry", options.config.allowed_registries,
                     "config: images (FROM, job containers, services) must come from this registry or "
                     "registry/path prefix (repeatable; default: any)");
  command.add_flag("--pin-first-party-actions", options.config.pin_first_party_actions,
                   "config: require commit SHAs for first-party actions too (default: tags are accepted for "
                   "actions/*, github/* and --trusted-action-owner)");
  command.add_option("--trusted-action-owner", options.config.trusted_action_owners,
                     "config: a GitHub owner whose actions count as first party, like actions/* (your own "
                     "organisation; repeatable)");
}

Result<FileScanners> make_file_scanners(const FindingOptions& options) {
  FileScanners scanners;
  auto secret = make_secret_scanner(options);
  if (!secret) {
    return fail("secret rules: " + secret.error().message);
  }
  scanners.secret = std::move(*secret);
  if (options.enabled("config")) {
    scanners.config = std::make_unique<scan::config::ConfigScanner>(options.config);
  }
  return scanners;
}

Result<void> run_finding_scanners(const FindingOptions& options, const std::string& target_dir,
                                  report::Report& report) {
  auto policy = load_policy(options, target_dir, report.inventory.warnings);
  if (!policy) {
    return tl::unexpected(policy.error());
  }
  const std::string today = utc_today();
  if (options.vuln_enabled()) {
    if (auto matched = match_vulnerabilities(options, report); !matched) {
      return matched;
    }
  }
  // Runs even without vulnerabilities: it is what warns about expired ignore entries.
  scan::policy::apply_policy(report.vulnerabilities, *policy, today, report.inventory.warnings);
  if (options.secret_enabled()) {
    auto& found = report.inventory.secrets;
    std::erase_if(found, [&](const model::SecretFinding& f) { return !severity_wanted(options, f.severity); });
    scan::policy::apply_secret_policy(found, *policy, today);
    if (!options.baseline.empty()) {
      auto accepted = load_baseline(options.baseline);
      if (!accepted) {
        return tl::unexpected(accepted.error());
      }
      scan::policy::apply_secret_baseline(found, *accepted, options.baseline);
    }
    report.secrets_scanned = true;
  }
  if (options.enabled("config")) {
    std::erase_if(report.inventory.misconfigurations,
                  [&](const model::Misconfiguration& m) { return !severity_wanted(options, m.severity); });
    scan::policy::apply_misconfiguration_policy(report.inventory.misconfigurations, *policy, today);
    report.misconfigurations_scanned = true;
  } else {
    report.inventory.misconfigurations.clear();
  }
  return {};
}

int gate_exit_code(const FindingOptions& options, const report::Report& report) {
  if (options.fail_on.empty()) {
    return kExitOk;
  }
  const auto threshold = model::parse_severity(options.fail_on).value_or(model::Severity::Unknown);
  const bool vuln = std::any_of(report.vulnerabilities.begin(), report.vulnerabilities.end(),
                                [&](const auto& v) { return !v.suppressed && v.severity.rating >= threshold; });
  const bool secret = std::any_of(report.inventory.secrets.begin(), report.inventory.secrets.end(),
                                  [&](const auto& f) { return !f.suppressed && f.severity >= threshold; });
  const bool config = std::any_of(report.inventory.misconfigurations.begin(), report.inventory.misconfigurations.end(),
                                  [&](const auto& m) { return !m.suppressed && m.severity >= threshold; });
  return vuln || secret || config ? kExitFindings : kExitOk;
}

}  // namespace vigil::cli
