// The secret engine on its own small rule set: compilation, candidate extraction, validation, allowlists, inline
// markers, overlap resolution, chunked file reads, line/column and redaction. Rule tables have their own tests.
#include "scan/secrets/scanner.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "model/severity.hpp"
#include "scan/secrets/allowlist.hpp"
#include "scan/secrets/groups.hpp"
#include "scan/secrets/matcher.hpp"
#include "scan/secrets/validate.hpp"
#include "test_support.hpp"

namespace vigil::secrets {
namespace {

using model::SecretFinding;
using model::Severity;

constexpr std::string_view kGithubKeywords[] = {"ghp_"};
constexpr std::string_view kAwsKeywords[] = {"akia", "asia"};
constexpr std::string_view kKeyKeywords[] = {"private key"};
constexpr std::string_view kPasswordKeywords[] = {"pass", "pwd", "secret"};
constexpr std::string_view kUrlKeywords[] = {"://"};
constexpr std::string_view kJwtKeywords[] = {"eyj"};

bool jwt_ok(std::string_view s) {
  return jwt_structure_ok(s);
}

// Realistic rules written the way the rule tables write them, one per engine feature.
const SecretRule kRules[] = {
    {"github-pat",
     "GitHub personal access token (classic)",
     Severity::High,
     R"(ghp_[A-Za-z0-9]{36})",
     0,
     kGithubKeywords,
     {0, &github_crc32_ok}},
    {"aws-access-key-id",
     "AWS access key ID",
     Severity::Critical,
     R"(\b((?:AKIA|ASIA)[A-Z2-7]{16})\b)",
     1,
     kAwsKeywords,
     {}},
    {"private-key",
     "PEM private key",
     Severity::Critical,
     R"(-----BEGIN (?:RSA |EC |DSA |OPENSSH )?PRIVATE KEY-----[A-Za-z0-9+/=\r\n]{64,}-----END (?:RSA |EC |DSA |OPENSSH )?PRIVATE KEY-----)",
     0,
     kKeyKeywords,
     {}},
    {"generic-password",
     "Password or secret assigned in code",
     Severity::Medium,
     R"((?i)(?:password|passwd|pwd|secret)["']?\s*[:=]\s*["']([^"'\s]{8,64})["'])",
     1,
     kPasswordKeywords,
     {3.0, nullptr}},
    {"url-password",
     "URL with an embedded password",
     Severity::High,
     R"([a-z][a-z0-9+.-]{1,20}://[^:@/\s]{1,64}:([^@/\s]{1,128})@[A-Za-z0-9.-]+)",
     1,
     kUrlKeywords,
     {}},
    // Unbounded: PCRE2 re-reads at most 16 KiB before each match end.
    {"jwt",
     "JSON Web Token",
     Severity::Medium,
     R"(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})",
     0,
     kJwtKeywords,
     {0, &jwt_ok}},
};

// Fake, format-valid values (random, checksums computed); the same ones as in tests/data/secrets/engine/.
constexpr std::string_view kGhp1 = "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";
constexpr std::string_view kGhp2 = "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";
constexpr std::string_view kGhpBadCrc = "ghp_aSP8sU6t7qFvuGWPjo3nJvOdyuRBtm4XTkWA";
constexpr std::string_view kAws1 = "AKIA56O7OG422OPXNYFT";
constexpr std::string_view kAws2 = "AKIADNG3AB3NQ37N3WPK";

std::unique_ptr<SecretScanner> make(ScannerOptions options = {}) {
  auto scanner = SecretScanner::create(kRules, options);
  if (!scanner) {
    ADD_FAILURE() << scanner.error().message;
    return nullptr;
  }
  return std::move(*scanner);
}

std::vector<SecretFinding> scan(const SecretScanner& s, std::string_view path, std::string_view bytes) {
  std::vector<SecretFinding> out;
  s.scan_bytes(path, bytes, out);
  return out;
}

// rule@line:column, so a failing assertion shows positions, never secret values.
std::vector<std::string> where(const std::vector<SecretFinding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.rule + "@" + std::to_string(f.line) + ":" + std::to_string(f.column));
  return out;
}

// No field of any finding may carry the secret, or any 8-character piece of it.
void expect_no_leak(const std::vector<SecretFinding>& findings, std::string_view secret) {
  for (const auto& f : findings) {
    for (const std::string* field : {&f.rule, &f.title, &f.path, &f.redacted, &f.fingerprint, &f.commit}) {
      for (size_t i = 0; i + 8 <= secret.size(); ++i) {
        EXPECT_EQ(field->find(secret.substr(i, 8)), std::string::npos) << "a piece of a secret leaked into " << f.rule;
      }
    }
  }
}

TEST(SecretScanner, RejectedPatternNamesTheRule) {
  const SecretRule bad[] = {kRules[0], {"backref-rule", "d", Severity::Low, R"((ab)\1)", 0, {}, {}}};
  auto scanner = SecretScanner::create(bad, {});
  ASSERT_FALSE(scanner);
  EXPECT_NE(scanner.error().message.find("backref-rule"), std::string::npos) << scanner.error().message;
  const SecretRule bad_group[] = {{"group-rule", "d", Severity::Low, R"(abc(d))", 2, {}, {}}};
  auto scanner2 = SecretScanner::create(bad_group, {});
  ASSERT_FALSE(scanner2);
  EXPECT_NE(scanner2.error().message.find("group-rule"), std::string::npos);
  const SecretRule empty_match[] = {{"empty-rule", "d", Severity::Low, R"(x*)", 0, {}, {}}};
  auto scanner3 = SecretScanner::create(empty_match, {});
  ASSERT_FALSE(scanner3);
  EXPECT_NE(scanner3.error().message.find("empty-rule"), std::string::npos);
}

TEST(SecretScanner, NoRulesFindsNothing) {
  auto scanner = SecretScanner::create({}, {});
  ASSERT_TRUE(scanner);
  EXPECT_TRUE(scan(**scanner, "a.env", std::string("TOKEN=") + std::string(kGhp1)).empty());
}

TEST(SecretScanner, EnvFile) {
  auto s = make();
  const auto bytes = test::read_data("secrets/engine/app.env");
  const auto findings = scan(*s, "deploy/app.env", bytes);
  EXPECT_EQ(where(findings), (std::vector<std::string>{"url-password@4:33", "aws-access-key-id@5:19", "github-pat@9:14",
                                                       "generic-password@12:17"}));
  ASSERT_EQ(findings.size(), 4U);
  EXPECT_EQ(findings[1].severity, Severity::Critical);
  EXPECT_EQ(findings[1].title, "AWS access key ID");
  EXPECT_EQ(findings[1].path, "deploy/app.env");
  EXPECT_EQ(findings[1].redacted, "AKIA*****");
  EXPECT_EQ(findings[2].redacted, "ghp_ty*****");
  EXPECT_EQ(findings[0].redacted, "rrjt*****");
  const auto stats = s->stats();
  EXPECT_EQ(stats.dropped_example, 1U);      // AKIAIOSFODNN7EXAMPLE
  EXPECT_EQ(stats.dropped_placeholder, 2U);  // "changeme", "${REDIS_PASSWORD}"
  EXPECT_EQ(stats.dropped_inline, 1U);       // vigil:allow github-pat
  EXPECT_EQ(stats.dropped_validation, 1U);   // CRC32 tail does not match
  for (const auto secret :
       {kGhp1, kAws1, std::string_view("rrjtjVmd4xI0zvy-"), std::string_view("2%a%Wo!C7VLo-tddxg&7")}) {
    expect_no_leak(findings, secret);
  }
}

TEST(SecretScanner, ConfigPyPrivateKeyOverlapAndInlineMarkers) {
  auto s = make();
  const auto bytes = test::read_data("secrets/engine/config.py");
  const auto findings = scan(*s, "worker/config.py", bytes);
  // Line 7 is allowed by the marker on line 6; line 9 matches generic-password and github-pat on the same
  // secret and the checksummed rule wins; line 37's marker names another rule, so the JWT stays.
  EXPECT_EQ(where(findings),
            (std::vector<std::string>{"generic-password@8:19", "github-pat@9:15", "private-key@10:18", "jwt@37:16"}));
  ASSERT_EQ(findings.size(), 4U);
  EXPECT_EQ(findings[2].redacted, "----*****");
  EXPECT_EQ(s->stats().dropped_inline, 1U);
  const size_t begin = bytes.find("-----BEGIN");
  const size_t end = bytes.find("-----\"\"\"") + 5;
  expect_no_leak(findings, std::string_view(bytes).substr(begin + 40, end - begin - 40));
  expect_no_leak(findings, kGhp1);
}

TEST(SecretScanner, CiWorkflow) {
  auto s = make();
  const auto findings = scan(*s, ".github/workflows/release.yml", test::read_data("secrets/engine/release.yml"));
  EXPECT_EQ(where(findings), (std::vector<std::string>{"github-pat@15:41", "aws-access-key-id@16:47"}));
  expect_no_leak(findings, kGhp2);
  expect_no_leak(findings, kAws2);
}

TEST(SecretScanner, BinaryFilesSkippedUnlessAsked) {
  const auto bytes = test::read_data("secrets/engine/tool.bin");
  auto s = make();
  EXPECT_TRUE(scan(*s, "bin/tool", bytes).empty());
  EXPECT_EQ(s->stats().files_skipped_binary, 1U);
  auto all = make({.scan_binary = true});
  const auto findings = scan(*all, "bin/tool", bytes);
  EXPECT_EQ(where(findings), (std::vector<std::string>{"github-pat@1:95"}));
  // A NUL after the first 8 KiB does not make a text file binary.
  std::string text(9000, 'a');
  text += '\n';
  text += '\0';
  text += "token=" + std::string(kGhp2) + "\n";
  EXPECT_EQ(where(scan(*s, "late-nul.txt", text)), (std::vector<std::string>{"github-pat@2:8"}));
}

TEST(SecretScanner, FixtureAndVendoredPathsSkipped) {
  const std::string line = "GITHUB_TOKEN=" + std::string(kGhp1) + "\n";
  auto s = make();
  EXPECT_TRUE(scan(*s, "tests/fixtures/app.env", line).empty());
  EXPECT_TRUE(scan(*s, "web/node_modules/x/.env", line).empty());
  EXPECT_TRUE(scan(*s, "pkg/client_test.go", line).empty());
  EXPECT_EQ(s->stats().files_skipped_path, 3U);
  EXPECT_FALSE(s->wants(scan::FileInfo{"src/test/app.env", "app.env", 10, false}));
  EXPECT_TRUE(s->wants(scan::FileInfo{"src/attest/app.env", "app.env", 10, false}));
  EXPECT_FALSE(s->wants(scan::FileInfo{"src/empty.env", "empty.env", 0, false}));
  auto keep_all = make({.builtin_path_allowlist = false});
  EXPECT_EQ(scan(*keep_all, "tests/fixtures/app.env", line).size(), 1U);
}

TEST(SecretScanner, KeywordsGateRules) {
  constexpr std::string_view kw[] = {"acme_api"};
  const SecretRule rules[] = {{"acme-key", "ACME key", Severity::High, R"(\b[0-9a-f]{32}\b)", 0, kw, {}}};
  auto s = SecretScanner::create(rules, {});
  ASSERT_TRUE(s);
  const std::string key = "9f1c2e7a4b3d8e6f0a5c7b9d2e4f6a8c";
  EXPECT_TRUE(scan(**s, "a.txt", "checksum " + key + "\n").empty());
  EXPECT_EQ(where(scan(**s, "a.txt", "ACME_API_KEY = " + key + "\n")), (std::vector<std::string>{"acme-key@1:16"}));
}

TEST(SecretScanner, SameRuleNotReportedTwice) {
  auto s = make();
  const std::string text = "a=" + std::string(kGhp1) + " b=" + std::string(kGhp1) + "\n";
  EXPECT_EQ(where(scan(*s, "x.txt", text)), (std::vector<std::string>{"github-pat@1:3", "github-pat@1:46"}));
}

TEST(SecretScanner, FingerprintStablePerRulePathAndSecret) {
  auto s = make();
  const std::string text = "GITHUB_TOKEN=" + std::string(kGhp1) + "\n";
  const auto a = scan(*s, "a/.env", text);
  const auto b = scan(*s, "a/.env", "\n\n" + text);
  const auto c = scan(*s, "b/.env", text);
  ASSERT_EQ(a.size(), 1U);
  ASSERT_EQ(b.size(), 1U);
  ASSERT_EQ(c.size(), 1U);
  EXPECT_EQ(a[0].fingerprint.size(), 32U);
  EXPECT_EQ(a[0].fingerprint, b[0].fingerprint);
  EXPECT_NE(a[0].fingerprint, c[0].fingerprint);
}

TEST(SecretScanner, Redaction) {
  EXPECT_EQ(detail::redact(kGhp1), "ghp_ty*****");
  EXPECT_EQ(detail::redact("sk_live_4eC39HqLyjWDarjtT1zdp7dc"), "sk_live_4e*****");
  EXPECT_EQ(
      detail::redact("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW"),
      "github_pat_11*****");
  EXPECT_EQ(detail::redact("hunter2hunter"), "hunt*****");
  EXPECT_EQ(detail::redact("abcdefgh"), "ab*****");  // at most a third
  EXPECT_EQ(detail::redact("ab"), "*****");
  EXPECT_EQ(detail::redact("\xff\xfe\x01zzzzzzzzzzzzzz"), "???z*****");  // reports stay valid UTF-8
}

// A real file > 8 MiB goes through FileContent::read_at in 1 MiB blocks overlapping by 64 KiB.
class ChunkedFile : public ::testing::Test {
 protected:
  // Lines of source-like text up to `size` bytes, with `secret_line` placed so the secret starts at `at`.
  static std::string build(size_t size, const std::vector<size_t>& offsets, std::string_view secret) {
    std::string text;
    const std::string filler = "    result = compute_total(order.items, tax_rate=0.2, currency=\"EUR\")  # keep\n";
    size_t next = 0;
    while (text.size() < size) {
      if (next < offsets.size() && text.size() + filler.size() > offsets[next]) {
        text.append(offsets[next] - text.size(), ' ');
        text += secret;
        text += '\n';
        ++next;
        continue;
      }
      text += filler;
    }
    return text;
  }

