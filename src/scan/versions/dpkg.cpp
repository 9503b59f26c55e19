// Debian version ordering, a port of dpkg's parseversion() + verrevcmp() (lib/dpkg/parsehelp.c, version.c).
// Inputs dpkg rejects outright (bad epoch, empty revision, embedded blanks) are still mapped to an
// (epoch, upstream, revision) key by a lenient parse, so the order stays total and deterministic.
#include <climits>
#include <cstdint>
#include <string_view>

#include "scan/versions/compare.hpp"

namespace vigil::versions {
namespace {

struct DebVersion {
  std::int64_t epoch = 0;
  std::string_view upstream;
  std::string_view revision;
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_c_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

// Byte at i, or NUL past the end: verrevcmp walks C strings.
char at(std::string_view s, std::size_t i) {
  return i < s.size() ? s[i] : '\0';
}

// dpkg's order(): digits 0 (never reached), letters themselves, '~' first, others after letters.
int order(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (is_digit(c)) return 0;
  if (is_alpha(c)) return u;
  if (c == '~') return -1;
  if (u != 0) return static_cast<int>(u) + 256;
  return 0;
}

int verrevcmp(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      const int ac = order(at(a, i));
      const int bc = order(at(b, j));
      if (ac != bc) return ac - bc;
      ++i;
      ++j;
    }
    while (at(a, i) == '0') ++i;
    while (at(b, j) == '0') ++j;
    while (is_digit(at(a, i)) && is_digit(at(b, j))) {
      if (first_diff == 0) first_diff = a[i] - b[j];
      ++i;
      ++j;
    }
    if (is_digit(at(a, i))) return 1;
    if (is_digit(at(b, j))) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

// strtol(s, &end, 10) semantics on the epoch prefix; false when dpkg would reject the epoch.
bool parse_epoch(std::string_view s, std::int64_t& epoch) {
  std::size_t i = 0;
  while (i < s.size() && is_c_space(s[i])) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  if (i == s.size()) return false;  // empty, or not a number ("epoch in version is empty/not number")
  std::int64_t value = 0;
  for (; i < s.size(); ++i) {
    if (!is_digit(s[i])) return false;
    if (value <= INT_MAX) value = value * 10 + (s[i] - '0');
  }
  if (value > INT_MAX) return false;         // "too big"
  if (negative && value != 0) return false;  // "negative"
  epoch = value;
  return true;
}

DebVersion parse(std::string_view s) {
  if (const auto nul = s.find('\0'); nul != std::string_view::npos) s = s.substr(0, nul);  // C string
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  DebVersion v;
  if (const auto colon = s.find(':'); colon != std::string_view::npos) {
    std::int64_t epoch = 0;
    if (parse_epoch(s.substr(0, colon), epoch)) {
      v.epoch = epoch;
      s.remove_prefix(colon + 1);
    }  // an invalid epoch (dpkg: fatal) stays part of the upstream version
  }
  if (const auto hyphen = s.rfind('-'); hyphen != std::string_view::npos) {
    v.revision = s.substr(hyphen + 1);
    s = s.substr(0, hyphen);
  }
  v.upstream = s;
  return v;
}

}  // namespace

int compare_dpkg(std::string_view a, std::string_view b) {
  const DebVersion va = parse(a);
  const DebVersion vb = parse(b);
  if (va.epoch != vb.epoch) return va.epoch < vb.epoch ? -1 : 1;
  if (const int rc = verrevcmp(va.upstream, vb.upstream); rc != 0) return rc < 0 ? -1 : 1;
  const int rc = verrevcmp(va.revision, vb.revision);
  return rc < 0 ? -1 : (rc > 0 ? 1 : 0);
}

}  // namespace vigil::versions
