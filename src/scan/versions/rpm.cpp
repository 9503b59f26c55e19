// RPM version ordering: rpmvercmp() from rpm 4.18 (rpmio/rpmvercmp.c) applied to epoch, version and
// release, with "[E:]V[-R]" split like rpm's parseEVR(). A missing epoch is "0"; a missing release
// sorts before every release (python rpm.labelCompare with release None), which keeps the order total.
#include <string_view>

#include "scan/versions/compare.hpp"

namespace vigil::versions {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
}
char at(std::string_view s, std::size_t i) {
  return i < s.size() ? s[i] : '\0';
}

int sign(int v) {
  return v < 0 ? -1 : (v > 0 ? 1 : 0);
}

// Compares two equal-kind segments the way rpmvercmp does: numbers without leading zeros by length
// then digits, letters by strcmp.
int compare_segment(std::string_view x, std::string_view y, bool numeric) {
  if (numeric) {
    while (!x.empty() && x.front() == '0') x.remove_prefix(1);
    while (!y.empty() && y.front() == '0') y.remove_prefix(1);
    if (x.size() != y.size()) return x.size() > y.size() ? 1 : -1;
  }
  return sign(x.compare(y));
}

int rpmvercmp(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  auto separator = [](char c) { return c != '\0' && !is_alnum(c) && c != '~' && c != '^'; };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && separator(a[i])) ++i;
    while (j < b.size() && separator(b[j])) ++j;
    const char ca = at(a, i);
    const char cb = at(b, j);
    if (ca == '~' || cb == '~') {  // tilde sorts before everything, even the end
      if (ca != '~') return 1;
      if (cb != '~') return -1;
      ++i, ++j;
      continue;
    }
    if (ca == '^' || cb == '^') {  // caret sorts after the end but before any segment
      if (ca == '\0') return -1;
      if (cb == '\0') return 1;
      if (ca != '^') return 1;
      if (cb != '^') return -1;
      ++i, ++j;
      continue;
    }
    if (ca == '\0' || cb == '\0') break;
    const bool numeric = is_digit(ca);
    const std::size_t si = i;
    const std::size_t sj = j;
    if (numeric) {
      while (i < a.size() && is_digit(a[i])) ++i;
      while (j < b.size() && is_digit(b[j])) ++j;
    } else {
      while (i < a.size() && is_alpha(a[i])) ++i;
      while (j < b.size() && is_alpha(b[j])) ++j;
    }
    if (j == sj) return numeric ? 1 : -1;  // numeric segments are newer than alpha ones
    if (const int rc = compare_segment(a.substr(si, i - si), b.substr(sj, j - sj), numeric); rc != 0) return rc;
  }
  if (i >= a.size() && j >= b.size()) return 0;
  return i >= a.size() ? -1 : 1;
}

struct Evr {
  std::string_view epoch = "0";
  std::string_view version;
  std::string_view release;
  bool has_release = false;
};

// rpm's parseEVR(): leading digits then ':' make the epoch; the last '-' after them starts the release.
Evr parse_evr(std::string_view s) {
  if (const auto nul = s.find('\0'); nul != std::string_view::npos) s = s.substr(0, nul);  // C string
  Evr evr;
  std::size_t digits = 0;
  while (digits < s.size() && is_digit(s[digits])) ++digits;
  const auto hyphen = s.rfind('-');
  std::size_t version_start = 0;
  if (digits < s.size() && s[digits] == ':') {
    if (digits > 0) evr.epoch = s.substr(0, digits);
    version_start = digits + 1;
  }
  if (hyphen != std::string_view::npos && hyphen >= digits) {
    evr.version = s.substr(version_start, hyphen - version_start);
    evr.release = s.substr(hyphen + 1);
    evr.has_release = true;
  } else {
    evr.version = s.substr(version_start);
  }
  return evr;
}

}  // namespace

int compare_rpm(std::string_view a, std::string_view b) {
  const Evr ea = parse_evr(a);
  const Evr eb = parse_evr(b);
  if (const int rc = rpmvercmp(ea.epoch, eb.epoch); rc != 0) return rc;
  if (const int rc = rpmvercmp(ea.version, eb.version); rc != 0) return rc;
  if (ea.has_release != eb.has_release) return ea.has_release ? 1 : -1;
  return ea.has_release ? rpmvercmp(ea.release, eb.release) : 0;
}

}  // namespace vigil::versions
