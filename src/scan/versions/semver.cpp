// npm and crates.io versions: SemVer 2.0 precedence exactly as node-semver's `semver.compare` (strict
// mode) orders them. Also home of the strict SemVer grammar shared with Hex (semver_parts.hpp).
#include <charconv>
#include <cstdint>

#include "scan/versions/compare.hpp"
#include "scan/versions/invalid_first.hpp"
#include "scan/versions/semver_parts.hpp"

namespace vigil::versions {
namespace semver_detail {
namespace {

constexpr size_t kNodeMaxLength = 256;                            // node-semver MAX_LENGTH
constexpr std::string_view kMaxSafeInteger = "9007199254740991";  // Number.MAX_SAFE_INTEGER

int sign(int c) {
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}
bool all_digits(std::string_view s) {
  for (const char c : s) {
    if (!is_digit(c)) {
      return false;
    }
  }
  return !s.empty();
}
bool is_js_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Digit strings without leading zeros: the longer is the larger.
int compare_plain_numbers(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  return sign(a.compare(b));
}

// "0" or [1-9][0-9]*, consumed from the front of s.
bool take_number(std::string_view& s, std::string_view& out) {
  size_t n = 0;
  while (n < s.size() && is_digit(s[n])) {
    ++n;
  }
  if (n == 0 || (n > 1 && s[0] == '0')) {
    return false;
  }
  out = s.substr(0, n);
  s.remove_prefix(n);
  return true;
}

// Dot-separated non-empty [0-9A-Za-z-] identifiers; numeric prerelease ones may not have leading zeros.
bool valid_identifiers(std::string_view s, bool numeric_no_leading_zero) {
  if (s.empty()) {
    return false;
  }
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    const std::string_view id = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (id.empty()) {
      return false;
    }
    for (const char c : id) {
      if (!is_ident_char(c)) {
        return false;
      }
    }
    if (numeric_no_leading_zero && id.size() > 1 && id[0] == '0' && all_digits(id)) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

// node-semver turns numeric identifiers into JS numbers (doubles) before comparing, so identifiers
// beyond 2^53 compare by their rounded value. Up to 15 digits the exact comparison is the same.
int compare_numeric_identifiers(std::string_view a, std::string_view b, Dialect dialect) {
  if (dialect == Dialect::Elixir || (a.size() <= 15 && b.size() <= 15)) {
    return compare_plain_numbers(a, b);
  }
  double x = 0;
  double y = 0;
  std::from_chars(a.data(), a.data() + a.size(), x);
  std::from_chars(b.data(), b.data() + b.size(), y);
  return x < y ? -1 : (x > y ? 1 : 0);
}

// Next identifier of a dot-separated list, consumed from the front.
std::string_view next_identifier(std::string_view& s) {
  const size_t dot = s.find('.');
  const std::string_view id = s.substr(0, dot);
  s = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  return id;
}

int compare_prerelease(std::string_view a, std::string_view b, Dialect dialect) {
  if (a.empty() || b.empty()) {
    return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);  // a release is above its prereleases
  }
  while (!a.empty() && !b.empty()) {
    const std::string_view x = next_identifier(a);
    const std::string_view y = next_identifier(b);
    const bool xn = all_digits(x);
    const bool yn = all_digits(y);
    int c = 0;
    if (xn && yn) {
      c = compare_numeric_identifiers(x, y, dialect);
    } else if (xn != yn) {
      c = xn ? -1 : 1;  // numeric identifiers sort below alphanumeric ones
    } else {
      c = sign(x.compare(y));
    }
    if (c != 0) {
      return c;
    }
  }
  return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);  // the longer list is larger
}

}  // namespace

bool parse_semver(std::string_view s, Dialect dialect, SemverParts& out) {
  if (dialect == Dialect::Node) {
    if (s.size() > kNodeMaxLength) {
      return false;
    }
    while (!s.empty() && is_js_space(s.front())) {
      s.remove_prefix(1);
    }
    while (!s.empty() && is_js_space(s.back())) {
      s.remove_suffix(1);
    }
    if (!s.empty() && s.front() == 'v') {
      s.remove_prefix(1);
    }
  }
  out = SemverParts{};
  if (!take_number(s, out.major) || s.empty() || s[0] != '.') {
    return false;
  }
  s.remove_prefix(1);
  if (!take_number(s, out.minor) || s.empty() || s[0] != '.') {
    return false;
  }
  s.remove_prefix(1);
  if (!take_number(s, out.patch)) {
    return false;
  }
  const size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    out.build = s.substr(plus + 1);
    if (!valid_identifiers(out.build, false)) {
      return false;
    }
    s = s.substr(0, plus);
  }
  if (!s.empty()) {
    if (s[0] != '-') {
      return false;
    }
    out.pre = s.substr(1);
    if (!valid_identifiers(out.pre, true)) {
      return false;
    }
  }
  if (dialect == Dialect::Node) {
    for (const auto n : {out.major, out.minor, out.patch}) {
      if (compare_plain_numbers(n, kMaxSafeInteger) > 0) {
        return false;
      }
    }
  }
  return true;
}

int compare_parsed(const SemverParts& a, const SemverParts& b, Dialect dialect) {
  if (const int c = compare_plain_numbers(a.major, b.major); c != 0) {
    return c;
  }
  if (const int c = compare_plain_numbers(a.minor, b.minor); c != 0) {
    return c;
  }
  if (const int c = compare_plain_numbers(a.patch, b.patch); c != 0) {
    return c;
  }
  return compare_prerelease(a.pre, b.pre, dialect);
}

int compare_total(std::string_view a, std::string_view b, Dialect dialect) {
  return compare_invalid_first<SemverParts>(
      a, b, [dialect](std::string_view s, SemverParts& out) { return parse_semver(s, dialect, out); },
      [dialect](const SemverParts& x, const SemverParts& y) { return compare_parsed(x, y, dialect); });
}

}  // namespace semver_detail

int compare_semver(std::string_view a, std::string_view b) {
  return semver_detail::compare_total(a, b, semver_detail::Dialect::Node);
}

}  // namespace vigil::versions
