// compare_dpkg against Debian policy examples and dpkg --compare-versions (tests/data/versions/dpkg.tsv).
#include <gtest/gtest.h>

#include "scan/versions/compare.hpp"
#include "unit/versions/golden.hpp"

namespace vigil::versions {
namespace {

using test::relation;

char cmp(std::string_view a, std::string_view b) {
  return relation(compare_dpkg(a, b));
}

TEST(DpkgVersion, PolicyRules) {
  EXPECT_EQ(cmp("1.0~rc1", "1.0"), '<');  // tilde sorts before everything, even the end
  EXPECT_EQ(cmp("1.0~~", "1.0~~a"), '<');
  EXPECT_EQ(cmp("1.0~~a", "1.0~"), '<');
  EXPECT_EQ(cmp("1.0", "1.0a"), '<');          // end before letters
  EXPECT_EQ(cmp("1.0a", "1.0+"), '<');         // letters before non-letters
  EXPECT_EQ(cmp("1.0+", "1.0."), '<');         // non-letters by ASCII
  EXPECT_EQ(cmp("1.10", "1.9"), '>');          // numerically
  EXPECT_EQ(cmp("1.010", "1.10"), '=');        // leading zeros ignored
  EXPECT_EQ(cmp("1:0.1", "2.0"), '>');         // epoch first
  EXPECT_EQ(cmp("0:1.0", "1.0"), '=');         // absent epoch is 0
  EXPECT_EQ(cmp("1.0-1", "1.0-1.1"), '<');     // revision compared the same way
  EXPECT_EQ(cmp("1.0", "1.0-0"), '=');         // absent revision equals "0"
  EXPECT_EQ(cmp("1.0-1-2", "1.0-1-10"), '<');  // the last hyphen starts the revision
  EXPECT_EQ(cmp("2:1.2.3-1+deb12u1", "2:1.2.3-1"), '>');
  EXPECT_EQ(cmp("1.2.3-0ubuntu1~22.04.1", "1.2.3-0ubuntu1"), '<');
  EXPECT_EQ(cmp("7.88.1-10+deb12u5", "7.88.1-10+deb12u12"), '<');
  EXPECT_EQ(cmp(" 1.0 ", "1.0"), '=');  // dpkg trims blanks
}

TEST(DpkgVersion, InvalidInputIsTotal) {
  // dpkg rejects these; we still order them deterministically and never crash.
  const std::vector<std::string> odd = {
      "",  ":",  "1:",    "a:1", "-",     "1.0-", "-1", "99999999999:1", "1 2", std::string("1\0x", 3),
      "~", "~~", "1:1:1", "1.0", "0:1.0", "+1:2"};
  for (const auto& a : odd) {
    for (const auto& b : odd) {
      EXPECT_EQ(compare_dpkg(a, b), -compare_dpkg(b, a)) << a << " / " << b;
    }
  }
  test::check_transitive(odd, compare_dpkg);
  EXPECT_EQ(cmp("", "<unknown>"), '<');
  EXPECT_EQ(cmp("1:", "1:0"), '=');  // empty upstream equals "0", as verrevcmp does
}

TEST(DpkgVersion, GoldenFromDpkg) {
  EXPECT_GE(test::check_golden("versions/dpkg.tsv", compare_dpkg), 3000u);
}

}  // namespace
}  // namespace vigil::versions
