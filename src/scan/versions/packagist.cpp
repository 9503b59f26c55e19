// Packagist version ordering: composer/semver VersionParser::normalize, then PHP's version_compare (what
// Comparator::compare does). Two dev branches ("dev-main", "dev-feature") are incomparable in Composer and
// invalid versions are rejected; both are ordered bytewise here so that the order stays total.
#include <array>
#include <cstddef>
#include <limits>
#include <string>

#include "scan/versions/compare.hpp"

namespace vigil::versions {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool istarts_with(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    if (lower(s[i]) != lower_prefix[i]) return false;
  }
  return true;
}

std::string_view php_trim(std::string_view s) {
  constexpr std::string_view kSpace{" \t\n\r\v\0", 6};
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

std::size_t digits_end(std::string_view s, std::size_t i) {
  while (i < s.size() && is_digit(s[i])) ++i;
  return i;
}

struct Modifier {
  std::string_view word;  // stable|beta|b|RC|alpha|a|patch|pl|p as written
  std::string_view numbers;
  bool dev = false;
};

// ([.-]?dev)?$ from position j.
bool match_dev_tail(std::string_view r, std::size_t j, Modifier& m) {
  if (j == r.size()) return true;
  if ((r[j] == '.' || r[j] == '-') && j + 4 == r.size() && istarts_with(r.substr(j + 1), "dev")) {
    m.dev = true;
    return true;
  }
  m.dev = j + 3 == r.size() && istarts_with(r.substr(j), "dev");
  return m.dev;
}

// The regex [._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?$ with its
// backtracking order: separator taken first, then each word in turn, then no word.
bool match_modifier(std::string_view r, Modifier& m) {
  static constexpr std::array<std::string_view, 9> kWords{"stable", "beta",  "b",  "rc", "alpha",
                                                          "a",      "patch", "pl", "p"};
  const bool has_sep = !r.empty() && (r[0] == '.' || r[0] == '_' || r[0] == '-');
  for (std::size_t start = has_sep ? 1 : 0;; --start) {
    const std::string_view t = r.substr(start);
    for (const auto word : kWords) {
      if (!istarts_with(t, word)) continue;
      std::size_t j = word.size();
      while (j < t.size()) {  // possessive ((?:[.-]?\d+)*+)
        const std::size_t k = (t[j] == '.' || t[j] == '-') ? j + 1 : j;
        if (k >= t.size() || !is_digit(t[k])) break;
        j = digits_end(t, k);
      }
      m = {t.substr(0, word.size()), t.substr(word.size(), j - word.size()), false};
      if (match_dev_tail(t, j, m)) return true;
    }
    m = {};
    if (match_dev_tail(t, 0, m)) return true;
    if (start == 0) return false;
  }
}

std::string expand_stability(std::string_view word) {
  std::string w;
  for (const char c : word) w += lower(c);
  if (w == "a") return "alpha";
  if (w == "b") return "beta";
  if (w == "p" || w == "pl") return "patch";
  if (w == "rc") return "RC";
  return w;
}

// The date(time) pattern v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?) + modifier, backtracking like
// PCRE: more two-digit groups first, then a longer tail group, then none.
bool match_date_from(std::string_view s, std::size_t i, int groups, std::size_t& end, Modifier& m) {
  auto sep = [&](std::size_t k) { return k < s.size() && (s[k] == '.' || s[k] == ':' || s[k] == '-'); };
  auto digits_at = [&](std::size_t k, std::size_t n) { return k + n <= s.size() && digits_end(s, k) >= k + n; };
  if (groups < 6) {
    for (const std::size_t k : {i + (sep(i) ? 1 : 0), i}) {
      if (digits_at(k, 2) && match_date_from(s, k + 2, groups + 1, end, m)) return true;
      if (!sep(i)) break;
    }
  }
  if (groups == 0) return false;
  for (const std::size_t k : {i + (sep(i) ? 1 : 0), i}) {
    for (std::size_t n = 3; n >= 1; --n) {
      if (digits_at(k, n) && match_modifier(s.substr(k + n), m)) {
        end = k + n;
        return true;
      }
    }
    if (!sep(i)) break;
  }
  if (match_modifier(s.substr(i), m)) {
    end = i;
    return true;
  }
  return false;
}

bool normalize_date(std::string_view s, std::string& out, Modifier& m) {
  const std::size_t i = (!s.empty() && (s[0] == 'v' || s[0] == 'V')) ? 1 : 0;
  std::size_t end = 0;
  if (i + 4 > s.size() || digits_end(s, i) < i + 4 || !match_date_from(s, i + 4, 0, end, m)) return false;
  out.clear();
  for (const char c : s.substr(i, end - i)) out += is_digit(c) ? c : '.';
  return true;
}

// ^v?(\d{1,5})(\.\d++)?(\.\d++)?(\.\d++)? + modifier, as "1.2.0.0-beta1-dev".
bool normalize_classical(std::string_view s, std::string& out, Modifier& m) {
  std::size_t i = (!s.empty() && (s[0] == 'v' || s[0] == 'V')) ? 1 : 0;
  const std::size_t end = digits_end(s, i);
  if (end == i || end - i > 5) return false;
  out.assign(s.substr(i, end - i));
  i = end;
  for (int group = 0; group < 3; ++group) {
    if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
      const std::size_t e = digits_end(s, i + 1);
      out.append(s.substr(i, e - i));
      i = e;
    } else {
      out.append(".0");
    }
  }
  return match_modifier(s.substr(i), m);
}