  std::vector<SecretFinding> scan_file(const SecretScanner& s, const std::string& text,
                                       std::vector<Diagnostic>* warnings = nullptr) {
    dir_.write("big/app.log", text);
    const std::string dir = (dir_.path() / "big").string();
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    UniqueFd root_fd(::open(dir_.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    UniqueFd fd(::openat(dir_fd.get(), "app.log", O_RDONLY | O_CLOEXEC));
    std::string buffer;
    scan::FileContent content(scan::FileInfo{"big/app.log", "app.log", text.size(), false}, std::move(fd), dir_fd.get(),
                              root_fd.get(), buffer);
    scan::AnalyzerOutput out;
    EXPECT_TRUE(s.wants(content.info()));
    s.scan(content, out);
    if (warnings != nullptr) *warnings = out.warnings;
    return out.secrets;
  }

  // line:column of every offset, counted the plain way.
  static std::vector<std::string> expected(const std::string& text, const std::vector<size_t>& offsets) {
    std::vector<std::string> out;
    for (const size_t off : offsets) {
      const auto line = std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(off), '\n') + 1;
      const size_t start = text.rfind('\n', off - 1);
      out.push_back("github-pat@" + std::to_string(line) + ":" + std::to_string(off - start));
    }
    return out;
  }

  test::TempDir dir_;
};

TEST_F(ChunkedFile, SecretsBeyondAndAcrossBlockBoundaries) {
  auto s = make();
  const size_t mib = 1U << 20;
  const size_t kb64 = 64U << 10;
  // In the first block; straddling the end of the first block's own range (1 MiB - 64 KiB); straddling the
  // physical end of the first block (1 MiB); beyond the first block; near the end of the file.
  const std::vector<size_t> offsets = {1000, mib - kb64 - 20, mib - 20, 3 * mib + 5, 9 * mib + 100};
  const std::string text = build(9 * mib + 4096, offsets, kGhp1);
  ASSERT_GT(text.size(), 8U << 20);
  const auto findings = scan_file(*s, text);
  EXPECT_EQ(where(findings), expected(text, offsets));
  EXPECT_EQ(s->stats().bytes_scanned, text.size());
  // The same bytes in memory (one block) give the same positions.
  EXPECT_EQ(where(scan(*s, "big/app.log", text)), expected(text, offsets));
}

TEST_F(ChunkedFile, FindingsPerFileCapped) {
  auto s = make();
  std::string text;
  for (int i = 0; i < 1500; ++i) text += "key" + std::to_string(i) + "=" + std::string(kAws1) + "\n";
  std::vector<Diagnostic> warnings;
  const auto findings = scan_file(*s, text, &warnings);
  EXPECT_EQ(findings.size(), 1000U);
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_NE(warnings[0].message.find("more than 1000 secrets"), std::string::npos);
  EXPECT_EQ(findings.back().line, 1000);
}

TEST_F(ChunkedFile, LargeFileSkippedWithWarning) {
  auto s = make({.max_file_bytes = 100});
  std::vector<Diagnostic> warnings;
  EXPECT_TRUE(scan_file(*s, std::string(200, 'x'), &warnings).empty());
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_NE(warnings[0].message.find("over the 100 byte limit"), std::string::npos);
}

TEST(SecretScanner, GiantSingleLine) {
  auto s = make();
  std::string text(100U << 20, 'Q');
  for (size_t i = 0; i < text.size(); i += 97) text[i] = ' ';
  const size_t at = text.size() - 1000;
  text.replace(at, kGhp1.size(), kGhp1);
  EXPECT_EQ(where(scan(*s, "min.js", text)), (std::vector<std::string>{"github-pat@1:" + std::to_string(at + 1)}));
}

TEST(SecretScanner, HostileBytes) {
  auto s = make({.scan_binary = true});
  std::string text = "\xff\xfe invalid \xc3\x28 utf-8\n";
  text += std::string("pwd=\"\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\"\n");
  text += std::string(1000, '\0') + "password: 'Zq8#vL2!mN4@pR7x'\n";
  for (int i = 0; i < 50000; ++i) text += "AKIAAAAAAAAAAAAAAAAA ";  // candidate storm, all low-diversity
  const auto findings = scan(*s, "junk.bin", text);
  EXPECT_EQ(where(findings), (std::vector<std::string>{"generic-password@2:6", "generic-password@3:1012"}));
  EXPECT_EQ(findings[0].redacted, "???*****");
  EXPECT_EQ(s->stats().dropped_placeholder, 50000U);
}

TEST(SecretScanner, ConcurrentScansShareOneScanner) {
  auto s = make();
  const auto env = test::read_data("secrets/engine/app.env");
  const auto py = test::read_data("secrets/engine/config.py");
  std::vector<std::thread> threads;
  std::vector<size_t> counts(8);
  for (size_t t = 0; t < counts.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) counts[t] += scan(*s, "a.env", env).size() + scan(*s, "b.py", py).size();
    });
  }
  for (auto& t : threads) t.join();
  for (const size_t c : counts) EXPECT_EQ(c, 50U * 8U);
}

