// SemVer 2.0 pieces shared by the npm/crates.io comparator (semver.cpp) and the Hex one (hex.cpp):
// both use the strict SemVer 2.0 grammar and precedence, and differ only in what they accept around it.
#pragma once

#include <string_view>

namespace vigil::versions::semver_detail {

// Views into the compared string; no allocation.
struct SemverParts {
  std::string_view major, minor, patch;  // digits, no leading zero (except "0")
  std::string_view pre;                  // dot-separated identifiers, empty when absent
  std::string_view build;                // ignored by precedence
};

enum class Dialect {
  Node,    // node-semver `new SemVer(v)` (strict): trims ASCII whitespace, optional "v", <= 256 chars,
           // major/minor/patch <= 2^53-1, numeric prerelease identifiers compared as JS numbers
  Elixir,  // Elixir Version.parse: nothing around the version, integers of any size compared exactly
};

// True when s is a valid version of that dialect; fills out.
bool parse_semver(std::string_view s, Dialect dialect, SemverParts& out);

// SemVer 2.0 precedence of two parsed versions (build metadata ignored): <0, 0, >0.
int compare_parsed(const SemverParts& a, const SemverParts& b, Dialect dialect);

// Total order over all strings: invalid versions sort before every valid one and among
// themselves by bytes; valid ones by precedence.
int compare_total(std::string_view a, std::string_view b, Dialect dialect);

}  // namespace vigil::versions::semver_detail
