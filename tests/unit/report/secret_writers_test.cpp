// Secret findings in the JSON, table and SARIF reports, and their absence from the SBOM formats. The document of
// the secrets sample is kept under tests/data/reports/secrets.* (vuln_writers_test.cpp's ReportSamples test).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "report/report.hpp"
#include "unit/report/secret_samples.hpp"
#include "unit/report/vuln_samples.hpp"

namespace vigil::report {
namespace {

using namespace vuln_samples;    // NOLINT(google-build-using-namespace): test fixtures
using namespace secret_samples;  // NOLINT(google-build-using-namespace): test fixtures

std::vector<std::string> top_level_keys(const std::string& text) {
  std::vector<std::string> keys;
  const auto doc = nlohmann::ordered_json::parse(text);
  for (const auto& [key, value] : doc.items()) {
    keys.push_back(key);
  }
  return keys;
}

const json* find_secret(const json& secrets, std::string_view rule, int line) {
  for (const auto& s : secrets) {
    if (s["rule"] == rule && s["line"] == line) {
      return &s;
    }
  }
  return nullptr;
}

SecretFinding sample_finding(std::string_view rule, int line) {
  for (const auto& s : sample_secrets()) {
    if (s.rule == rule && s.line == line) {
      return s;
    }
  }
  ADD_FAILURE() << "no sample finding " << rule << ":" << line;
  return {};
}

// ---------------------------------------------------------------------------------------------------- JSON

TEST(JsonSecrets, AbsentWhenNotScanned) {
  Report r = sample_report();
  r.inventory.secrets = sample_secrets();  // findings without the flag are not shown either
  EXPECT_FALSE(run(write_json, r).contains("secrets"));
  EXPECT_FALSE(run(write_json, inventory_report()).contains("secrets"));
}

TEST(JsonSecrets, AfterVulnerabilitiesOrAfterPackages) {
  EXPECT_EQ(top_level_keys(render(write_json, secrets_report())),
            (std::vector<std::string>{"schema_version", "tool", "created", "target", "os", "vuln_db", "packages",
                                      "vulnerabilities", "secrets", "warnings"}));
  EXPECT_EQ(top_level_keys(render(write_json, secrets_only_report())),
            (std::vector<std::string>{"schema_version", "tool", "created", "target", "os", "packages", "secrets",
                                      "warnings"}));
}

TEST(JsonSecrets, EmptyListWhenScannedAndNothingFound) {
  Report r = inventory_report();
  r.secrets_scanned = true;
  const std::string text = render(write_json, r);
  EXPECT_NE(text.find("  \"secrets\": [],\n  \"warnings\""), std::string::npos) << text;
}

TEST(JsonSecrets, FindingShape) {
  const std::string text = render(write_json, secrets_report());
  const json secrets = json::parse(text)["secrets"];
  ASSERT_EQ(secrets.size(), 9U);
  // The scanner's order is kept: path, line, column.
  EXPECT_EQ(secrets.front()["path"], ".github/workflows/release.yml");
  EXPECT_EQ(secrets.back()["path"], "web/src/api/client.ts");

  const auto& key_id = *find_secret(secrets, "aws-access-key-id", 4);
  const SecretFinding expected = sample_finding("aws-access-key-id", 4);
  const nlohmann::ordered_json shape{{"rule", "aws-access-key-id"},
                                     {"title", kAwsKeyId},
                                     {"severity", "CRITICAL"},
                                     {"path", "deploy/terraform.tfvars"},
                                     {"line", 4},
                                     {"column", 22},
                                     {"redacted", "AKIA*****"},
                                     {"fingerprint", expected.fingerprint}};
  EXPECT_EQ(key_id, json(shape));
  EXPECT_EQ(expected.fingerprint.size(), 32U);
  // Keys in the documented order, no repo keys for a file-system scan.
  EXPECT_NE(text.find("\"rule\": \"aws-access-key-id\",\n      \"title\": \"AWS access key ID (half of an IAM or STS "
                      "credential pair)\",\n      \"severity\": \"CRITICAL\",\n      \"path\": "
                      "\"deploy/terraform.tfvars\",\n      \"line\": 4,\n      \"column\": 22,\n      \"redacted\": "
                      "\"AKIA*****\",\n      \"fingerprint\": \""),
            std::string::npos)
      << text;

  const auto& jwt = *find_secret(secrets, "jwt", 9);
  EXPECT_EQ(jwt["severity"], "MEDIUM");
  EXPECT_FALSE(jwt.contains("suppressed"));
  EXPECT_FALSE(jwt.contains("commit"));
  EXPECT_FALSE(jwt.contains("present_at_head"));
}

TEST(JsonSecrets, SuppressedFindingsAreIncludedAndMarked) {
  const json secrets = run(write_json, secrets_report())["secrets"];
  EXPECT_EQ((*find_secret(secrets, "github-pat", 7))["suppressed"],
            json({{"kind", "baseline"}, {"file", ".vigil-baseline.json"}, {"reason", ""}}));
  EXPECT_EQ((*find_secret(secrets, "stripe-test-key", 2))["suppressed"],
            json({{"kind", "ignore"}, {"file", ".vigilignore"}, {"reason", "test-mode key of the public demo shop"}}));
  EXPECT_EQ((*find_secret(secrets, "github-pat", 7))["path"], "docs/Pr\u00fcfung notes:v2.md");
}

TEST(JsonSecrets, RepoFields) {
  const json doc = run(write_json, repo_report());
  EXPECT_FALSE(doc.contains("vulnerabilities"));
  const json& secrets = doc["secrets"];
  ASSERT_EQ(secrets.size(), 2U);
  EXPECT_EQ(secrets[0]["commit"], "9fceb02d0ae598e95dc970b74767f19372d61af8");
  EXPECT_EQ(secrets[0]["author_date"], "2024-03-14T09:26:53+01:00");
  EXPECT_EQ(secrets[0]["present_at_head"], false);
  EXPECT_FALSE(secrets[0].contains("suppressed"));
  EXPECT_EQ(secrets[1]["present_at_head"], true);
  EXPECT_EQ(secrets[1]["suppressed"]["kind"], "baseline");
  EXPECT_EQ(secrets[1]["redacted"], "https*****");
}

TEST(JsonSecrets, HostilePathIsEscapedAndStillValidJson) {
  const std::string text = render(write_json, hostile_secrets_report());
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\0'), std::string::npos);
  const json doc = json::parse(text);  // throws on invalid UTF-8 or a raw control byte
  const std::string path = doc["secrets"][0]["path"];
  EXPECT_EQ(path.rfind("evil\n\x1b[31mdir \"q\"/", 0), 0U);
  EXPECT_NE(path.find("\xEF\xBF\xBD"), std::string::npos);  // invalid bytes became U+FFFD
  EXPECT_EQ(doc["secrets"][0]["commit"], "abc\x1b[1mdef\n0123456789");
  EXPECT_EQ(doc["secrets"][1]["severity"], "UNKNOWN");
}

// --------------------------------------------------------------------------------------------------- table

TEST(TableSecrets, MostSevereFirstWithCountsAndSuppressedApart) {
  const std::string text = render(write_table, secrets_report());
  const size_t vulns_at = text.find("\nVulnerabilities (DB:");
  const size_t secrets_at = text.find("\n\nSecrets\n\n");
  ASSERT_NE(secrets_at, std::string::npos) << text;
  EXPECT_LT(vulns_at, secrets_at);
  const std::string section = text.substr(secrets_at + 2);
  const std::string rows =
      "Secrets\n\n"
      "  CRITICAL  deploy/terraform.tfvars:4:22         aws-access-key-id      AKIA*****\n"
      "  CRITICAL  deploy/terraform.tfvars:5:26         aws-secret-access-key  q7Kx*****\n"
      "  CRITICAL  ops/keys/deploy_ed25519:1:1          private-key-openssh    ----*****\n"
      "  HIGH      .github/workflows/release.yml:31:18  github-pat             ghp_Nq*****\n"
      "  HIGH      .github/workflows/release.yml:58:22  github-pat             ghp_Nq*****\n"
      "  HIGH      app/config/database.yml:12:15        url-password-database  Zx9q*****\n"
      "  MEDIUM    web/src/api/client.ts:9:33           jwt                    eyJh*****\n"
      "\n"
      "7 secrets (3 critical, 3 high, 1 medium, 0 low, 0 unknown), 2 suppressed\n"
      "\n"
      "Suppressed:\n"
      "  HIGH  docs/Pr\u00fcfung notes:v2.md:7:5  github-pat       ghp_4f*****  baseline: no reason given "
      "(.vigil-baseline.json)\n"
      "  LOW   examples/checkout/.env:2:19   stripe-test-key  sk_test_Zq*****  ignore: test-mode key of the public "
      "demo shop (.vigilignore)\n";
  EXPECT_EQ(section, rows);
}

TEST(TableSecrets, SecretsOnlyFollowThePackageTable) {
  const std::string text = render(write_table, secrets_only_report());
  EXPECT_EQ(text.find("ulnerabilit"), std::string::npos);
  const size_t secrets_at = text.find("\n\nSecrets\n\n  CRITICAL  deploy/terraform.tfvars:4:22  ");
  ASSERT_NE(secrets_at, std::string::npos) << text;
  EXPECT_LT(text.find("ECOSYSTEM  NAME"), secrets_at);
}

TEST(TableSecrets, NoneFoundAndNotScanned) {
  Report r = empty_scan_report();
  r.secrets_scanned = true;
  const std::string text = render(write_table, r);
  EXPECT_TRUE(text.ends_with("(DB: /var/cache/vigil/vuln.db)\n\nNo secrets found\n")) << text;

  Report not_scanned = sample_report();
  not_scanned.inventory.secrets = sample_secrets();
  const std::string inventory_only = render(write_table, not_scanned);
  EXPECT_EQ(inventory_only.find("ecret"), std::string::npos) << inventory_only;
  EXPECT_EQ(inventory_only.find("*****"), std::string::npos);
}

TEST(TableSecrets, OnlySuppressedAndOneSecret) {
  Report r = secrets_only_report();
  std::erase_if(r.inventory.secrets, [](const SecretFinding& s) { return !s.suppressed; });
  std::string text = render(write_table, r);
  EXPECT_NE(text.find("Secrets\n\n0 secrets (0 critical, 0 high, 0 medium, 0 low, 0 unknown), 2 suppressed\n\n"
                      "Suppressed:\n"),
            std::string::npos)
      << text;
  r.inventory.secrets.front().suppressed.reset();
  text = render(write_table, r);
  EXPECT_NE(text.find("\n1 secret (0 critical, 1 high, 0 medium, 0 low, 0 unknown), 1 suppressed\n"), std::string::npos)
      << text;
}

TEST(TableSecrets, RepoFindingsShowCommitAndDate) {
  const std::string text = render(write_table, repo_report());
  EXPECT_TRUE(text.starts_with("Target: https://git.example.org/shop/backend.git (repo)\nPackages: 0\n\nSecrets\n\n"))
      << text;
  EXPECT_NE(text.find("  HIGH  scripts/ci.sh:14:21  gitlab-pat  glpat-Zk*****  commit 9fceb02d 2024-03-14, not in "
                      "HEAD\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  MEDIUM  src/notify.py:3:11  slack-webhook-url  https*****  commit e83c5163 2023-11-02  "
                      "baseline: known since 2023-11 (.vigil-baseline.json)\n"),
            std::string::npos)
      << text;
}

TEST(TableSecrets, LongPathsKeepTheirEnd) {
  Report r = secrets_only_report();
  r.inventory.secrets.resize(1);
  r.inventory.secrets[0].path = std::string(100, 'd') + "/\xC3\xA9t\xC3\xA9/config.yml";
  const std::string text = render(write_table, r);
  const std::string cut = "  HIGH  ..." + std::string(60 - 3 - 15, 'd') + "/\xC3\xA9t\xC3\xA9/config.yml:31:18  ";
  EXPECT_NE(text.find(cut), std::string::npos) << text;
}

TEST(TableSecrets, HostileTextCannotReachTheTerminal) {
  const std::string text = render(write_table, hostile_secrets_report());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 || c == '\n') << "control byte " << static_cast<int>(u) << " in\n" << text;
    EXPECT_NE(u, 0x7F);
  }
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);  // C1 CSI
  // Each finding stays one row: the newlines in the path, commit and reason did not split it.
  EXPECT_EQ(count_of(text, "\n  HIGH  evil  [31mdir \"q\"/ ]0;pwned /a  "), 1U) << text;
  EXPECT_EQ(count_of(text, "\n  UNKNOWN  evil  [31mdir"), 1U) << text;
  EXPECT_NE(text.find("ghp_ [2J*****  commit abc [1md 2024-01-01  ignore: evil"), std::string::npos) << text;
}

