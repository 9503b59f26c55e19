// RubyGems version ordering: Gem::Version#<=> (rubygems 3.3, Ruby 3.1) on canonical segments, computed
// lazily so that comparing two versions allocates nothing.
#include <cstddef>

#include "scan/versions/compare.hpp"

namespace vigil::versions {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// One segment: digits (without leading zeros, empty = 0) or letters. Gem::Version turns '-' into
// ".pre.", so a '-' is a segment "pre" of its own.
struct Segment {
  bool numeric = false;
  std::string_view text;
  std::size_t end = 0;  // position after the segment in the input
};

// Gem::Version#_segments is `scan(/[0-9]+|[a-z]+/i)`; anything else separates segments. Versions that
// Gem::Version would reject as malformed ("1..2", "v1") are read the same lenient way, not refused.
bool read_segment(std::string_view s, std::size_t pos, Segment& out) {
  while (pos < s.size() && !is_digit(s[pos]) && !is_alpha(s[pos]) && s[pos] != '-') ++pos;
  if (pos >= s.size()) return false;
  if (s[pos] == '-') {
    out = {false, "pre", pos + 1};
    return true;
  }
  std::size_t end = pos;
  if (is_digit(s[pos])) {
    while (pos < s.size() && s[pos] == '0') ++pos;
    end = pos;
    while (end < s.size() && is_digit(s[end])) ++end;
    out = {true, s.substr(pos, end - pos), end};
    return true;
  }
  while (end < s.size() && is_alpha(s[end])) ++end;
  out = {false, s.substr(pos, end - pos), end};
  return true;
}

bool is_zero(const Segment& seg) {
  return seg.numeric && seg.text.empty();
}

// Walks canonical_segments: the numeric part (up to the first string segment) and the string part, each
// without its trailing zeros.
class Canonical {
 public:
  explicit Canonical(std::string_view s) : s_(s) {}

  bool next(Segment& out) {
    if (!read_segment(s_, pos_, out)) return false;
    if (is_zero(out) && pos_ >= kept_until_) {
      // Look past this run of zeros: trailing in its part means dropped.
      Segment after{};
      std::size_t p = out.end;
      bool more = read_segment(s_, p, after);
      while (more && is_zero(after)) {
        p = after.end;
        more = read_segment(s_, p, after);
      }
      if (!more) return false;
      if (!after.numeric && !in_strings_) {
        out = after;  // zeros ending the numeric part
      } else {
        kept_until_ = after.end;
      }
    }
    if (!out.numeric) in_strings_ = true;
    pos_ = out.end;
    return true;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t kept_until_ = 0;  // zeros before this position are known to be followed by something kept
  bool in_strings_ = false;
};

int compare_segments(const Segment& a, const Segment& b) {
  if (a.numeric != b.numeric) return a.numeric ? 1 : -1;
  if (a.numeric && a.text.size() != b.text.size()) return a.text.size() < b.text.size() ? -1 : 1;
  const int r = a.text.compare(b.text);  // Ruby String#<=>: bytewise, case-sensitive
  return (r > 0) - (r < 0);
}

}  // namespace

int compare_rubygems(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  Canonical ca(a);
  Canonical cb(b);
  static constexpr Segment kZero{true, {}, 0};  // a missing segment counts as 0
  for (;;) {
    Segment sa{};
    Segment sb{};
    const bool has_a = ca.next(sa);
    const bool has_b = cb.next(sb);
    if (!has_a && !has_b) return 0;
    if (const int r = compare_segments(has_a ? sa : kZero, has_b ? sb : kZero); r != 0) return r;
  }
}

}  // namespace vigil::versions
