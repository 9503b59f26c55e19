// The one table of secret rules: every group's rows, in a stable order.
#include <vector>

#include "scan/secrets/groups.hpp"

namespace vigil::secrets {

std::span<const SecretRule> all_secret_rules() {
  static const std::vector<SecretRule> rules = [] {
    std::vector<SecretRule> all;
    for (const auto group :
         {cloud_rules(), vcs_rules(), registry_rules(), chat_rules(), payment_rules(), saas_rules(), key_rules()}) {
      all.insert(all.end(), group.begin(), group.end());
    }
    // Context-gated catch-alls: when one finds the same secret as a specific rule, the specific rule names it
    // (matcher.cpp drop_generic_overlaps).
    for (SecretRule rule : generic_rules()) {
      rule.generic = true;
      all.push_back(rule);
    }
    return all;
  }();
  return rules;
}

}  // namespace vigil::secrets
