// PyPI versions: PEP 440 ordering exactly as packaging.version.Version sorts them (epoch, release with
// trailing zeros ignored, pre/post/dev, local), parsed by hand from views (no regex, no allocation).
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
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_alnum(char c) {
  return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'z');
}
bool is_sep(char c) {
  return c == '-' || c == '_' || c == '.';
}
// Python's \s on ASCII: the usual six plus the four information separators.
bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

struct Pep440 {
  std::string_view epoch, release;  // digits; release is dot-separated
  int pre_kind = -1;                // -1 none, 0 a, 1 b, 2 rc
  std::string_view pre_n, post_n, dev_n;
  bool post = false, dev = false;
  std::string_view local;  // empty when absent
};

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  [[nodiscard]] bool done() const { return pos_ == s_.size(); }
  [[nodiscard]] char peek(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
  size_t pos_ = 0;
  // Consumes a case-insensitive keyword.
  bool word(std::string_view w) {
    if (s_.size() - pos_ < w.size()) {
      return false;
    }
    for (size_t i = 0; i < w.size(); ++i) {
      if (lower(s_[pos_ + i]) != w[i]) {
        return false;
      }
    }
    pos_ += w.size();
    return true;
  }
  std::string_view digits() {
    const size_t start = pos_;
    while (pos_ < s_.size() && is_digit(s_[pos_])) {
      ++pos_;
    }
    return s_.substr(start, pos_ - start);
  }
  void optional_sep() {
    if (is_sep(peek())) {
      ++pos_;
    }
  }
  [[nodiscard]] std::string_view from(size_t start) const { return s_.substr(start, pos_ - start); }

 private:
  std::string_view s_;
};

// Keyword alternatives: once one matches, only it can lead to a full match (the rest of a longer
// keyword never starts another component), so the regex's backtracking is not needed.
int pre_keyword(Cursor& c) {
  constexpr std::pair<std::string_view, int> kWords[] = {{"alpha", 0},   {"a", 0},   {"beta", 1}, {"b", 1},
                                                         {"preview", 2}, {"pre", 2}, {"c", 2},    {"rc", 2}};
  for (const auto& [w, kind] : kWords) {
    if (c.word(w)) {
      return kind;
    }
  }
  return -1;
}

void parse_pre_post_dev(Cursor& c, Pep440& v) {
  size_t mark = c.pos_;
  c.optional_sep();
  if ((v.pre_kind = pre_keyword(c)) >= 0) {
    c.optional_sep();
    v.pre_n = c.digits();
  } else {
    c.pos_ = mark;
  }
  mark = c.pos_;
  if (c.peek() == '-' && is_digit(c.peek(1))) {
    ++c.pos_;
    v.post = true;
    v.post_n = c.digits();
  } else {
    c.optional_sep();
    if (c.word("post") || c.word("rev") || c.word("r")) {
      v.post = true;
      c.optional_sep();
      v.post_n = c.digits();
    } else {
      c.pos_ = mark;
    }
  }
  mark = c.pos_;
  c.optional_sep();
  if (c.word("dev")) {
    v.dev = true;
    c.optional_sep();
    v.dev_n = c.digits();
  } else {
    c.pos_ = mark;
  }
}

// Local segment: [a-z0-9]+ ([-_.][a-z0-9]+)*, must reach the end.
bool parse_local(Cursor& c, Pep440& v) {
  const size_t start = c.pos_;
  while (true) {
    const size_t part = c.pos_;
    while (is_alnum(c.peek())) {
      ++c.pos_;
    }
    if (c.pos_ == part) {
      return false;
    }
    if (c.done()) {
      v.local = c.from(start);
      return true;
    }
    if (!is_sep(c.peek())) {
      return false;
    }
    ++c.pos_;
  }
}

