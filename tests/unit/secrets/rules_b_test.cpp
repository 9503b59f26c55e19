// Tests of the payment, SaaS, private key and generic secret rules. Each rule is applied two ways: PCRE2 over the
// whole text, and Hyperscan (start of match on) followed by a PCRE2 re-match of every reported span, as the engine
// does; both must extract exactly the expected secrets. Failure messages name the rule and case line, never a secret.
#include <gtest/gtest.h>
#include <hs/hs.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "scan/secrets/groups.hpp"
#include "scan/secrets/validate.hpp"
#include "test_support.hpp"

namespace vigil::secrets {
namespace {

std::vector<const SecretRule*> my_rules() {
  std::vector<const SecretRule*> out;
  for (const auto group : {payment_rules(), saas_rules(), key_rules(), generic_rules()}) {
    for (const auto& rule : group) {
      out.push_back(&rule);
    }
  }
  return out;
}

const SecretRule* rule_by_id(std::string_view id) {
  for (const auto* rule : my_rules()) {
    if (rule->id == id) {
      return rule;
    }
  }
  return nullptr;
}

bool accepted(const SecretRule& rule, std::string_view secret) {
  if (rule.validation.min_entropy > 0 && shannon_entropy(secret) < rule.validation.min_entropy) {
    return false;
  }
  return rule.validation.check == nullptr || rule.validation.check(secret);
}

struct PcreFree {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
struct HsFree {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};

pcre2_code* compile_pcre(const SecretRule& rule, std::string* error = nullptr) {
  static std::map<std::string_view, std::unique_ptr<pcre2_code, PcreFree>> cache;
  auto& slot = cache[rule.id];
  if (!slot) {
    int code = 0;
    PCRE2_SIZE offset = 0;
    slot.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(rule.pattern.data()), rule.pattern.size(), 0, &code, &offset,
                             nullptr));
    if (!slot && error != nullptr) {
      std::array<PCRE2_UCHAR, 256> message{};
      pcre2_get_error_message(code, message.data(), message.size());
      *error = reinterpret_cast<const char*>(message.data());
    }
  }
  return slot.get();
}

hs_database_t* compile_hs(const SecretRule& rule) {
  static std::map<std::string_view, std::unique_ptr<hs_database_t, HsFree>> cache;
  auto& slot = cache[rule.id];
  if (!slot) {
    const std::string pattern(rule.pattern);
    hs_database_t* db = nullptr;
    hs_compile_error_t* error = nullptr;
    if (hs_compile(pattern.c_str(), HS_FLAG_SOM_LEFTMOST, HS_MODE_BLOCK, nullptr, &db, &error) != HS_SUCCESS) {
      hs_free_compile_error(error);
      return nullptr;
    }
    slot.reset(db);
  }
  return slot.get();
}

// The secret group of the first match at or after `start`; match bounds in `bounds`.
std::optional<std::string> match_at(const SecretRule& rule, std::string_view subject, size_t start,
                                    std::pair<size_t, size_t>* bounds = nullptr) {
  pcre2_code* code = compile_pcre(rule);
  if (code == nullptr) {
    return std::nullopt;
  }
  std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> data(
      pcre2_match_data_create_from_pattern(code, nullptr), pcre2_match_data_free);
  const int rc =
      pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), start, 0, data.get(), nullptr);
  if (rc <= rule.secret_group) {
    return std::nullopt;
  }
  const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data.get());
  if (bounds != nullptr) {
    *bounds = {ov[0], ov[1]};
  }
  const auto g = static_cast<size_t>(rule.secret_group);
  if (ov[2 * g] == PCRE2_UNSET) {
    return std::nullopt;
  }
  return std::string(subject.substr(ov[2 * g], ov[2 * g + 1] - ov[2 * g]));
}

// PCRE2 over the whole text, every match start.
std::set<std::string> pcre_find(const SecretRule& rule, std::string_view text) {
  std::set<std::string> out;
  size_t start = 0;
  std::pair<size_t, size_t> bounds;
  while (start <= text.size()) {
    auto secret = match_at(rule, text, start, &bounds);
    if (!secret) {
      break;
    }
    if (accepted(rule, *secret)) {
      out.insert(*secret);
    }
    start = bounds.first + 1;
  }
  return out;
}

struct Span {
  unsigned long long from;
  unsigned long long to;
};

