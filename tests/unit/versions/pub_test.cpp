// compare_pub against pub_semver's own documented examples (test/version_test.dart of dart-lang/pub_semver).
// There is no Dart SDK on this machine, so there is no generated golden file for Pub.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "scan/versions/compare.hpp"

namespace vigil::versions {
namespace {

int sgn(int c) {
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

void expect_order(std::string_view a, std::string_view b, int want) {
  EXPECT_EQ(sgn(compare_pub(a, b)), want) << a << " vs " << b;
  EXPECT_EQ(sgn(compare_pub(b, a)), -want) << b << " vs " << a;
}

TEST(Pub, CompareToExampleList) {
  // "A correctly sorted list of versions" from pub_semver's comparison tests.
  const std::vector<std::string_view> ordered = {"1.0.0-alpha",
                                                 "1.0.0-alpha.1",
                                                 "1.0.0-beta.2",
                                                 "1.0.0-beta.11",
                                                 "1.0.0-rc.1",
                                                 "1.0.0-rc.1+build.1",
                                                 "1.0.0",
                                                 "1.0.0+0.3.7",
                                                 "1.3.7+build",
                                                 "1.3.7+build.2.b8f12d7",
                                                 "1.3.7+build.11.e0f985a",
                                                 "2.0.0",
                                                 "2.1.0",
                                                 "2.2.0",
                                                 "2.11.0",
                                                 "2.11.1"};
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (size_t j = 0; j < ordered.size(); ++j) {
      expect_order(ordered[i], ordered[j], i < j ? -1 : (i > j ? 1 : 0));
    }
  }
}

TEST(Pub, LeadingZerosAreEqual) {
  expect_order("01.2.3", "1.2.3", 0);
  expect_order("1.02.3", "1.2.3", 0);
  expect_order("1.2.03", "1.2.3", 0);
  expect_order("1.2.3-01", "1.2.3-1", 0);
  expect_order("1.2.3+01", "1.2.3+1", 0);
  expect_order("001.02.0003-01.dev+pre.002", "1.2.3-1.dev+pre.2", 0);
}

TEST(Pub, BuildMetadataCounts) {
  expect_order("1.0.0+build", "1.0.0", 1);
  expect_order("1.0.0-rc.1+build.1", "1.0.0-rc.1", 1);
  expect_order("1.0.0+build", "1.0.0+build.1", -1);  // a missing part sorts first
  expect_order("1.0.0+2", "1.0.0+a", -1);            // numbers before strings
  expect_order("1.0.0+10", "1.0.0+9", 1);
  expect_order("1.0.0-alpha+zzz", "1.0.0-beta", -1);  // prerelease decides before build
  expect_order("1.0.0-x.7.z-92", "1.0.0-x.7.z-93", -1);
  expect_order("1.0.0-rc-1+build-1", "1.0.0-rc-1+build-1", 0);
}

TEST(Pub, DartIntParsingOfIdentifiers) {
  // Parts become numbers through int.tryParse: a sign and a "0x" prefix are accepted.
  expect_order("1.0.0--1", "1.0.0-0", -1);
  expect_order("1.0.0-0x10", "1.0.0-15", 1);
  expect_order("1.0.0-0x10", "1.0.0-16", 0);
  expect_order("1.0.0--", "1.0.0-0", 1);  // "-" alone is a string
  // Above int64 an identifier stays a string (sorts after numbers).
  expect_order("1.0.0-99999999999999999999", "1.0.0-9223372036854775807", 1);
}

TEST(Pub, InvalidVersionsSortFirstAndAreTotal) {
  // Version.parse throws on these; Vigil orders them before all valid versions, by bytes.
  for (const std::string_view bad :
       {"1.0", "1.2.3.4", "1234", "-2.3.4", "1.3-pre", "1.3+build", "1.3+bu?!3ild", "", "v1.2.3", " 1.2.3", "1.2.3-",
        "1.2.3+", "1.2.3-a..b", "99999999999999999999.0.0"}) {
    expect_order(bad, "0.0.0-0", -1);
    EXPECT_EQ(compare_pub(bad, bad), 0) << bad;
  }
  expect_order("1.0", "1.3-pre", -1);
}

}  // namespace
}  // namespace vigil::versions
