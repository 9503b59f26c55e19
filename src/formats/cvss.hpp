// CVSS base scores from vector strings (v3.0, v3.1 and v4.0), computed exactly as FIRST's specifications
// and reference calculators do; used to rate OSV advisories that carry vectors instead of a severity word.
#pragma once

#include <string>
#include <string_view>

#include "formats/parsed.hpp"

namespace vigil::formats::cvss {

struct BaseScore {
  double score = 0.0;   // 0.0 .. 10.0, one decimal
  std::string version;  // "3.0", "3.1" or "4.0"
};

// Scores a vector such as "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" (dispatching on its "CVSS:x.y/" prefix).
// v3.x: the base score; temporal and environmental metrics are validated and ignored.
// v4.0: the CVSS-B score, or CVSS-BT/BE/BTE when threat or environmental metrics are present (v4.0 has one score,
// and FIRST's calculator honours those metrics); supplemental metrics are validated and ignored.
// Fails on an unknown prefix, metric or value, a duplicate or a missing base metric, or a malformed component.
Result<BaseScore> base_score(std::string_view vector);

// ParseFn-shaped wrapper for the fuzzer: scores the bytes as one vector and returns an empty Parsed (or the error).
Result<Parsed> parse_cvss_fuzz(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats::cvss
