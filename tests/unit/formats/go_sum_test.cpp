// go.sum and Go version ordering, on the real go.sum of a Go 1.16 module from the Go 1.19 source tree.
#include <gtest/gtest.h>

#include "formats/go.hpp"
#include "test_support.hpp"

using vigil::formats::compare_go_versions;
using vigil::formats::go_mod_lacks_indirect;
using vigil::formats::parse_go_sum;
using vigil::test::find;

TEST(GoSum, HighestDownloadedVersionOfEachModule) {
  const auto parsed = parse_go_sum("go.sum", vigil::test::read_data("go/go116/go.sum"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  const auto* avo = find(*parsed, "github.com/mmcloughlin/avo");
  ASSERT_NE(avo, nullptr);
  EXPECT_EQ(avo->version, "v0.2.0");
  const auto* mod = find(*parsed, "golang.org/x/mod");
  ASSERT_NE(mod, nullptr);
  EXPECT_EQ(mod->version, "v0.3.0");
  // golang.org/x/sys appears at several versions; the newest downloaded one wins.
  const auto* sys = find(*parsed, "golang.org/x/sys");
  ASSERT_NE(sys, nullptr);
  EXPECT_EQ(sys->version, "v0.0.0-20210403161142-5e06dd20ab57");
  for (const auto& pkg : parsed->packages) {
    EXPECT_EQ(pkg.relation, vigil::model::Relation::Transitive);
  }
}

TEST(GoSum, GoModOnlyLinesAreNotPackages) {
  const auto parsed = parse_go_sum("go.sum",
                                   "golang.org/x/text v0.3.0/go.mod h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=\n"
                                   "golang.org/x/text v0.3.3 h1:cokOdA+Jmi5PJGXLlLllQSgYigAEfHXJAERHVMaCc2k=\n");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].version, "v0.3.3");
}

TEST(GoSum, MalformedLinesWarnWithLineNumbers) {
  const auto parsed = parse_go_sum("go.sum", "garbage\nexample.com/m v1.0.0 h1:abc=\nx y z\n");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->warnings.size(), 2U);
  EXPECT_EQ(parsed->warnings[0].line, 1);
  EXPECT_EQ(parsed->warnings[1].line, 3);
  EXPECT_EQ(parsed->packages.size(), 1U);
}

TEST(GoVersions, SemverPseudoVersionsAndIncompatible) {
  EXPECT_LT(compare_go_versions("v1.2.3", "v1.10.0"), 0);
  EXPECT_GT(compare_go_versions("v2.0.0+incompatible", "v1.9.9"), 0);
  EXPECT_EQ(compare_go_versions("v2.0.0+incompatible", "v2.0.0"), 0);
  EXPECT_LT(compare_go_versions("v1.0.0-rc.1", "v1.0.0"), 0);
  EXPECT_LT(compare_go_versions("v1.0.0-alpha", "v1.0.0-alpha.1"), 0);
  EXPECT_LT(compare_go_versions("v1.0.0-2", "v1.0.0-10"), 0);
  EXPECT_LT(compare_go_versions("v0.0.0-20200622213623-75b288015ac9", "v0.0.0-20210403161142-5e06dd20ab57"), 0);
  EXPECT_LT(compare_go_versions("v0.0.0-20210403161142-5e06dd20ab57", "v0.1.0"), 0);
}

TEST(GoVersions, GoDirective) {
  EXPECT_TRUE(go_mod_lacks_indirect("module m\n\ngo 1.16\n"));
  EXPECT_FALSE(go_mod_lacks_indirect("module m\n\ngo 1.17\n"));
  EXPECT_FALSE(go_mod_lacks_indirect("module m\ngo 1.21.5\n"));
  EXPECT_TRUE(go_mod_lacks_indirect("module m\n"));
}
