// CVSS v3.0 and v3.1 base score (FIRST specification, sections 7.1 and Appendix A): the same formulas, differing
// only in rounding (3.0: ceil to one decimal; 3.1: the integer Roundup that avoids floating-point surprises).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "formats/cvss/cvss_vector.hpp"

namespace vigil::formats::cvss {
namespace {

enum Metric : uint8_t { kAV, kAC, kPR, kUI, kS, kC, kI, kA, kMetricCount = 22 };

// Base metrics first (their order is the enum's); values in the order of the weight tables below.
constexpr std::array<MetricSpec, kMetricCount> kSpecs = {{
    {"AV", {"N", "A", "L", "P"}, true},
    {"AC", {"L", "H"}, true},
    {"PR", {"N", "L", "H"}, true},
    {"UI", {"N", "R"}, true},
    {"S", {"U", "C"}, true},
    {"C", {"H", "L", "N"}, true},
    {"I", {"H", "L", "N"}, true},
    {"A", {"H", "L", "N"}, true},
    // Temporal and environmental: validated, not scored (only the base score is wanted).
    {"E", {"X", "H", "F", "P", "U"}},
    {"RL", {"X", "U", "W", "T", "O"}},
    {"RC", {"X", "C", "R", "U"}},
    {"CR", {"X", "H", "M", "L"}},
    {"IR", {"X", "H", "M", "L"}},
    {"AR", {"X", "H", "M", "L"}},
    {"MAV", {"X", "N", "A", "L", "P"}},
    {"MAC", {"X", "L", "H"}},
    {"MPR", {"X", "N", "L", "H"}},
    {"MUI", {"X", "N", "R"}},
    {"MS", {"X", "U", "C"}},
    {"MC", {"X", "H", "L", "N"}},
    {"MI", {"X", "H", "L", "N"}},
    {"MA", {"X", "H", "L", "N"}},
}};

constexpr double kAttackVector[] = {0.85, 0.62, 0.55, 0.2};
constexpr double kAttackComplexity[] = {0.77, 0.44};
constexpr double kPrivilegesUnchanged[] = {0.85, 0.62, 0.27};
constexpr double kPrivilegesChanged[] = {0.85, 0.68, 0.5};
constexpr double kUserInteraction[] = {0.85, 0.62};
constexpr double kImpact[] = {0.56, 0.22, 0.0};

// v3.1 Roundup (Appendix A): the smallest one-decimal number >= x, computed on integers.
double roundup_31(double x) {
  const auto i = static_cast<int64_t>(std::llround(x * 100000.0));
  if (i % 10000 == 0) {
    return static_cast<double>(i) / 100000.0;
  }
  const int64_t tenths = i / 10000 + 1;  // integer division is the point: floor, then one tenth up
  return static_cast<double>(tenths) / 10.0;
}

// v3.0 round up: plain ceiling to one decimal, as the 3.0 specification and calculator do.
double roundup_30(double x) {
  return std::ceil(x * 10.0) / 10.0;
}

}  // namespace

Result<BaseScore> score_v3(std::string_view body, bool v31) {
  std::array<int8_t, kMetricCount> m{};
  if (auto ok = parse_metrics(body, v31 ? "CVSS 3.1 vector" : "CVSS 3.0 vector", kSpecs, m); !ok) {
    return tl::unexpected(ok.error());
  }
  const bool changed = m[kS] == 1;
  // Operand order follows the specification (and FIRST's calculator) so results match bit for bit.
  const double iss = 1.0 - ((1.0 - kImpact[m[kC]]) * (1.0 - kImpact[m[kI]]) * (1.0 - kImpact[m[kA]]));
  const double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  const double pr = changed ? kPrivilegesChanged[m[kPR]] : kPrivilegesUnchanged[m[kPR]];
  const double exploitability =
      8.22 * kAttackVector[m[kAV]] * kAttackComplexity[m[kAC]] * pr * kUserInteraction[m[kUI]];
  double score = 0.0;
  if (impact > 0.0) {
    const double raw =
        changed ? std::min(1.08 * (impact + exploitability), 10.0) : std::min(impact + exploitability, 10.0);
    score = v31 ? roundup_31(raw) : roundup_30(raw);
  }
  return BaseScore{score, v31 ? "3.1" : "3.0"};
}

}  // namespace vigil::formats::cvss
