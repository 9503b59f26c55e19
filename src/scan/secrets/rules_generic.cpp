// Secret rules: generic group (see groups.hpp). Each row has positive and negative tests in
// tests/unit/secrets/rules_test.cpp, data in tests/data/secrets/.
#include "scan/secrets/groups.hpp"

namespace vigil::secrets {

std::span<const SecretRule> generic_rules() {
  return {};
}

}  // namespace vigil::secrets
