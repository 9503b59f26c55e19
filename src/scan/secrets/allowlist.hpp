// The built-in allowlist applied to every finding before it is reported: documented example credentials,
// placeholders and template variables, low-diversity values, and paths that hold test fixtures or vendored
// third-party code. Allowlisted findings are dropped and counted (SecretScanner::stats()), never reported.
#pragma once

#include <string_view>

namespace vigil::secrets {

enum class ValueVerdict {
  Keep,
  ExampleValue,  // a credential published in vendor documentation (AKIAIOSFODNN7EXAMPLE, Stripe's docs keys...)
  Placeholder,   // xxxx, <token>, ${VAR}, {{ secrets.X }}, changeme, your_api_key_here, %s, redacted...
  LowDiversity,  // one repeated character, 3 or fewer distinct bytes, or an obvious run (12345678, abcdefgh)
};

// What the built-in allowlist says about a candidate secret value (the rule's secret group).
ValueVerdict check_value(std::string_view secret);

enum class PathClass {
  Normal,
  TestFixture,  // test/, tests/, testdata/, fixtures/, __tests__/, spec/, example(s)/, *_test.go, test_*.py...
  ThirdParty,   // node_modules/, vendor/, site-packages/, dist-packages/, third_party/, bower_components/
};

// Classifies a path relative to the scan root ('/'-separated). Findings in non-Normal paths are dropped: secrets
// there are mostly fixtures or somebody else's, which is what Trivy's built-in path allow rules also assume.
PathClass classify_path(std::string_view path);

}  // namespace vigil::secrets
