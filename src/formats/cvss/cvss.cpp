// Entry point of the CVSS scorers: size limit, version prefix, dispatch to the v3 or v4 scorer.
#include "formats/cvss.hpp"

#include <string>

#include "core/strings.hpp"
#include "formats/cvss/cvss_vector.hpp"

namespace vigil::formats::cvss {

Result<BaseScore> base_score(std::string_view vector) {
  vector = trim(vector);
  if (vector.empty()) {
    return fail("empty CVSS vector");
  }
  if (vector.size() > kMaxVectorBytes) {
    return fail("CVSS vector too long (" + std::to_string(vector.size()) + " bytes, limit " +
                std::to_string(kMaxVectorBytes) + ")");
  }
  if (starts_with(vector, "CVSS:3.1/")) {
    return score_v3(vector.substr(9), true);
  }
  if (starts_with(vector, "CVSS:3.0/")) {
    return score_v3(vector.substr(9), false);
  }
  if (starts_with(vector, "CVSS:4.0/")) {
    return score_v4(vector.substr(9));
  }
  return fail("not a CVSS v3.0, v3.1 or v4.0 vector (expected a 'CVSS:3.0/', 'CVSS:3.1/' or 'CVSS:4.0/' prefix): '" +
              quote_input(vector) + "'");
}

Result<Parsed> parse_cvss_fuzz(std::string_view /*path*/, std::string_view bytes) {
  auto score = base_score(bytes);
  if (!score) {
    return tl::unexpected(score.error());
  }
  // Invariant the fuzzer should hunt for: every accepted vector scores within 0..10.
  if (!(score->score >= 0.0 && score->score <= 10.0)) {
    __builtin_trap();
  }
  return Parsed{};
}

}  // namespace vigil::formats::cvss
