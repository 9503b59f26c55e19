// Reads tests/data/versions/*.tsv golden files: "A<TAB>B<TAB>R" lines, R one of <, =, >.
#pragma once

#include <string_view>
#include <vector>

namespace vigil::versions::test_golden {

struct Pair {
  std::string_view a, b;
  int want;
};

inline std::vector<std::string_view> split_on(std::string_view s, char sep) {
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

// Lines that are not three fields are returned with want == 2 so the test reports them.
inline std::vector<Pair> pairs(std::string_view data) {
  std::vector<Pair> out;
  for (const auto line : split_on(data, '\n')) {
    if (line.empty()) {
      continue;
    }
    const auto f = split_on(line, '\t');
    if (f.size() != 3) {
      out.push_back({line, {}, 2});
      continue;
    }
    out.push_back({f[0], f[1], f[2] == "<" ? -1 : (f[2] == ">" ? 1 : 0)});
  }
  return out;
}

inline int sgn(int c) {
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace vigil::versions::test_golden
