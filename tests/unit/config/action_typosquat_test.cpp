// action-typosquat on realistic workflows and a composite action: lookalike owners and repositories are reported
// with the action they imitate; well-known actions, their sub-actions, local and docker:// steps are not.
#include <gtest/gtest.h>

#include "config_support.hpp"

namespace vigil::test {
namespace {

TEST(ActionTyposquat, WorkflowSteps) {
  const auto scan = scan_config(".github/workflows/build.yml", read_data("config/github-perm/typosquat.yml"));
  ASSERT_TRUE(scan.warnings.empty()) << scan.warnings.front().message;
  EXPECT_EQ(scan.lines_of("action-typosquat"), (std::vector<int>{14, 22, 26, 44}));
  EXPECT_EQ(scan.messages_of("action-typosquat"),
            (std::vector<std::string>{
                "actons/checkout looks like actions/checkout",
                "aws-action/configure-aws-credentials looks like aws-actions/configure-aws-credentials",
                "docker-login/login-action looks like docker/login-action",
                "google-github-action/reusable-workflows: the owner google-github-action looks like "
                "google-github-actions",
            }));
  // Not reported: actions/setup-node, actions/cache/restore, Docker/Build-Push-Action (case), codeql-action/init,
  // actions/chekout (only GitHub can publish under actions/: it fails to resolve, nobody can squat it),
  // acme/checkout (another owner, not a lookalike of one), ./ and docker:// steps.
}

TEST(ActionTyposquat, CompositeAction) {
  const auto scan =
      scan_config(".github/actions/publish/action.yml", read_data("config/github-perm/composite/action.yml"));
  EXPECT_EQ(scan.lines_of("action-typosquat"), std::vector<int>{13});
  EXPECT_EQ(scan.messages_of("action-typosquat"),
            std::vector<std::string>{"actlons/setup-node looks like actions/setup-node"});
}

TEST(ActionTyposquat, SilentOnRealisticWorkflows) {
  for (const char* file :
       {"ci-default-token.yml", "ci-job-permissions.yml", "write-all.yml", "read-all.yml", "unused-write.yml",
        "release-please.yml", "unaccounted-token-use.yml", "container-publish.yml", "reusable-callers.yml",
        "workflow-env.yml", "third-party-secrets.yml"}) {
    const auto scan =
        scan_config(std::string(".github/workflows/") + file, read_data(std::string("config/github-perm/") + file));
    EXPECT_EQ(scan.count("action-typosquat"), 0U) << file << ": " << scan.of("action-typosquat").front().message;
  }
}

TEST(ActionTyposquat, OwnerLookalikesOfGithubsOrganisations) {
  const auto scan = scan_config(".github/workflows/x.yml",
                                "on: push\n"
                                "jobs:\n"
                                "  a:\n"
                                "    runs-on: ubuntu-latest\n"
                                "    steps:\n"
                                "      - uses: acti0ns/upload-artifact-v5@v1\n"
                                "      - uses: githib/some-tool@main\n"
                                "      - uses: actionsx/anything@v1\n"
                                "      - uses: dockerhub/some-tool@v1\n");
  EXPECT_EQ(scan.messages_of("action-typosquat"),
            (std::vector<std::string>{
                "acti0ns/upload-artifact-v5: the owner acti0ns looks like actions",
                "githib/some-tool: the owner githib looks like github",
                "actionsx/anything: the owner actionsx looks like actions",
            }));
}

TEST(ActionTyposquat, MalformedUsesValues) {
  for (std::string_view uses : {"@v1", "/", "actons", "actons/", "/checkout@v4", "actons/checkout@", "@@@/@",
                                "docker://actons/checkout", "./actons/checkout", "   "}) {
    const std::string yaml =
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: \"" + std::string(uses) + "\"\n";
    const auto scan = scan_config(".github/workflows/x.yml", yaml);
    EXPECT_EQ(scan.count("action-typosquat"), uses == "actons/checkout@" ? 1U : 0U) << uses;
  }
}

}  // namespace
}  // namespace vigil::test
