// The policy step of a scan: marks findings suppressed by .vigilignore.yaml entries and VEX statements
// (docs/ignore-and-vex.md). Findings are never removed; reports show them as suppressed and gates skip them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "formats/policy.hpp"
#include "model/misconfiguration.hpp"
#include "model/secret.hpp"
#include "model/vulnerability.hpp"

namespace vigil::scan::policy {

// The rules read from one file, with the file's name as the user should see it in reports and warnings.
struct PolicyInput {
  std::string file;
  std::vector<formats::policy::IgnoreRule> ignores;
  std::vector<formats::policy::VexStatement> vex;
};

// today is "YYYY-MM-DD". A finding already suppressed is left alone; otherwise the first ignore entry that
// matches (inputs in order, entries in order) suppresses it, else the VEX statements decide: in each input the
// last statement that matches the finding counts, and the first input whose statement says not_affected or fixed
// suppresses it. Each expired ignore entry adds one warning, whether or not it would have matched.
void apply_policy(std::vector<model::Vulnerability>& vulns, const std::vector<PolicyInput>& inputs,
                  std::string_view today, std::vector<Diagnostic>& warnings);

// Glob over a '/'-separated relative path: '*' and '?' stay within one segment, "**" crosses segments and
// "**/" also matches no directory at all; a pattern ending in '/' matches everything below that directory.
bool glob_match(std::string_view pattern, std::string_view path);

// "./a/b" and "/a/b" -> "a/b": paths and globs are compared relative to the scan root.
std::string_view strip_dot_slash(std::string_view s);

// Secret findings: an ignore entry whose `id` is the rule id (or empty) and whose `path` glob matches the
// finding's path (or is empty) suppresses it; entries naming a package never match a secret. Expired entries
// are skipped (apply_policy warns about them).
void apply_secret_policy(std::vector<model::SecretFinding>& secrets, const std::vector<PolicyInput>& inputs,
                         std::string_view today);

// Misconfigurations: the same, with the check id ("download-and-execute") in place of the rule id.
void apply_misconfiguration_policy(std::vector<model::Misconfiguration>& found, const std::vector<PolicyInput>& inputs,
                                   std::string_view today);

// Suppresses secrets whose fingerprint the baseline (a previous Vigil JSON report) lists.
void apply_secret_baseline(std::vector<model::SecretFinding>& secrets, const std::vector<std::string>& fingerprints,
                           const std::string& baseline_file);

}  // namespace vigil::scan::policy
