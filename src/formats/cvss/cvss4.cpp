// CVSS v4.0 score as FIRST's reference calculator computes it (cvss40.js): MacroVector (EQ1..EQ6) lookup, then
// interpolation towards the next lower MacroVectors by the vector's severity distance from the highest vectors.
// Floating-point operations follow the reference in order and operands so scores match it exactly.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "formats/cvss/cvss4_table.hpp"
#include "formats/cvss/cvss_vector.hpp"

namespace vigil::formats::cvss {
namespace {

// clang-format off
enum Metric : uint8_t {
  kAV, kAC, kAT, kPR, kUI, kVC, kVI, kVA, kSC, kSI, kSA,                            // base
  kE,                                                                               // threat
  kCR, kIR, kAR, kMAV, kMAC, kMAT, kMPR, kMUI, kMVC, kMVI, kMVA, kMSC, kMSI, kMSA,  // environmental
  kMetricCount = 32                                                                 // + 6 supplemental
};
// clang-format on

constexpr std::array<MetricSpec, kMetricCount> kSpecs = {{
    {"AV", {"N", "A", "L", "P"}, true},
    {"AC", {"L", "H"}, true},
    {"AT", {"N", "P"}, true},
    {"PR", {"N", "L", "H"}, true},
    {"UI", {"N", "P", "A"}, true},
    {"VC", {"H", "L", "N"}, true},
    {"VI", {"H", "L", "N"}, true},
    {"VA", {"H", "L", "N"}, true},
    {"SC", {"H", "L", "N"}, true},
    {"SI", {"H", "L", "N"}, true},
    {"SA", {"H", "L", "N"}, true},
    {"E", {"X", "A", "P", "U"}},
    {"CR", {"X", "H", "M", "L"}},
    {"IR", {"X", "H", "M", "L"}},
    {"AR", {"X", "H", "M", "L"}},
    {"MAV", {"X", "N", "A", "L", "P"}},
    {"MAC", {"X", "L", "H"}},
    {"MAT", {"X", "N", "P"}},
    {"MPR", {"X", "N", "L", "H"}},
    {"MUI", {"X", "N", "P", "A"}},
    {"MVC", {"X", "H", "L", "N"}},
    {"MVI", {"X", "H", "L", "N"}},
    {"MVA", {"X", "H", "L", "N"}},
    {"MSC", {"X", "H", "L", "N"}},
    {"MSI", {"X", "S", "H", "L", "N"}},
    {"MSA", {"X", "S", "H", "L", "N"}},
    // Supplemental: validated, never scored.
    {"S", {"X", "N", "P"}},
    {"AU", {"X", "N", "Y"}},
    {"R", {"X", "A", "U", "I"}},
    {"V", {"X", "D", "C"}},
    {"RE", {"X", "L", "M", "H"}},
    {"U", {"X", "Clear", "Green", "Amber", "Red"}},
}};

// The effective value (one letter) of each scored metric: the modified metric when set, else the base one;
// E, CR, IR and AR default to their worst case (A, H, H, H).
struct Effective {
  char av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar;
};

char letter(const std::array<int8_t, kMetricCount>& m, Metric base, int modified) {
  if (modified >= 0 && m[modified] > 0) {  // index 0 of a modified metric is X
    return kSpecs[modified].values[m[modified]][0];
  }
  return kSpecs[base].values[m[base]][0];
}

char with_default(const std::array<int8_t, kMetricCount>& m, Metric metric, char worst) {
  return m[metric] > 0 ? kSpecs[metric].values[m[metric]][0] : worst;
}

Effective effective(const std::array<int8_t, kMetricCount>& m) {
  return Effective{letter(m, kAV, kMAV),      letter(m, kAC, kMAC),      letter(m, kAT, kMAT),
                   letter(m, kPR, kMPR),      letter(m, kUI, kMUI),      letter(m, kVC, kMVC),
                   letter(m, kVI, kMVI),      letter(m, kVA, kMVA),      letter(m, kSC, kMSC),
                   letter(m, kSI, kMSI),      letter(m, kSA, kMSA),      with_default(m, kE, 'A'),
                   with_default(m, kCR, 'H'), with_default(m, kIR, 'H'), with_default(m, kAR, 'H')};
}

struct MacroVector {
  int eq1, eq2, eq3, eq4, eq5, eq6;
};

MacroVector macro_vector(const Effective& v) {
  MacroVector mv{};
  if (v.av == 'N' && v.pr == 'N' && v.ui == 'N') {
    mv.eq1 = 0;
  } else if ((v.av == 'N' || v.pr == 'N' || v.ui == 'N') && v.av != 'P') {
    mv.eq1 = 1;
  } else {
    mv.eq1 = 2;
  }
  mv.eq2 = (v.ac == 'L' && v.at == 'N') ? 0 : 1;
  if (v.vc == 'H' && v.vi == 'H') {
    mv.eq3 = 0;
  } else if (v.vc == 'H' || v.vi == 'H' || v.va == 'H') {
    mv.eq3 = 1;
  } else {
    mv.eq3 = 2;
  }
  if (v.si == 'S' || v.sa == 'S') {  // only MSI/MSA can say S(afety)
    mv.eq4 = 0;
  } else if (v.sc == 'H' || v.si == 'H' || v.sa == 'H') {
    mv.eq4 = 1;
  } else {
    mv.eq4 = 2;
  }
  mv.eq5 = v.e == 'A' ? 0 : v.e == 'P' ? 1 : 2;
  const bool eq6_high = (v.cr == 'H' && v.vc == 'H') || (v.ir == 'H' && v.vi == 'H') || (v.ar == 'H' && v.va == 'H');
  mv.eq6 = eq6_high ? 0 : 1;
  return mv;
}

// Score of a MacroVector, or NaN when it does not exist (as the reference's undefined lookups behave).
double lookup(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6) {
  if (eq1 > 2 || eq2 > 1 || eq3 > 2 || eq4 > 2 || eq5 > 2 || eq6 > 1) {
    return std::nan("");
  }
  const double s = v4::kMacroScores[eq1][eq2][eq3][eq4][eq5][eq6];
  return s == v4::kNo ? std::nan("") : s;
}

// Severity levels of the reference (METRIC_LEVELS): the k-th letter of a metric's order is at level k * 0.1.
constexpr double kLevel[] = {0.0, 0.1, 0.2, 0.3};

double level(char c, std::string_view order) {
  const size_t k = order.find(c);
  return k < 4 ? kLevel[k] : std::nan("");
}

// Highest severity vectors of each EQ level (MAX_COMPOSED), as the letters of the metrics they fix.
struct Eq1Max {
  char av, pr, ui;
};
struct Eq2Max {
  char ac, at;
};
struct Eq36Max {
  char vc, vi, va, cr, ir, ar;
};
struct Eq4Max {
  char sc, si, sa;
};

constexpr Eq1Max kEq1Max0[] = {{'N', 'N', 'N'}};
constexpr Eq1Max kEq1Max1[] = {{'A', 'N', 'N'}, {'N', 'L', 'N'}, {'N', 'N', 'P'}};
constexpr Eq1Max kEq1Max2[] = {{'P', 'N', 'N'}, {'A', 'L', 'P'}};
constexpr std::span<const Eq1Max> kEq1Max[] = {kEq1Max0, kEq1Max1, kEq1Max2};

constexpr Eq2Max kEq2Max0[] = {{'L', 'N'}};
constexpr Eq2Max kEq2Max1[] = {{'H', 'N'}, {'L', 'P'}};
constexpr std::span<const Eq2Max> kEq2Max[] = {kEq2Max0, kEq2Max1};

constexpr Eq36Max kEq36Max00[] = {{'H', 'H', 'H', 'H', 'H', 'H'}};
constexpr Eq36Max kEq36Max01[] = {{'H', 'H', 'L', 'M', 'M', 'H'}, {'H', 'H', 'H', 'M', 'M', 'M'}};
constexpr Eq36Max kEq36Max10[] = {{'L', 'H', 'H', 'H', 'H', 'H'}, {'H', 'L', 'H', 'H', 'H', 'H'}};
constexpr Eq36Max kEq36Max11[] = {{'L', 'H', 'L', 'H', 'M', 'H'},
                                  {'L', 'H', 'H', 'H', 'M', 'M'},
                                  {'H', 'L', 'H', 'M', 'H', 'M'},
                                  {'H', 'L', 'L', 'M', 'H', 'H'},
                                  {'L', 'L', 'H', 'H', 'H', 'M'}};
constexpr Eq36Max kEq36Max21[] = {{'L', 'L', 'L', 'H', 'H', 'H'}};
constexpr std::span<const Eq36Max> kEq36Max[3][2] = {
    {kEq36Max00, kEq36Max01}, {kEq36Max10, kEq36Max11}, {{}, kEq36Max21}};

constexpr Eq4Max kEq4Max[] = {{'H', 'S', 'S'}, {'H', 'H', 'H'}, {'L', 'L', 'L'}};
constexpr char kEq5Max[] = {'A', 'P', 'U'};

// Depth of each EQ level plus one (MAX_SEVERITY).
constexpr int kEq1Depth[] = {1, 4, 5};
constexpr int kEq2Depth[] = {1, 2};
constexpr int kEq36Depth[3][2] = {{7, 6}, {8, 8}, {0, 10}};
constexpr int kEq4Depth[] = {6, 5, 4};

// Severity distances of the vector from one highest vector, in the reference's METRIC_LEVELS order.
struct Distances {
  double av, pr, ui, ac, at, vc, vi, va, sc, si, sa, cr, ir, ar, e;
  [[nodiscard]] bool all_non_negative() const {
    for (const double d : {av, pr, ui, ac, at, vc, vi, va, sc, si, sa, cr, ir, ar, e}) {
      if (!(d >= 0)) {
        return false;
      }
    }
    return true;
  }
};

Distances distances(const Effective& v, const Eq1Max& m1, const Eq2Max& m2, const Eq36Max& m36, const Eq4Max& m4,
                    char e_max) {
  constexpr std::string_view kAv = "NALP", kPr = "NLH", kUi = "NPA", kAc = "LH", kAt = "NP", kCia = "HLN",
                             kSub = "SHLN", kReq = "HML", kE = "APU";
  return Distances{level(v.av, kAv) - level(m1.av, kAv),    level(v.pr, kPr) - level(m1.pr, kPr),
                   level(v.ui, kUi) - level(m1.ui, kUi),    level(v.ac, kAc) - level(m2.ac, kAc),
                   level(v.at, kAt) - level(m2.at, kAt),    level(v.vc, kCia) - level(m36.vc, kCia),
                   level(v.vi, kCia) - level(m36.vi, kCia), level(v.va, kCia) - level(m36.va, kCia),
                   level(v.sc, kSub) - level(m4.sc, kSub),  level(v.si, kSub) - level(m4.si, kSub),
                   level(v.sa, kSub) - level(m4.sa, kSub),  level(v.cr, kReq) - level(m36.cr, kReq),
                   level(v.ir, kReq) - level(m36.ir, kReq), level(v.ar, kReq) - level(m36.ar, kReq),
                   level(v.e, kE) - level(e_max, kE)};
}

// The first combination of highest vectors that the vector does not exceed; like the reference, the last
// combination tried when none qualifies.
Distances closest_max(const Effective& v, const MacroVector& mv) {
  Distances d{};
  for (const auto& m1 : kEq1Max[mv.eq1]) {
    for (const auto& m2 : kEq2Max[mv.eq2]) {
      for (const auto& m36 : kEq36Max[mv.eq3][mv.eq6]) {
        d = distances(v, m1, m2, m36, kEq4Max[mv.eq4], kEq5Max[mv.eq5]);
        if (d.all_non_negative()) {
          return d;
        }
      }
    }
  }
  return d;
}

// Score of the next lower MacroVector along EQ3+EQ6, which move together (00 has two, the higher counts).
double eq36_next_lower(const MacroVector& mv) {
  const auto [eq1, eq2, eq3, eq4, eq5, eq6] = mv;
  if (eq3 == 0 && eq6 == 0) {
    return std::max(lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1), lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6));
  }
  if (eq6 == 1 && eq3 < 2) {
    return lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
  }
  if (eq3 == 1 && eq6 == 0) {
    return lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
  }
  return std::nan("");  // 21 is the lowest
}

