// Shared by the version comparator tests: checks a generated "A<TAB>B<TAB>R" golden file against a
// comparator, plus antisymmetry and reflexivity on the same versions.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "scan/versions/compare.hpp"
#include "test_support.hpp"

namespace vigil::test {

inline char relation(int rc) {
  return rc < 0 ? '<' : (rc > 0 ? '>' : '=');
}

// Returns the number of lines checked; reports at most 20 mismatches.
inline std::size_t check_golden(const std::string& rel, versions::CompareFn compare) {
  const std::string data = read_data(rel);
  std::size_t lines = 0;
  std::size_t mismatches = 0;
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t end = data.find('\n', pos);
    if (end == std::string::npos) end = data.size();
    const std::string_view line(data.data() + pos, end - pos);
    pos = end + 1;
    if (line.empty() || line.front() == '#') continue;  // generators may write a provenance comment
    const auto t1 = line.find('\t');
    const auto t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string_view::npos || t2 + 2 != line.size()) {
      ADD_FAILURE() << "malformed golden line: " << line;
      continue;
    }
    const std::string_view a = line.substr(0, t1);
    const std::string_view b = line.substr(t1 + 1, t2 - t1 - 1);
    const char want = line[t2 + 1];
    ++lines;
    const int ab = compare(a, b);
    const int ba = compare(b, a);
    if (relation(ab) != want && ++mismatches <= 20) {
      ADD_FAILURE() << "compare(\"" << a << "\", \"" << b << "\") gives " << relation(ab) << ", reference " << want;
    }
    EXPECT_EQ(relation(ab), relation(-ba)) << "not antisymmetric: " << a << " vs " << b;
    EXPECT_EQ(compare(a, a), 0) << a;
    EXPECT_EQ(compare(b, b), 0) << b;
  }
  EXPECT_EQ(mismatches, 0u) << mismatches << " of " << lines << " golden pairs differ";
  return lines;
}

// Transitivity on a small set: for every triple, a<=b and b<=c imply a<=c.
inline void check_transitive(const std::vector<std::string>& v, versions::CompareFn compare) {
  for (const auto& a : v) {
    for (const auto& b : v) {
      for (const auto& c : v) {
        if (compare(a, b) <= 0 && compare(b, c) <= 0) {
          EXPECT_LE(compare(a, c), 0) << a << " <= " << b << " <= " << c;
        }
      }
    }
  }
}

}  // namespace vigil::test
