// read_gitlab_ci: jobs, images, services, scripts (with their lines), variables, includes in every form, and
// malformed or hostile input.
#include <gtest/gtest.h>

#include "formats/cicd.hpp"
#include "test_support.hpp"

namespace vigil::formats::cicd {
namespace {

GitlabCi read_ok(std::string_view yaml, std::vector<Diagnostic>* warnings_out = nullptr) {
  std::vector<Diagnostic> warnings;
  auto ci = read_gitlab_ci(yaml, warnings);
  EXPECT_TRUE(ci.has_value()) << (ci ? "" : ci.error().message);
  if (warnings_out != nullptr) *warnings_out = warnings;
  return ci ? *ci : GitlabCi{};
}

const GitlabJob* job(const GitlabCi& ci, std::string_view name) {
  for (const auto& j : ci.jobs) {
    if (j.name == name) return &j;
  }
  return nullptr;
}

TEST(GitlabCiReader, RealisticPipeline) {
  const GitlabCi ci = read_ok(test::read_data("config/gitlab/gitlab-ci.yml"));
  ASSERT_EQ(ci.includes.size(), 11U);
  EXPECT_EQ(ci.includes[0].kind, "local");
  EXPECT_EQ(ci.includes[0].value, "ci/build.yml");
  EXPECT_EQ(ci.includes[0].line, 3);
  EXPECT_EQ(ci.includes[1].kind, "local");
  EXPECT_EQ(ci.includes[1].value, "/ci/deploy.yml");
  EXPECT_EQ(ci.includes[2].kind, "remote");
  EXPECT_EQ(ci.includes[3].kind, "project");
  EXPECT_EQ(ci.includes[3].ref, "");
  EXPECT_EQ(ci.includes[3].line, 6);
  EXPECT_EQ(ci.includes[4].ref, "main");
  EXPECT_EQ(ci.includes[4].line, 8);
  EXPECT_EQ(ci.includes[7].kind, "template");
  EXPECT_EQ(ci.includes[8].kind, "component");
  EXPECT_EQ(ci.includes[8].value, "$CI_SERVER_FQDN/components/opentofu/full-pipeline@~latest");
  EXPECT_EQ(ci.includes[8].line, 20);

  ASSERT_TRUE(ci.image.has_value());
  EXPECT_EQ(ci.image->value, "python:3.12-slim");
  EXPECT_EQ(ci.image->line, 34);
  ASSERT_EQ(ci.services.size(), 1U);
  EXPECT_EQ(ci.services[0].value, "docker:24.0.7-dind");
  ASSERT_EQ(ci.scripts.size(), 1U);
  EXPECT_EQ(ci.scripts[0].first_line, 38);
  ASSERT_EQ(ci.variables.size(), 3U);
  EXPECT_EQ(ci.variables[2].first, "DEPLOY_ENV");
  EXPECT_EQ(ci.variables[2].second.value, "staging");

  // Hidden keys whose value is a map are (template) jobs; .coverage-upload is a list, not a job.
  EXPECT_NE(job(ci, ".python-cache"), nullptr);
  EXPECT_EQ(job(ci, ".coverage-upload"), nullptr);
  const GitlabJob* unit = job(ci, "unit-tests");
  ASSERT_NE(unit, nullptr);
  EXPECT_EQ(unit->line, 48);
  ASSERT_TRUE(unit->image.has_value());
  EXPECT_EQ(unit->image->value, "python:3.12-slim");
  EXPECT_EQ(unit->image->line, 52);
  ASSERT_EQ(unit->services.size(), 2U);
  EXPECT_EQ(unit->services[0].value, "postgres:15");
  EXPECT_EQ(unit->services[1].value, "redis:7");
  EXPECT_EQ(unit->services[1].line, 57);
  // script items, the anchored list flattened into them, then after_script.
  ASSERT_EQ(unit->scripts.size(), 3U);
  EXPECT_EQ(unit->scripts[0].text, "pytest --cov=payments --cov-report=xml");
  EXPECT_EQ(unit->scripts[1].text, "bash <(curl -s https://codecov.io/bash) -t \"$CODECOV_TOKEN\"");
  EXPECT_EQ(unit->scripts[1].first_line, 46);
  EXPECT_EQ(unit->scripts[2].first_line, 64);
  ASSERT_EQ(unit->variables.size(), 1U);
  EXPECT_EQ(unit->variables[0].second.line, 59);

  const GitlabJob* pages = job(ci, "pages");
  ASSERT_NE(pages, nullptr);  // `pages` is a job, not a keyword
  EXPECT_EQ(pages->scripts.size(), 3U);
}

TEST(GitlabCiReader, LiteralBlockScriptsMapLineForLine) {
  const GitlabCi ci = read_ok(test::read_data("config/gitlab/gitlab-ci.yml"));
  const GitlabJob* lint = job(ci, "lint");
  ASSERT_NE(lint, nullptr);
  ASSERT_EQ(lint->scripts.size(), 1U);
  const Script& s = lint->scripts[0];
  EXPECT_EQ(s.first_line, 69);
  EXPECT_TRUE(s.lines_exact);
  EXPECT_EQ(s.line_at(s.text.find("curl")), 71);
}

TEST(GitlabCiReader, FoldedAndMultiLinePlainScriptsReportTheirFirstLine) {
  const GitlabCi ci = read_ok(
      "build:\n"
      "  script:\n"
      "    - >\n"
      "      docker build\n"
      "      --tag x .\n"
      "    - echo one\n"
      "      two\n"
      "    - |-\n"
      "      a\n"
      "      b\n");
  ASSERT_EQ(ci.jobs.size(), 1U);
  const auto& scripts = ci.jobs[0].scripts;
  ASSERT_EQ(scripts.size(), 3U);
  EXPECT_EQ(scripts[0].first_line, 4);
  EXPECT_FALSE(scripts[0].lines_exact);
  EXPECT_EQ(scripts[1].text, "echo one two");
  EXPECT_EQ(scripts[1].first_line, 6);
  EXPECT_EQ(scripts[2].first_line, 9);
  EXPECT_TRUE(scripts[2].lines_exact);
  EXPECT_EQ(scripts[2].line_at(2), 10);
}

TEST(GitlabCiReader, IncludeForms) {
  EXPECT_EQ(read_ok("include: ci/a.yml\n").includes.at(0).kind, "local");
  const auto remote = read_ok("include: 'https://example.com/ci.yml'\n").includes;
  ASSERT_EQ(remote.size(), 1U);
  EXPECT_EQ(remote[0].kind, "remote");
  EXPECT_EQ(remote[0].line, 1);
  const auto map = read_ok("include:\n  project: a/b\n  ref: v1.0.0\n  file: x.yml\n").includes;
  ASSERT_EQ(map.size(), 1U);
  EXPECT_EQ(map[0].kind, "project");
  EXPECT_EQ(map[0].ref, "v1.0.0");
  EXPECT_EQ(map[0].line, 2);
  const auto flow = read_ok("include: [{template: Auto-DevOps.gitlab-ci.yml}, {local: /a.yml}]\n").includes;
  ASSERT_EQ(flow.size(), 2U);
  EXPECT_EQ(flow[0].kind, "template");
  EXPECT_EQ(flow[1].value, "/a.yml");
}

TEST(GitlabCiReader, MergeKeysAndNestedScriptLists) {
  const GitlabCi ci = read_ok(
      ".base: &base\n"
      "  image: ruby:3.3\n"
      "  before_script: [bundle install]\n"
      ".setup: &setup\n"
      "  - apt-get update\n"
      "  - apt-get install -y curl\n"
      "rspec:\n"
      "  <<: *base\n"
      "  image: ruby:3.3-slim\n"
      "  script:\n"
      "    - *setup\n"
      "    - bundle exec rspec\n");
  const GitlabJob* rspec = job(ci, "rspec");
  ASSERT_NE(rspec, nullptr);
  ASSERT_TRUE(rspec->image.has_value());
  EXPECT_EQ(rspec->image->value, "ruby:3.3-slim");  // the job's own key wins over the merged one
  ASSERT_EQ(rspec->scripts.size(), 4U);
  EXPECT_EQ(rspec->scripts[0].text, "bundle install");
  EXPECT_EQ(rspec->scripts[1].text, "apt-get update");
  EXPECT_EQ(rspec->scripts[1].first_line, 5);
  EXPECT_EQ(rspec->scripts[3].text, "bundle exec rspec");
}

TEST(GitlabCiReader, ComponentSpecHeaderKeepsJobsInTheSecondDocument) {
  const GitlabCi ci = read_ok(
      "spec:\n"
      "  inputs:\n"
      "    stage:\n"
      "      default: test\n"
      "---\n"
      "scan:\n"
      "  stage: $[[ inputs.stage ]]\n"
      "  script:\n"
      "    - curl -sSfL https://x.example/i.sh | sh\n");
  ASSERT_EQ(ci.jobs.size(), 1U);
  EXPECT_EQ(ci.jobs[0].name, "scan");
  EXPECT_EQ(ci.jobs[0].line, 6);
  ASSERT_EQ(ci.jobs[0].scripts.size(), 1U);
  EXPECT_EQ(ci.jobs[0].scripts[0].first_line, 9);
}

TEST(GitlabCiReader, WrongTypesWarnWithLines) {
  std::vector<Diagnostic> warnings;
  const GitlabCi ci = read_ok(
      "build:\n"
      "  image: [a, b]\n"
      "  services: docker:dind\n"
      "  script:\n"
      "    - {run: x}\n"
      "    - make\n"
      "  variables: [A]\n"
      "include:\n"
      "  - {file: x.yml}\n"
      "  - local: [a]\n"
      "test: make test\n",
      &warnings);
  ASSERT_EQ(ci.jobs.size(), 1U);
  EXPECT_EQ(ci.jobs[0].scripts.size(), 1U);
  EXPECT_FALSE(ci.jobs[0].image.has_value());
  std::vector<int> lines;
  for (const auto& w : warnings) lines.push_back(w.line);
  EXPECT_EQ(lines, (std::vector<int>{2, 3, 7, 5, 9, 10, 11}));
  EXPECT_EQ(warnings.back().message, "job test is a string, expected a map");
}

TEST(GitlabCiReader, MalformedAndHostileInput) {
  std::vector<Diagnostic> warnings;
  EXPECT_FALSE(read_gitlab_ci("build: [unclosed\n", warnings).has_value());
  EXPECT_FALSE(read_gitlab_ci("- a\n- b\n", warnings).has_value());
  EXPECT_FALSE(read_gitlab_ci("just text", warnings).has_value());
  EXPECT_TRUE(read_gitlab_ci("", warnings).has_value());
  EXPECT_TRUE(read_gitlab_ci("spec:\n  inputs: {}\n", warnings).has_value());
  // Deep nesting and alias bombs are refused by the YAML reader's limits, not followed.
  EXPECT_FALSE(read_gitlab_ci(std::string(10000, '[') + std::string(10000, ']'), warnings).has_value());
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'k'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [*" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) +
            ", *" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) + "]\n";
  }
  EXPECT_FALSE(read_gitlab_ci(bomb, warnings).has_value());
  // Merge keys that refer back through several levels stay bounded.
  const std::string merges =
      ".a: &a {script: [x]}\n.b: &b {<<: *a}\n.c: &c {<<: *b}\n.d: &d {<<: *c}\n.e: &e {<<: *d}\n"
      ".f: &f {<<: *e}\njob: {<<: *f}\n";
  auto ci = read_gitlab_ci(merges, warnings);
  ASSERT_TRUE(ci.has_value());
  EXPECT_EQ(ci->jobs.size(), 7U);
}

}  // namespace
}  // namespace vigil::formats::cicd
