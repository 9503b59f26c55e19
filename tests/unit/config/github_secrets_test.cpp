// Where a workflow sends its secrets: secrets: inherit, the workflow-level env, third-party actions and other
// repositories' reusable workflows. Realistic workflows with close negatives (vars, GITHUB_TOKEN, local actions).
#include <gtest/gtest.h>

#include <algorithm>

#include "config_support.hpp"

namespace vigil::test {
namespace {

ConfigScan scan_workflow(const std::string& file) {
  return scan_config(".github/workflows/" + file, read_data("config/github-perm/" + file));
}

TEST(SecretsInherit, LocalAndOtherRepositoryCalls) {
  const auto scan = scan_workflow("reusable-callers.yml");
  ASSERT_TRUE(scan.warnings.empty()) << scan.warnings.front().message;
  EXPECT_EQ(scan.lines_of("secrets-inherit"), (std::vector<int>{15, 23}));
  EXPECT_EQ(scan.messages_of("secrets-inherit"),
            (std::vector<std::string>{
                "job build passes every secret of this workflow to ./.github/workflows/build.yml",
                "job deploy-staging passes every secret of this workflow to "
                "acme-platform/shared-workflows/.github/workflows/deploy-ecs.yml@v3, a workflow of another repository",
            }));
}

TEST(SecretsInherit, SilentWhenSecretsArePassedOneByOne) {
  EXPECT_EQ(scan_workflow("ci-job-permissions.yml").count("secrets-inherit"), 0U);
  EXPECT_EQ(scan_workflow("third-party-secrets.yml").count("secrets-inherit"), 0U);
}

TEST(SecretsInWorkflowEnv, EachSecretInTheTopLevelEnv) {
  const auto scan = scan_workflow("workflow-env.yml");
  // vars.*, a file name containing "secrets." and GITHUB_TOKEN are not reported; job and service env are not
  // workflow-level.
  EXPECT_EQ(scan.lines_of("secrets-in-workflow-env"), (std::vector<int>{14, 15, 19}));
  EXPECT_EQ(scan.messages_of("secrets-in-workflow-env"),
            (std::vector<std::string>{
                "env AWS_ACCESS_KEY_ID holds secrets.AWS_ACCESS_KEY_ID for every step of every job",
                "env AWS_SECRET_ACCESS_KEY holds secrets.AWS_SECRET_ACCESS_KEY for every step of every job",
                "env DATABASE_URL holds secrets.TEST_DB_PASSWORD for every step of every job",
            }));
}

TEST(SecretsInWorkflowEnv, SilentWithoutSecrets) {
  EXPECT_EQ(scan_workflow("container-publish.yml").count("secrets-in-workflow-env"), 0U);
}

TEST(SecretToThirdPartyAction, ReportsTheSecretTheActionAndItsPin) {
  const auto scan = scan_workflow("third-party-secrets.yml");
  EXPECT_EQ(scan.lines_of("secret-to-third-party-action"), (std::vector<int>{26, 30}));
  EXPECT_EQ(scan.messages_of("secret-to-third-party-action"),
            (std::vector<std::string>{
                "secrets.CODECOV_TOKEN goes to action codecov/codecov-action@v4 as input token (v4 is a tag or "
                "branch: whoever moves it gets the secret)",
                "secrets.SONAR_TOKEN goes to action SonarSource/sonarqube-scan-action@v4 as env SONAR_TOKEN (v4 is a "
                "tag or branch: whoever moves it gets the secret)",
            }));
  // slackapi/slack-github-action pinned to a commit SHA (line 34) is silent: nobody can move what it runs.
  // actions/github-script, github/codeql-action, ./ and docker:// steps, and GITHUB_TOKEN given to
  // marocchino/sticky-pull-request-comment or peaceiris/actions-gh-pages are not reported.
}

TEST(SecretToThirdPartyAction, DockerLoginWithAHubToken) {
  const auto scan = scan_workflow("container-publish.yml");
  EXPECT_EQ(scan.lines_of("secret-to-third-party-action"), std::vector<int>{65});
  EXPECT_EQ(scan.messages_of("secret-to-third-party-action"),
            std::vector<std::string>{"secrets.DOCKERHUB_TOKEN goes to action docker/login-action@v3 as input password "
                                     "(v3 is a tag or branch: whoever moves it gets the secret)"});
}

TEST(SecretToThirdPartyAction, ReusableWorkflowOfAnotherRepository) {
  const auto scan = scan_workflow("reusable-callers.yml");
  // smoke-test passes a secret to this repository's own workflow: not reported.
  EXPECT_EQ(scan.lines_of("secret-to-third-party-action"), (std::vector<int>{29, 30}));
  EXPECT_EQ(scan.messages_of("secret-to-third-party-action").front(),
            "secrets.HELM_REPO_PASSWORD goes to reusable workflow "
            "acme-platform/shared-workflows/.github/workflows/helm-publish.yml@v2.4.0 as secret HELM_REPO_PASSWORD "
            "(v2.4.0 is a tag or branch: whoever moves it gets the secret)");
}

TEST(SecretToThirdPartyAction, ShaPinnedRecipientsAreSilent) {
  auto text = read_data("config/github-perm/reusable-callers.yml");
  const std::string tag = "helm-publish.yml@v2.4.0";
  text.replace(text.find(tag), tag.size(), "helm-publish.yml@2f1a4c9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39");
  const auto scan = scan_config(".github/workflows/reusable-callers.yml", text);
  EXPECT_EQ(scan.count("secret-to-third-party-action"), 0U);
  const auto unpinned = scan.lines_of("action-not-pinned");
  EXPECT_EQ(std::count(unpinned.begin(), unpinned.end(), 27), 0);
}

TEST(SecretToThirdPartyAction, CompositeActionInputsAreNotSecrets) {
  const auto scan = scan_config("action.yml", read_data("config/github-perm/composite/action.yml"));
  EXPECT_EQ(scan.count("secret-to-third-party-action"), 0U);
}

TEST(SecretToThirdPartyAction, UnversionedAndBracketForms) {
  const auto scan = scan_config(".github/workflows/x.yml",
                                "on: push\n"
                                "permissions: {}\n"
                                "jobs:\n"
                                "  a:\n"
                                "    runs-on: ubuntu-latest\n"
                                "    steps:\n"
                                "      - uses: some-org/deploy-action\n"
                                "        with:\n"
                                "          key: \"${{ secrets['DEPLOY_KEY'] }}\"\n"
                                "          both: ${{ secrets.A }}-${{ secrets.B || 'x' }}\n"
                                "          not-a-secret: ${{ github.event.inputs.mysecrets.x }}\n"
                                "          plain: secrets.NOT_AN_EXPRESSION\n");
  EXPECT_EQ(scan.lines_of("secret-to-third-party-action"), (std::vector<int>{9, 10, 10}));
  EXPECT_EQ(scan.messages_of("secret-to-third-party-action").front(),
            "secrets.DEPLOY_KEY goes to action some-org/deploy-action as input key (no version: whoever controls its "
            "default branch gets the secret)");
}

TEST(SecretsChecks, HostileExpressionsDoNotCrash) {
  for (std::string_view value : {"${{", "${{ secrets", "${{ secrets.", "${{ secrets[' }}", "${{ secrets[\"x", "}}${{",
                                 "${{ secrets[]}}", "${{ secrets.${{ secrets.X }}"}) {
    const std::string yaml = "on: push\nenv:\n  X: \"" + std::string(value) +
                             "\"\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: o/r@v1\n        with:\n"
                             "          t: \"" +
                             std::string(value) + "\"\n";
    const auto scan = scan_config(".github/workflows/x.yml", yaml);
    for (const auto& m : scan.findings) EXPECT_GE(m.line, 1) << m.check << ": " << value;
  }
}

}  // namespace
}  // namespace vigil::test
