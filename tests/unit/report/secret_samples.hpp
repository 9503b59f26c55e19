// Hand-built reports with secret findings shared by the report writer tests: a realistic scan (on top of the
// vulnerability sample), a `scan repo` one and one with hostile text from scanned paths.
#pragma once

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "model/secret.hpp"
#include "report/report.hpp"
#include "report/vuln_support.hpp"
#include "unit/report/vuln_samples.hpp"

namespace vigil::report::secret_samples {

using model::SecretFinding;
using model::Severity;

// A finding as the scanner reports it (fingerprint: 32 hex digits of a SHA-256, as the scanner's own is).
inline SecretFinding secret(std::string rule, std::string title, Severity severity, std::string path, int line,
                            int column, std::string redacted) {
  SecretFinding s;
  s.rule = std::move(rule);
  s.title = std::move(title);
  s.severity = severity;
  s.path = std::move(path);
  s.line = line;
  s.column = column;
  s.redacted = std::move(redacted);
  s.fingerprint = vuln::fingerprint({s.rule, s.path, s.redacted, "sample secret"}).substr(0, 32);
  return s;
}

inline constexpr const char* kGithubPat = "GitHub personal access token (classic)";
inline constexpr const char* kAwsKeyId = "AWS access key ID (half of an IAM or STS credential pair)";

// In the scanner's order (path, line, column, rule): findings of every severity, the same token twice in one
// workflow (one fingerprint), a path that needs percent-encoding, one baselined and one ignored.
inline std::vector<SecretFinding> sample_secrets() {
  std::vector<SecretFinding> out;
  out.push_back(
      secret("github-pat", kGithubPat, Severity::High, ".github/workflows/release.yml", 31, 18, "ghp_Nq*****"));
  SecretFinding again = out.back();
  again.line = 58;
  again.column = 22;
  out.push_back(again);  // same token, same file: same fingerprint
  out.push_back(secret("url-password-database",
                       "Database URL with an embedded password (PostgreSQL, MySQL, MariaDB, SQL Server, Oracle...)",
                       Severity::High, "app/config/database.yml", 12, 15, "Zx9q*****"));
  out.push_back(
      secret("aws-access-key-id", kAwsKeyId, Severity::Critical, "deploy/terraform.tfvars", 4, 22, "AKIA*****"));
  out.push_back(secret("aws-secret-access-key", "AWS secret access key", Severity::Critical, "deploy/terraform.tfvars",
                       5, 26, "q7Kx*****"));
  out.push_back(secret("github-pat", kGithubPat, Severity::High, "docs/Pr\u00fcfung notes:v2.md", 7, 5, "ghp_4f*****"));
  out.back().suppressed = model::Suppression{"baseline", ".vigil-baseline.json", ""};
  out.push_back(secret("stripe-test-key",
                       "Stripe test-mode secret or restricted key (no real money, but exposes test data and settings)",
                       Severity::Low, "examples/checkout/.env", 2, 19, "sk_test_Zq*****"));
  out.back().suppressed = model::Suppression{"ignore", ".vigilignore", "test-mode key of the public demo shop"};
  out.push_back(secret("jwt", "JSON Web Token (often short-lived; check its exp claim)", Severity::Medium,
                       "web/src/api/client.ts", 9, 33, "eyJh*****"));
  out.push_back(secret("private-key-openssh", "OpenSSH private key", Severity::Critical, "ops/keys/deploy_ed25519", 1,
                       1, "----*****"));
  std::sort(out.begin(), out.end(), [](const SecretFinding& a, const SecretFinding& b) {
    return std::tie(a.path, a.line, a.column, a.rule) < std::tie(b.path, b.line, b.column, b.rule);
  });
  return out;
}

// The vulnerability sample plus its secrets: every section of every format at once.
inline Report secrets_report() {
  Report r = vuln_samples::sample_report();
  r.secrets_scanned = true;
  r.inventory.secrets = sample_secrets();
  return r;
}

// Secrets only (`--scanners secret`): no vulnerability section.
inline Report secrets_only_report() {
  Report r = vuln_samples::inventory_report();
  r.secrets_scanned = true;
  r.inventory.secrets = sample_secrets();
  return r;
}

// `scan repo`: where each secret first appeared and whether HEAD still has it.
inline Report repo_report() {
  Report r;
  r.target = "https://git.example.org/shop/backend.git";
  r.target_kind = "repo";
  r.tool_version = "0.1.0";
  r.created = "2024-05-01T12:00:00Z";
  r.secrets_scanned = true;
  auto gone = secret("gitlab-pat", "GitLab personal, project or group access token", Severity::High, "scripts/ci.sh",
                     14, 21, "glpat-Zk*****");
  gone.commit = "9fceb02d0ae598e95dc970b74767f19372d61af8";
  gone.author_date = "2024-03-14T09:26:53+01:00";
  gone.present_at_head = false;
  auto still = secret("slack-webhook-url", "Slack incoming webhook URL (posts to one channel: medium)",
                      Severity::Medium, "src/notify.py", 3, 11, "https*****");
  still.commit = "e83c5163316f89bfbde7d9ab23ca2e25604af290";
  still.author_date = "2023-11-02T17:04:11Z";
  still.present_at_head = true;
  still.suppressed = model::Suppression{"baseline", ".vigil-baseline.json", "known since 2023-11"};
  r.inventory.secrets = {gone, still};
  return r;
}

// Scanned paths are file names anyone can create: newlines, terminal escapes, NUL, invalid UTF-8, quotes.
inline const std::string kHostilePath =
    std::string("evil\n\x1b[31mdir \"q\"/\x1b]0;pwned\x07/a\r") + '\0' + "b \xff\xfe\xc2\x9b x:y/%41?#.env";

inline Report hostile_secrets_report() {
  Report r = vuln_samples::inventory_report();
  r.secrets_scanned = true;
  auto s = secret("github-pat", kGithubPat, Severity::High, kHostilePath, 3, 7, "ghp_\x1b[2J*****");
  s.commit = "abc\x1b[1mdef\n0123456789";
  s.author_date = "2024-01-01\x1b[0m";
  s.suppressed = model::Suppression{"ignore", ".vigilignore\n", vuln_samples::kHostile};
  r.inventory.secrets = {s, secret("jwt", std::string("JWT ") + vuln_samples::kHostile, Severity::Unknown, kHostilePath,
                                   4, 1, "eyJh*****")};
  return r;
}

}  // namespace vigil::report::secret_samples
