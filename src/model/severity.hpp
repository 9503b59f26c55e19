// Severity of a finding (vulnerability, secret, config check, detection), shared by every scanner and gate.
#pragma once

#include <optional>
#include <string_view>

namespace vigil::model {

// Ordered: gates compare with >=. Unknown sorts lowest so `--fail-on low` does not fire on it.
enum class Severity { Unknown, Low, Medium, High, Critical };

std::string_view severity_name(Severity s);                  // "UNKNOWN", "LOW", ... "CRITICAL"
std::optional<Severity> parse_severity(std::string_view s);  // case-insensitive; "moderate" = Medium

// CVSS qualitative rating of a base score (0.1-3.9 Low ... 9.0-10.0 Critical; 0 is None -> Unknown).
Severity severity_from_score(double score);

}  // namespace vigil::model
