// The condition language's text level: the lexer and the shell-glob matcher (linear backtracking only, so a
// hostile pattern such as "*a*a*a*...b" costs O(pattern x text), never exponential time).
#include <string>
#include <vector>

#include "watch/rules_internal.hpp"

namespace vigil::watch::detail {
namespace {

constexpr size_t kMaxTokens = 100000;  // tokens of one condition text

bool is_delimiter(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' || c == ',' || c == '=' || c == '!' ||
         c == '<' || c == '>' || c == '\'' || c == '"';
}

}  // namespace

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    if (out.size() > kMaxTokens) throw LimitError("condition too long");
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '(' || c == ')' || c == ',') {
      out.push_back({c == '(' ? Tok::LParen : c == ')' ? Tok::RParen : Tok::Comma, std::string(1, c)});
      ++i;
    } else if (c == '=' || c == '<' || c == '>' || c == '!') {
      const bool two = i + 1 < s.size() && s[i + 1] == '=';  // == <= >= !=
      if (c == '!' && !two) throw SyntaxError("'!' must be followed by '=' (use `not` to negate)");
      out.push_back({Tok::Op, std::string(s.substr(i, two ? 2 : 1))});
      i += two ? 2 : 1;
    } else if (c == '\'' || c == '"') {
      std::string text;
      size_t j = i + 1;
      for (; j < s.size() && s[j] != c; ++j) {
        if (s[j] == '\\' && j + 1 < s.size()) ++j;  // \' \" \\ keep the next character
        text += s[j];
      }
      if (j >= s.size()) throw SyntaxError("unterminated quoted string");
      out.push_back({Tok::String, std::move(text)});
      i = j + 1;
    } else {
      size_t j = i;
      while (j < s.size() && !is_delimiter(s[j])) ++j;
      out.push_back({Tok::Word, std::string(s.substr(i, j - i))});
      i = j;
    }
  }
  out.push_back({Tok::End, ""});
  return out;
}

namespace {

bool class_match(std::string_view p, size_t& i, char c) {
  size_t j = i + 1;
  const bool negate = j < p.size() && (p[j] == '!' || p[j] == '^');
  if (negate) ++j;
  bool found = false;
  const size_t start = j;
  for (; j < p.size() && (p[j] != ']' || j == start); ++j) {
    if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
      found |= c >= p[j] && c <= p[j + 2];
      j += 2;
    } else {
      found |= c == p[j];
    }
  }
  if (j >= p.size()) return c == '[';  // no closing bracket: a literal '['
  i = j;
  return found != negate;
}

}  // namespace

// The single-backtrack-point algorithm: a later '*' supersedes an earlier one, so no exponential backtracking.
bool glob_match(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
      continue;
    }
    size_t next = pi;
    if (pi < p.size() && (p[pi] == '?' || (p[pi] == '[' ? class_match(p, next, s[si]) : p[pi] == s[si]))) {
      pi = next + 1;
      ++si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace vigil::watch::detail
