// The config scanner's own parts: which files it takes, the check table, `vigil:allow` comments, GitLab include
// following (cycles, depth, missing files), and the ignore-file policy for misconfigurations.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "config_support.hpp"
#include "scan/config/checks.hpp"
#include "scan/config/scanner.hpp"
#include "scan/policy/apply.hpp"

namespace {

using vigil::scan::config::classify_config_file;
using vigil::scan::config::DocumentKind;
using vigil::test::scan_config;

TEST(ConfigScanner, ClassifiesCiAndBuildFilesByName) {
  EXPECT_EQ(classify_config_file(".github/workflows/ci.yml"), DocumentKind::GithubWorkflow);
  EXPECT_EQ(classify_config_file("services/api/.github/workflows/release.yaml"), DocumentKind::GithubWorkflow);
  EXPECT_EQ(classify_config_file(".github/workflows/scripts/x.yml"), DocumentKind::None);  // not read by GitHub
  EXPECT_EQ(classify_config_file(".github/workflows/README.md"), DocumentKind::None);
  EXPECT_EQ(classify_config_file(".github/actions/setup/action.yml"), DocumentKind::GithubAction);
  EXPECT_EQ(classify_config_file("action.yaml"), DocumentKind::GithubAction);
  EXPECT_EQ(classify_config_file(".gitlab-ci.yml"), DocumentKind::GitlabCi);
  EXPECT_EQ(classify_config_file("Dockerfile"), DocumentKind::Dockerfile);
  EXPECT_EQ(classify_config_file("docker/Dockerfile.prod"), DocumentKind::Dockerfile);
  EXPECT_EQ(classify_config_file("build/api.Dockerfile"), DocumentKind::Dockerfile);
  EXPECT_EQ(classify_config_file("Containerfile"), DocumentKind::Dockerfile);
  EXPECT_EQ(classify_config_file("scripts/install.sh"), DocumentKind::ShellScript);
  EXPECT_EQ(classify_config_file("ci.yml"), DocumentKind::None);
  EXPECT_EQ(classify_config_file("dockerfile.md"), DocumentKind::None);
  // Somebody else's files and fixtures are not this project's pipeline.
  EXPECT_EQ(classify_config_file("node_modules/esbuild/install.sh"), DocumentKind::None);
  EXPECT_EQ(classify_config_file("vendor/github.com/x/y/Dockerfile"), DocumentKind::None);
  EXPECT_EQ(classify_config_file("tests/fixtures/Dockerfile"), DocumentKind::None);
}

TEST(ConfigScanner, CheckTableIsWellFormedAndDocumented) {
  std::ifstream doc(std::string(VIGIL_TEST_DATA) + "/../../docs/scan-config.md");
  ASSERT_TRUE(doc) << "docs/scan-config.md";
  std::stringstream text;
  text << doc.rdbuf();
  std::set<std::string_view> ids;
  const std::regex kebab("[a-z0-9]+(-[a-z0-9]+)*");
  for (const auto& check : vigil::scan::config::all_config_checks()) {
    EXPECT_TRUE(ids.insert(check.id).second) << "duplicate id " << check.id;
    EXPECT_TRUE(std::regex_match(std::string(check.id), kebab)) << check.id;
    EXPECT_FALSE(check.title.empty() || check.explanation.empty() || check.remediation.empty()) << check.id;
    EXPECT_NE(check.run, nullptr) << check.id;
    EXPECT_NE(text.str().find("`" + std::string(check.id) + "`"), std::string::npos)
        << check.id << " is not in docs/scan-config.md";
    EXPECT_EQ(vigil::scan::config::find_config_check(check.id), &check);
  }
  EXPECT_EQ(vigil::scan::config::find_config_check("no-such-check"), nullptr);
}

constexpr std::string_view kInstaller =
    "#!/bin/sh\n"
    "set -e\n"
    "curl -fsSL https://get.example.dev/install.sh | sh\n"
    "wget -qO- https://other.example.dev/setup | bash  # vigil:allow download-and-execute\n"
    "# vigil:allow\n"
    "curl -s https://third.example.dev/x | sh\n"
    "curl -s https://fourth.example.dev/x | sh  # vigil:allow image-not-pinned\n";

TEST(ConfigScanner, InlineAllowCommentsSuppressNamedOrAllChecks) {
  const auto scan = scan_config("scripts/install.sh", kInstaller);
  const auto found = scan.of("download-and-execute");
  ASSERT_EQ(found.size(), 4U);
  std::map<int, bool> suppressed;
  for (const auto& m : found) {
    suppressed[m.line] = m.suppressed.has_value();
    EXPECT_EQ(m.path, "scripts/install.sh");
    if (m.suppressed) {
      EXPECT_EQ(m.suppressed->kind, "inline");
    }
  }
  EXPECT_EQ(suppressed, (std::map<int, bool>{{3, false}, {4, true}, {6, true}, {7, false}}));
}

constexpr std::string_view kPipeline =
    "include:\n"
    "  - local: /ci/build.yml\n"
    "  - local: ci/missing.yml\n"
    "  - local: 'ci/*.yml'\n"
    "stages: [build]\n";

TEST(ConfigScanner, FollowsLocalIncludesOnceAndReportsTheIncludedFile) {
  const std::map<std::string, std::string> files{
      {"ci/build.yml",
       "include:\n  - local: .gitlab-ci.yml\n  - local: ci/build.yml\n"
       "build:\n  script:\n    - make\n    - curl -s https://codecov.io/bash | bash\n"},
  };
  const auto scan = scan_config(".gitlab-ci.yml", kPipeline, {}, files);
  const auto found = scan.of("download-and-execute");
  ASSERT_EQ(found.size(), 1U);  // the include cycle is not followed twice
  EXPECT_EQ(found[0].path, "ci/build.yml");
  EXPECT_EQ(found[0].line, 7);
  std::set<std::pair<int, std::string>> warnings;
  for (const auto& w : scan.warnings) warnings.insert({w.line, w.file});
  EXPECT_EQ(warnings, (std::set<std::pair<int, std::string>>{{3, ".gitlab-ci.yml"}, {4, ".gitlab-ci.yml"}}));
}

constexpr std::string_view kReleaseWorkflow =
    "on:\n"
    "  push:\n"
    "    tags: ['v*']\n"
    "permissions:\n"
    "  contents: read\n"
    "jobs:\n"
    "  release:\n"
    "    runs-on: ubuntu-24.04\n"
    "    steps:\n"
    "      - uses: actions/checkout@v4\n"
    "      - uses: acme-corp/publish-action@v2\n"
    "        with:\n"
    "          token: ${{ secrets.PUBLISH_TOKEN }}\n";

TEST(ConfigScanner, TrustedActionOwnersCountAsFirstParty) {
  const auto untrusted = scan_config(".github/workflows/release.yml", kReleaseWorkflow);
  EXPECT_EQ(untrusted.lines_of("action-not-pinned"), std::vector<int>{11});
  EXPECT_EQ(untrusted.lines_of("secret-to-third-party-action"), std::vector<int>{13});

  vigil::scan::config::ConfigOptions options;
  options.trusted_action_owners = {"ACME-corp"};  // GitHub owner names are case-insensitive
  const auto trusted = scan_config(".github/workflows/release.yml", kReleaseWorkflow, options);
  EXPECT_EQ(trusted.count("action-not-pinned"), 0U);
  EXPECT_EQ(trusted.count("secret-to-third-party-action"), 0U);

  options.pin_first_party_actions = true;  // then every tag is reported, GitHub's own too
  const auto strict = scan_config(".github/workflows/release.yml", kReleaseWorkflow, options);
  EXPECT_EQ(strict.lines_of("action-not-pinned"), (std::vector<int>{10, 11}));
  EXPECT_EQ(strict.count("secret-to-third-party-action"), 0U);
}

TEST(ConfigScanner, UnreadableFileKindsAreWarningsNotFindings) {
  const auto scan = scan_config(".github/workflows/ci.yml", "on: [push\njobs: {\n");
  EXPECT_TRUE(scan.findings.empty());
  ASSERT_EQ(scan.warnings.size(), 1U);
  EXPECT_EQ(scan.warnings[0].file, ".github/workflows/ci.yml");
  EXPECT_NE(scan.warnings[0].message.find("not checked"), std::string::npos);
}

TEST(ConfigScanner, IgnoreFileEntriesSuppressByCheckAndPath) {
  auto found = scan_config("scripts/install.sh", kInstaller).findings;
  vigil::formats::policy::IgnoreRule by_path;
  by_path.id = "download-and-execute";
  by_path.path = "scripts/";
  by_path.reason = "vendored installers";
  vigil::formats::policy::IgnoreRule other_check;
  other_check.id = "image-not-pinned";
  other_check.path = "**";
  const std::vector<vigil::scan::policy::PolicyInput> inputs{{".vigilignore.yaml", {other_check, by_path}, {}}};
  vigil::scan::policy::apply_misconfiguration_policy(found, inputs, "2026-01-01");
  for (const auto& m : found) {
    ASSERT_TRUE(m.suppressed) << m.line;
    if (m.line == 3) {
      EXPECT_EQ(m.suppressed->kind, "ignore");
      EXPECT_EQ(m.suppressed->reason, "vendored installers");
    }
  }
}

}  // namespace