// Appends the stability and -dev suffixes the modifier asked for.
void apply_modifier(const Modifier& m, std::string& out) {
  if (!m.word.empty()) {
    if (m.word == "stable") return;
    out += '-';
    out += expand_stability(m.word);
    const auto skip = m.numbers.find_first_not_of(".-");
    if (skip != std::string_view::npos) out.append(m.numbers.substr(skip));
  }
  if (m.dev) out += "-dev";
}

// normalizeBranch for names like "1.x", "2.0.*", "v3": numeric prefix padded with 9999999, then "-dev".
bool normalize_numeric_branch(std::string_view name, std::string& out) {
  name = php_trim(name);
  std::size_t i = (!name.empty() && (name[0] == 'v' || name[0] == 'V')) ? 1 : 0;
  std::size_t e = digits_end(name, i);
  if (e == i) return false;
  out.assign(name.substr(i, e - i));
  int parts = 1;
  for (i = e; i < name.size(); ++parts) {
    if (parts == 4 || name[i] != '.' || i + 1 >= name.size()) return false;
    const char c = name[i + 1];
    if (c == 'x' || c == 'X' || c == '*') {
      out += ".9999999";
      i += 2;
    } else if (is_digit(c)) {
      e = digits_end(name, i + 1);
      out.append(name.substr(i, e - i));
      i = e;
    } else {
      return false;
    }
  }
  for (; parts < 4; ++parts) out += ".9999999";
  out += "-dev";
  return true;
}

// VersionParser::normalize; false when Composer rejects the version ("X as Y" aliases are not stripped).
bool normalize(std::string_view v, std::string& out) {
  v = php_trim(v);
  if (const auto at = v.rfind('@'); at != std::string_view::npos) {
    const std::string_view flag = v.substr(at + 1);
    for (const std::string_view s : {"stable", "rc", "beta", "alpha", "dev"}) {
      if (flag.size() == s.size() && istarts_with(flag, s)) v = v.substr(0, at);
    }
  }
  if (v == "master" || v == "trunk" || v == "default" || istarts_with(v, "dev-")) {
    out = "dev-";
    out.append(istarts_with(v, "dev-") ? v.substr(4) : v);
    return true;
  }
  if (const auto plus = v.find('+'); plus != std::string_view::npos && plus > 0 && plus + 1 < v.size() &&
                                     v.substr(0, plus).find_first_of(", \t\n\r\v\f") == std::string_view::npos &&
                                     v.substr(plus).find_first_of(" \t\n\r\v\f") == std::string_view::npos) {
    v = v.substr(0, plus);
  }
  if (Modifier m; normalize_classical(v, out, m) || normalize_date(v, out, m)) {
    apply_modifier(m, out);
    return true;
  }
  if (v.size() >= 3 && istarts_with(v.substr(v.size() - 3), "dev")) {
    std::string_view name = v.substr(0, v.size() - 3);
    if (!name.empty() && (name.back() == '.' || name.back() == '-')) name.remove_suffix(1);
    if (normalize_numeric_branch(name, out)) return true;
  }
  out.assign(v);
  return false;
}

// --- PHP's version_compare (ext/standard/versioning.c), byte for byte on the C strings. ---

bool is_dig(char c) {
  return is_digit(c) && c != '.';
}
bool is_ndig(char c) {
  return !is_digit(c) && c != '.';
}

// php_canonicalize_version: '-', '_', '+' and other punctuation become one '.', and a '.' goes between
// digits and non-digits. The first character is copied as is.
std::string canonicalize(std::string_view v) {
  std::string out;
  out.reserve(v.size() * 2);
  out += v[0];
  char lp = v[0];
  for (std::size_t i = 1; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '-' || c == '_' || c == '+') {
      if (out.back() != '.') out += '.';
    } else if ((is_ndig(lp) && is_dig(c)) || (is_dig(lp) && is_ndig(c))) {
      if (out.back() != '.') out += '.';
      out += c;
    } else if (!is_alnum(c)) {
      if (out.back() != '.') out += '.';
    } else {
      out += c;
    }
    lp = c;
  }
  return out;
}

