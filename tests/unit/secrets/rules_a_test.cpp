// Tests of the cloud, vcs, registry and chat secret rules, independent of the scanning engine: each rule's
// pattern runs through PCRE2 (secret_group + validation, as the engine does) over the cases in
// tests/data/secrets/rules_a/cases.tsv, and every pattern must compile with Hyperscan. Failure messages name the
// rule and case line, never the (fake) secret.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <gtest/gtest.h>
#include <hs/hs.h>
#include <pcre2.h>

#include <cctype>
#include <climits>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "scan/secrets/groups.hpp"
#include "scan/secrets/scanner.hpp"
#include "scan/secrets/validate.hpp"
#include "test_support.hpp"

namespace vigil::secrets {
namespace {

std::vector<const SecretRule*> our_rules() {
  std::vector<const SecretRule*> out;
  for (const auto group : {cloud_rules(), vcs_rules(), registry_rules(), chat_rules()}) {
    for (const auto& rule : group) {
      out.push_back(&rule);
    }
  }
  return out;
}

struct Code {
  pcre2_code* code = nullptr;
  ~Code() { pcre2_code_free(code); }
};

std::unique_ptr<Code> compile_pcre2(const SecretRule& rule, std::string* error) {
  int err = 0;
  PCRE2_SIZE offset = 0;
  auto code = std::make_unique<Code>();
  code->code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(rule.pattern.data()), rule.pattern.size(), 0, &err, &offset, nullptr);
  if (code->code == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof buf);
    *error = std::string(reinterpret_cast<const char*>(buf)) + " at " + std::to_string(offset);
    return nullptr;
  }
  return code;
}

struct Match {
  std::string whole;
  std::string secret;
};

// Every non-overlapping match of the rule in text whose secret passes the rule's validation.
std::vector<Match> run_rule(const SecretRule& rule, std::string_view text) {
  std::string error;
  const auto code = compile_pcre2(rule, &error);
  if (!code) {
    ADD_FAILURE() << rule.id << ": PCRE2 rejects the pattern: " << error;
    return {};
  }
  std::vector<Match> out;
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code->code, nullptr);
  PCRE2_SIZE start = 0;
  while (start <= text.size()) {
    const int rc =
        pcre2_match(code->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), start, 0, md, nullptr);
    if (rc < 0) {
      break;
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    const int g = rule.secret_group;
    if (rc > g && ov[2 * g] != PCRE2_UNSET) {
      Match m{std::string(text.substr(ov[0], ov[1] - ov[0])),
              std::string(text.substr(ov[2 * g], ov[2 * g + 1] - ov[2 * g]))};
      const bool entropy_ok =
          rule.validation.min_entropy <= 0 || shannon_entropy(m.secret) >= rule.validation.min_entropy;
      const bool check_ok = rule.validation.check == nullptr || rule.validation.check(m.secret);
      if (entropy_ok && check_ok) {
        out.push_back(std::move(m));
      }
    }
    start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
  }
  pcre2_match_data_free(md);
  return out;
}

struct Case {
  int line = 0;
  std::string rule;
  bool positive = false;
  std::string expected;
  std::string text;
};

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[++i];
      out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = [] {
    std::vector<Case> out;
    std::istringstream in(test::read_data("secrets/rules_a/cases.tsv"));
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.empty() || line[0] == '#') {
        continue;
      }
      std::vector<std::string> cols;
      size_t pos = 0;
      for (int i = 0; i < 3; ++i) {
        const size_t tab = line.find('\t', pos);
        cols.push_back(line.substr(pos, tab - pos));
        pos = tab == std::string::npos ? line.size() : tab + 1;
      }
      cols.push_back(line.substr(pos));
      Case c{n, cols[0], cols[1] == "+", cols[2], unescape(cols[3])};
      if (c.text.starts_with("@")) {
        c.text = test::read_data("secrets/rules_a/" + c.text.substr(1));
      }
      out.push_back(std::move(c));
    }
    return out;
  }();
  return all;
}

const SecretRule* find_rule(std::string_view id) {
  for (const auto* rule : our_rules()) {
    if (rule->id == id) {
      return rule;
    }
  }
  return nullptr;
}

