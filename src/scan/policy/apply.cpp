// Applies ignore entries and VEX statements to vulnerability findings: each rule is compiled once (purls parsed,
// VEX statements indexed by id) so that a scan with thousands of findings stays linear in practice.
#include "scan/policy/apply.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>

#include "core/strings.hpp"
#include "formats/policy/purl_match.hpp"
#include "model/purl.hpp"

namespace vigil::scan::policy {
namespace {

using formats::policy::IgnoreRule;
using formats::policy::parse_purl;
using formats::policy::PurlParts;
using formats::policy::VexStatement;

enum class TokenKind { Literal, Question, Star, AnyStar, DirStar };

struct Token {
  TokenKind kind;
  char c = 0;
};

std::vector<Token> tokenize(std::string_view pattern) {
  std::vector<Token> out;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern.substr(i, 2) == "**") {
      while (i < pattern.size() && pattern[i] == '*') {
        ++i;
      }
      const bool dir = i < pattern.size() && pattern[i] == '/';
      out.push_back({dir ? TokenKind::DirStar : TokenKind::AnyStar});
      i += dir ? 1 : 0;
    } else {
      const char c = pattern[i++];
      out.push_back(c == '*'   ? Token{TokenKind::Star}
                    : c == '?' ? Token{TokenKind::Question}
                               : Token{TokenKind::Literal, c});
    }
  }
  return out;
}

// The ids of a finding, lowercased once for the case-insensitive comparisons.
std::vector<std::string> finding_ids(const model::Vulnerability& v) {
  std::vector<std::string> ids{to_lower(v.id)};
  for (const auto& a : v.aliases) {
    ids.push_back(to_lower(a));
  }
  return ids;
}

bool has_id(const std::vector<std::string>& ids, std::string_view id) {
  const std::string lower = to_lower(id);
  return std::find(ids.begin(), ids.end(), lower) != ids.end();
}

// Package names compare as the ecosystem's tools compare them.
bool name_equal(model::Ecosystem eco, std::string_view rule, std::string_view name) {
  using model::Ecosystem;
  if (eco == Ecosystem::PyPI) {
    const auto norm = [](std::string_view s) {
      std::string out = to_lower(s);
      std::replace(out.begin(), out.end(), '_', '-');
      std::replace(out.begin(), out.end(), '.', '-');
      return out;
    };
    return norm(rule) == norm(name);
  }
  const bool insensitive = eco == Ecosystem::Debian || eco == Ecosystem::Alpine || eco == Ecosystem::Packagist ||
                           eco == Ecosystem::NuGet || eco == Ecosystem::Npm;
  return insensitive ? iequals(rule, name) : rule == name;
}

// What a finding offers to the matchers, computed once per finding.
struct Finding {
  std::vector<std::string> ids;
  std::optional<PurlParts> purl;
};

Finding describe(const model::Vulnerability& v) {
  Finding f{finding_ids(v), parse_purl(v.package.purl.empty() ? model::make_purl(v.package, nullptr) : v.package.purl)};
  return f;
}

struct CompiledRule {
  const IgnoreRule* rule;
  std::optional<PurlParts> purl;  // set when package is a purl
  std::string glob;
};

struct CompiledStatement {
  const VexStatement* statement;
  std::vector<PurlParts> products;
  bool every_package = false;
};

struct CompiledInput {
  const PolicyInput* input;
  std::vector<CompiledRule> rules;  // the entries still in force
  std::vector<CompiledStatement> statements;
  std::unordered_map<std::string, std::vector<size_t>> by_id;  // lowercased id or alias -> statements
};

std::string_view rule_label(const IgnoreRule& r) {
  return !r.id.empty() ? r.id : !r.package.empty() ? r.package : r.path;
}

CompiledInput compile(const PolicyInput& input, std::string_view today, std::vector<Diagnostic>& warnings) {
  CompiledInput out{&input, {}, {}, {}};
  for (const auto& rule : input.ignores) {
    if (!rule.expires.empty() && rule.expires < today) {
      warnings.push_back({input.file, rule.line,
                          "ignore entry for " + std::string(rule_label(rule)) + " expired on " + rule.expires +
                              "; it no longer suppresses"});
      continue;
    }
    CompiledRule c{&rule,
                   starts_with(to_lower(rule.package.substr(0, 4)), "pkg:") ? parse_purl(rule.package) : std::nullopt,
                   std::string(strip_dot_slash(rule.path))};
    if (ends_with(c.glob, "/")) {
      c.glob += "**";
    }
    out.rules.push_back(std::move(c));
  }
  for (const auto& st : input.vex) {
    CompiledStatement c{&st, {}, false};
    for (const auto& product : st.products) {
      if (product == "*") {
        c.every_package = true;
      } else if (auto p = parse_purl(product)) {
        c.products.push_back(std::move(*p));
      }
    }
    const size_t index = out.statements.size();
    out.statements.push_back(std::move(c));
    out.by_id[to_lower(st.vulnerability)].push_back(index);
    for (const auto& alias : st.aliases) {
      out.by_id[to_lower(alias)].push_back(index);
    }
  }
  return out;
}

