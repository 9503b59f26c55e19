// The vulnerability half of `vigil scan`: --scanners, --db, the policy files (--ignore-file, --vex), the report
// filters (--severity, --ignore-unfixed) and the exit-code gate (--fail-on).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "report/report.hpp"

namespace vigil::cli {

struct VulnCommandOptions {
  std::vector<std::string> scanners{"vuln"};
  std::string db;
  std::vector<std::string> severities;  // empty: every severity
  std::string fail_on;                  // empty: never fail on findings
  bool ignore_unfixed = false;
  std::string ignore_file;  // empty: <target>/.vigilignore.yaml or ./.vigilignore.yaml when present
  std::vector<std::string> vex;
  [[nodiscard]] bool vuln_enabled() const;
};

void add_vuln_options(CLI::App& command, VulnCommandOptions& options);

// Matches report.inventory against the DB, applies ignore file and VEX, filters; fills report's vulnerability
// fields and appends warnings. target_dir is where a default .vigilignore.yaml is looked for.
Result<void> run_vuln_scan(const VulnCommandOptions& options, const std::string& target_dir, report::Report& report);

// kExitFindings when an unsuppressed finding reaches --fail-on, else kExitOk.
int gate_exit_code(const VulnCommandOptions& options, const report::Report& report);

}  // namespace vigil::cli
