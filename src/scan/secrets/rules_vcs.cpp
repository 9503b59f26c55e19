// Secret rules: vcs group (see groups.hpp): GitHub, GitLab, Bitbucket, Azure DevOps, Sourcegraph. Every row has
// a positive and a negative test in tests/unit/secrets/rules_a_test.cpp (data in tests/data/secrets/rules_a/).
// Tokens that can push code are HIGH (a supply-chain foothold); feed and short-lived job tokens are MEDIUM.
#include "scan/secrets/groups.hpp"
#include "scan/secrets/validate.hpp"

namespace vigil::secrets {
namespace {

using model::Severity;

#define VIGIL_ASSIGN R"re(["']?\s{0,5}(?:=>|:=|[:=])\s{0,5}["']?)re"
// GitLab tokens end at a character outside the token alphabet; a '.' ends one only when no alphanumeric follows
// (newer "routable" tokens carry a ".01.xxxxxxxxx" tail).
#define VIGIL_GL_END R"re((?:[^0-9A-Za-z_.-]|\.(?:[^0-9A-Za-z]|$)|$))re"
#define VIGIL_GL_ROUTABLE R"re((?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?)re"

constexpr std::string_view kGhp[] = {"ghp_"};
constexpr std::string_view kGithubPat[] = {"github_pat_"};
constexpr std::string_view kGho[] = {"gho_"};
constexpr std::string_view kGhu[] = {"ghu_"};
constexpr std::string_view kGhs[] = {"ghs_"};
constexpr std::string_view kGhr[] = {"ghr_"};
constexpr std::string_view kGlpat[] = {"glpat-"};
constexpr std::string_view kGlrt[] = {"glrt-"};
constexpr std::string_view kGr1348941[] = {"gr1348941"};
constexpr std::string_view kGldt[] = {"gldt-"};
constexpr std::string_view kGlcbt[] = {"glcbt-"};
constexpr std::string_view kGlptt[] = {"glptt-"};
constexpr std::string_view kGlft[] = {"glft-"};
constexpr std::string_view kGlffct[] = {"glffct-"};
constexpr std::string_view kGlimt[] = {"glimt-"};
constexpr std::string_view kGlagent[] = {"glagent-"};
constexpr std::string_view kGloas[] = {"gloas-"};
constexpr std::string_view kGlsoat[] = {"glsoat-"};
constexpr std::string_view kAtbb[] = {"atbb"};
constexpr std::string_view kBitbucket[] = {"bitbucket"};
constexpr std::string_view kAzureDevops[] = {"devops", "ado", "vsts", "azdo"};
constexpr std::string_view kJqqj[] = {"jqqj9"};
constexpr std::string_view kSgp[] = {"sgp_"};

constexpr SecretRule kRules[] = {
    // GitHub: the classic formats carry a CRC32 of their random part (github_crc32_ok).
    {.id = "github-pat",
     .description = "GitHub personal access token (classic)",
     .severity = Severity::High,
     .pattern = R"re(\b(ghp_[0-9A-Za-z]{36})\b)re",
     .secret_group = 1,
     .keywords = kGhp,
     .validation = {.check = github_crc32_ok}},
    {.id = "github-fine-grained-pat",
     .description = "GitHub fine-grained personal access token",
     .severity = Severity::High,
     .pattern = R"re(\b(github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59})\b)re",
     .secret_group = 1,
     .keywords = kGithubPat,
     .validation = {.min_entropy = 3.5}},
    {.id = "github-oauth-token",
     .description = "GitHub OAuth access token",
     .severity = Severity::High,
     .pattern = R"re(\b(gho_[0-9A-Za-z]{36})\b)re",
     .secret_group = 1,
     .keywords = kGho,
     .validation = {.check = github_crc32_ok}},
    {.id = "github-user-to-server-token",
     .description = "GitHub App user-to-server token",
     .severity = Severity::High,
     .pattern = R"re(\b(ghu_[0-9A-Za-z]{36})\b)re",
     .secret_group = 1,
     .keywords = kGhu,
     .validation = {.check = github_crc32_ok}},
    {.id = "github-app-installation-token",
     .description = "GitHub App installation (server-to-server) token",
     .severity = Severity::High,
     .pattern = R"re(\b(ghs_[0-9A-Za-z]{36})\b)re",
     .secret_group = 1,
     .keywords = kGhs,
     .validation = {.check = github_crc32_ok}},
    {.id = "github-refresh-token",
     .description = "GitHub App refresh token",
     .severity = Severity::High,
     .pattern = R"re(\b(ghr_[0-9A-Za-z]{36,76})\b)re",
     .secret_group = 1,
     .keywords = kGhr,
     .validation = {.min_entropy = 3.5}},
    // GitLab
    {.id = "gitlab-pat",
     .description = "GitLab personal, project or group access token",
     .severity = Severity::High,
     .pattern = R"re(\b(glpat-[0-9A-Za-z_-]{20,64})re" VIGIL_GL_ROUTABLE ")" VIGIL_GL_END,
     .secret_group = 1,
     .keywords = kGlpat,
     .validation = {.min_entropy = 3.0}},
    {.id = "gitlab-runner-token",
     .description = "GitLab runner authentication token",
     .severity = Severity::High,
     .pattern = R"re(\b(glrt-[0-9A-Za-z_-]{20,64})re" VIGIL_GL_ROUTABLE ")" VIGIL_GL_END,
     .secret_group = 1,
     .keywords = kGlrt,
     .validation = {.min_entropy = 3.0}},
    {.id = "gitlab-runner-registration-token",
     .description = "GitLab runner registration token",
     .severity = Severity::High,
     .pattern = R"re(\b(GR1348941[0-9A-Za-z_-]{20})re"
                ")" VIGIL_GL_END,
     .secret_group = 1,
     .keywords = kGr1348941,
     .validation = {.min_entropy = 3.0}},
    {.id = "gitlab-deploy-token",
     .description = "GitLab deploy token",
     .severity = Severity::High,
     .pattern = R"re(\b(gldt-[0-9A-Za-z_-]{20})re"
                ")" VIGIL_GL_END,
     .secret_group = 1,
     .keywords = kGldt,
     .validation = {.min_entropy = 3.0}},
    {.id = "gitlab-cicd-job-token",
     .description = "GitLab CI/CD job token (valid while the job runs: medium)",
     .severity = Severity::Medium,
     .pattern = R"re(\b(glcbt-[0-9A-Za-z]{1,5}_[0-9A-Za-z_-]{20})re"
                ")" VIGIL_GL_END,
     .secret_group = 1,
     .keywords = kGlcbt,
     .validation = {.min_entropy = 3.0}},
    {.id = "gitlab-pipeline-trigger-token",
     .description = "GitLab pipeline trigger token",
     .severity = Severity::High,
     .pattern = R"re(\b(glptt-[0-9a-f]{40})\b)re",
     .secret_group = 1,
     .keywords = kGlptt,
     .validation = {.min_entropy = 3.0}},
    {.id = "gitlab-feed-token",
     .description = "GitLab feed token (read-only RSS/calendar feeds: medium)",
     .severity = Severity::Medium,
     .pattern = R"re(\b(glft-[0-9A-Za-z_-]{20})re"
                ")" VIGIL_GL_END,
     .secret_group = 1,
     .keywords = kGlft,
     .validation = {.min_entropy = 3.0}},
    {.id = "gitlab-feature-flag-client-token",
     .description = "GitLab feature flags client token (reads flag state: medium)",
     .severity = Severity::Medium,
     .pattern = R"re(\b(glffct-[0-9A-Za-z_-]{20})re"
                ")" VIGIL_GL_END,
     .secret_group = 1,
     .keywords = kGlffct,
     .validation = {.min_entropy = 3.0}},
    {.id = "gitlab-incoming-mail-token",
     .description = "GitLab incoming email token (creates issues by mail: medium)",
     .severity = Severity::Medium,
     .pattern = R"re(\b(glimt-[0-9A-Za-z_-]{25})re"
                ")" VIGIL_GL_END,
     .secret_group = 1,
     .keywords = kGlimt,
     .validation = {.min_entropy = 3.0}},
    {.id = "gitlab-kubernetes-agent-token",
     .description = "GitLab agent for Kubernetes token",
     .severity = Severity::High,
     .pattern = R"re(\b(glagent-[0-9A-Za-z_-]{50})re"
                ")" VIGIL_GL_END,
     .secret_group = 1,
     .keywords = kGlagent,
     .validation = {.min_entropy = 3.0}},
    {.id = "gitlab-oauth-app-secret",
     .description = "GitLab OAuth application secret",
     .severity = Severity::High,
     .pattern = R"re(\b(gloas-[0-9A-Za-z_-]{64})re"
                ")" VIGIL_GL_END,
     .secret_group = 1,
     .keywords = kGloas,
     .validation = {.min_entropy = 3.0}},
    {.id = "gitlab-scim-token",
     .description = "GitLab SCIM OAuth token",
     .severity = Severity::High,
     .pattern = R"re(\b(glsoat-[0-9A-Za-z_-]{20})re"
                ")" VIGIL_GL_END,
     .secret_group = 1,
     .keywords = kGlsoat,
     .validation = {.min_entropy = 3.0}},
    // Bitbucket, Azure DevOps, Sourcegraph
    {.id = "bitbucket-app-password",
     .description = "Bitbucket app password",
     .severity = Severity::High,
     .pattern = R"re(\b(ATBB[A-Za-z0-9_=.-]{32})(?:[^A-Za-z0-9_=.-]|$))re",
     .secret_group = 1,
     .keywords = kAtbb,
     .validation = {.min_entropy = 3.5}},
    {.id = "bitbucket-client-secret",
     .description = "Bitbucket OAuth consumer secret",
     .severity = Severity::High,
     .pattern =
         R"re((?i:bitbucket[\w.-]{0,20}secret))re" VIGIL_ASSIGN R"re(([A-Za-z0-9_=-]{32,64})(?:[^A-Za-z0-9_=-]|$))re",
     .secret_group = 1,
     .keywords = kBitbucket,
     .validation = {.min_entropy = 3.5}},
    {.id = "azure-devops-pat",
     .description = "Azure DevOps personal access token",
     .severity = Severity::High,
     .pattern = R"re((?i:(?:azure[_.-]?devops|ado|vsts|azdo)[\w.-]{0,20}(?:pat|token)))re" VIGIL_ASSIGN
                R"re(([a-z2-7]{52})\b)re",
     .secret_group = 1,
     .keywords = kAzureDevops,
     .validation = {.min_entropy = 3.5}},
    {.id = "azure-devops-pat-v2",
     .description = "Azure DevOps personal access token (84-character format)",
     .severity = Severity::High,
     .pattern = R"re(\b([A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9]{18}AZDO[A-Za-z0-9]{4})\b)re",
     .secret_group = 1,
     .keywords = kJqqj},
    {.id = "sourcegraph-access-token",
     .description = "Sourcegraph access token",
     .severity = Severity::High,
     .pattern = R"re(\b(sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40})\b)re",
     .secret_group = 1,
     .keywords = kSgp,
     .validation = {.min_entropy = 3.0}},
};

#undef VIGIL_ASSIGN
#undef VIGIL_GL_END
#undef VIGIL_GL_ROUTABLE

}  // namespace

std::span<const SecretRule> vcs_rules() {
  return kRules;
}

}  // namespace vigil::secrets