TEST(RulesA, EnoughRulesWithWellFormedMetadata) {
  const auto rules = our_rules();
  EXPECT_GE(rules.size(), 55U);
  for (const auto* rule : rules) {
    EXPECT_FALSE(rule->description.empty()) << rule->id;
    EXPECT_NE(rule->severity, model::Severity::Unknown) << rule->id;
    for (const auto keyword : rule->keywords) {
      EXPECT_FALSE(keyword.empty()) << rule->id;
      for (const char c : keyword) {
        EXPECT_FALSE(std::isupper(static_cast<unsigned char>(c))) << rule->id << ": keyword not lower-case";
      }
    }
    std::string error;
    const auto code = compile_pcre2(*rule, &error);
    ASSERT_TRUE(code) << rule->id << ": " << error;
    uint32_t groups = 0;
    pcre2_pattern_info(code->code, PCRE2_INFO_CAPTURECOUNT, &groups);
    EXPECT_LE(static_cast<uint32_t>(rule->secret_group), groups) << rule->id;
  }
}

TEST(RulesA, IdsAreUniqueKebabCaseAcrossAllRules) {
  std::set<std::string_view> seen;
  for (const auto& rule : all_secret_rules()) {
    EXPECT_TRUE(seen.insert(rule.id).second) << "duplicate rule id " << rule.id;
    ASSERT_FALSE(rule.id.empty());
    EXPECT_TRUE(std::islower(static_cast<unsigned char>(rule.id.front()))) << rule.id;
    EXPECT_NE(rule.id.back(), '-') << rule.id;
    for (size_t i = 0; i < rule.id.size(); ++i) {
      const char c = rule.id[i];
      const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && rule.id[i - 1] != '-');
      EXPECT_TRUE(ok) << rule.id << " is not kebab-case";
    }
  }
  for (const auto* rule : our_rules()) {
    EXPECT_TRUE(seen.contains(rule->id)) << rule->id << " missing from all_secret_rules()";
  }
}

TEST(RulesA, EveryRuleHasPositiveAndNegativeCases) {
  std::map<std::string, std::pair<int, int>> counts;
  for (const auto& c : cases()) {
    EXPECT_NE(find_rule(c.rule), nullptr) << "cases.tsv line " << c.line << ": unknown rule " << c.rule;
    auto& [pos, neg] = counts[c.rule];
    ++(c.positive ? pos : neg);
  }
  for (const auto* rule : our_rules()) {
    const auto [pos, neg] = counts[std::string(rule->id)];
    EXPECT_GE(pos, 1) << rule->id << " has no positive case";
    EXPECT_GE(neg, 1) << rule->id << " has no negative case";
  }
}

TEST(RulesA, PositiveCasesReportExactlyTheSecret) {
  int checked = 0;
  for (const auto& c : cases()) {
    const SecretRule* rule = find_rule(c.rule);
    if (!c.positive || rule == nullptr) {
      continue;
    }
    ++checked;
    const auto matches = run_rule(*rule, c.text);
    const Match* hit = nullptr;
    for (const auto& m : matches) {
      if (m.secret == c.expected) {
        hit = &m;
      }
    }
    // Only counts and ids in messages: the values are format-valid tokens.
    EXPECT_NE(hit, nullptr) << c.rule << " (cases.tsv line " << c.line << "): expected secret not reported, "
                            << matches.size() << " other(s) reported";
    if (hit != nullptr && !rule->keywords.empty()) {
      std::string lower = hit->whole;
      for (auto& ch : lower) {
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
      bool keyword = false;
      for (const auto k : rule->keywords) {
        keyword = keyword || lower.find(k) != std::string::npos;
      }
      EXPECT_TRUE(keyword) << c.rule << " (line " << c.line << "): match contains none of the rule's keywords";
    }
  }
  EXPECT_GE(checked, static_cast<int>(our_rules().size()));
}

TEST(RulesA, NegativeCasesReportNothing) {
  for (const auto& c : cases()) {
    const SecretRule* rule = find_rule(c.rule);
    if (c.positive || rule == nullptr) {
      continue;
    }
    EXPECT_TRUE(run_rule(*rule, c.text).empty()) << c.rule << " (cases.tsv line " << c.line << ") reported a near miss";
  }
}

struct HsDatabase {
  hs_database_t* db = nullptr;
  ~HsDatabase() { hs_free_database(db); }
};

// The engine (matcher.cpp) tracks the start of match only for patterns wider than this; narrower ones are
// re-read by PCRE2 from end - width. Every rule here is bounded well below it, which keeps Hyperscan cheap.
constexpr unsigned kEngineMaxBoundedWidth = 16U << 10;

unsigned max_width(const SecretRule& rule) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* err = nullptr;
  const std::string pattern(rule.pattern);
  if (hs_expression_info(pattern.c_str(), 0, &info, &err) != HS_SUCCESS) {
    hs_free_compile_error(err);
    return UINT_MAX;
  }
  const unsigned width = info->max_width;
  std::free(info);
  return width;
}