bool package_matches(const CompiledRule& c, const model::Vulnerability& v, const Finding& f) {
  const IgnoreRule& r = *c.rule;
  if (r.package.empty()) {
    return true;
  }
  if (c.purl) {
    if (!f.purl || !formats::policy::purl_matches(*c.purl, *f.purl)) {
      return false;
    }
  } else if (!name_equal(v.package.ecosystem, r.package, v.package.name)) {
    return false;
  }
  return r.version.empty() || r.version == v.package.version;
}

bool path_matches(const CompiledRule& c, const model::Vulnerability& v) {
  if (c.rule->path.empty()) {
    return true;
  }
  // Every place the package was found must match: "ignore it under test/" must not also hide the copy the
  // production lockfile pins. A finding without locations (purl lists) never matches a path.
  const auto hit = [&](std::string_view loc) { return !loc.empty() && glob_match(c.glob, strip_dot_slash(loc)); };
  if (v.locations.empty()) {
    return hit(v.package.location);
  }
  return std::all_of(v.locations.begin(), v.locations.end(), hit);
}

bool rule_matches(const CompiledRule& c, const model::Vulnerability& v, const Finding& f) {
  return (c.rule->id.empty() || has_id(f.ids, c.rule->id)) && package_matches(c, v, f) && path_matches(c, v);
}

bool statement_matches(const CompiledStatement& c, const Finding& f) {
  if (c.every_package) {
    return true;
  }
  return f.purl && std::any_of(c.products.begin(), c.products.end(),
                               [&](const PurlParts& p) { return formats::policy::purl_matches(p, *f.purl); });
}

// The last statement of the input about this finding, or nullptr.
const CompiledStatement* effective_statement(const CompiledInput& in, const Finding& f) {
  std::optional<size_t> best;
  for (const auto& id : f.ids) {
    const auto it = in.by_id.find(id);
    if (it == in.by_id.end()) {
      continue;
    }
    for (const size_t index : it->second) {
      if ((!best || index > *best) && statement_matches(in.statements[index], f)) {
        best = index;
      }
    }
  }
  return best ? &in.statements[*best] : nullptr;
}

std::string vex_reason(const VexStatement& st) {
  std::string reason = st.justification;
  if (!st.impact.empty()) {
    reason += reason.empty() ? st.impact : ": " + st.impact;
  }
  if (st.status == "fixed") {
    reason = reason.empty() ? "fixed" : "fixed: " + reason;
  }
  return reason.empty() ? st.status : reason;
}

std::optional<model::Suppression> suppression_for(const model::Vulnerability& v,
                                                  const std::vector<CompiledInput>& ins) {
  const Finding f = describe(v);
  for (const auto& in : ins) {
    for (const auto& rule : in.rules) {
      if (rule_matches(rule, v, f)) {
        return model::Suppression{"ignore", in.input->file, rule.rule->reason};
      }
    }
  }
  for (const auto& in : ins) {
    const CompiledStatement* st = effective_statement(in, f);
    if (st != nullptr && (st->statement->status == "not_affected" || st->statement->status == "fixed")) {
      return model::Suppression{"vex", in.input->file, vex_reason(*st->statement)};
    }
  }
  return std::nullopt;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  const std::vector<Token> tokens = tokenize(pattern);
  const size_t n = path.size();
  // cur[j]: the tokens so far match path[0, j). O(tokens x path) time, no backtracking.
  std::vector<char> cur(n + 1, 0);
  std::vector<char> next(n + 1, 0);
  cur[0] = 1;
  for (const Token& t : tokens) {
    next[0] = (t.kind == TokenKind::Star || t.kind == TokenKind::AnyStar || t.kind == TokenKind::DirStar) && cur[0];
    bool any = false;  // DirStar: some cur[k] with k < j
    for (size_t j = 1; j <= n; ++j) {
      const char c = path[j - 1];
      switch (t.kind) {
        case TokenKind::Literal: next[j] = cur[j - 1] && c == t.c; break;
        case TokenKind::Question: next[j] = cur[j - 1] && c != '/'; break;
        case TokenKind::Star: next[j] = cur[j] || (next[j - 1] && c != '/'); break;
        case TokenKind::AnyStar: next[j] = cur[j] || next[j - 1]; break;
        case TokenKind::DirStar:
          any = any || cur[j - 1];
          next[j] = cur[j] || (c == '/' && any);
          break;
      }
    }
    std::swap(cur, next);
    if (std::none_of(cur.begin(), cur.end(), [](char x) { return x != 0; })) {
      return false;
    }
  }
  return cur[n] != 0;
}

void apply_policy(std::vector<model::Vulnerability>& vulns, const std::vector<PolicyInput>& inputs,
                  std::string_view today, std::vector<Diagnostic>& warnings) {
  std::vector<CompiledInput> compiled;
  compiled.reserve(inputs.size());
  for (const auto& input : inputs) {
    compiled.push_back(compile(input, today, warnings));
  }
  for (auto& v : vulns) {
    if (!v.suppressed) {
      v.suppressed = suppression_for(v, compiled);
    }
  }
}

std::string_view strip_dot_slash(std::string_view s) {
  while (true) {
    if (starts_with(s, "./")) {
      s.remove_prefix(2);
    } else if (starts_with(s, "/")) {
      s.remove_prefix(1);
    } else {
      return s;
    }
  }
}

}  // namespace vigil::scan::policy