// ---------------------------------------------------------------------------------------------------- SARIF

const json& driver_rule(const json& log, std::string_view id) {
  for (const auto& rule : log["runs"][0]["tool"]["driver"]["rules"]) {
    if (rule["id"] == id) {
      return rule;
    }
  }
  static const json kNone;
  ADD_FAILURE() << "no rule " << id;
  return kNone;
}

std::vector<const json*> results_of(const json& log, std::string_view rule) {
  return all_by(log["runs"][0]["results"], "ruleId", rule);
}

TEST(SarifSecrets, OneRulePerSecretRuleAfterTheAdvisories) {
  const json log = run(write_sarif, secrets_report());
  const json& rules = log["runs"][0]["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 8U + 7U);
  std::vector<std::string> secret_ids;
  for (size_t i = 8; i < rules.size(); ++i) {
    secret_ids.push_back(rules[i]["id"]);
  }
  EXPECT_EQ(secret_ids, (std::vector<std::string>{"aws-access-key-id", "aws-secret-access-key", "github-pat", "jwt",
                                                  "private-key-openssh", "stripe-test-key", "url-password-database"}));
  const json& pat = driver_rule(log, "github-pat");
  EXPECT_EQ(pat["shortDescription"]["text"], kGithubPat);
  EXPECT_EQ(pat["fullDescription"]["text"], kGithubPat);
  EXPECT_EQ(pat["defaultConfiguration"]["level"], "error");
  EXPECT_EQ(pat["properties"], json({{"security-severity", "8.0"}, {"tags", {"security", "secret"}}}));
  EXPECT_NE(pat["help"]["text"].get<std::string>().find("Revoke or rotate"), std::string::npos);
  EXPECT_EQ(driver_rule(log, "aws-access-key-id")["properties"]["security-severity"], "9.5");
  EXPECT_EQ(driver_rule(log, "jwt")["properties"]["security-severity"], "5.5");
  EXPECT_EQ(driver_rule(log, "jwt")["defaultConfiguration"]["level"], "warning");
  EXPECT_EQ(driver_rule(log, "stripe-test-key")["properties"]["security-severity"], "2.0");
  EXPECT_EQ(driver_rule(log, "stripe-test-key")["defaultConfiguration"]["level"], "note");
}

TEST(SarifSecrets, OneResultPerFinding) {
  const json log = run(write_sarif, secrets_report());
  const json& results = log["runs"][0]["results"];
  ASSERT_EQ(results.size(), 11U + 9U);
  const auto key_id = results_of(log, "aws-access-key-id");
  ASSERT_EQ(key_id.size(), 1U);
  const json& r = *key_id[0];
  EXPECT_EQ(r["ruleIndex"], 8);
  EXPECT_EQ(r["level"], "error");
  EXPECT_EQ(r["message"]["text"], std::string(kAwsKeyId) + ": AKIA*****");
  EXPECT_EQ(r["locations"], json::parse(R"([{"physicalLocation": {"artifactLocation": {"uri":
      "deploy/terraform.tfvars"}, "region": {"startLine": 4, "startColumn": 22}}}])"));
  const SecretFinding expected = sample_finding("aws-access-key-id", 4);
  EXPECT_EQ(r["partialFingerprints"], json({{"vigilSecret/v1", expected.fingerprint}}));
  EXPECT_EQ(r["properties"], json({{"redacted", "AKIA*****"}}));
  EXPECT_FALSE(r.contains("suppressions"));
  for (const json* each : results_of(log, "github-pat")) {
    const json& rules = log["runs"][0]["tool"]["driver"]["rules"];
    EXPECT_EQ(rules[(*each)["ruleIndex"].get<size_t>()]["id"], "github-pat");
  }
}

