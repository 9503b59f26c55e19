// Pub (Dart) versions: pub_semver's Version.compareTo. SemVer-like, but leading zeros are allowed
// ("01.2.3" == "1.2.3"), and build metadata counts: a version with a build sorts after the same
// version without one, and builds compare like prerelease identifiers.
#include <cstdint>

#include "scan/versions/compare.hpp"
#include "scan/versions/invalid_first.hpp"

namespace vigil::versions {
namespace {

int sign(int c) {
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

int hex_value(char c) {
  if (is_digit(c)) {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// Dart's int.tryParse (64-bit VM) on an identifier: optional sign, then decimal digits or "0x" and hex
// digits; nullopt-like false when it is not a number or does not fit in an int64.
bool dart_try_parse_int(std::string_view s, int64_t& out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  unsigned base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty()) {
    return false;
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t value = 0;
  for (const char c : s) {
    const int d = base == 16 ? hex_value(c) : (is_digit(c) ? c - '0' : -1);
    if (d < 0 || value > (limit - static_cast<uint64_t>(d)) / base) {
      return false;
    }
    value = value * base + static_cast<uint64_t>(d);
  }
  out = negative ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
  return true;
}

struct PubVersion {
  int64_t major = 0, minor = 0, patch = 0;
  std::string_view pre, build;  // dot-separated identifiers, empty when absent
};

// (\d+) consumed from the front of s; int.parse fails above int64, which makes the version invalid.
bool take_int(std::string_view& s, int64_t& out) {
  size_t n = 0;
  while (n < s.size() && is_digit(s[n])) {
    ++n;
  }
  if (n == 0 || !dart_try_parse_int(s.substr(0, n), out)) {
    return false;
  }
  s.remove_prefix(n);
  return true;
}

bool valid_identifiers(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') {
    return false;
  }
  char previous = 0;
  for (const char c : s) {
    if (!(is_ident_char(c) || (c == '.' && previous != '.'))) {
      return false;
    }
    previous = c;
  }
  return true;
}

// The pub_semver completeVersion pattern: ^(\d+)\.(\d+)\.(\d+)(-ids)?(\+ids)?$
bool parse_pub(std::string_view s, PubVersion& out) {
  if (!take_int(s, out.major) || s.empty() || s[0] != '.') {
    return false;
  }
  s.remove_prefix(1);
  if (!take_int(s, out.minor) || s.empty() || s[0] != '.') {
    return false;
  }
  s.remove_prefix(1);
  if (!take_int(s, out.patch)) {
    return false;
  }
  const size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    out.build = s.substr(plus + 1);
    if (!valid_identifiers(out.build)) {
      return false;
    }
    s = s.substr(0, plus);
  }
  if (!s.empty()) {
    if (s[0] != '-') {
      return false;
    }
    out.pre = s.substr(1);
    if (!valid_identifiers(out.pre)) {
      return false;
    }
  }
  return true;
}

std::string_view next_identifier(std::string_view& s) {
  const size_t dot = s.find('.');
  const std::string_view id = s.substr(0, dot);
  s = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  return id;
}

// _compareLists: parts left to right; a missing part sorts first, numbers before strings.
int compare_lists(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    if (a.empty() || b.empty()) {
      return a.empty() ? -1 : 1;
    }
    const std::string_view x = next_identifier(a);
    const std::string_view y = next_identifier(b);
    int64_t xi = 0;
    int64_t yi = 0;
    const bool xn = dart_try_parse_int(x, xi);
    const bool yn = dart_try_parse_int(y, yi);
    int c = 0;
    if (xn && yn) {
      c = xi < yi ? -1 : (xi > yi ? 1 : 0);
    } else if (xn != yn) {
      c = xn ? -1 : 1;
    } else {
      c = sign(x.compare(y));
    }
    if (c != 0) {
      return c;
    }
  }
  return 0;
}

int compare_valid(const PubVersion& a, const PubVersion& b) {
  if (a.major != b.major) {
    return a.major < b.major ? -1 : 1;
  }
  if (a.minor != b.minor) {
    return a.minor < b.minor ? -1 : 1;
  }
  if (a.patch != b.patch) {
    return a.patch < b.patch ? -1 : 1;
  }
  if (a.pre.empty() != b.pre.empty()) {
    return a.pre.empty() ? 1 : -1;  // prereleases before the release
  }
  if (const int c = compare_lists(a.pre, b.pre); c != 0) {
    return c;
  }
  if (a.build.empty() != b.build.empty()) {
    return a.build.empty() ? -1 : 1;  // builds after the plain version
  }
  return compare_lists(a.build, b.build);
}

}  // namespace

// Invalid versions sort before every valid one and among themselves by bytes.
int compare_pub(std::string_view a, std::string_view b) {
  return compare_invalid_first<PubVersion>(a, b, parse_pub, compare_valid);
}

}  // namespace vigil::versions
