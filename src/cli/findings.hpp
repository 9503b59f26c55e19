// The findings half of `vigil scan`: which scanners run (--scanners vuln,secret), the vulnerability DB (--db), the
// policy files (--ignore-file, --vex, --baseline), the report filters (--severity, --ignore-unfixed) and the
// exit-code gate (--fail-on) over vulnerabilities and secrets alike.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "report/report.hpp"
#include "scan/config/scanner.hpp"
#include "scan/secrets/scanner.hpp"

namespace vigil::cli {

struct FindingOptions {
  std::vector<std::string> scanners;  // set per target by the caller: the default of --scanners
  std::string db;
  std::vector<std::string> severities;  // empty: every severity
  std::string fail_on;                  // empty: never fail on findings
  bool ignore_unfixed = false;
  std::string ignore_file;  // empty: <target>/.vigilignore.yaml or ./.vigilignore.yaml when present
  std::vector<std::string> vex;
  std::string baseline;  // a previous JSON report: its secrets are accepted
  bool scan_binary = false;
  scan::config::ConfigOptions config;  // --allowed-registry, --pin-first-party-actions
  std::string incidents_url;           // --incidents: also POST the findings to an incidents service
  std::string incidents_token;         // --token, else VIGIL_INCIDENTS_TOKEN
  [[nodiscard]] bool vuln_enabled() const { return enabled("vuln"); }
  [[nodiscard]] bool secret_enabled() const { return enabled("secret"); }
  [[nodiscard]] bool enabled(std::string_view scanner) const;
};

// choices: the scanners this target supports (the first ones listed in options.scanners are the default).
void add_finding_options(CLI::App& command, FindingOptions& options, const std::vector<std::string>& choices);

// --allowed-registry and --pin-first-party-actions, for targets whose config scanner reads CI and build files.
void add_config_options(CLI::App& command, FindingOptions& options);

// The file scanners --scanners asks for (each null when not asked for).
struct FileScanners {
  std::unique_ptr<secrets::SecretScanner> secret;
  std::unique_ptr<scan::config::ConfigScanner> config;
};
Result<FileScanners> make_file_scanners(const FindingOptions& options);

// After the inventory: matches it against the DB (vuln), applies --severity/--ignore-unfixed, the ignore file,
// VEX and the baseline to vulnerabilities and secrets; fills the report and appends warnings. target_dir is
// where a default .vigilignore.yaml is looked for.
Result<void> run_finding_scanners(const FindingOptions& options, const std::string& target_dir, report::Report& report);

// --incidents: posts every unsuppressed finding as an incidents event (report/incident_events.hpp); fails when
// some could not be delivered. Returns how many were.
Result<uint64_t> send_to_incidents(const FindingOptions& options, const report::Report& report);

// kExitFindings when an unsuppressed vulnerability, secret or misconfiguration reaches --fail-on, else kExitOk.
int gate_exit_code(const FindingOptions& options, const report::Report& report);

}  // namespace vigil::cli
