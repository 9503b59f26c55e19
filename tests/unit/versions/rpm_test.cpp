// compare_rpm against rpmvercmp rules and python3-rpm labelCompare (tests/data/versions/rpm.tsv).
#include <gtest/gtest.h>

#include "scan/versions/compare.hpp"
#include "unit/versions/golden.hpp"

namespace vigil::versions {
namespace {

using test::relation;

char cmp(std::string_view a, std::string_view b) {
  return relation(compare_rpm(a, b));
}

TEST(RpmVersion, RpmvercmpRules) {
  EXPECT_EQ(cmp("1.0", "1.0"), '=');
  EXPECT_EQ(cmp("1.0", "2.0"), '<');
  EXPECT_EQ(cmp("2.0.1", "2.0"), '>');
  EXPECT_EQ(cmp("5.5p1", "5.5p10"), '<');
  EXPECT_EQ(cmp("10xyz", "10.1xyz"), '<');
  EXPECT_EQ(cmp("xyz10", "xyz.4"), '>');
  EXPECT_EQ(cmp("1.0010", "1.9"), '>');  // numbers without leading zeros, longer wins
  EXPECT_EQ(cmp("1.05", "1.5"), '=');
  EXPECT_EQ(cmp("1.0a", "1.0"), '>');
  EXPECT_EQ(cmp("1.a", "1.1"), '<');      // numeric segments beat alpha ones
  EXPECT_EQ(cmp("1.0_1", "1.0.1"), '=');  // separators only separate
  EXPECT_EQ(cmp("FC5", "fc4"), '<');      // ASCII order: upper case first
  EXPECT_EQ(cmp("1.0~rc1", "1.0"), '<');  // tilde before everything
  EXPECT_EQ(cmp("1.0~rc1", "1.0~rc2"), '<');
  EXPECT_EQ(cmp("1.0~rc1", "1.0~rc1~git"), '>');
  EXPECT_EQ(cmp("1.0^", "1.0"), '>');        // caret after the end...
  EXPECT_EQ(cmp("1.0^git1", "1.0.1"), '<');  // ...but before any further segment
  EXPECT_EQ(cmp("1.0^git1", "1.0~rc1"), '>');
  EXPECT_EQ(cmp("1.0^20160101", "1.0^20160102"), '<');
}

TEST(RpmVersion, EpochAndRelease) {
  EXPECT_EQ(cmp("1:1.0-1", "2.0-1"), '>');
  EXPECT_EQ(cmp("0:1.0-1", "1.0-1"), '=');  // missing epoch is 0
  EXPECT_EQ(cmp(":1.0-1", "1.0-1"), '=');   // empty epoch is 0 (parseEVR)
  EXPECT_EQ(cmp("01:1.0", "1:1.0"), '=');   // epochs compared with rpmvercmp
  EXPECT_EQ(cmp("1.0-1.el9", "1.0-1.el8"), '>');
  EXPECT_EQ(cmp("1.0-2.el8_9.1", "1.0-2.el8_9"), '>');
  EXPECT_EQ(cmp("3.0.7-25.el9_3", "1:3.0.7-24.el9"), '<');
  // Missing release sorts before every release, even an empty or tilde one (labelCompare with None).
  EXPECT_EQ(cmp("1.0", "1.0-0"), '<');
  EXPECT_EQ(cmp("1.0", "1.0-"), '<');
  EXPECT_EQ(cmp("1.0", "1.0-~1"), '<');
  EXPECT_EQ(cmp("1.0-", "1.0-~1"), '>');
  EXPECT_EQ(cmp("a:1-2", "a:1-2"), '=');  // not an epoch: part of the version
}

TEST(RpmVersion, HostileInputIsTotal) {
  const std::vector<std::string> odd = {"",
                                        "-",
                                        ":",
                                        "~",
                                        "^",
                                        "~~",
                                        "^^",
                                        "1~",
                                        "1^",
                                        "1",
                                        "1-",
                                        "1-~",
                                        "1-^",
                                        "a",
                                        "A",
                                        "...",
                                        std::string("1\0"
                                                    "9",
                                                    3),
                                        "\xff\xfe",
                                        "1:",
                                        "0:0-0"};
  for (const auto& a : odd) {
    for (const auto& b : odd) {
      EXPECT_EQ(compare_rpm(a, b), -compare_rpm(b, a)) << a << " / " << b;
    }
  }
  test::check_transitive(odd, compare_rpm);
}

TEST(RpmVersion, GoldenFromPythonRpm) {
  EXPECT_GE(test::check_golden("versions/rpm.tsv", compare_rpm), 3000u);
}

}  // namespace
}  // namespace vigil::versions
