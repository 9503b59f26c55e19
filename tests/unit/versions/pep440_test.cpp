// compare_pep440 against PEP 440 rules and 3600 pairs ordered by Debian's python3-packaging.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scan/versions/compare.hpp"
#include "test_support.hpp"

namespace vigil::versions {
namespace {

int sgn(int c) {
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

void expect_order(std::string_view a, std::string_view b, int want) {
  EXPECT_EQ(sgn(compare_pep440(a, b)), want) << a << " vs " << b;
  EXPECT_EQ(sgn(compare_pep440(b, a)), -want) << b << " vs " << a;
}

TEST(Pep440, NormalisedFormsAreEqual) {
  expect_order("1.0a1", "1.0.0a1", 0);
  expect_order("1.0a1", "1.0alpha1", 0);
  expect_order("1.0-ALPHA-1", "1.0a1", 0);
  expect_order("1.0b2", "1.0beta2", 0);
  expect_order("1.0rc1", "1.0c1", 0);
  expect_order("1.0rc1", "1.0pre1", 0);
  expect_order("1.0rc1", "1.0.preview.1", 0);
  expect_order("1.0-post1", "1.0.post1", 0);
  expect_order("1.0-1", "1.0.post1", 0);
  expect_order("1.0.rev1", "1.0.post1", 0);
  expect_order("1.0-r", "1.0.post0", 0);
  expect_order("1.0a", "1.0a0", 0);
  expect_order("1.0.dev", "1.0.dev0", 0);
  expect_order("v1.0", "1.0", 0);
  expect_order("  1.0\n", "1.0", 0);
  expect_order("0!1.0", "1.0", 0);
  expect_order("01.002", "1.2", 0);
  expect_order("1.0+ABC.1", "1.0+abc-1", 0);
  expect_order("1.0+abc.01", "1.0+abc.1", 0);
}

TEST(Pep440, DocumentedOrdering) {
  // The ordering example of PEP 440's "Summary of permitted suffixes and relative ordering".
  const std::vector<std::string_view> ordered = {"1.dev0",
                                                 "1.0.dev456",
                                                 "1.0a1",
                                                 "1.0a2.dev456",
                                                 "1.0a12.dev456",
                                                 "1.0a12",
                                                 "1.0b1.dev456",
                                                 "1.0b2",
                                                 "1.0b2.post345.dev456",
                                                 "1.0b2.post345",
                                                 "1.0rc1.dev456",
                                                 "1.0rc1",
                                                 "1.0",
                                                 "1.0+abc.5",
                                                 "1.0+abc.7",
                                                 "1.0+5",
                                                 "1.0.post456.dev34",
                                                 "1.0.post456",
                                                 "1.0.15",
                                                 "1.1.dev1"};
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (size_t j = 0; j < ordered.size(); ++j) {
      expect_order(ordered[i], ordered[j], i < j ? -1 : (i > j ? 1 : 0));
    }
  }
}

TEST(Pep440, EpochsReleasesAndLocals) {
  expect_order("1!0.1", "2024.1", 1);
  expect_order("1.0.dev0", "1.0a1", -1);
  expect_order("1.0.post1.dev0", "1.0.post1", -1);
  expect_order("1.0.post1.dev0", "1.0", 1);
  expect_order("1.0a1.dev0", "1.0.dev0", 1);
  expect_order("1.0.0.0.0", "1", 0);
  expect_order("1.0.0.0.1", "1", 1);
  expect_order("1.0+1", "1.0+a", 1);
  expect_order("1.0+a", "1.0+a.0", -1);
  expect_order("1.0+local", "1.0", 1);
  expect_order("1.0+local", "1.0.post0", -1);
  expect_order("1.99999999999999999999999", "1.100000000000000000000000", -1);
  expect_order("1.0rc1", "1.0b9", 1);
}

TEST(Pep440, InvalidVersionsSortFirstAndAreTotal) {
  // packaging raises InvalidVersion on these; Vigil orders them before all valid versions, by bytes.
  for (const std::string_view bad : {"", "abc", "1.0-", "1.0+", "1.0+a..b", "1..0", "1.0.alpha.beta", "1.0 a1",
                                     "1.0\t+x", "vv1.0", "1.0_", "1!", "!1.0", "1.0post1post2", "1.0-dev--", "0x10"}) {
    expect_order(bad, "0.0.dev0", -1);
    expect_order(bad, "1!0", -1);
    EXPECT_EQ(compare_pep440(bad, bad), 0) << bad;
  }
  expect_order("abc", "abd", -1);
  expect_order("1.0-", "1.0+", 1);  // by bytes: '-' > '+'
}

std::vector<std::string_view> split_on(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

TEST(Pep440, GoldenPairsFromPackaging) {
  const std::string data = test::read_data("versions/pep440.tsv");
  int checked = 0;
  int mismatches = 0;
  for (const auto line : split_on(data, '\n')) {
    if (line.empty()) {
      continue;
    }
    const auto f = split_on(line, '\t');
    ASSERT_EQ(f.size(), 3u) << line;
    const int want = f[2] == "<" ? -1 : (f[2] == ">" ? 1 : 0);
    const int got = sgn(compare_pep440(f[0], f[1]));
    if (got != want && ++mismatches <= 20) {
      ADD_FAILURE() << "'" << f[0] << "' vs '" << f[1] << "': want " << f[2] << " got " << got;
    }
    EXPECT_EQ(sgn(compare_pep440(f[1], f[0])), -got) << line;
    EXPECT_EQ(compare_pep440(f[0], f[0]), 0) << f[0];
    ++checked;
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GE(checked, 3000);
}

}  // namespace
}  // namespace vigil::versions
