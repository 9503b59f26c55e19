// The policy step for findings located in files (secrets and misconfigurations): ignore-file entries by rule or
// check id and path, and a baseline of accepted secrets (see apply.hpp).
#include <algorithm>
#include <unordered_set>

#include "core/strings.hpp"
#include "scan/policy/apply.hpp"

namespace vigil::scan::policy {
namespace {

bool entry_matches(const formats::policy::IgnoreRule& rule, std::string_view id, std::string_view path) {
  if (!rule.package.empty() || !rule.version.empty() || (rule.id.empty() && rule.path.empty())) {
    return false;
  }
  if (!rule.id.empty() && !iequals(rule.id, id)) {
    return false;
  }
  if (rule.path.empty()) {
    return true;
  }
  std::string glob(strip_dot_slash(rule.path));
  if (ends_with(glob, "/")) {
    glob += "**";
  }
  return glob_match(glob, strip_dot_slash(path));
}

// The first unexpired matching entry of the first input that has one suppresses the finding.
template <class Finding, class IdOf>
void apply_ignores(std::vector<Finding>& found, const std::vector<PolicyInput>& inputs, std::string_view today,
                   IdOf id_of) {
  for (auto& f : found) {
    for (const auto& input : inputs) {
      const auto rule = std::find_if(input.ignores.begin(), input.ignores.end(), [&](const auto& r) {
        return (r.expires.empty() || r.expires >= today) && entry_matches(r, id_of(f), f.path);
      });
      if (!f.suppressed && rule != input.ignores.end()) {
        f.suppressed = model::Suppression{"ignore", input.file, rule->reason};
      }
    }
  }
}

}  // namespace

void apply_secret_policy(std::vector<model::SecretFinding>& secrets, const std::vector<PolicyInput>& inputs,
                         std::string_view today) {
  apply_ignores(secrets, inputs, today, [](const model::SecretFinding& f) -> std::string_view { return f.rule; });
}

void apply_misconfiguration_policy(std::vector<model::Misconfiguration>& found, const std::vector<PolicyInput>& inputs,
                                   std::string_view today) {
  apply_ignores(found, inputs, today, [](const model::Misconfiguration& m) -> std::string_view { return m.check; });
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
