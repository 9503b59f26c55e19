// compare_semver (npm, crates.io) against SemVer 2.0 rules and 3600 pairs ordered by node-semver;
// compare_hex (Elixir Version) against the same pairs where Elixir and node-semver must agree.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scan/versions/compare.hpp"
#include "test_support.hpp"
#include "unit/versions/golden_pairs.hpp"

namespace vigil::versions {
namespace {

using test_golden::sgn;

void expect_order(CompareFn cmp, std::string_view a, std::string_view b, int want) {
  EXPECT_EQ(sgn(cmp(a, b)), want) << a << " vs " << b;
  EXPECT_EQ(sgn(cmp(b, a)), -want) << b << " vs " << a;
}

TEST(Semver, SpecPrecedenceExample) {
  // semver.org item 11.
  const std::vector<std::string_view> ordered = {"1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                                                 "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0"};
  for (const CompareFn cmp : {compare_semver, compare_hex}) {
    for (size_t i = 0; i < ordered.size(); ++i) {
      for (size_t j = 0; j < ordered.size(); ++j) {
        expect_order(cmp, ordered[i], ordered[j], i < j ? -1 : (i > j ? 1 : 0));
      }
    }
  }
}

TEST(Semver, RulesOfNodeSemver) {
  expect_order(compare_semver, "1.0.0+build.1", "1.0.0+build.2", 0);  // build metadata ignored
  expect_order(compare_semver, "1.0.0-rc.1+x", "1.0.0-rc.1", 0);
  expect_order(compare_semver, "1.10.0", "1.9.0", 1);
  expect_order(compare_semver, "1.0.0-2", "1.0.0-10", -1);        // numeric identifiers numerically
  expect_order(compare_semver, "1.0.0-999", "1.0.0-a", -1);       // numeric below alphanumeric
  expect_order(compare_semver, "1.0.0-1a", "1.0.0-1", 1);         // "1a" is alphanumeric
  expect_order(compare_semver, "1.0.0-Beta", "1.0.0-alpha", -1);  // ASCII order: uppercase first
  expect_order(compare_semver, "1.0.0-alpha", "1.0.0-alpha.0", -1);
  // Accepted like `new SemVer(v)`: one leading "v", surrounding whitespace.
  expect_order(compare_semver, "v1.2.3", "1.2.3", 0);
  expect_order(compare_semver, " 1.2.3\t", "1.2.3", 0);
  // Prerelease numbers are JS numbers: beyond 2^53 they compare after rounding to a double.
  expect_order(compare_semver, "1.0.0-9007199254740993", "1.0.0-9007199254740992", 0);
  expect_order(compare_semver, "1.0.0-9007199254740991", "1.0.0-9007199254740992", -1);
  expect_order(compare_semver, "9007199254740991.0.0", "1.0.0", 1);
}

TEST(Semver, InvalidVersionsSortFirstAndAreTotal) {
  // node-semver throws on these (strict mode); Vigil orders them before all valid versions, by bytes.
  for (const std::string_view bad :
       {"", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.3-01", "=1.2.3", "V1.2.3", "vv1.2.3", "1.2.3-", "1.2.3+",
        "1.2.3-a..b", "1.2.3+a_b", "1.2.3 -a", "9007199254740992.0.0", "latest", "^1.2.3", "1.2.x"}) {
    expect_order(compare_semver, bad, "0.0.0-0", -1);
    EXPECT_EQ(compare_semver(bad, bad), 0) << bad;
  }
  expect_order(compare_semver, std::string(257, '1'), "0.0.0", -1);  // longer than node's 256 chars
  expect_order(compare_semver, "1.2", "1.3", -1);                    // by bytes among invalid ones
}

TEST(Hex, ElixirVersionRules) {
  expect_order(compare_hex, "1.0.0+build.1", "1.0.0+build.2", 0);
  expect_order(compare_hex, "1.0.0-rc.0", "1.0.0", -1);
  expect_order(compare_hex, "2.0.0-beta.10", "2.0.0-beta.9", 1);
  // Integers have no size limit and are exact.
  expect_order(compare_hex, "1.0.0-9007199254740993", "1.0.0-9007199254740992", 1);
  expect_order(compare_hex, "99999999999999999999.0.0", "1.0.0", 1);
  // Version.parse rejects what node-semver trims or strips: these sort first.
  for (const std::string_view bad : {"v1.0.0", " 1.0.0", "1.0", "1.0.0-01", "01.0.0", "1.0.0-", "1.0.0+"}) {
    expect_order(compare_hex, bad, "0.0.0-0", -1);
  }
}

TEST(Semver, GoldenPairsFromNodeSemver) {
  const std::string data = test::read_data("versions/semver.tsv");
  int checked = 0;
  int mismatches = 0;
  for (const auto& p : test_golden::pairs(data)) {
    ASSERT_NE(p.want, 2) << "bad line: " << p.a;
    const int got = sgn(compare_semver(p.a, p.b));
    if (got != p.want && ++mismatches <= 20) {
      ADD_FAILURE() << "'" << p.a << "' vs '" << p.b << "': want " << p.want << " got " << got;
    }
    EXPECT_EQ(sgn(compare_semver(p.b, p.a)), -got) << p.a << " / " << p.b;
    EXPECT_EQ(compare_semver(p.a, p.a), 0) << p.a;
    ++checked;
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GE(checked, 3000);
}

// No Elixir on this machine: Hex is checked on the node-semver pairs Elixir reads the same way (no
// "v", no surrounding whitespace, no numeric identifier longer than 15 digits, where node rounds).
bool elixir_reads_like_node(std::string_view v) {
  if (v.empty() || v.front() == 'v' || v.front() == ' ' || v.back() == ' ') {
    return false;
  }
  size_t run = 0;
  for (const char c : v) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run > 15) {
      return false;
    }
  }
  return true;
}

TEST(Hex, GoldenPairsFromNodeSemver) {
  const std::string data = test::read_data("versions/semver.tsv");
  int checked = 0;
  int mismatches = 0;
  for (const auto& p : test_golden::pairs(data)) {
    if (!elixir_reads_like_node(p.a) || !elixir_reads_like_node(p.b)) {
      continue;
    }
    const int got = sgn(compare_hex(p.a, p.b));
    if (got != p.want && ++mismatches <= 20) {
      ADD_FAILURE() << "'" << p.a << "' vs '" << p.b << "': want " << p.want << " got " << got;
    }
    EXPECT_EQ(sgn(compare_hex(p.b, p.a)), -got);
    ++checked;
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GE(checked, 2000);
}

}  // namespace
}  // namespace vigil::versions
