// NuGet version ordering. There is no NuGet/.NET binary on this machine, so these cases come from NuGet's
// documentation ("Package versioning": version precedence, normalization) and SemVer 2.0's examples.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scan/versions/compare.hpp"

namespace vigil::versions {
namespace {

int sgn(int v) {
  return (v > 0) - (v < 0);
}

TEST(NuGetVersion, FourPartsWithMissingZeros) {
  EXPECT_EQ(compare_nuget("1.0", "1.0.0"), 0);
  EXPECT_EQ(compare_nuget("1.0.0", "1.0.0.0"), 0);
  EXPECT_EQ(compare_nuget("1", "1.0.0.0"), 0);
  EXPECT_EQ(compare_nuget("1.01.1", "1.1.1"), 0);  // normalization drops leading zeros
  EXPECT_LT(compare_nuget("1.0.0.1", "1.0.1"), 0);
  EXPECT_GT(compare_nuget("4.3.0.1", "4.3.0"), 0);
  EXPECT_LT(compare_nuget("1.9.0", "1.10.0"), 0);
}

TEST(NuGetVersion, PrereleasePrecedence) {
  // SemVer 2.0 example chain, then NuGet's case-insensitivity.
  const std::vector<std::string> chain = {"1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                                          "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0"};
  for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
    EXPECT_LT(compare_nuget(chain[i], chain[i + 1]), 0) << chain[i] << " < " << chain[i + 1];
    EXPECT_GT(compare_nuget(chain[i + 1], chain[i]), 0);
  }
  EXPECT_EQ(compare_nuget("1.0.0-Beta", "1.0.0-beta"), 0);
  EXPECT_EQ(compare_nuget("1.0.0-RC.1", "1.0.0-rc.1"), 0);
  EXPECT_LT(compare_nuget("1.0.0-beta", "1.0.0-beta.0"), 0);  // more labels win when the prefix is equal
  EXPECT_LT(compare_nuget("1.0.0-2", "1.0.0-10"), 0);
  EXPECT_LT(compare_nuget("1.0.0-999", "1.0.0-a"), 0);
  EXPECT_LT(compare_nuget("1.0.0-beta01", "1.0.0-beta1"), 0);    // alphanumeric labels compare as strings
  EXPECT_GT(compare_nuget("1.0.0-9999999999", "1.0.0-999"), 0);  // beyond int32: a string label
  EXPECT_EQ(compare_nuget("1.0.0-beta.007", "1.0.0-beta.7"), 0);
  EXPECT_LT(compare_nuget("4.0.0-rc-final", "4.0.0"), 0);
}

TEST(NuGetVersion, BuildMetadataIgnored) {
  EXPECT_EQ(compare_nuget("1.0.0+abc", "1.0.0"), 0);
  EXPECT_EQ(compare_nuget("1.0.0-beta+git.1", "1.0.0-beta+git.2"), 0);
  EXPECT_LT(compare_nuget("1.0.0-beta+z", "1.0.0+a"), 0);
}

TEST(NuGetVersion, InvalidVersionsAreTotallyOrdered) {
  EXPECT_LT(compare_nuget("v1.0.0", "0.0.1"), 0);
  EXPECT_LT(compare_nuget("", "0"), 0);
  EXPECT_EQ(compare_nuget("1..2", "1..2"), 0);
  EXPECT_NE(compare_nuget("1..2", "1.2"), 0);
  EXPECT_EQ(compare_nuget(" 1.2.3 ", "1.2.3"), 0);
  EXPECT_GT(compare_nuget("1.2.3.4.5", "1.2.3.4"), 0);  // lenient: a fifth part still compares
}

TEST(NuGetVersion, PropertiesOnManyVersions) {
  const std::vector<std::string> versions = {"1.0.0",
                                             "1.0",
                                             "1",
                                             "1.0.0.0",
                                             "1.0.1",
                                             "1.0.0-alpha",
                                             "1.0.0-ALPHA",
                                             "1.0.0-alpha.1",
                                             "1.0.0-alpha.-1",
                                             "1.0.0-beta.2",
                                             "1.0.0-beta.11",
                                             "1.0.0-rc.1",
                                             "2.0.0",
                                             "2.0.0-preview.1.23110.8",
                                             "8.0.0-rc.2.23479.6",
                                             "13.0.3",
                                             "13.0.1",
                                             "6.0.0",
                                             "4.7.2",
                                             "v1",
                                             "abc",
                                             "",
                                             "1.0.0+meta",
                                             "1.0.0-",
                                             "1.0.0-.",
                                             "99999999999.0"};
  for (const auto& a : versions) {
    EXPECT_EQ(compare_nuget(a, a), 0) << a;
    for (const auto& b : versions) {
      EXPECT_EQ(sgn(compare_nuget(a, b)), -sgn(compare_nuget(b, a))) << a << " / " << b;
      for (const auto& c : versions) {
        if (compare_nuget(a, b) <= 0 && compare_nuget(b, c) <= 0) {
          EXPECT_LE(compare_nuget(a, c), 0) << a << " <= " << b << " <= " << c;
        }
      }
    }
  }
}

}  // namespace
}  // namespace vigil::versions
