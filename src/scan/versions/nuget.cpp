// NuGet version ordering (NuGet.Versioning VersionComparer.Default): Major.Minor.Patch.Revision with
// missing parts = 0, then SemVer 2.0 prerelease precedence with case-insensitive labels; build metadata
// is ignored. No .NET reference runs here: the rules follow NuGet's documentation and sources.
#include <cstddef>
#include <cstdint>

#include "scan/versions/compare.hpp"

namespace vigil::versions {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
char upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
int sign(int v) {
  return (v > 0) - (v < 0);
}

struct Parts {
  std::string_view numbers;  // "1.2.3.4"
  std::string_view release;  // after the first '-', before '+'; empty for a release
  bool valid = false;
};

// Lenient NuGetVersion.TryParse: more than four numeric parts and numbers beyond int32 are accepted (and
// compared), so odd advisories still order; anything else non-numeric makes the version invalid.
Parts split(std::string_view v) {
  while (!v.empty() && is_space(v.front())) v.remove_prefix(1);
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  Parts p;
  v = v.substr(0, v.find('+'));
  const auto dash = v.find('-');
  p.numbers = v.substr(0, dash);
  if (dash != std::string_view::npos) p.release = v.substr(dash + 1);
  bool digit_seen = false;
  p.valid = !p.numbers.empty();
  for (const char c : p.numbers) {
    if (c == '.') {
      p.valid = p.valid && digit_seen;
      digit_seen = false;
    } else if (is_digit(c)) {
      digit_seen = true;
    } else {
      p.valid = false;
    }
  }
  p.valid = p.valid && digit_seen;
  return p;
}

// Next dot-separated field from s starting at pos; advances pos past the dot. Returns false at the end.
bool next_field(std::string_view s, std::size_t& pos, std::string_view& out) {
  if (pos > s.size()) return false;
  const auto dot = s.find('.', pos);
  const std::size_t end = dot == std::string_view::npos ? s.size() : dot;
  out = s.substr(pos, end - pos);
  pos = end + 1;
  return true;
}

int compare_numbers(std::string_view a, std::string_view b) {
  while (!a.empty() && a.front() == '0') a.remove_prefix(1);
  while (!b.empty() && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return sign(a.compare(b));
}

// Int32.TryParse on a label (labels hold no whitespace; a leading '-' is a sign).
bool parse_int32(std::string_view s, std::int64_t& out) {
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty()) return false;
  std::int64_t v = 0;
  for (const char c : s) {
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
    if (v > 2147483648LL) return false;
  }
  if (!negative && v > 2147483647LL) return false;
  out = negative ? -v : v;
  return true;
}

// StringComparer.OrdinalIgnoreCase.
int compare_ignore_case(std::string_view a, std::string_view b) {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(upper(a[i]));
    const auto y = static_cast<unsigned char>(upper(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

int compare_label(std::string_view a, std::string_view b) {
  std::int64_t x = 0;
  std::int64_t y = 0;
  const bool num_a = parse_int32(a, x);
  const bool num_b = parse_int32(b, y);
  if (num_a && num_b) return (x > y) - (x < y);
  if (num_a != num_b) return num_a ? -1 : 1;  // numeric labels come before alphanumeric ones
  return compare_ignore_case(a, b);
}

int compare_release(std::string_view a, std::string_view b) {
  if (a.empty() != b.empty()) return a.empty() ? 1 : -1;  // a release is newer than its prereleases
  std::size_t pa = 0;
  std::size_t pb = 0;
  for (;;) {
    std::string_view la;
    std::string_view lb;
    const bool has_a = !a.empty() && next_field(a, pa, la);
    const bool has_b = !b.empty() && next_field(b, pb, lb);
    if (!has_a || !has_b) return has_a == has_b ? 0 : (has_a ? 1 : -1);
    if (const int r = compare_label(la, lb); r != 0) return r;
  }
}

}  // namespace

int compare_nuget(std::string_view a, std::string_view b) {
  const Parts x = split(a);
  const Parts y = split(b);
  if (!x.valid || !y.valid) {  // invalid versions sort before valid ones, bytewise among themselves
    if (x.valid != y.valid) return x.valid ? 1 : -1;
    return sign(a.compare(b));
  }
  std::size_t px = 0;
  std::size_t py = 0;
  for (;;) {
    std::string_view nx;
    std::string_view ny;
    const bool has_x = next_field(x.numbers, px, nx);
    const bool has_y = next_field(y.numbers, py, ny);
    if (!has_x && !has_y) break;
    if (const int r = compare_numbers(has_x ? nx : "0", has_y ? ny : "0"); r != 0) return r;
  }
  return compare_release(x.release, y.release);
}

}  // namespace vigil::versions