std::vector<Span> hs_spans(hs_database_t* db, std::string_view text) {
  std::vector<Span> spans;
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
    return spans;
  }
  hs_scan(
      db, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
      [](unsigned, unsigned long long from, unsigned long long to, unsigned, void* ctx) {
        static_cast<std::vector<Span>*>(ctx)->push_back({from, to});
        return 0;
      },
      &spans);
  hs_free_scratch(scratch);
  return spans;
}

// Hyperscan finds spans, PCRE2 re-matches each span alone (the engine's way). keyword_ok: every span holds one of
// the rule's keywords (lower-cased), as the engine's prefilter assumes.
std::set<std::string> hs_find(const SecretRule& rule, std::string_view text, bool* keyword_ok = nullptr) {
  std::set<std::string> out;
  hs_database_t* db = compile_hs(rule);
  if (db == nullptr) {
    return out;
  }
  for (const Span& span : hs_spans(db, text)) {
    const std::string_view sub = text.substr(span.from, span.to - span.from);
    if (keyword_ok != nullptr && !rule.keywords.empty()) {
      std::string lower(sub);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      const bool found = std::any_of(rule.keywords.begin(), rule.keywords.end(),
                                     [&](std::string_view k) { return lower.find(k) != std::string::npos; });
      *keyword_ok = *keyword_ok && found;
    }
    auto secret = match_at(rule, sub, 0);
    if (secret && accepted(rule, *secret)) {
      out.insert(*secret);
    }
  }
  return out;
}

struct Case {
  std::string rule;
  bool positive = false;
  std::string text;
  std::set<std::string> expected;
  int line = 0;
};

std::string rtrim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.pop_back();
  }
  return s;
}

// "+ text with «secret»": the text without markers, and the marked secrets.
void parse_inline(std::string_view body, Case& c) {
  static constexpr std::string_view kOpen = "\xC2\xAB";   // «
  static constexpr std::string_view kClose = "\xC2\xBB";  // »
  while (!body.empty()) {
    const auto open = body.find(kOpen);
    if (open == std::string_view::npos) {
      c.text += body;
      break;
    }
    const auto close = body.find(kClose, open);
    c.text += body.substr(0, open);
    const auto secret = body.substr(open + kOpen.size(), close - open - kOpen.size());
    c.text += secret;
    c.expected.insert(std::string(secret));
    body.remove_prefix(close + kClose.size());
  }
}

// "+@ file [:: START :: END]": the whole file (secret: the file trimmed, or START...END).
void parse_file(std::string_view body, Case& c) {
  std::string spec(body);
  std::string name = spec;
  std::string start_marker;
  std::string end_marker;
  if (const auto sep = spec.find(" :: "); sep != std::string::npos) {
    name = spec.substr(0, sep);
    const auto sep2 = spec.find(" :: ", sep + 4);
    start_marker = spec.substr(sep + 4, sep2 - sep - 4);
    end_marker = spec.substr(sep2 + 4);
  }
  c.text = test::read_data("secrets/rules_b/" + name);
  if (!c.positive) {
    return;
  }
  if (start_marker.empty()) {
    c.expected.insert(rtrim(c.text));
  } else {
    const auto from = c.text.find(start_marker);
    const auto to = c.text.find(end_marker, from);
    c.expected.insert(c.text.substr(from, to + end_marker.size() - from));
  }
}

