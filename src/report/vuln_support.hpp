// Helpers shared by the writers that render vulnerability and secret findings (table, JSON, SARIF, CycloneDX):
// ids, counts, fix lists, display-safe text and stable fingerprints.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/misconfiguration.hpp"
#include "model/secret.hpp"
#include "model/vulnerability.hpp"

namespace vigil::report::vuln {

// The id itself when it is a CVE, else its first CVE alias, else "".
std::string_view cve_of(const model::Vulnerability& v);

// "1.2.3, 1.3.0"; "" when there is no fix.
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

// Where a finding was seen: its locations, or the package location when the list is empty. May be empty.
std::vector<std::string> locations_of(const model::Vulnerability& v);

// Counts of the findings that are not suppressed, by severity, and of the suppressed ones.
struct Counts {
  size_t total = 0;  // not suppressed
  size_t critical = 0;
  size_t high = 0;
  size_t medium = 0;
  size_t low = 0;
  size_t unknown = 0;
  size_t suppressed = 0;
};
Counts count(const std::vector<model::Vulnerability>& vulns);
Counts count(const std::vector<model::SecretFinding>& secrets);
Counts count(const std::vector<model::Misconfiguration>& found);

// The CVSS base score is known (the model uses -1 for "none"; NaN and out-of-range values count as none).
inline bool has_score(const model::SeverityInfo& s) {
  return s.score >= 0 && s.score <= 10;
}

// GitHub's "security-severity": the CVSS score when known, else a value inside the rating's band
// (critical 9.5, high 8.0, medium 5.5, low 2.0); "" when the severity is unknown.
std::string security_severity(const model::SeverityInfo& s);

// "https://osv.dev/vulnerability/<id>" with the id percent-encoded.
std::string osv_url(std::string_view id);

// Text made safe for a terminal: control bytes (ESC, CR, LF, ...) become spaces and invalid UTF-8
// becomes U+FFFD, so a hostile summary can neither break the layout nor send escape sequences.
std::string printable(std::string_view s);

// Cuts UTF-8 text to at most max_chars code points, ending with "..." when cut.
std::string truncate(std::string_view s, size_t max_chars);

// A relative path as a URI reference: percent-encodes every byte that RFC 3986 does not allow in a path
// (and ':' so that the first segment never reads as a scheme).
std::string path_to_uri(std::string_view path);

// Lower-case hex SHA-256 of the parts joined with NUL bytes: a fingerprint that stays the same across
// runs for the same finding.
std::string fingerprint(const std::vector<std::string_view>& parts);

}  // namespace vigil::report::vuln