// Reference rounding: Math.round((value + 1e-6) * 10) / 10; the epsilon makes x.x5 that came out as x.x4999...
// round up, and Math.round sends half-way cases up.
double round_one_decimal(double value) {
  constexpr double kEpsilon = 1e-6;
  const double shifted = (value + kEpsilon) * 10.0;
  const double floor = std::floor(shifted);
  return (shifted - floor >= 0.5 ? floor + 1.0 : floor) / 10.0;
}

double score(const Effective& v) {
  if (v.vc == 'N' && v.vi == 'N' && v.va == 'N' && v.sc == 'N' && v.si == 'N' && v.sa == 'N') {
    return 0.0;
  }
  const MacroVector mv = macro_vector(v);
  const auto [eq1, eq2, eq3, eq4, eq5, eq6] = mv;
  const double value = lookup(eq1, eq2, eq3, eq4, eq5, eq6);
  const Distances d = closest_max(v, mv);
  const double current[] = {d.av + d.pr + d.ui, d.ac + d.at, d.vc + d.vi + d.va + d.cr + d.ir + d.ar,
                            d.sc + d.si + d.sa};
  const double next_lower[] = {lookup(eq1 + 1, eq2, eq3, eq4, eq5, eq6), lookup(eq1, eq2 + 1, eq3, eq4, eq5, eq6),
                               eq36_next_lower(mv), lookup(eq1, eq2, eq3, eq4 + 1, eq5, eq6)};
  const int depth[] = {kEq1Depth[eq1], kEq2Depth[eq2], kEq36Depth[eq3][eq6], kEq4Depth[eq4]};
  constexpr double kStep = 0.1;
  int n_existing_lower = 0;
  double normalized[5] = {0, 0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    const double available = value - next_lower[i];  // NaN when there is no lower MacroVector
    if (!std::isnan(available)) {
      ++n_existing_lower;
      normalized[i] = available * (current[i] / (depth[i] * kStep));
    }
  }
  // EQ5 counts in the mean when a lower MacroVector exists, but its proportion is always 0.
  if (!std::isnan(value - lookup(eq1, eq2, eq3, eq4, eq5 + 1, eq6))) {
    ++n_existing_lower;
  }
  double mean = 0.0;
  if (n_existing_lower != 0) {
    mean = (normalized[0] + normalized[1] + normalized[2] + normalized[3] + normalized[4]) / n_existing_lower;
  }
  return round_one_decimal(std::max(0.0, std::min(10.0, value - mean)));
}

}  // namespace

Result<BaseScore> score_v4(std::string_view body) {
  std::array<int8_t, kMetricCount> m{};
  if (auto ok = parse_metrics(body, "CVSS 4.0 vector", kSpecs, m); !ok) {
    return tl::unexpected(ok.error());
  }
  return BaseScore{score(effective(m)), "4.0"};
}

}  // namespace vigil::formats::cvss