std::vector<Case> load_cases() {
  std::istringstream in(test::read_data("secrets/rules_b/cases.txt"));
  std::vector<Case> cases;
  std::string rule;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.starts_with("== ")) {
      rule = line.substr(3);
      continue;
    }
    if (line.size() < 2 || (line[0] != '+' && line[0] != '-')) {
      continue;
    }
    Case c{.rule = rule, .positive = line[0] == '+', .line = number};
    if (line[1] == '@') {
      parse_file(std::string_view(line).substr(3), c);
    } else {
      parse_inline(std::string_view(line).substr(2), c);
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(SecretRulesB, EveryCaseExtractsExactlyTheExpectedSecrets) {
  const auto cases = load_cases();
  ASSERT_GT(cases.size(), 150u);
  for (const auto& c : cases) {
    const SecretRule* rule = rule_by_id(c.rule);
    ASSERT_NE(rule, nullptr) << "unknown rule in cases.txt:" << c.line;
    if (c.positive) {
      ASSERT_FALSE(c.expected.empty()) << "cases.txt:" << c.line << " has no marked secret";
    }
    bool keyword_ok = true;
    const auto by_pcre = pcre_find(*rule, c.text);
    const auto by_hs = hs_find(*rule, c.text, &keyword_ok);
    EXPECT_TRUE(by_pcre == c.expected) << rule->id << " cases.txt:" << c.line
                                       << " (PCRE2 over the text): " << by_pcre.size() << " secret(s) accepted, "
                                       << c.expected.size() << " expected";
    EXPECT_TRUE(by_hs == c.expected) << rule->id << " cases.txt:" << c.line
                                     << " (Hyperscan span + PCRE2): " << by_hs.size() << " secret(s) accepted, "
                                     << c.expected.size() << " expected";
    EXPECT_TRUE(keyword_ok) << rule->id << " cases.txt:" << c.line << ": a match holds none of the rule's keywords";
  }
}

TEST(SecretRulesB, EveryRuleHasAPositiveAndANegativeCase) {
  std::map<std::string, std::pair<int, int>> counts;
  for (const auto& c : load_cases()) {
    auto& [pos, neg] = counts[c.rule];
    (c.positive ? pos : neg)++;
  }
  for (const auto* rule : my_rules()) {
    const auto& [pos, neg] = counts[std::string(rule->id)];
    EXPECT_GE(pos, 1) << rule->id << " has no positive case";
    EXPECT_GE(neg, 1) << rule->id << " has no negative case";
  }
}

TEST(SecretRulesB, TablesAreWellFormed) {
  const auto rules = my_rules();
  EXPECT_GE(rules.size(), 55u);
  for (const auto* rule : rules) {
    EXPECT_FALSE(rule->description.empty()) << rule->id;
    EXPECT_NE(rule->severity, model::Severity::Unknown) << rule->id;
    EXPECT_FALSE(rule->keywords.empty()) << rule->id << ": every rule of these groups has a keyword prefilter";
    for (const auto keyword : rule->keywords) {
      EXPECT_TRUE(std::none_of(keyword.begin(), keyword.end(), [](char ch) { return std::isupper(ch); }))
          << rule->id << ": keywords are lower-case";
    }
    std::string error;
    pcre2_code* code = compile_pcre(*rule, &error);
    ASSERT_NE(code, nullptr) << rule->id << ": PCRE2 rejects the pattern: " << error;
    uint32_t groups = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);
    EXPECT_LE(static_cast<uint32_t>(rule->secret_group), groups) << rule->id << ": secret_group out of range";
  }
}

TEST(SecretRulesB, IdsAreUniqueKebabCaseAcrossAllGroups) {
  std::set<std::string_view> seen;
  for (const auto& rule : all_secret_rules()) {
    EXPECT_TRUE(seen.insert(rule.id).second) << "duplicate rule id " << rule.id;
    const bool kebab = !rule.id.empty() && rule.id.front() != '-' && rule.id.back() != '-' &&
                       rule.id.find("--") == std::string_view::npos &&
                       std::all_of(rule.id.begin(), rule.id.end(), [](char ch) {
                         return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
                       });
    EXPECT_TRUE(kebab) << rule.id << " is not kebab-case";
  }
}

TEST(SecretRulesB, AllPatternsCompileIntoOneHyperscanDatabase) {
  const auto rules = my_rules();
  std::vector<std::string> patterns;
  for (const auto* rule : rules) {
    patterns.emplace_back(rule->pattern);
    EXPECT_NE(compile_hs(*rule), nullptr) << rule->id << ": Hyperscan rejects the pattern alone";
  }
  std::vector<const char*> expressions;
  std::vector<unsigned> flags(rules.size(), HS_FLAG_SOM_LEFTMOST);
  std::vector<unsigned> ids;
  for (size_t i = 0; i < patterns.size(); ++i) {
    expressions.push_back(patterns[i].c_str());
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  const auto started = std::chrono::steady_clock::now();
  const hs_error_t rc =
      hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                       HS_MODE_BLOCK, nullptr, &db, &error);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  if (rc != HS_SUCCESS) {
    ADD_FAILURE() << "hs_compile_multi: " << error->message << " (expression " << error->expression << ")";
    hs_free_compile_error(error);
    return;
  }
  size_t size = 0;
  hs_database_size(db, &size);
  std::cout << "[ info ] " << rules.size() << " rules: Hyperscan database " << size / 1024 << " KiB, compiled in " << ms
            << " ms\n";
  EXPECT_LT(ms, 30000);
  hs_free_database(db);
}