// The built-in table compiles into one database, and the engine finds the env file's GitHub token with it.
TEST(SecretScanner, BuiltInRulesCompile) {
  auto scanner = SecretScanner::create(all_secret_rules(), {});
  ASSERT_TRUE(scanner) << scanner.error().message;
  const auto findings = scan(**scanner, "deploy/app.env", test::read_data("secrets/engine/app.env"));
  EXPECT_TRUE(std::any_of(findings.begin(), findings.end(),
                          [](const SecretFinding& f) { return f.line == 9 && f.column == 14; }));
  expect_no_leak(findings, kGhp1);
}

// Issue 4 defect: with every rule loaded, 37 specific findings came out as generic-* ones. Both candidates reached
// resolve_overlaps, but no rule was marked generic, so drop_generic_overlaps did nothing and the ranking preferred
// the generic rule for having a check (its value filter). A generic-marked rule must yield to a specific one.
constexpr std::string_view kMwsKeywords[] = {"amzn.mws."};
constexpr std::string_view kTokenKeywords[] = {"token"};
constexpr std::string_view kMwsLine = R"(mws_auth_token: "amzn.mws.3f573b1b-0a81-4519-ada3-12e0af5cfcf5")";

TEST(SecretScanner, GenericRuleYieldsToSpecificRuleOnTheSameSecret) {
  SecretRule rules[] = {
      {"aws-mws-key", "d", Severity::High, R"(\b(amzn\.mws\.[0-9a-f-]{36})\b)", 1, kMwsKeywords, {}},
      {"generic-token",
       "d",
       Severity::Medium,
       R"((?i)token\W{0,3}([^"'\s]{16,})["'])",
       1,
       kTokenKeywords,
       {0, +[](std::string_view) { return true; }}},
  };
  const auto rule_of = [&] {
    auto s = SecretScanner::create(rules, {.cache_dir = {}});
    EXPECT_TRUE(s);
    const auto findings = scan(**s, "app.yml", kMwsLine);
    return findings.size() == 1 ? findings[0].rule : "count " + std::to_string(findings.size());
  };
  EXPECT_EQ(rule_of(), "generic-token");  // unmarked, a rule with a check outranks one without
  rules[1].generic = true;
  EXPECT_EQ(rule_of(), "aws-mws-key");
}

