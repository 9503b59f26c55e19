// compare_apk against apk-tools' own test/version.data cases and a Python port of apk-tools'
// src/version.c (tests/data/versions/apk.tsv; there is no apk binary on Debian to use as reference).
#include <gtest/gtest.h>

#include "scan/versions/compare.hpp"
#include "unit/versions/golden.hpp"

namespace vigil::versions {
namespace {

using test::relation;

char cmp(std::string_view a, std::string_view b) {
  return relation(compare_apk(a, b));
}

TEST(ApkVersion, ApkToolsVersionData) {
  // From apk-tools test/version.data.
  EXPECT_EQ(cmp("2.34", "0.1.0_alpha"), '>');
  EXPECT_EQ(cmp("23_foo", "4_beta"), '>');
  EXPECT_EQ(cmp("1.0", "1.0bc"), '<');
  EXPECT_EQ(cmp("0.1.0_alpha", "0.1.0_alpha"), '=');
  EXPECT_EQ(cmp("0.1.0_alpha2", "0.1.0_alpha"), '>');
  EXPECT_EQ(cmp("1.1", "1.1_alpha1"), '>');
  EXPECT_EQ(cmp("1.0.4-r3", "1.0.4-r4"), '<');
  EXPECT_EQ(cmp("1.06-r6", "006"), '<');
  EXPECT_EQ(cmp("2.3.0b-r1", "2.3.0b-r2"), '<');
  EXPECT_EQ(cmp("2.5.1-r8", "2.5.1a-r1"), '<');
  EXPECT_EQ(cmp("3.1_p16", "3.1_p17"), '<');
  EXPECT_EQ(cmp("20060720", "3.0.20060720"), '>');
  EXPECT_EQ(cmp("021109-r3", "20060512"), '<');
  EXPECT_EQ(cmp("1.2.07.8", "1.2.12.04"), '<');
  EXPECT_EQ(cmp("0.1.0_alpha_pre2", "0.1.0_alpha"), '<');
  EXPECT_EQ(cmp("1.0.0_pre20191002222144-r0", "1.0.0_pre20210530193627-r0"), '<');
  EXPECT_EQ(cmp("6.0_pre1", "6.0"), '<');
  EXPECT_EQ(cmp("6.0_p1", "6.0"), '>');
  EXPECT_EQ(cmp("8.2.0", "8.2.001"), '<');  // leading zero: string comparison
  EXPECT_EQ(cmp("8.2.0015", "8.2.002"), '<');
  EXPECT_EQ(cmp("1.0~1234", "1.0~2345"), '<');  // commit hash
  EXPECT_EQ(cmp("1.0~1234-r1", "1.0~2345-r0"), '<');
  EXPECT_EQ(cmp("1.0~1234-r1", "1.0~1234-r0"), '>');
}

TEST(ApkVersion, SuffixOrder) {
  const std::vector<std::string> ordered = {"1.0_alpha", "1.0_beta", "1.0_pre", "1.0_rc", "1.0",  "1.0_cvs",
                                            "1.0_svn",   "1.0_git",  "1.0_hg",  "1.0_p",  "1.0a", "1.0.1"};
  for (std::size_t i = 0; i + 1 < ordered.size(); ++i) {
    EXPECT_EQ(cmp(ordered[i], ordered[i + 1]), '<') << ordered[i] << " < " << ordered[i + 1];
  }
  EXPECT_EQ(cmp("1.0-r1", "1.0"), '>');
  EXPECT_EQ(cmp("1.0_rc1-r5", "1.0-r0"), '<');
  EXPECT_EQ(cmp("1.0~abc", "1.0"), '>');
  EXPECT_EQ(cmp("1.0~abc", "1.0-r0"), '>');  // the lower token kind wins at the first difference
}

TEST(ApkVersion, InvalidInputIsTotal) {
  // Comparison stops at the first invalid token, which sorts below the end of a version.
  EXPECT_EQ(cmp("1.0!", "1.0"), '<');
  EXPECT_EQ(cmp("1.0!", "1.0?x"), '=');
  EXPECT_EQ(cmp("", "0"), '<');
  EXPECT_EQ(cmp("1.2_foo", "1.2"), '<');
  EXPECT_EQ(cmp("18446744073709551617", "1"), '=');  // uint64 wrap, as apk's apk_blob_pull_uint
  const std::vector<std::string> odd = {"",
                                        "!",
                                        "1",
                                        "1.",
                                        "1.0",
                                        "1.0a",
                                        "1.0ab",
                                        "1_",
                                        "1_p",
                                        "1_p1_rc",
                                        "1-r",
                                        "1-r1",
                                        "1-r1-r2",
                                        "1~",
                                        "1~g",
                                        "1~0a",
                                        "01",
                                        "0",
                                        "00",
                                        std::string("1\0"
                                                    "2",
                                                    3),
                                        ".1",
                                        "a",
                                        "1.0_alpha"};
  for (const auto& a : odd) {
    for (const auto& b : odd) {
      EXPECT_EQ(compare_apk(a, b), -compare_apk(b, a)) << a << " / " << b;
    }
  }
  test::check_transitive(odd, compare_apk);
}

TEST(ApkVersion, GoldenFromVersionCPort) {
  EXPECT_GE(test::check_golden("versions/apk.tsv", compare_apk), 3000u);
}

}  // namespace
}  // namespace vigil::versions
