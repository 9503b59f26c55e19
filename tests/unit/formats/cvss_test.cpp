// CVSS v3.0 / v3.1 / v4.0 scores: spec and NVD examples, thousands of reference-scored vectors
// (tests/data/cvss/golden.tsv, from generate_golden.js), and malformed vectors.
#include "formats/cvss.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "core/strings.hpp"
#include "test_support.hpp"

namespace vigil::formats::cvss {
namespace {

std::string one_decimal(double score) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", score);
  return buf;
}

std::string score_of(std::string_view vector) {
  auto r = base_score(vector);
  return r ? one_decimal(r->score) : "error: " + r.error().message;
}

std::string error_of(std::string_view vector) {
  auto r = base_score(vector);
  return r ? "scored " + one_decimal(r->score) : r.error().message;
}

TEST(Cvss3, SpecificationAndNvdExamples) {
  EXPECT_EQ(score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), "9.8");
  EXPECT_EQ(score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), "10.0");
  EXPECT_EQ(score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), "6.1");  // typical XSS
  EXPECT_EQ(score_of("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"), "7.8");  // local privilege escalation
  EXPECT_EQ(score_of("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"), "5.9");
  EXPECT_EQ(score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"), "7.5");
  EXPECT_EQ(score_of("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"), "1.6");
  EXPECT_EQ(score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), "0.0");  // no impact
  EXPECT_EQ(score_of("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), "9.8");
  EXPECT_EQ(score_of("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), "10.0");
  EXPECT_EQ(score_of("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N"), "6.4");  // stored XSS, as NVD often scores it
}

// Every combination of the listed values of each metric, as "K:V/K:V/..." strings.
std::vector<std::string> all_vectors(const std::vector<std::pair<std::string, std::string>>& metrics) {
  std::vector<std::string> out{""};
  for (const auto& [key, values] : metrics) {
    std::vector<std::string> next;
    for (const auto& prefix : out) {
      for (const char v : values) {
        next.push_back(prefix + (prefix.empty() ? "" : "/") + key + ":" + v);
      }
    }
    out = std::move(next);
  }
  return out;
}

TEST(Cvss3, EveryBaseVector) {
  // 3.0 and 3.1 differ only in rounding, which never changes a base score (the reference agrees on all 2592);
  // 3.0's plain ceiling only bites in environmental scores.
  const auto bodies = all_vectors({{"AV", "NALP"},
                                   {"AC", "LH"},
                                   {"PR", "NLH"},
                                   {"UI", "NR"},
                                   {"S", "UC"},
                                   {"C", "HLN"},
                                   {"I", "HLN"},
                                   {"A", "HLN"}});
  ASSERT_EQ(bodies.size(), 2592U);
  for (const auto& body : bodies) {
    const auto v30 = base_score("CVSS:3.0/" + body);
    const auto v31 = base_score("CVSS:3.1/" + body);
    ASSERT_TRUE(v30 && v31) << body;
    EXPECT_EQ(v30->version, "3.0");
    EXPECT_EQ(v31->version, "3.1");
    EXPECT_EQ(one_decimal(v30->score), one_decimal(v31->score)) << body;
    const bool no_impact = body.find("C:N/I:N/A:N") != std::string::npos;
    EXPECT_EQ(v31->score == 0.0, no_impact) << body;
    EXPECT_LE(v31->score, 10.0) << body;
  }
}

TEST(Cvss3, TemporalAndEnvironmentalMetricsAreIgnored) {
  EXPECT_EQ(score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U"), "9.8");
  EXPECT_EQ(score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/RL:X/RC:X/CR:L/IR:L/AR:L/MAV:P/MAC:H/MPR:H/"
                     "MUI:R/MS:C/MC:N/MI:N/MA:N"),
            "9.8");
  // Metric order is free.
  EXPECT_EQ(score_of("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N"), "9.8");
}

TEST(Cvss4, SpecificationExamples) {
  EXPECT_EQ(score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"), "9.3");
  EXPECT_EQ(score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"), "10.0");
  EXPECT_EQ(score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N"), "0.0");
  EXPECT_EQ(score_of("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L"), "1.0");
  EXPECT_EQ(score_of("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"), "8.5");
  EXPECT_EQ(score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:L/VA:N/SC:L/SI:L/SA:N"), "5.3");
  // Examples from FIRST's v4.0 calculator documentation (with threat / environmental metrics).
  EXPECT_EQ(score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A"), "8.7");
  const auto r = base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version, "4.0");
}

TEST(Cvss4, EveryBaseVector) {
  // All 104976 base vectors score within range, 0.0 exactly when no system is impacted. (Each was also checked
  // against the reference calculator while writing this scorer; golden.tsv keeps a sample.)
  const auto bodies = all_vectors({{"AV", "NALP"},
                                   {"AC", "LH"},
                                   {"AT", "NP"},
                                   {"PR", "NLH"},
                                   {"UI", "NPA"},
                                   {"VC", "HLN"},
                                   {"VI", "HLN"},
                                   {"VA", "HLN"},
                                   {"SC", "HLN"},
                                   {"SI", "HLN"},
                                   {"SA", "HLN"}});
  ASSERT_EQ(bodies.size(), 104976U);
  size_t zeros = 0;
  for (const auto& body : bodies) {
    const auto r = base_score("CVSS:4.0/" + body);
    ASSERT_TRUE(r) << body;
    ASSERT_GE(r->score, 0.0) << body;
    ASSERT_LE(r->score, 10.0) << body;
    const bool no_impact = body.find("VC:N/VI:N/VA:N/SC:N/SI:N/SA:N") != std::string::npos;
    ASSERT_EQ(r->score == 0.0, no_impact) << body;
    zeros += no_impact ? 1 : 0;
  }
  EXPECT_EQ(zeros, 144U);
}

TEST(Cvss4, ThreatEnvironmentalAndSupplementalMetrics) {
  // E:U lowers the (single) v4.0 score, as FIRST's calculator does.
  EXPECT_EQ(score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U"), "8.1");
  // Explicit defaults (X) change nothing.
  EXPECT_EQ(score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/MAV:X"),
            "9.3");
  // Supplemental metrics never score.
  EXPECT_EQ(score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/AU:Y/R:I/V:C/RE:H/U:Red"),
            "9.3");
  // MSI:S (safety) moves the vector to the highest subsequent-system level.
  EXPECT_EQ(score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S"), "10.0");
}

TEST(Cvss, GoldenVectorsFromReferenceCalculator) {
  const std::string golden = test::read_data("cvss/golden.tsv");
  size_t checked = 0;
  size_t mismatches = 0;
  size_t counts[3] = {0, 0, 0};
  for (const auto line : lines(golden)) {
    if (line.empty()) {
      continue;
    }
    const size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string_view::npos) << line;
    const std::string_view vector = line.substr(0, tab);
    const std::string_view expected = line.substr(tab + 1);
    ++checked;
    counts[starts_with(vector, "CVSS:3.0/") ? 0 : starts_with(vector, "CVSS:3.1/") ? 1 : 2]++;
    const std::string got = score_of(vector);
    if (got != expected) {
      if (++mismatches <= 20) {
        ADD_FAILURE() << vector << ": expected " << expected << ", got " << got;
      }
    }
  }
  EXPECT_EQ(mismatches, 0U) << "of " << checked;
  EXPECT_GE(checked, 3000U);
  EXPECT_GE(counts[0], 500U);
  EXPECT_GE(counts[1], 800U);
  EXPECT_GE(counts[2], 2000U);
}

TEST(Cvss, MalformedVectors) {
  EXPECT_EQ(error_of(""), "empty CVSS vector");
  EXPECT_EQ(error_of("   "), "empty CVSS vector");
  EXPECT_NE(error_of("AV:N/AC:L/Au:N/C:P/I:P/A:P").find("not a CVSS v3.0, v3.1 or v4.0 vector"), std::string::npos);
  EXPECT_NE(error_of("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P").find("not a CVSS"), std::string::npos);
  EXPECT_NE(error_of("CVSS:3.1").find("not a CVSS"), std::string::npos);
  EXPECT_EQ(error_of("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            "CVSS 3.1 vector: metric 'AV' has invalid value 'Q'");
  EXPECT_EQ(error_of("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N"),
            "CVSS 3.0 vector: metric 'AV' appears more than once");
  EXPECT_EQ(error_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"), "CVSS 3.1 vector: missing base metric 'A'");
  EXPECT_EQ(error_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y"), "CVSS 3.1 vector: unknown metric 'XX'");
  EXPECT_EQ(error_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/"),
            "CVSS 3.1 vector: malformed component '' (expected METRIC:VALUE)");
  EXPECT_EQ(error_of("CVSS:3.1/AV:N//AC:L"), "CVSS 3.1 vector: malformed component '' (expected METRIC:VALUE)");
  EXPECT_EQ(error_of("CVSS:3.1/AV"), "CVSS 3.1 vector: malformed component 'AV' (expected METRIC:VALUE)");
  EXPECT_EQ(error_of("CVSS:3.1/AV:"), "CVSS 3.1 vector: malformed component 'AV:' (expected METRIC:VALUE)");
  EXPECT_EQ(error_of("CVSS:3.1/:N"), "CVSS 3.1 vector: malformed component ':N' (expected METRIC:VALUE)");
  // v3 metrics are not v4 metrics and the other way round.
  EXPECT_EQ(error_of("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/S:U"), "CVSS 4.0 vector: unknown metric 'C'");
  EXPECT_EQ(error_of("CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H"), "CVSS 3.1 vector: unknown metric 'AT'");
  EXPECT_EQ(error_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"),
            "CVSS 4.0 vector: missing base metric 'SA'");
  EXPECT_EQ(error_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N"),
            "CVSS 4.0 vector: metric 'SI' has invalid value 'S'");  // S only through MSI
  EXPECT_EQ(error_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:red"),
            "CVSS 4.0 vector: metric 'U' has invalid value 'red'");
  EXPECT_EQ(error_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/E:U"),
            "CVSS 4.0 vector: metric 'E' appears more than once");
  // Values are case-sensitive, as in the specifications.
  EXPECT_EQ(error_of("CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            "CVSS 3.1 vector: metric 'AV' has invalid value 'n'");
}

TEST(Cvss, HostileInput) {
  // A 1 MB string fails fast on the size limit, without quoting it all back.
  const std::string huge = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" + std::string(1 << 20, '/');
  const std::string e = error_of(huge);
  EXPECT_NE(e.find("too long"), std::string::npos) << e;
  EXPECT_LT(e.size(), 200U);
  // Binary garbage is quoted back short and printable.
  const std::string garbage = error_of(std::string("CVSS:3.1/\x01\xff\x80:\x7f", 14));
  EXPECT_EQ(garbage, "CVSS 3.1 vector: unknown metric '" + std::string(3, '?') + "'");
  const std::string long_value = error_of("CVSS:3.1/AV:" + std::string(100, 'Q'));
  EXPECT_LT(long_value.size(), 120U) << long_value;
  // Leading and trailing whitespace (as pasted from advisories) is tolerated.
  EXPECT_EQ(score_of(" CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"), "9.8");
}

TEST(Cvss, FuzzWrapper) {
  EXPECT_TRUE(parse_cvss_fuzz("fuzz/input", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"));
  EXPECT_FALSE(parse_cvss_fuzz("fuzz/input", "CVSS:4.0/"));
}

}  // namespace
}  // namespace vigil::formats::cvss