TEST(SarifSecrets, FingerprintsAreUniqueAndUrisEncoded) {
  const json log = run(write_sarif, secrets_report());
  std::set<std::string> fingerprints;
  for (const auto& r : log["runs"][0]["results"]) {
    EXPECT_TRUE(fingerprints.insert(r["partialFingerprints"].dump()).second) << r.dump();
  }
  const auto pats = results_of(log, "github-pat");
  ASSERT_EQ(pats.size(), 3U);
  const std::string first = (*pats[0])["partialFingerprints"]["vigilSecret/v1"];
  EXPECT_EQ((*pats[1])["partialFingerprints"]["vigilSecret/v1"], first + ":2");  // same token at line 58
  EXPECT_EQ((*pats[1])["locations"][0]["physicalLocation"]["region"]["startLine"], 58);
  EXPECT_EQ((*pats[2])["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "docs/Pr%C3%BCfung%20notes%3Av2.md");
}

TEST(SarifSecrets, SuppressedFindings) {
  const json log = run(write_sarif, secrets_report());
  EXPECT_EQ((*results_of(log, "github-pat")[2])["suppressions"],
            json::parse(R"j([{"kind": "external", "justification": "baseline (.vigil-baseline.json)"}])j"));
  EXPECT_EQ(
      (*results_of(log, "stripe-test-key")[0])["suppressions"],
      json::parse(
          R"j([{"kind": "external", "justification": "test-mode key of the public demo shop (.vigilignore)"}])j"));
}

TEST(SarifSecrets, RepoPropertiesAndSecretsOnly) {
  const json log = run(write_sarif, repo_report());
  const json& rules = log["runs"][0]["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 2U);
  EXPECT_EQ(rules[0]["id"], "gitlab-pat");
  const json& gone = *results_of(log, "gitlab-pat")[0];
  EXPECT_EQ(gone["ruleIndex"], 0);
  EXPECT_EQ(gone["properties"], json({{"redacted", "glpat-Zk*****"},
                                      {"commit", "9fceb02d0ae598e95dc970b74767f19372d61af8"},
                                      {"authorDate", "2024-03-14T09:26:53+01:00"},
                                      {"presentAtHead", false}}));
  EXPECT_EQ((*results_of(log, "slack-webhook-url")[0])["properties"]["presentAtHead"], true);
}

TEST(SarifSecrets, RuleIdThatIsAlsoAnAdvisoryIdStaysUnique) {
  Report r = secrets_report();
  r.inventory.secrets[0].rule = "GHSA-35jh-r3h4-6jhm";
  const json log = run(write_sarif, r);
  std::set<std::string> ids;
  for (const auto& rule : log["runs"][0]["tool"]["driver"]["rules"]) {
    EXPECT_TRUE(ids.insert(rule["id"]).second) << rule["id"];
  }
  const auto moved = results_of(log, "secret/GHSA-35jh-r3h4-6jhm");
  ASSERT_EQ(moved.size(), 1U);
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["rules"][(*moved[0])["ruleIndex"].get<size_t>()]["id"],
            "secret/GHSA-35jh-r3h4-6jhm");
}

TEST(SarifSecrets, HostileTextStaysValid) {
  const std::string text = render(write_sarif, hostile_secrets_report());
  const json log = json::parse(text);
  for (const auto& r : log["runs"][0]["results"]) {
    const std::string uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    EXPECT_EQ(uri.find_first_of(std::string(" :\n\r\x1b\x07\0", 7)), std::string::npos) << uri;
    EXPECT_EQ(uri.rfind("evil%0A%1B%5B31mdir%20%22q%22/", 0), 0U) << uri;
  }
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["rules"][1]["defaultConfiguration"]["level"], "note");
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["rules"][1]["properties"], json({{"tags", {"security", "secret"}}}));
}

TEST(SarifSecrets, NothingWhenNotScanned) {
  Report r = sample_report();
  r.inventory.secrets = sample_secrets();
  EXPECT_EQ(render(write_sarif, r), render(write_sarif, sample_report()));
}

// -------------------------------------------------------------------------------------------------- SBOMs

TEST(SbomSecrets, LeftOutOfCycloneDxAndSpdx) {
  for (const auto writer : {write_cyclonedx, write_spdx_json}) {
    const std::string text = render(writer, secrets_report());
    EXPECT_EQ(text.find("*****"), std::string::npos);
    EXPECT_EQ(text.find("aws-access-key-id"), std::string::npos);
    EXPECT_EQ(text.find("terraform.tfvars"), std::string::npos);
    EXPECT_FALSE(json::parse(text).contains("secrets"));
  }
}

}  // namespace
}  // namespace vigil::report