// The table marks exactly the generic group's rules, so the built-in set names the secret above after its service.
TEST(SecretScanner, BuiltInTableMarksTheGenericGroup) {
  std::set<std::string_view> generic_ids;
  for (const auto& rule : generic_rules()) generic_ids.insert(rule.id);
  for (const auto& rule : all_secret_rules()) {
    EXPECT_EQ(rule.generic, generic_ids.contains(rule.id)) << rule.id;
  }
  auto scanner = SecretScanner::create(all_secret_rules(), {.cache_dir = {}});
  ASSERT_TRUE(scanner);
  EXPECT_EQ(where(scan(**scanner, "app.yml", kMwsLine)), std::vector<std::string>{"aws-mws-key@1:18"});
}

// The compiled-database cache: a fresh directory per test.
class DbCache : public ::testing::Test {
 protected:
  ScannerOptions options() const { return {.cache_dir = cache_dir()}; }
  std::string cache_dir() const { return (dir_.path() / "cache" / "vigil").string(); }
  std::string cache_file(std::span<const SecretRule> rules) const {
    return cache_dir() + "/" + detail::cache_file_name(rules);
  }
  detail::CacheUse compile(std::span<const SecretRule> rules) const {
    auto compiled = detail::compile_rules(rules, cache_dir());
    EXPECT_TRUE(compiled);
    if (!compiled) return detail::CacheUse::Off;
    hs_free_scratch(compiled->scratch);
    hs_free_database(compiled->db);
    return compiled->cache;
  }
  // Every finding's rule, place, redacted value and fingerprint over the engine's test files.
  static std::vector<std::string> findings(const SecretScanner& s) {
    std::vector<std::string> out;
    for (const auto* file : {"app.env", "config.py", "release.yml"}) {
      for (const auto& f : scan(s, file, test::read_data(std::string("secrets/engine/") + file))) {
        out.push_back(f.path + ":" + where({f})[0] + " " + f.redacted + " " + f.fingerprint);
      }
    }
    return out;
  }
  test::TempDir dir_;
};

