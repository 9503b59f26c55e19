// The policy step for secret findings: ignore-file entries by rule id and path, and a baseline of accepted
// findings (see apply.hpp).
#include <algorithm>
#include <unordered_set>

#include "core/strings.hpp"
#include "scan/policy/apply.hpp"

namespace vigil::scan::policy {
namespace {

bool entry_matches(const formats::policy::IgnoreRule& rule, const model::SecretFinding& secret) {
  if (!rule.package.empty() || !rule.version.empty() || (rule.id.empty() && rule.path.empty())) {
    return false;
  }
  if (!rule.id.empty() && !iequals(rule.id, secret.rule)) {
    return false;
  }
  if (rule.path.empty()) {
    return true;
  }
  std::string glob(strip_dot_slash(rule.path));
  if (ends_with(glob, "/")) {
    glob += "**";
  }
  return glob_match(glob, strip_dot_slash(secret.path));
}

}  // namespace

void apply_secret_policy(std::vector<model::SecretFinding>& secrets, const std::vector<PolicyInput>& inputs,
                         std::string_view today) {
  for (auto& secret : secrets) {
    for (const auto& input : inputs) {
      const auto rule = std::find_if(input.ignores.begin(), input.ignores.end(), [&](const auto& r) {
        return (r.expires.empty() || r.expires >= today) && entry_matches(r, secret);
      });
      if (!secret.suppressed && rule != input.ignores.end()) {
        secret.suppressed = model::Suppression{"ignore", input.file, rule->reason};
      }
    }
  }
}

void apply_secret_baseline(std::vector<model::SecretFinding>& secrets, const std::vector<std::string>& fingerprints,
                           const std::string& baseline_file) {
  const std::unordered_set<std::string> accepted(fingerprints.begin(), fingerprints.end());
  for (auto& secret : secrets) {
    if (!secret.suppressed && accepted.count(secret.fingerprint) != 0) {
      secret.suppressed = model::Suppression{"baseline", baseline_file, "accepted in the baseline"};
    }
  }
}

}  // namespace vigil::scan::policy
