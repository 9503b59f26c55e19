// GitLab CI through the whole config scanner: include pinning, download-and-execute in job scripts (the Codecov
// reconstruction), findings in locally included files carrying that file's path and lines, and images lowered
// for the shared image checks.
#include <gtest/gtest.h>

#include "config_support.hpp"
#include "scan/config/checks.hpp"

namespace vigil::scan::config {
namespace {

using test::read_data;
using test::scan_config;

const std::map<std::string, std::string>& included_files() {
  static const std::map<std::string, std::string> files{
      {"ci/build.yml", read_data("config/gitlab/ci/build.yml")},
      {"ci/deploy.yml", read_data("config/gitlab/ci/deploy.yml")},
  };
  return files;
}

test::ConfigScan scan_pipeline() {
  return scan_config(".gitlab-ci.yml", read_data("config/gitlab/gitlab-ci.yml"), {}, included_files());
}

std::vector<model::Misconfiguration> in_file(const std::vector<model::Misconfiguration>& all, std::string_view path) {
  std::vector<model::Misconfiguration> out;
  for (const auto& m : all) {
    if (m.path == path) out.push_back(m);
  }
  return out;
}

TEST(GitlabIncludeNotPinned, FlagsRemoteUnpinnedProjectsAndMovingComponents) {
  const auto scan = scan_pipeline();
  const auto found = in_file(scan.of("gitlab-include-not-pinned"), ".gitlab-ci.yml");
  // Silent: local (3, 4), project at a SHA (13) and at v2.3.1 (16), template (19), component @2.0.2 (21).
  std::vector<int> lines;
  for (const auto& m : found) lines.push_back(m.line);
  EXPECT_EQ(lines, (std::vector<int>{5, 6, 8, 20, 22}));
  ASSERT_EQ(found.size(), 5U);
  EXPECT_EQ(found[0].message,
            "remote include https://gitlab.com/gitlab-org/gitlab/-/raw/master/lib/gitlab/ci/templates/Jobs/"
            "SAST.gitlab-ci.yml is fetched each time the pipeline runs and can change at any time");
  EXPECT_EQ(found[1].message, "project acme/platform/ci-templates is included from its default branch (no ref)");
  EXPECT_EQ(found[2].message,
            "project acme/platform/ci-templates is included at ref main, a branch or moving tag, not a commit SHA "
            "or release");
  EXPECT_EQ(found[3].message,
            "component $CI_SERVER_FQDN/components/opentofu/full-pipeline@~latest uses ~latest, whatever release is "
            "newest when the pipeline runs");
  EXPECT_EQ(found[4].message,
            "component gitlab.com/components/code-quality/code-quality@1.4 uses the partial version 1.4, which moves "
            "to each new 1.4.x release");
}

TEST(GitlabIncludeNotPinned, RefsThatAreVariablesOrMajorTagsAreNotPinned) {
  const auto scan =
      scan_config(".gitlab-ci.yml",
                  "include:\n"
                  "  - project: acme/ci\n    ref: $TEMPLATES_REF\n    file: a.yml\n"
                  "  - project: acme/ci\n    ref: v3\n    file: a.yml\n"
                  "  - project: acme/ci\n    ref: 1.12.0-rc.1\n    file: a.yml\n"
                  "  - component: gitlab.example.com/acme/lint/ruff@main\n"
                  "  - component: gitlab.example.com/acme/lint/ruff@e3262fdd0b3e5e4b1d3e5b7f9c1a2b3c4d5e6f70\n"
                  "  - component: gitlab.example.com/acme/lint/ruff\n");
  EXPECT_EQ(scan.lines_of("gitlab-include-not-pinned"), (std::vector<int>{2, 5, 11, 13}));
  EXPECT_EQ(scan.of("gitlab-include-not-pinned")[0].message,
            "project acme/ci is included at ref $TEMPLATES_REF, which a variable decides");
}

TEST(GitlabDownloadExecute, CodecovReconstructionAndPipesInJobScripts) {
  const auto scan = scan_pipeline();
  const auto found = in_file(scan.of("download-and-execute"), ".gitlab-ci.yml");
  ASSERT_EQ(found.size(), 2U);
  // The Codecov uploader sits in an anchored list used by unit-tests: reported once, at the anchor's line.
  EXPECT_EQ(found[0].line, 46);
  EXPECT_EQ(found[0].message, "bash runs https://codecov.io/bash straight from curl (job unit-tests)");
  EXPECT_EQ(found[0].severity, model::Severity::High);
  // A literal block script: the line inside the block.
  EXPECT_EQ(found[1].line, 71);
  EXPECT_EQ(found[1].message, "python3 runs https://install.python-poetry.org straight from curl (job lint)");
  // pages downloads a tarball and runs what it unpacked: not a downloaded file run, silent.
}

TEST(GitlabDownloadExecute, FindingsInIncludedFilesCarryTheirPathAndLines) {
  const auto scan = scan_pipeline();
  const auto build = in_file(scan.of("download-and-execute"), "ci/build.yml");
  ASSERT_EQ(build.size(), 1U);
  // The download (item on line 20) and the run (next item, line 21) are separate script items of one job.
  EXPECT_EQ(build[0].line, 21);
  EXPECT_EQ(build[0].message,
            "sh runs pnpm-install.sh, but curl fetched it from https://get.pnpm.io/install.sh on line 20 with no "
            "checksum or signature check (job build-docs)");
  const auto deploy = in_file(scan.of("download-and-execute"), "ci/deploy.yml");
  ASSERT_EQ(deploy.size(), 1U);
  EXPECT_EQ(deploy[0].line, 6);
  EXPECT_EQ(deploy[0].message, "sh runs https://fly.io/install.sh straight from wget (job deploy)");
}

TEST(GitlabDownloadExecute, VerifiedInstallerInAJobIsSilent) {
  const auto scan = scan_config(".gitlab-ci.yml",
                                "install:\n"
                                "  image: alpine:3.19\n"
                                "  script:\n"
                                "    - wget -q https://x.example/install.sh\n"
                                "    - echo \"${INSTALL_SHA256}  install.sh\" | sha256sum -c -\n"
                                "    - sh install.sh\n"
                                "    - echo 'then: curl https://x.example | sh'\n");
  EXPECT_EQ(scan.count("download-and-execute"), 0U);
}

TEST(LowerGitlab, ScriptsAndImagesWithWhere) {
  std::vector<Diagnostic> warnings;
  auto ci = formats::cicd::read_gitlab_ci(read_data("config/gitlab/gitlab-ci.yml"), warnings);
  ASSERT_TRUE(ci.has_value());
  Document doc;
  lower_gitlab(*ci, doc);
  std::vector<std::string> images;
  for (const auto& i : doc.images) images.push_back(i.where + " = " + i.reference.value);
  EXPECT_EQ(images, (std::vector<std::string>{
                        "image = python:3.12-slim", "service docker:24.0.7-dind = docker:24.0.7-dind",
                        "job unit-tests image = python:3.12-slim", "job unit-tests service postgres:15 = postgres:15",
                        "job unit-tests service redis:7 = redis:7"}));
  ASSERT_FALSE(doc.scripts.empty());
  EXPECT_EQ(doc.scripts.front().where, "default script");
  EXPECT_EQ(doc.scripts.back().where, "job pages");
}

}  // namespace
}  // namespace vigil::scan::config