TEST_F(DbCache, HitGivesIdenticalFindings) {
  auto first = SecretScanner::create(all_secret_rules(), options());
  ASSERT_TRUE(first);
  EXPECT_FALSE((*first)->stats().db_from_cache);
  ASSERT_TRUE(std::filesystem::is_regular_file(cache_file(all_secret_rules())));
  auto second = SecretScanner::create(all_secret_rules(), options());
  ASSERT_TRUE(second);
  EXPECT_TRUE((*second)->stats().db_from_cache);
  const auto expected = findings(**first);
  EXPECT_GE(expected.size(), 5U);
  EXPECT_EQ(findings(**second), expected);
}

TEST_F(DbCache, KeyedByRuleIdsAndPatterns) {
  SecretRule changed[std::size(kRules)];
  std::copy(std::begin(kRules), std::end(kRules), changed);
  EXPECT_EQ(detail::cache_file_name(kRules), detail::cache_file_name(changed));
  changed[1].pattern = R"(\b((?:AKIA|ASIA)[A-Z2-7]{16,17})\b)";
  EXPECT_NE(detail::cache_file_name(kRules), detail::cache_file_name(changed));
  changed[1] = kRules[1];
  changed[1].id = "aws-key";
  EXPECT_NE(detail::cache_file_name(kRules), detail::cache_file_name(changed));
  EXPECT_EQ(compile(kRules), detail::CacheUse::Written);
  EXPECT_EQ(compile(changed), detail::CacheUse::Written);
  EXPECT_EQ(compile(kRules), detail::CacheUse::Hit);
}