bool parse_pep440(std::string_view s, Pep440& v) {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  Cursor c(s);
  if (c.peek() == 'v' || c.peek() == 'V') {
    ++c.pos_;
  }
  const size_t start = c.pos_;
  if (!c.digits().empty() && c.peek() == '!') {
    v.epoch = c.from(start);
    ++c.pos_;
  } else {
    c.pos_ = start;
  }
  const size_t release = c.pos_;
  if (c.digits().empty()) {
    return false;
  }
  while (c.peek() == '.' && is_digit(c.peek(1))) {
    ++c.pos_;
    c.digits();
  }
  v.release = c.from(release);
  parse_pre_post_dev(c, v);
  if (c.peek() == '+') {
    ++c.pos_;
    return parse_local(c, v);
  }
  return c.done();
}

// Decimal numbers of any size, leading zeros allowed; empty means 0.
int compare_numbers(std::string_view a, std::string_view b) {
  while (!a.empty() && a.front() == '0') {
    a.remove_prefix(1);
  }
  while (!b.empty() && b.front() == '0') {
    b.remove_prefix(1);
  }
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  return sign(a.compare(b));
}

std::string_view next_part(std::string_view& s) {
  size_t n = 0;
  while (n < s.size() && !is_sep(s[n])) {
    ++n;
  }
  const std::string_view part = s.substr(0, n);
  s.remove_prefix(n == s.size() ? n : n + 1);
  return part;
}

// Release segments compared as if padded with zeros (packaging strips trailing zeros).
int compare_release(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    if (const int c = compare_numbers(next_part(a), next_part(b)); c != 0) {
      return c;
    }
  }
  return 0;
}

bool all_digits(std::string_view s) {
  for (const char ch : s) {
    if (!is_digit(ch)) {
      return false;
    }
  }
  return true;
}

// Local parts: numbers above strings, numbers numerically, strings case-insensitively; a prefix sorts first.
int compare_local(std::string_view a, std::string_view b) {
  while (!a.empty() && !b.empty()) {
    const std::string_view x = next_part(a);
    const std::string_view y = next_part(b);
    const bool xn = all_digits(x);
    const bool yn = all_digits(y);
    int c = 0;
    if (xn && yn) {
      c = compare_numbers(x, y);
    } else if (xn != yn) {
      c = xn ? 1 : -1;
    } else {
      for (size_t i = 0; c == 0 && i < x.size() && i < y.size(); ++i) {
        c = sign(static_cast<int>(lower(x[i])) - static_cast<int>(lower(y[i])));
      }
      if (c == 0 && x.size() != y.size()) {
        c = x.size() < y.size() ? -1 : 1;
      }
    }
    if (c != 0) {
      return c;
    }
  }
  return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);
}

// packaging's _cmpkey pre slot: a dev-only release sorts before all its pre-releases.
int pre_rank(const Pep440& v) {
  if (v.pre_kind < 0) {
    return (!v.post && v.dev) ? -1 : 1;
  }
  return 0;
}

int compare_valid(const Pep440& a, const Pep440& b) {
  if (const int c = compare_numbers(a.epoch, b.epoch); c != 0) {
    return c;
  }
  if (const int c = compare_release(a.release, b.release); c != 0) {
    return c;
  }
  if (pre_rank(a) != pre_rank(b)) {
    return pre_rank(a) < pre_rank(b) ? -1 : 1;
  }
  if (pre_rank(a) == 0) {
    if (a.pre_kind != b.pre_kind) {
      return a.pre_kind < b.pre_kind ? -1 : 1;
    }
    if (const int c = compare_numbers(a.pre_n, b.pre_n); c != 0) {
      return c;
    }
  }
  if (a.post != b.post) {
    return a.post ? 1 : -1;
  }
  if (const int c = compare_numbers(a.post_n, b.post_n); c != 0) {
    return c;
  }
  if (a.dev != b.dev) {
    return a.dev ? -1 : 1;
  }
  if (const int c = compare_numbers(a.dev_n, b.dev_n); c != 0) {
    return c;
  }
  if (a.local.empty() != b.local.empty()) {
    return a.local.empty() ? -1 : 1;
  }
  return compare_local(a.local, b.local);
}

}  // namespace

// Invalid versions (what packaging rejects with InvalidVersion) sort before every valid one, as the
// old LegacyVersion did, and among themselves by bytes.
int compare_pep440(std::string_view a, std::string_view b) {
  return compare_invalid_first<Pep440>(a, b, parse_pep440, compare_valid);
}

}  // namespace vigil::versions
