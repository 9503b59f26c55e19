// The GitHub Actions checks over realistic workflows (tests/data/config/github): each fires on its positives at
// the exact line with a specific message, and stays silent on the close negatives next to them; plus lower_workflow.
#include <gtest/gtest.h>

#include "scan/config/shell_risks.hpp"
#include "unit/config/config_support.hpp"

namespace vigil::test {
namespace {

using scan::config::ConfigOptions;

ConfigScan scan_workflow(const std::string& name) {
  return scan_config(".github/workflows/" + name, read_data("config/github/" + name));
}

std::vector<std::string> messages_of(const ConfigScan& s, std::string_view check) {
  std::vector<std::string> out;
  for (const auto& m : s.of(check)) out.push_back(m.message);
  return out;
}

TEST(ActionNotPinned, TagsBranchesShortShasAndMissingRefs) {
  const auto s = scan_workflow("ci.yml");
  EXPECT_EQ(s.lines_of("action-not-pinned"), (std::vector<int>{45, 60, 61, 62, 63}));
  EXPECT_EQ(messages_of(s, "action-not-pinned"),
            (std::vector<std::string>{
                "codecov/codecov-action@v4 is pinned to a tag, not a commit SHA",
                "golangci/golangci-lint-action@main is pinned to a branch (main), not a commit SHA",
                "aquasecurity/trivy-action@0.28.0 is pinned to a tag, not a commit SHA",
                "peter-evans/create-pull-request@5e91468 is pinned to a short SHA, not a full commit SHA",
                "some-org/no-ref-action has no @ref: it runs the default branch",
            }));
  EXPECT_EQ(s.of("action-not-pinned")[0].path, ".github/workflows/ci.yml");
}

TEST(ActionNotPinned, FirstPartyTagsOnlyWhenAsked) {
  const std::string wf = read_data("config/github/ci.yml");
  ConfigOptions strict;
  strict.pin_first_party_actions = true;
  const auto s = scan_config(".github/workflows/ci.yml", wf, strict);
  // actions/checkout@v4 and actions/setup-node@v4 now count; the SHA-pinned checkout on line 54 still does not.
  EXPECT_EQ(s.lines_of("action-not-pinned"), (std::vector<int>{32, 33, 45, 60, 61, 62, 63}));
}

TEST(ActionNotPinned, ReusableWorkflowsAndCompositeActions) {
  const auto s = scan_config(".github/workflows/deploy.yml", R"(on: push
jobs:
  deploy:
    uses: acme/platform/.github/workflows/deploy.yml@release/v2
  local:
    uses: ./.github/workflows/notify.yml
  pinned:
    uses: acme/platform/.github/workflows/deploy.yml@0123456789abcdef0123456789abcdef01234567
)");
  EXPECT_EQ(s.lines_of("action-not-pinned"), (std::vector<int>{4}));
  EXPECT_EQ(
      s.of("action-not-pinned")[0].message,
      "acme/platform/.github/workflows/deploy.yml@release/v2 is pinned to a branch (release/v2), not a commit SHA");

  const auto a = scan_config("action.yml", read_data("config/github/setup-toolchain/action.yml"));
  EXPECT_EQ(a.lines_of("action-not-pinned"), (std::vector<int>{15}));
  EXPECT_EQ(a.of("action-not-pinned")[0].message,
            "dtolnay/rust-toolchain@master is pinned to a branch (master), not a commit SHA");
}

TEST(UntrustedCheckout, PwnRequestFiresOnTheCheckoutRef) {
  const auto s = scan_workflow("pwn-request.yml");
  // preview: head checkout then npm ci. preview-internal is same-repo only, label checks out the base, size-check
  // only uploads the sources: all silent.
  EXPECT_EQ(s.lines_of("untrusted-checkout"), (std::vector<int>{17}));
  EXPECT_EQ(s.of("untrusted-checkout")[0].message,
            "job preview checks out pull request code (${{ github.event.pull_request.head.sha }}) and then runs "
            "`npm ci` (step 3)");
}

TEST(UntrustedCheckout, WorkflowRunWithGhPrCheckout) {
  const auto s = scan_workflow("workflow-run.yml");
  EXPECT_EQ(s.lines_of("untrusted-checkout"), (std::vector<int>{15}));
  EXPECT_NE(s.of("untrusted-checkout")[0].message.find("runs ./.github/actions/post-benchmark"), std::string::npos);
}

TEST(UntrustedCheckout, SilentWithoutAPrivilegedTrigger) {
  // The same jobs under pull_request run without secrets: nothing to steal.
  std::string wf = read_data("config/github/pwn-request.yml");
  wf.replace(wf.find("pull_request_target"), 19, "pull_request");
  EXPECT_EQ(scan_config(".github/workflows/pr.yml", wf).count("untrusted-checkout"), 0U);
}

TEST(UntrustedCheckout, ForkGuardVariants) {
  const std::string body = R"(
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: refs/pull/${{ github.event.number }}/merge
      - run: make
)";
  const std::string head = "on: pull_request_target\njobs:\n  a:\n";
  EXPECT_EQ(scan_config(".github/workflows/x.yml", head + body).lines_of("untrusted-checkout"), (std::vector<int>{9}));
  EXPECT_EQ(
      scan_config(".github/workflows/x.yml", head + "    if: ${{ !github.event.pull_request.head.repo.fork }}" + body)
          .count("untrusted-checkout"),
      0U);
  // The guard must be an equality with the base repository, not an inequality.
  EXPECT_EQ(scan_config(".github/workflows/x.yml",
                        head + "    if: github.event.pull_request.head.repo.full_name != github.repository" + body)
                .count("untrusted-checkout"),
            1U);
}

TEST(TemplateInjection, IssueTitlesBodiesAndComments) {
  const auto s = scan_workflow("issue-triage.yml");
  // Line 20: the title in a run script; 37: the body in github-script; 46: a comment body. Issue numbers
  // (19, 21), env indirection (26-33), github.sha/repository/actor (48) stay silent.
  EXPECT_EQ(s.lines_of("template-injection"), (std::vector<int>{20, 37, 46}));
  EXPECT_EQ(messages_of(s, "template-injection")[0],
            "${{ github.event.issue.title }} (github.event.issue.title is attacker-controlled) is expanded into the "
            "script of job triage, step \"Label bug reports\"");
  EXPECT_NE(messages_of(s, "template-injection")[1].find("github-script code"), std::string::npos);
}

TEST(TemplateInjection, IndexedPathsBranchNamesAndToJson) {
  const auto s = scan_config(".github/workflows/x.yml", R"(on: [push, pull_request]
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "${{ github.event.commits[0].message }}"
          git checkout "${{ github.head_ref }}"
          echo '${{ toJSON(github.event.pull_request) }}' > event.json
          echo "${{ github.event.pull_request.head.sha }} ${{ matrix.os }} ${{ secrets.TOKEN }}"
          echo "${{ toJSON(matrix) }} ${{ github.event.issue.number }}"
      - run: echo "${{ github.event.pull_request.title }}
          continues here"
)");
  EXPECT_EQ(s.lines_of("template-injection"), (std::vector<int>{7, 8, 9, 12}));
}

TEST(TemplateInjection, FindingsPerScriptAreCapped) {
  std::string wf = "on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n";
  for (int i = 0; i < 5000; ++i) wf += "          echo \"${{ github.head_ref }}\" \"${{ secrets.T }}\"\n";
  const auto s = scan_config(".github/workflows/x.yml", wf);
  EXPECT_EQ(s.count("template-injection"), 50U);
  EXPECT_EQ(s.lines_of("template-injection").back(), 56);
  EXPECT_EQ(s.count("secret-echoed"), 50U);
}

TEST(SecretEchoed, ReleaseWorkflow) {
  const auto s = scan_workflow("release.yml");
  // 39: job env secret printed; 40: inline secret printed. The piped docker login (29), the redirect to .npmrc
  // (32), add-mask (33) and a non-secret variable (41) are silent.
  EXPECT_EQ(s.lines_of("secret-echoed"), (std::vector<int>{39, 40}));
  EXPECT_EQ(messages_of(s, "secret-echoed"),
            (std::vector<std::string>{
                "echo prints $DEPLOY_TOKEN to the log in job publish, step \"Debug deploy credentials\"",
                "printf prints secrets.SENTRY_AUTH_TOKEN to the log in job publish, step \"Debug deploy credentials\"",
            }));
}

TEST(SecretEchoed, QuotingRedirectsAndCommandLists) {
  const auto s = scan_config(".github/workflows/x.yml", R"(on: push
env:
  API_KEY: ${{ secrets.API_KEY }}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo 'literal $API_KEY, not expanded'
          echo "$API_KEY" >&2
          test -n "$API_KEY" && echo "key: ${API_KEY}"
          echo "$API_KEY" | base64 -d > key.bin
          echo "$API_KEY" \
            | gpg --batch --passphrase-fd 0 -d secrets.gpg
          echo "api_key=$API_KEY" >> "$GITHUB_ENV"
          echo "API_KEY_NAME is set"
          echo "it's $API_KEY"
)");
  EXPECT_EQ(s.lines_of("secret-echoed"), (std::vector<int>{10, 11, 17}));
}

TEST(SelfHostedForkPr, PullRequestJobsOnSelfHostedRunners) {
  const auto s = scan_workflow("self-hosted.yml");
  // gpu (line 10) and the {group, labels} arm job (31); gpu-trusted is fork-guarded, cpu is GitHub-hosted.
  EXPECT_EQ(s.lines_of("self-hosted-fork-pr"), (std::vector<int>{10, 31}));
  EXPECT_EQ(s.of("self-hosted-fork-pr")[0].message,
            "job gpu runs on a self-hosted runner and the workflow runs on pull_request from forks");
  EXPECT_EQ(scan_workflow("nightly.yml").count("self-hosted-fork-pr"), 0U);
}

TEST(LowerWorkflow, CodecovUploaderScriptIsLoweredWithItsLine) {
  const std::string bytes = read_data("config/github/codecov.yml");
  std::vector<Diagnostic> warnings;
  auto wf = formats::cicd::read_github_workflow(bytes, false, warnings);
  ASSERT_TRUE(wf);
  scan::config::Document doc;
  scan::config::lower_workflow(*wf, doc);
  ASSERT_EQ(doc.scripts.size(), 3U);
  const auto& upload = doc.scripts[2];
  EXPECT_EQ(upload.where, "job coverage, step \"Upload coverage to Codecov\"");
  EXPECT_EQ(upload.script->first_line, 26);
  EXPECT_TRUE(scan::config::pipes_download_to_interpreter(upload.script->text));
  EXPECT_EQ(doc.scripts[0].script->first_line, 21);
}

TEST(LowerWorkflow, ImagesFromContainersServicesDockerStepsAndActions) {
  std::vector<Diagnostic> warnings;
  auto ci = formats::cicd::read_github_workflow(read_data("config/github/ci.yml"), false, warnings);
  ASSERT_TRUE(ci);
  scan::config::Document doc;
  scan::config::lower_workflow(*ci, doc);
  ASSERT_EQ(doc.images.size(), 3U);
  EXPECT_EQ(doc.images[0].reference.value, "postgres:16-alpine");
  EXPECT_EQ(doc.images[0].where, "job test service postgres");
  EXPECT_EQ(doc.images[1].reference.value, "rhysd/actionlint:1.7.7");
  EXPECT_EQ(doc.images[1].where, "job lint-workflows container");
  EXPECT_EQ(doc.images[2].reference.value, "hadolint/hadolint:v2.12.0");
  EXPECT_EQ(doc.images[2].reference.line, 56);
  EXPECT_EQ(doc.images[2].where, "job lint-workflows, step 3");

  auto action =
      formats::cicd::read_github_workflow(read_data("config/github/docker-action/action.yml"), true, warnings);
  ASSERT_TRUE(action);
  scan::config::Document adoc;
  scan::config::lower_workflow(*action, adoc);
  ASSERT_EQ(adoc.images.size(), 1U);
  EXPECT_EQ(adoc.images[0].reference.value, "hadolint/hadolint:v2.12.0-debian");
  EXPECT_EQ(adoc.images[0].reference.line, 9);

  auto composite =
      formats::cicd::read_github_workflow(read_data("config/github/setup-toolchain/action.yml"), true, warnings);
  ASSERT_TRUE(composite);
  scan::config::Document cdoc;
  scan::config::lower_workflow(*composite, cdoc);
  ASSERT_EQ(cdoc.scripts.size(), 2U);
  EXPECT_EQ(cdoc.scripts[1].where, "step \"Install cargo-deny\"");
}

// Ordinary workflows that do none of these things: no finding of the other four checks.
TEST(GithubChecks, QuietOnOrdinaryWorkflows) {
  for (const std::string name : {"ci.yml", "codecov.yml", "nightly.yml", "release.yml", "self-hosted.yml"}) {
    const auto s = scan_workflow(name);
    EXPECT_EQ(s.count("untrusted-checkout"), 0U) << name;
    EXPECT_EQ(s.count("template-injection"), 0U) << name;
    if (name != "release.yml") {
      EXPECT_EQ(s.count("secret-echoed"), 0U) << name;
    }
    if (name != "self-hosted.yml") {
      EXPECT_EQ(s.count("self-hosted-fork-pr"), 0U) << name;
    }
  }
  EXPECT_EQ(scan_workflow("codecov.yml").count("action-not-pinned"), 0U);  // actions/* tags are accepted
}

}  // namespace
}  // namespace vigil::test

namespace vigil::test {
namespace {

// Seen on real workflows (urllib3, charset_normalizer, argcomplete): the SLSA generator must be called by tag,
// and psf/black@stable names a branch.
TEST(ActionNotPinned, SlsaGeneratorByTagIsAcceptedAndStableIsABranch) {
  const auto scan = scan_config(".github/workflows/release.yml",
                                "on: push\n"
                                "permissions: {}\n"
                                "jobs:\n"
                                "  provenance:\n"
                                "    uses: slsa-framework/slsa-github-generator/.github/workflows/"
                                "generator_generic_slsa3.yml@v2.0.0\n"
                                "  lint:\n"
                                "    runs-on: ubuntu-24.04\n"
                                "    steps:\n"
                                "      - uses: psf/black@stable\n");
  EXPECT_EQ(scan.messages_of("action-not-pinned"),
            std::vector<std::string>{"psf/black@stable is pinned to a branch (stable), not a commit SHA"});
}

}  // namespace
}  // namespace vigil::test