TEST_F(DbCache, DamagedOrForeignFilesAreIgnoredAndRewritten) {
  const std::string path = cache_file(kRules);
  const auto expected = findings(*make(options()));
  const std::string good = test::read_data(path);  // read_data takes absolute paths too
  const auto rewrite = [&](const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  };
  std::string flipped = good;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x20);
  SecretRule other[] = {kRules[0]};
  ASSERT_EQ(compile(other), detail::CacheUse::Written);
  const std::string foreign = test::read_data(cache_file(other));  // valid, but for another rule set
  for (const auto& bad : {flipped, good.substr(0, good.size() - 1), good.substr(0, 40), std::string(), foreign}) {
    rewrite(bad);
    EXPECT_EQ(compile(kRules), detail::CacheUse::Written) << bad.size();
    EXPECT_EQ(test::read_data(path), good);
    rewrite(bad);
    auto s = make(options());
    EXPECT_EQ(findings(*s), expected);
    EXPECT_EQ(compile(kRules), detail::CacheUse::Hit);
  }
  std::filesystem::permissions(path, std::filesystem::perms::others_write, std::filesystem::perm_options::add);
  EXPECT_EQ(compile(kRules), detail::CacheUse::Written);  // writable by others: not trusted
}

TEST_F(DbCache, UnwritableDirectoryStillScans) {
  dir_.write("cache", "a regular file where the cache directory should be");
  EXPECT_EQ(compile(kRules), detail::CacheUse::Unwritable);
  auto s = make(options());
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->stats().db_from_cache);
  EXPECT_EQ(findings(*s), findings(*make({.cache_dir = {}})));
}

