// Secret rules: registry group (see groups.hpp): package registries (npm, PyPI, RubyGems, NuGet, Docker Hub,
// crates.io, Clojars, JFrog) and CI systems (Codecov, CircleCI, Travis, Buildkite, Jenkins, Drone; SonarQube and
// Harness are in the saas group). Every row has a positive and a negative test in tests/unit/secrets/rules_a_test.cpp.
// Publish tokens are HIGH (they let an attacker ship a package); upload-only and read-mostly CI tokens are MEDIUM.
#include <algorithm>
#include <string>

#include "scan/secrets/groups.hpp"
#include "scan/secrets/validate.hpp"

namespace vigil::secrets {
namespace {

using model::Severity;

#define VIGIL_ASSIGN R"re(["']?\s{0,5}(?:=>|:=|[:=])\s{0,5}["']?)re"

// An .npmrc _authToken that another, more precise rule reports already (npm_, GitHub, GitLab) or that is an
// environment reference is left to that rule.
bool npmrc_auth_token_ok(std::string_view secret) {
  for (const std::string_view prefix : {"npm_", "ghp_", "gho_", "ghu_", "ghs_", "github_pat_", "glpat-"}) {
    if (secret.starts_with(prefix)) {
      return false;
    }
  }
  return true;
}

bool printable_ascii(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

// "user:password" in base64 (Docker config "auth", .npmrc "_auth"): both parts present and printable.
bool basic_auth_ok(std::string_view secret) {
  std::string decoded;
  if (!base64_decode(secret, decoded, 1024, false) || !printable_ascii(decoded)) {
    return false;
  }
  const auto colon = decoded.find(':');
  return colon != std::string::npos && colon > 0 && colon + 1 < decoded.size();
}

// .npmrc _password is the base64 of the password alone.
bool base64_printable_ok(std::string_view secret) {
  std::string decoded;
  return base64_decode(secret, decoded, 1024, false) && decoded.size() >= 4 && printable_ascii(decoded);
}

constexpr std::string_view kNpm[] = {"npm_"};
constexpr std::string_view kAuthToken[] = {"_authtoken"};
constexpr std::string_view kAuth[] = {"_auth"};
constexpr std::string_view kPassword[] = {"_password"};
constexpr std::string_view kPypi[] = {"pypi-age"};
constexpr std::string_view kRubygems[] = {"rubygems_"};
constexpr std::string_view kNuget[] = {"oy2"};
constexpr std::string_view kDckr[] = {"dckr_"};
constexpr std::string_view kDockerAuth[] = {"\"auth\""};
constexpr std::string_view kCodecov[] = {"codecov"};
constexpr std::string_view kAkcp[] = {"akcp"};
constexpr std::string_view kRefTkn[] = {"cmvmdgtu"};
constexpr std::string_view kCcip[] = {"ccip"};
constexpr std::string_view kCircle[] = {"circle"};
constexpr std::string_view kTravis[] = {"travis"};
constexpr std::string_view kBkua[] = {"bkua_"};
constexpr std::string_view kJenkins[] = {"jenkins"};
constexpr std::string_view kGradle[] = {"gradle"};
constexpr std::string_view kClojars[] = {"clojars_"};
constexpr std::string_view kCio[] = {"cio"};
constexpr std::string_view kDrone[] = {"drone"};

constexpr SecretRule kRules[] = {
    // npm
    {.id = "npm-access-token",
     .description = "npm access token",
     .severity = Severity::High,
     .pattern = R"re(\b(npm_[A-Za-z0-9]{36})\b)re",
     .secret_group = 1,
     .keywords = kNpm,
     .validation = {.check = github_crc32_ok}},
    {.id = "npmrc-auth-token",
     .description = "Registry auth token in .npmrc (_authToken)",
     .severity = Severity::High,
     .pattern = R"re(_authToken\s{0,3}=\s{0,3}["']?([A-Za-z0-9_+/=.-]{20,512})(?:[^A-Za-z0-9_+/=.-]|$))re",
     .secret_group = 1,
     .keywords = kAuthToken,
     .validation = {.min_entropy = 3.0, .check = npmrc_auth_token_ok}},
    {.id = "npmrc-auth",
     .description = "Registry credentials in .npmrc (_auth, base64 of user:password)",
     .severity = Severity::High,
     .pattern = R"re((?:^|[\s:])_auth\s{0,3}=\s{0,3}["']?([A-Za-z0-9+/]{8,512}={0,2})(?:[^A-Za-z0-9+/=]|$))re",
     .secret_group = 1,
     .keywords = kAuth,
     .validation = {.check = basic_auth_ok}},
    {.id = "npmrc-password",
     .description = "Registry password in .npmrc (_password, base64)",
     .severity = Severity::High,
     .pattern = R"re((?:^|[\s:])_password\s{0,3}=\s{0,3}["']?([A-Za-z0-9+/]{8,512}={0,2})(?:[^A-Za-z0-9+/=]|$))re",
     .secret_group = 1,
     .keywords = kPassword,
     .validation = {.min_entropy = 2.5, .check = base64_printable_ok}},
    // Other package registries
    {.id = "pypi-upload-token",
     .description = "PyPI (or TestPyPI) upload token",
     .severity = Severity::High,
     .pattern = R"re(\b(pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000})(?:[^A-Za-z0-9_-]|$))re",
     .secret_group = 1,
     .keywords = kPypi,
     .validation = {.min_entropy = 3.5}},
    {.id = "rubygems-api-key",
     .description = "RubyGems API key",
     .severity = Severity::High,
     .pattern = R"re(\b(rubygems_[a-f0-9]{48})\b)re",
     .secret_group = 1,
     .keywords = kRubygems,
     .validation = {.min_entropy = 3.0}},
    {.id = "nuget-api-key",
     .description = "NuGet.org API key",
     .severity = Severity::High,
     .pattern = R"re(\b(oy2[a-z0-9]{43})\b)re",
     .secret_group = 1,
     .keywords = kNuget,
     .validation = {.min_entropy = 3.5}},
    {.id = "dockerhub-pat",
     .description = "Docker Hub personal or organization access token",
     .severity = Severity::High,
     .pattern = R"re(\b(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,32})(?:[^A-Za-z0-9_-]|$))re",
     .secret_group = 1,
     .keywords = kDckr,
     .validation = {.min_entropy = 3.0}},
    {.id = "docker-config-auth",
     .description = "Registry credentials in a Docker config.json (\"auth\": base64 of user:password)",
     .severity = Severity::High,
     .pattern = R"re("auth"\s{0,5}:\s{0,5}"([A-Za-z0-9+/]{8,1024}={0,2})")re",
     .secret_group = 1,
     .keywords = kDockerAuth,
     .validation = {.check = basic_auth_ok}},
    {.id = "crates-io-token",
     .description = "crates.io API token",
     .severity = Severity::High,
     .pattern = R"re(\b(cio[A-Za-z0-9]{32})\b)re",
     .secret_group = 1,
     .keywords = kCio,
     .validation = {.min_entropy = 3.5}},
    {.id = "clojars-api-token",
     .description = "Clojars deploy token",
     .severity = Severity::High,
     .pattern = R"re(\b(CLOJARS_[a-z0-9]{60})\b)re",
     .secret_group = 1,
     .keywords = kClojars,
     .validation = {.min_entropy = 3.0}},
    {.id = "jfrog-api-key",
     .description = "JFrog Artifactory API key",
     .severity = Severity::High,
     .pattern = R"re(\b(AKCp[A-Za-z0-9]{69})\b)re",
     .secret_group = 1,
     .keywords = kAkcp,
     .validation = {.min_entropy = 3.5}},
    {.id = "jfrog-reference-token",
     .description = "JFrog reference (identity) token",
     .severity = Severity::High,
     .pattern = R"re(\b(cmVmdGtu[A-Za-z0-9]{56})\b)re",
     .secret_group = 1,
     .keywords = kRefTkn,
     .validation = {.min_entropy = 3.5}},
    {.id = "gradle-publish-secret",
     .description = "Gradle Plugin Portal publishing secret",
     .severity = Severity::High,
     .pattern = R"re((?i:gradle[_.-]publish[_.-]secret))re" VIGIL_ASSIGN R"re(([A-Za-z0-9]{32})\b)re",
     .secret_group = 1,
     .keywords = kGradle,
     .validation = {.min_entropy = 3.0}},
    // CI systems
    {.id = "codecov-upload-token",
     .description = "Codecov upload token (uploads coverage only: medium)",
     .severity = Severity::Medium,
     .pattern = R"re((?i:codecov[_.-]?(?:upload[_.-]?)?token))re" VIGIL_ASSIGN
                R"re(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b)re",
     .secret_group = 1,
     .keywords = kCodecov},
    {.id = "circleci-pat",
     .description = "CircleCI personal or project API token",
     .severity = Severity::High,
     .pattern = R"re(\b(CCIP(?:AT|RJ)_[A-Za-z0-9]{22}_[a-f0-9]{40})\b)re",
     .secret_group = 1,
     .keywords = kCcip,
     .validation = {.min_entropy = 3.0}},
    {.id = "circleci-token",
     .description = "CircleCI API token (legacy 40-hex format)",
     .severity = Severity::High,
     .pattern = R"re((?i:circle[_.-]?(?:ci)?[\w.-]{0,20}token))re" VIGIL_ASSIGN R"re(([a-f0-9]{40})\b)re",
     .secret_group = 1,
     .keywords = kCircle,
     .validation = {.min_entropy = 3.0}},
    {.id = "travis-ci-token",
     .description = "Travis CI API token",
     .severity = Severity::Medium,
     .pattern = R"re((?i:travis[\w.-]{0,20}token))re" VIGIL_ASSIGN R"re(([A-Za-z0-9_-]{22})(?:[^A-Za-z0-9_-]|$))re",
     .secret_group = 1,
     .keywords = kTravis,
     .validation = {.min_entropy = 3.0}},
    {.id = "buildkite-api-token",
     .description = "Buildkite API access token",
     .severity = Severity::High,
     .pattern = R"re(\b(bkua_[a-f0-9]{40})\b)re",
     .secret_group = 1,
     .keywords = kBkua,
     .validation = {.min_entropy = 3.0}},
    {.id = "jenkins-api-token",
     .description = "Jenkins API token",
     .severity = Severity::High,
     .pattern =
         R"re((?i:jenkins[\w.-]{0,20}(?:token|api[_.-]?key|password)))re" VIGIL_ASSIGN R"re((11[0-9a-f]{32})\b)re",
     .secret_group = 1,
     .keywords = kJenkins,
     .validation = {.min_entropy = 3.0}},
    {.id = "drone-ci-token",
     .description = "Drone CI personal token",
     .severity = Severity::Medium,
     .pattern = R"re((?i:drone[\w.-]{0,20}token))re" VIGIL_ASSIGN R"re(([A-Za-z0-9]{32})\b)re",
     .secret_group = 1,
     .keywords = kDrone,
     .validation = {.min_entropy = 3.5}},
};

#undef VIGIL_ASSIGN

}  // namespace

std::span<const SecretRule> registry_rules() {
  return kRules;
}

}  // namespace vigil::secrets
