// Alpine version ordering, a port of apk-tools' src/version.c (the 2.14/3.x tokenizer with ~hash):
// digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}. Invalid input is ordered exactly as apk does:
// tokens are compared up to the first invalid one, which sorts below the end of a version.
#include <cstdint>
#include <string_view>

#include "scan/versions/compare.hpp"

namespace vigil::versions {
namespace {

enum class Token { kInitialDigit, kDigit, kLetter, kSuffix, kSuffixNo, kCommitHash, kRevisionNo, kEnd, kInvalid };

// apk's suffix enum: pre-release suffixes sort below kNone (no suffix), post-release ones above it.
enum Suffix : int { kSufInvalid, kAlpha, kBeta, kPre, kRc, kNone, kCvs, kSvn, kGit, kHg, kP };

struct TokenState {
  Token token = Token::kInitialDigit;
  int suffix = kSufInvalid;
  std::uint64_t number = 0;
  std::string_view value;
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}

int suffix_value(std::string_view s) {
  if (s.empty()) return kSufInvalid;
  struct Entry {
    std::string_view name;
    int value;
  };
  static constexpr Entry kSuffixes[] = {{"alpha", kAlpha}, {"beta", kBeta}, {"pre", kPre}, {"rc", kRc}, {"cvs", kCvs},
                                        {"svn", kSvn},     {"git", kGit},   {"hg", kHg},   {"p", kP}};
  for (const auto& e : kSuffixes) {
    if (e.name == s) return e.value;
  }
  return kSufInvalid;
}

// apk_blob_pull_uint(b, 10): decimal digits, wrapping modulo 2^64 like the C code.
void parse_digits(TokenState& t, std::string_view& b) {
  std::size_t n = 0;
  std::uint64_t number = 0;
  while (n < b.size() && is_digit(b[n])) number = number * 10 + static_cast<std::uint64_t>(b[n++] - '0');
  t.number = number;
  t.value = b.substr(0, n);
  b.remove_prefix(n);
  if (n == 0) t.token = Token::kInvalid;
}

template <typename Pred>
std::string_view take_span(std::string_view& b, Pred pred) {
  std::size_t n = 0;
  while (n < b.size() && pred(b[n])) ++n;
  const std::string_view span = b.substr(0, n);
  b.remove_prefix(n);
  return span;
}

// Reads the token after t (apk's token_next); false when it is not allowed there.
bool advance(TokenState& t, std::string_view& b) {
  if (b.empty()) {
    t.token = Token::kEnd;
    return true;
  }
  const char c = b.front();
  if (is_lower(c)) {
    if (t.token > Token::kDigit) return false;
    t.value = b.substr(0, 1);
    t.token = Token::kLetter;
    b.remove_prefix(1);
  } else if (c == '.' || is_digit(c)) {
    if (c == '.') {
      if (t.token > Token::kDigit) return false;
      b.remove_prefix(1);
    }
    if (t.token == Token::kInitialDigit || t.token == Token::kDigit) {
      t.token = Token::kDigit;
    } else if (t.token == Token::kSuffix) {
      t.token = Token::kSuffixNo;
    } else {
      return false;
    }
    parse_digits(t, b);
  } else if (c == '_') {
    if (t.token > Token::kSuffixNo) return false;
    b.remove_prefix(1);
    t.value = take_span(b, is_lower);
    t.suffix = suffix_value(t.value);
    if (t.suffix == kSufInvalid) return false;
    t.token = Token::kSuffix;
  } else if (c == '~') {
    if (t.token >= Token::kCommitHash) return false;
    b.remove_prefix(1);
    t.value = take_span(b, is_hex);
    if (t.value.empty()) return false;
    t.token = Token::kCommitHash;
  } else if (c == '-') {
    if (t.token >= Token::kRevisionNo || b.size() < 2 || b[1] != 'r') return false;
    b.remove_prefix(2);
    t.token = Token::kRevisionNo;
    parse_digits(t, b);
  } else {
    return false;
  }
  return true;
}

void token_next(TokenState& t, std::string_view& b) {
  if (!advance(t, b)) t.token = Token::kInvalid;
}

// apk_blob_sort: memcmp on the common prefix, then the shorter first.
int blob_sort(std::string_view x, std::string_view y) {
  const int rc = x.compare(y);
  return rc < 0 ? -1 : (rc > 0 ? 1 : 0);
}

template <typename T>
int three_way(T x, T y) {
  return x < y ? -1 : (x > y ? 1 : 0);
}

int token_cmp(const TokenState& ta, const TokenState& tb) {
  switch (ta.token) {
    case Token::kDigit:
      // A leading zero switches to string comparison, as in the Gentoo spec ("1.02" < "1.1").
      if (ta.value.front() == '0' || tb.value.front() == '0') return blob_sort(ta.value, tb.value);
      return three_way(ta.number, tb.number);
    case Token::kInitialDigit:
    case Token::kSuffixNo:
    case Token::kRevisionNo: return three_way(ta.number, tb.number);
    case Token::kLetter:
      return three_way(static_cast<unsigned char>(ta.value.front()), static_cast<unsigned char>(tb.value.front()));
    case Token::kSuffix: return three_way(ta.suffix, tb.suffix);
    default: return blob_sort(ta.value, tb.value);
  }
}

}  // namespace

int compare_apk(std::string_view a, std::string_view b) {
  TokenState ta;
  TokenState tb;
  parse_digits(ta, a);
  parse_digits(tb, b);
  while (ta.token == tb.token && ta.token < Token::kEnd) {
    if (const int r = token_cmp(ta, tb); r != 0) return r;
    token_next(ta, a);
    token_next(tb, b);
  }
  if (ta.token == tb.token) return 0;
  // Equal so far: the longer version is newer unless what follows is a pre-release suffix.
  if (ta.token == Token::kSuffix && ta.suffix < kNone) return -1;
  if (tb.token == Token::kSuffix && tb.suffix < kNone) return 1;
  return ta.token > tb.token ? -1 : 1;
}

}  // namespace vigil::versions
