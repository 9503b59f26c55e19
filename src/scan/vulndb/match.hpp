// Matching an inventory against the vulnerability DB: each distinct package is looked up under its OSV
// ecosystem and name, its version evaluated against every affected entry, and the advisories that hit it
// grouped by alias into one finding each.
#pragma once

#include <vector>

#include "core/diagnostic.hpp"
#include "core/result.hpp"
#include "model/package.hpp"
#include "model/vulnerability.hpp"
#include "scan/vulndb/vulndb.hpp"

namespace vigil::vulndb {

struct MatchResult {
  std::vector<model::Vulnerability> vulnerabilities;  // sorted (model::sort_vulnerabilities)
  std::vector<Diagnostic> warnings;                   // unsupported OS, GIT-only advisories
  size_t packages_checked = 0;                        // distinct packages with an OSV ecosystem
};

Result<MatchResult> match_inventory(Reader& reader, const model::Inventory& inventory);

// The severity of one advisory: CVSS v4.0 vector, else v3.x, else the record's own rating.
model::SeverityInfo advisory_severity(const Advisory& advisory);

}  // namespace vigil::vulndb
