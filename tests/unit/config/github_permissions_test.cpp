// GITHUB_TOKEN permission checks on realistic workflows: no permissions block, write-all, and write scopes that no
// step of the job uses (and the jobs left alone because something in them may use any scope).
#include <gtest/gtest.h>

#include "config_support.hpp"

namespace vigil::test {
namespace {

ConfigScan scan_workflow(const std::string& file) {
  return scan_config(".github/workflows/" + file, read_data("config/github-perm/" + file));
}

TEST(PermissionsMissing, NamesTheJobsWithTheDefaultToken) {
  const auto scan = scan_workflow("ci-default-token.yml");
  ASSERT_TRUE(scan.warnings.empty()) << scan.warnings.front().message;
  ASSERT_EQ(scan.count("permissions-missing"), 1U);
  const auto finding = scan.of("permissions-missing").front();
  EXPECT_EQ(finding.line, 4);  // the first trigger under on:
  // build-docs calls a reusable workflow: its permissions are the called workflow's business.
  EXPECT_EQ(finding.message,
            "no permissions: at the top or in jobs test, lint: they get the repository's default token");
  EXPECT_EQ(finding.path, ".github/workflows/ci-default-token.yml");
}

TEST(PermissionsMissing, SilentWhenEveryJobSetsItsOwn) {
  EXPECT_EQ(scan_workflow("ci-job-permissions.yml").count("permissions-missing"), 0U);
  EXPECT_EQ(scan_workflow("read-all.yml").count("permissions-missing"), 0U);
  EXPECT_EQ(scan_workflow("unused-write.yml").count("permissions-missing"), 0U);
}

TEST(PermissionsMissing, OneJobWithoutPermissionsIsEnough) {
  const auto scan = scan_config(".github/workflows/x.yml",
                                "on: push\n"
                                "jobs:\n"
                                "  a:\n"
                                "    runs-on: ubuntu-latest\n"
                                "    permissions: {}\n"
                                "    steps: [{run: make}]\n"
                                "  b:\n"
                                "    runs-on: ubuntu-latest\n"
                                "    steps: [{run: make test}]\n");
  EXPECT_EQ(scan.messages_of("permissions-missing"),
            std::vector<std::string>{"no permissions: at the top or in job b: it gets the repository's default token"});
  EXPECT_EQ(scan.lines_of("permissions-missing"), std::vector<int>{1});
}

TEST(PermissionsMissing, NotForActionMetadata) {
  const auto scan = scan_config("action.yml", read_data("config/github-perm/composite/action.yml"));
  EXPECT_EQ(scan.count("permissions-missing"), 0U);
}

TEST(PermissionsWriteAll, TopLevelAndJob) {
  const auto scan = scan_workflow("write-all.yml");
  EXPECT_EQ(scan.lines_of("permissions-write-all"), (std::vector<int>{5, 26}));
  EXPECT_EQ(
      scan.messages_of("permissions-write-all"),
      (std::vector<std::string>{"the workflow grants write-all to every job", "job sync-labels grants write-all"}));
  // write-all is this check's finding, not an unused-write one per scope.
  EXPECT_EQ(scan.count("permissions-unused-write"), 0U);
}

TEST(PermissionsWriteAll, SilentOnReadAll) {
  EXPECT_EQ(scan_workflow("read-all.yml").count("permissions-write-all"), 0U);
}

TEST(PermissionsUnusedWrite, JobScopesNothingUses) {
  const auto scan = scan_workflow("unused-write.yml");
  // lint writes nothing; format pushes (contents used); comment runs gh pr comment (pull-requests used, issues not).
  EXPECT_EQ(scan.lines_of("permissions-unused-write"), (std::vector<int>{15, 16, 49}));
  EXPECT_EQ(
      scan.messages_of("permissions-unused-write"),
      (std::vector<std::string>{
          "job lint grants contents: write but none of its steps pushes, tags or releases",
          "job lint grants pull-requests: write but none of its steps opens, comments on or labels a pull request",
          "job comment grants issues: write but none of its steps opens, comments on or labels an issue",
      }));
}

TEST(PermissionsUnusedWrite, TopLevelScopeNamesTheJobsThatInheritItForNothing) {
  const auto scan = scan_workflow("release-please.yml");
  // release-please uses both; docs pushes to gh-pages (contents) but opens no pull request; publish uses neither.
  EXPECT_EQ(scan.lines_of("permissions-unused-write"), (std::vector<int>{7, 8}));
  EXPECT_EQ(scan.messages_of("permissions-unused-write"),
            (std::vector<std::string>{
                "contents: write is granted to every job but job publish has no step that pushes, tags or releases",
                "pull-requests: write is granted to every job but jobs publish, docs have no step that opens, comments "
                "on or labels a pull request",
            }));
}

TEST(PermissionsUnusedWrite, SilentWhenTheJobMayUseTheTokenInWaysNotListed) {
  // An unknown action, a release script handed GITHUB_TOKEN, gh api, a local action, a repository script run after
  // a checkout that left the token in .git/config: any scope may be used. Only the last job, whose checkout does
  // not persist the token, is reported.
  const auto scan = scan_workflow("unaccounted-token-use.yml");
  EXPECT_EQ(scan.lines_of("permissions-unused-write"), std::vector<int>{63});
  EXPECT_EQ(
      scan.messages_of("permissions-unused-write"),
      std::vector<std::string>{
          "job bump-version-no-credentials grants contents: write but none of its steps pushes, tags or releases"});
}

TEST(PermissionsUnusedWrite, PackagesAndIdTokenForGhcrAndCosign) {
  const auto scan = scan_workflow("container-publish.yml");
  // ghcr: the registry comes from env (ghcr.io) and cosign sign needs the OIDC token: both used. dockerhub pushes
  // to Docker Hub with its own credentials: packages: write is not needed there.
  EXPECT_EQ(scan.lines_of("permissions-unused-write"), std::vector<int>{57});
  EXPECT_EQ(scan.messages_of("permissions-unused-write"),
            std::vector<std::string>{"job dockerhub grants packages: write but none of its steps publishes to GitHub "
                                     "Packages"});
}

TEST(PermissionsUnusedWrite, WellKnownActionsAccountForTheirScopes) {
  EXPECT_EQ(scan_workflow("read-all.yml").count("permissions-unused-write"), 0U);            // scorecard + upload-sarif
  EXPECT_EQ(scan_workflow("ci-job-permissions.yml").count("permissions-unused-write"), 0U);  // golangci checks
}

TEST(PermissionsUnusedWrite, IdTokenWithoutAnythingThatRequestsOne) {
  const auto scan = scan_config(".github/workflows/deploy.yml",
                                "on: push\n"
                                "permissions:\n"
                                "  contents: read\n"
                                "jobs:\n"
                                "  deploy:\n"
                                "    runs-on: ubuntu-latest\n"
                                "    permissions:\n"
                                "      contents: read\n"
                                "      id-token: write\n"
                                "    steps:\n"
                                "      - uses: actions/checkout@v4\n"
                                "      - run: ./deploy.sh --static-key \"$KEY\"\n"
                                "        env:\n"
                                "          KEY: ${{ secrets.DEPLOY_KEY }}\n"
                                "  deploy-oidc:\n"
                                "    runs-on: ubuntu-latest\n"
                                "    permissions:\n"
                                "      id-token: write\n"
                                "    steps:\n"
                                "      - uses: aws-actions/configure-aws-credentials@v4\n"
                                "        with:\n"
                                "          role-to-assume: arn:aws:iam::123456789012:role/deploy\n"
                                "          aws-region: eu-west-1\n"
                                "      - run: aws s3 sync site/ s3://example-site\n");
  EXPECT_EQ(scan.lines_of("permissions-unused-write"), std::vector<int>{9});
  EXPECT_EQ(scan.messages_of("permissions-unused-write"),
            std::vector<std::string>{"job deploy grants id-token: write but none of its steps requests an OIDC token"});
}

TEST(PermissionsChecks, MalformedPermissionsDoNotCrash) {
  for (std::string_view yaml : {
           "on: push\npermissions: [contents, write]\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n",
           "on: push\npermissions:\njobs:\n  a:\n    permissions: ${{ inputs.perms }}\n    steps: []\n",
           "on: push\njobs:\n  a:\n    permissions:\n      contents: [write]\n    steps: [{uses: ''}]\n",
           "on: []\njobs: {}\n",
           "on: push\njobs:\n  a: ~\n  b: [1, 2]\n",
       }) {
    const auto scan = scan_config(".github/workflows/bad.yml", yaml);
    for (const auto& m : scan.findings) EXPECT_GE(m.line, 1) << m.check << " in " << yaml;
  }
}

}  // namespace
}  // namespace vigil::test