// One database of every rule, compiled with the flags the engine uses.
HsDatabase compile_hyperscan(const std::vector<const SecretRule*>& rules, std::string* error) {
  std::vector<std::string> patterns;
  std::vector<const char*> exprs;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (size_t i = 0; i < rules.size(); ++i) {
    patterns.emplace_back(rules[i]->pattern);
    flags.push_back(max_width(*rules[i]) > kEngineMaxBoundedWidth ? HS_FLAG_SOM_LEFTMOST : 0);
    ids.push_back(static_cast<unsigned>(i));
  }
  for (const auto& p : patterns) {
    exprs.push_back(p.c_str());
  }
  HsDatabase out;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                       nullptr, &out.db, &err) != HS_SUCCESS) {
    *error = err->message;
    if (err->expression >= 0) {
      *error += std::string(" (rule ") + std::string(rules[static_cast<size_t>(err->expression)]->id) + ")";
    }
    hs_free_compile_error(err);
  }
  return out;
}

TEST(RulesA, EveryPatternCompilesWithHyperscan) {
  for (const auto* rule : our_rules()) {
    EXPECT_LE(max_width(*rule), kEngineMaxBoundedWidth) << rule->id << ": unbounded or very wide pattern";
    std::string error;
    const auto db = compile_hyperscan({rule}, &error);
    EXPECT_NE(db.db, nullptr) << rule->id << ": " << error;
  }
  std::string error;
  const auto db = compile_hyperscan(our_rules(), &error);
  EXPECT_NE(db.db, nullptr) << error;
}

TEST(RulesA, HyperscanFindsEveryPositiveCase) {
  const auto rules = our_rules();
  std::string error;
  const auto db = compile_hyperscan(rules, &error);
  ASSERT_NE(db.db, nullptr) << error;
  hs_scratch_t* scratch = nullptr;
  ASSERT_EQ(hs_alloc_scratch(db.db, &scratch), HS_SUCCESS);
  for (const auto& c : cases()) {
    if (!c.positive) {
      continue;
    }
    std::set<std::string_view> hits;
    auto on_match = [](unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
      auto* p = static_cast<std::pair<std::set<std::string_view>*, const std::vector<const SecretRule*>*>*>(ctx);
      p->first->insert((*p->second)[id]->id);
      return 0;
    };
    std::pair<std::set<std::string_view>*, const std::vector<const SecretRule*>*> ctx{&hits, &rules};
    ASSERT_EQ(hs_scan(db.db, c.text.data(), static_cast<unsigned>(c.text.size()), 0, scratch, on_match, &ctx),
              HS_SUCCESS);
    EXPECT_TRUE(hits.contains(c.rule)) << c.rule << " (cases.tsv line " << c.line << "): Hyperscan found no match";
  }
  hs_free_scratch(scratch);
}

// End to end through the engine (keyword prefilter, Hyperscan, PCRE2 re-read, validation, built-in allowlist):
// each positive case yields a finding of its rule, redacted; a negative case yields none of its rule.
void expect_engine_agrees(std::span<const SecretRule> rules) {
  const auto scanner = SecretScanner::create(rules, ScannerOptions{});
  ASSERT_TRUE(scanner) << scanner.error().message;
  for (const auto& c : cases()) {
    std::vector<model::SecretFinding> findings;
    (*scanner)->scan_bytes("deploy/settings.conf", c.text, findings);
    bool found = false;
    std::string reported;  // rule ids only
    for (const auto& f : findings) {
      found = found || f.rule == c.rule;
      reported += " " + f.rule;
      EXPECT_TRUE(c.expected.empty() || f.redacted.find(c.expected) == std::string::npos)
          << c.rule << " (line " << c.line << "): finding shows the secret";
    }
    EXPECT_EQ(found, c.positive) << c.rule << " (cases.tsv line " << c.line << "): engine "
                                 << (c.positive ? "missed the secret" : "reported a near miss")
                                 << "; rules reported:" << reported;
  }
}

TEST(RulesA, EngineReportsPositivesAndNotNegatives) {
  std::vector<SecretRule> rules;
  for (const auto* rule : our_rules()) {
    rules.push_back(*rule);
  }
  expect_engine_agrees(rules);
}

// The same with every group loaded: a broader rule of another group must not take over one of these findings.
TEST(RulesA, EngineWithAllRulesKeepsTheseRuleIds) {
  expect_engine_agrees(all_secret_rules());
}

}  // namespace
}  // namespace vigil::secrets
