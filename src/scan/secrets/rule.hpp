// The secret rule extension point: one row per kind of credential in one table (rules_*.cpp files, gathered
// by all_secret_rules() in table.cpp). The engine compiles every pattern into one Hyperscan database.
#pragma once

#include <span>
#include <string_view>

#include "model/vulnerability.hpp"

namespace vigil::secrets {

// Extra checks after the pattern matched; the secret must pass every one that is set.
struct Validation {
  double min_entropy = 0;  // Shannon entropy in bits per character of the secret, 0: not checked
  bool (*check)(std::string_view secret) = nullptr;  // checksum or structure (GitHub CRC32, JWT header...)
};

struct SecretRule {
  std::string_view id;           // stable, kebab-case: "aws-access-key-id", "github-pat", "generic-password"
  std::string_view description;  // shown in reports: "GitHub personal access token (classic)"
  model::Severity severity;
  // PCRE2 syntax that Hyperscan also accepts (no backreferences or lookarounds). It matches the whole
  // candidate; the secret is capture group `secret_group` (0: the whole match). Case-sensitive unless
  // written with (?i).
  std::string_view pattern;
  int secret_group = 0;
  // Lower-case literals, at least one of which appears in every match (keyword prefilter, as gitleaks and
  // Trivy do); empty: the pattern is selective enough on its own.
  std::span<const std::string_view> keywords;
  Validation validation;
  // A context-gated catch-all (password=..., Bearer ..., URLs with passwords): when it and a specific rule
  // find the same secret, the specific one names it. Set by the table for the generic group.
  bool generic = false;
};

// Every built-in rule, in a stable order.
std::span<const SecretRule> all_secret_rules();

}  // namespace vigil::secrets