// Realistic files: the exact set of rules that fire. A value that a specific rule and a generic (context-only) rule
// both find is counted once, for the specific rule: what the engine must do with overlapping findings.
std::multiset<std::string> rules_firing(std::string_view text) {
  std::set<std::string_view> generic_ids;
  for (const auto& rule : generic_rules()) {
    generic_ids.insert(rule.id);
  }
  std::vector<std::pair<std::string_view, std::string>> found;
  for (const auto* rule : my_rules()) {
    for (const auto& secret : hs_find(*rule, text)) {
      found.emplace_back(rule->id, secret);
    }
  }
  std::multiset<std::string> out;
  for (const auto& [id, secret] : found) {
    const bool shadowed =
        generic_ids.contains(id) && std::any_of(found.begin(), found.end(), [&](const auto& other) {
          return !generic_ids.contains(other.first) &&
                 (other.second.find(secret) != std::string::npos || secret.find(other.second) != std::string::npos);
        });
    if (!shadowed) {
      out.insert(std::string(id));
    }
  }
  return out;
}

TEST(SecretRulesB, RealisticEnvFile) {
  const auto fired = rules_firing(test::read_data("secrets/rules_b/app.env"));
  const std::multiset<std::string> expected = {
      "generic-password-unquoted", "generic-secret-unquoted", "stripe-secret-key",       "stripe-webhook-secret",
      "sendgrid-api-key",          "openai-api-key",          "anthropic-api-key",       "url-password-database",
      "url-password-redis",        "datadog-api-key",         "generic-api-key-unquoted"};
  EXPECT_TRUE(fired == expected) << fired.size() << " findings, expected " << expected.size();
  for (const auto& id : fired) {
    EXPECT_EQ(expected.count(id), fired.count(id)) << id;
  }
}

TEST(SecretRulesB, RealisticSourceFiles) {
  const auto py = rules_firing(test::read_data("secrets/rules_b/settings.py"));
  const std::multiset<std::string> expected_py = {
      "generic-secret",   "generic-password", "url-password-amqp", "twilio-account-credentials", "jwt",
      "http-bearer-token"};
  EXPECT_TRUE(py == expected_py) << py.size() << " findings in settings.py";
  for (const auto& id : py) {
    EXPECT_EQ(expected_py.count(id), py.count(id)) << id;
  }
  const auto yml = rules_firing(test::read_data("secrets/rules_b/docker-compose.yml"));
  const std::multiset<std::string> expected_yml = {"generic-password-unquoted", "url-password-mongodb",
                                                   "vault-service-token", "huggingface-token"};
  EXPECT_TRUE(yml == expected_yml) << yml.size() << " findings in docker-compose.yml";
  for (const auto& id : yml) {
    EXPECT_EQ(expected_yml.count(id), yml.count(id)) << id;
  }
}

TEST(SecretRulesB, NearMissesAndPlaceholdersFireNothing) {
  for (const char* file : {"clean_config.yml", "clean_code.js", "rsa_public.pem", "public_key.asc"}) {
    const auto fired = rules_firing(test::read_data(std::string("secrets/rules_b/") + file));
    EXPECT_TRUE(fired.empty()) << file << ": " << (fired.empty() ? "" : *fired.begin()) << " fired";
  }
}

// Hostile inputs: long runs that look like the start of many rules. Hyperscan is linear; the PCRE2 re-match only
// sees reported spans. Everything must finish quickly and find nothing.
TEST(SecretRulesB, HostileInputsAreCheap) {
  const std::vector<std::string> inputs = {
      std::string(1 << 20, 'a'),
      [] {
        std::string s;
        for (int i = 0; i < 100000; ++i) s += "eyJ";
        return s;
      }(),
      [] {
        std::string s;
        for (int i = 0; i < 50000; ++i) s += "password=\"";
        return s;
      }(),
      [] {
        std::string s;
        for (int i = 0; i < 30000; ++i) s += "-----BEGIN RSA PRIVATE KEY-----";
        return s;
      }(),
      [] {
        std::string s = "postgres://";
        s += std::string(1 << 20, 'u');
        return s;
      }(),
      "sk_live_" + std::string(1 << 20, 'Z'),
  };
  const auto started = std::chrono::steady_clock::now();
  for (const auto& input : inputs) {
    EXPECT_TRUE(rules_firing(input).empty());
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(ms, 20000);
}

}  // namespace
}  // namespace vigil::secrets