// compare_special_version_forms: prefix match against dev < alpha=a < beta=b < RC=rc < # < pl=p;
// anything else ranks below dev.
int special_order(std::string_view form) {
  struct Form {
    std::string_view name;
    int order;
  };
  static constexpr std::array<Form, 10> kForms{
      {{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2}, {"RC", 3}, {"rc", 3}, {"#", 4}, {"pl", 5}, {"p", 5}}};
  for (const auto& f : kForms) {
    if (form.starts_with(f.name)) return f.order;
  }
  return -1;
}

int compare_special(std::string_view a, std::string_view b) {
  const int d = special_order(a) - special_order(b);
  return (d > 0) - (d < 0);
}

long php_strtol(std::string_view digits) {  // strtol on a digit run: saturates at LONG_MAX
  constexpr long kMax = std::numeric_limits<long>::max();
  long v = 0;
  for (std::size_t i = 0; i < digits.size() && is_digit(digits[i]); ++i) {
    const int d = digits[i] - '0';
    if (v > (kMax - d) / 10) return kMax;
    v = v * 10 + d;
  }
  return v;
}

char first(std::string_view s) {
  return s.empty() ? '\0' : s[0];
}

int compare_elements(std::string_view e1, std::string_view e2) {
  const bool d1 = is_digit(first(e1));
  const bool d2 = is_digit(first(e2));
  if (d1 && d2) {
    const long l1 = php_strtol(e1);
    const long l2 = php_strtol(e2);
    return (l1 > l2) - (l1 < l2);
  }
  if (!d1 && !d2) return compare_special(e1, e2);
  return d1 ? compare_special("#N#", e2) : compare_special(e1, "#N#");
}

// php_version_compare(rest, "#N#"), unrolled: PHP recurses once per remaining element.
int rest_vs_number(std::string_view rest) {
  for (;;) {
    if (rest.empty()) return -1;
    const auto dot = rest.find('.');
    const std::string_view elem = rest.substr(0, dot);
    if (const int c = is_digit(first(elem)) ? 0 : compare_special(elem, "#N#"); c != 0) return c;
    if (dot == std::string_view::npos) return 0;
    rest = rest.substr(dot + 1);
    if (is_digit(first(rest))) return 1;
  }
}

int php_version_compare(std::string_view a, std::string_view b) {
  a = a.substr(0, a.find('\0'));  // PHP hands C strings to the comparison
  b = b.substr(0, b.find('\0'));
  if (a.empty() || b.empty()) return a.empty() && b.empty() ? 0 : (a.empty() ? -1 : 1);
  const std::string v1 = a[0] == '#' ? std::string(a) : canonicalize(a);
  const std::string v2 = b[0] == '#' ? std::string(b) : canonicalize(b);
  std::string_view p1 = v1;
  std::string_view p2 = v2;
  bool n1 = true;
  bool n2 = true;
  int compare = 0;
  while (!p1.empty() && !p2.empty() && n1 && n2) {
    const auto d1 = p1.find('.');
    const auto d2 = p2.find('.');
    n1 = d1 != std::string_view::npos;
    n2 = d2 != std::string_view::npos;
    compare = compare_elements(p1.substr(0, d1), p2.substr(0, d2));
    if (compare != 0) break;
    if (n1) p1 = p1.substr(d1 + 1);
    if (n2) p2 = p2.substr(d2 + 1);
  }
  if (compare == 0) {
    if (n1) {
      compare = is_digit(first(p1)) ? 1 : rest_vs_number(p1);
    } else if (n2) {
      compare = is_digit(first(p2)) ? -1 : -rest_vs_number(p2);
    }
  }
  return compare;
}

}  // namespace

// version_compare is no order on arbitrary strings (version_compare(".", ".") is -1), so versions Composer
// rejects sort before all valid ones, bytewise among themselves; valid ones compare exactly as Composer.
int compare_packagist(std::string_view a, std::string_view b) {
  std::string na;
  std::string nb;
  const bool valid_a = normalize(a, na);
  const bool valid_b = normalize(b, nb);
  if (valid_a != valid_b) return valid_a ? 1 : -1;
  if (na == nb) return 0;
  if (!valid_a || (na.starts_with("dev-") && nb.starts_with("dev-"))) {
    const int r = na.compare(nb);
    return (r > 0) - (r < 0);
  }
  return php_version_compare(na, nb);
}

}  // namespace vigil::versions