TEST(Validate, EntropyAndCharsets) {
  EXPECT_DOUBLE_EQ(shannon_entropy(""), 0);
  EXPECT_DOUBLE_EQ(shannon_entropy("aaaa"), 0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abcd"), 2);
  EXPECT_GT(shannon_entropy(kGhp1), 4.5);
  EXPECT_TRUE(is_hex("09afAF"));
  EXPECT_FALSE(is_hex("0x1"));
  EXPECT_TRUE(is_base62("abcXYZ019"));
  EXPECT_FALSE(is_base62("ab_c"));
  EXPECT_TRUE(is_base64("aGVsbG8="));
  EXPECT_FALSE(is_base64("aGVs=bG8"));
  EXPECT_TRUE(is_base64url("aGV-sb_G8"));
}

TEST(Validate, GithubCrc32) {
  EXPECT_TRUE(github_crc32_ok(kGhp1));
  EXPECT_TRUE(github_crc32_ok(kGhp2));
  EXPECT_FALSE(github_crc32_ok(kGhpBadCrc));
  EXPECT_FALSE(github_crc32_ok(kGhp1.substr(0, 39)));
  EXPECT_FALSE(github_crc32_ok("ghp_" + std::string(36, 'A')));
  std::string npm = "npm_" + std::string(kGhp1.substr(4));  // same body, npm prefix: same checksum rule
  EXPECT_TRUE(github_crc32_ok(npm));
  char tail[6];
  crc32_base62(0, tail);
  EXPECT_EQ(std::string_view(tail, 6), "000000");
}

TEST(Validate, JwtStructure) {
  EXPECT_TRUE(jwt_structure_ok("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLWJ5dGVz"));
  EXPECT_FALSE(jwt_structure_ok("eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxMjMifQ.c2ln"));  // no "alg"
  EXPECT_FALSE(jwt_structure_ok("eyJhbGciOiJIUzI1NiJ9.bm90LWpzb24.c2ln"));       // payload not JSON
  EXPECT_FALSE(jwt_structure_ok("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ"));     // two parts
}

TEST(Allowlist, Values) {
  EXPECT_EQ(check_value("AKIAIOSFODNN7EXAMPLE"), ValueVerdict::ExampleValue);
  EXPECT_EQ(check_value("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), ValueVerdict::ExampleValue);
  EXPECT_EQ(check_value("sk_test_4eC39HqLyjWDarjtT1zdp7dc"), ValueVerdict::ExampleValue);
  EXPECT_EQ(check_value("gho_16C7e42F292c6912E7710c838347Ae178B4a"), ValueVerdict::ExampleValue);  // GitHub docs
  EXPECT_EQ(check_value("2YotnFZFEjr1zCsicMWpAA"), ValueVerdict::ExampleValue);                    // RFC 6749
  for (const auto v : {"xxxxxxxxxxxxxxxx", "<your-token>", "${API_KEY}", "{{ .Values.token }}", "changeme123",
                       "your_api_key_here", "%s", "REDACTED", "dummy-secret-value", "password", "$DB_PASS"}) {
    EXPECT_EQ(check_value(v), ValueVerdict::Placeholder) << v;
  }
  for (const auto v : {"aaaaaaaaaaaa", "abababababab", "pass12345678"}) {
    EXPECT_EQ(check_value(v), ValueVerdict::LowDiversity) << v;
  }
  EXPECT_EQ(check_value(kGhp1), ValueVerdict::Keep);
  EXPECT_EQ(check_value("Zq8#vL2!mN4@pR7x"), ValueVerdict::Keep);
}

TEST(Allowlist, Paths) {
  EXPECT_EQ(classify_path("src/app/.env"), PathClass::Normal);
  EXPECT_EQ(classify_path("contest/.env"), PathClass::Normal);
  EXPECT_EQ(classify_path("test/.env"), PathClass::TestFixture);
  EXPECT_EQ(classify_path("pkg/testdata/token.txt"), PathClass::TestFixture);
  EXPECT_EQ(classify_path("web/__tests__/api.js"), PathClass::TestFixture);
  EXPECT_EQ(classify_path("server/auth_test.go"), PathClass::TestFixture);
  EXPECT_EQ(classify_path("py/test_settings.py"), PathClass::TestFixture);
  EXPECT_EQ(classify_path("web/api.spec.ts"), PathClass::TestFixture);
  EXPECT_EQ(classify_path("src/main/java/AuthTest.java"), PathClass::TestFixture);
  EXPECT_EQ(classify_path("src/main/java/Attest.java"), PathClass::Normal);
  EXPECT_EQ(classify_path("docs/examples/config.yml"), PathClass::TestFixture);
  EXPECT_EQ(classify_path("web/node_modules/aws-sdk/x.js"), PathClass::ThirdParty);
  EXPECT_EQ(classify_path("vendor/github.com/x/y.go"), PathClass::ThirdParty);
}

}  // namespace
}  // namespace vigil::secrets
