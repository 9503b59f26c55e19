// read_github_workflow: every form of `on`, permissions, runs-on, container and steps, exact lines (scripts
// included), wrong types as warnings, malformed and hostile YAML, and action.yml metadata.
#include <gtest/gtest.h>

#include <string>

#include "formats/cicd.hpp"
#include "test_support.hpp"

namespace vigil::formats::cicd {
namespace {

struct Read {
  Result<Workflow> wf;
  std::vector<Diagnostic> warnings;
};

Read read(std::string_view yaml, bool is_action = false) {
  Read r;
  r.wf = read_github_workflow(yaml, is_action, r.warnings);
  return r;
}

std::vector<std::string> trigger_names(const Workflow& wf) {
  std::vector<std::string> out;
  for (const auto& t : wf.triggers) out.push_back(t.value);
  return out;
}

TEST(GithubWorkflow, RealisticCiWorkflow) {
  auto r = read(test::read_data("config/github/ci.yml"));
  ASSERT_TRUE(r.wf) << r.wf.error().message;
  EXPECT_TRUE(r.warnings.empty());
  const Workflow& wf = *r.wf;
  EXPECT_FALSE(wf.is_action);
  EXPECT_EQ(trigger_names(wf), (std::vector<std::string>{"push", "pull_request"}));
  EXPECT_EQ(wf.triggers[0].line, 4);
  EXPECT_EQ(wf.triggers[1].line, 6);
  EXPECT_TRUE(wf.permissions.present);
  EXPECT_EQ(wf.permissions.line, 9);
  ASSERT_EQ(wf.permissions.scopes.size(), 1U);
  EXPECT_EQ(wf.permissions.scopes[0].first, "contents");
  EXPECT_EQ(wf.permissions.scopes[0].second.value, "read");
  ASSERT_EQ(wf.env.size(), 2U);
  EXPECT_EQ(wf.env[1].first, "FORCE_COLOR");
  EXPECT_EQ(wf.env[1].second.value, "1");  // a number keeps its text
  EXPECT_EQ(wf.env[1].second.line, 14);

  ASSERT_EQ(wf.jobs.size(), 2U);
  const Job& test = wf.jobs[0];
  EXPECT_EQ(test.id, "test");
  EXPECT_EQ(test.line, 17);
  ASSERT_EQ(test.runs_on.size(), 1U);
  EXPECT_EQ(test.runs_on[0].value, "ubuntu-latest");
  EXPECT_EQ(test.runs_on[0].line, 19);
  ASSERT_EQ(test.services.size(), 1U);
  EXPECT_EQ(test.services[0].first, "postgres");
  EXPECT_EQ(test.services[0].second.value, "postgres:16-alpine");
  EXPECT_EQ(test.services[0].second.line, 26);
  ASSERT_EQ(test.steps.size(), 5U);
  EXPECT_EQ(test.steps[0].uses.value, "actions/checkout@v4");
  EXPECT_EQ(test.steps[0].line, 32);
  EXPECT_EQ(test.steps[0].uses.line, 32);
  EXPECT_EQ(test.steps[1].with[0].first, "node-version");
  EXPECT_EQ(test.steps[1].with[0].second.value, "${{ matrix.node }}");
  EXPECT_EQ(test.steps[1].with[0].second.line, 35);

  // Plain one-line run: the key's line.
  ASSERT_TRUE(test.steps[2].run);
  EXPECT_EQ(test.steps[2].run->text, "npm ci");
  EXPECT_EQ(test.steps[2].run->first_line, 37);
  EXPECT_TRUE(test.steps[2].uses.value.empty());
  // Literal block: the line after `run: |`, one text line per source line.
  const Step& lint = test.steps[3];
  EXPECT_EQ(lint.name, "Lint and test");
  EXPECT_EQ(lint.line, 38);
  ASSERT_TRUE(lint.run);
  EXPECT_EQ(lint.run->text, "npm run lint\nnpm test -- --coverage\n");
  EXPECT_EQ(lint.run->first_line, 40);
  EXPECT_TRUE(lint.run->lines_exact);
  EXPECT_EQ(lint.run->line_at(lint.run->text.find("npm test")), 41);
  ASSERT_EQ(lint.env.size(), 1U);
  EXPECT_EQ(lint.env[0].second.line, 43);

  const Job& lint_wf = wf.jobs[1];
  ASSERT_TRUE(lint_wf.container);
  EXPECT_EQ(lint_wf.container->value, "rhysd/actionlint:1.7.7");
  EXPECT_EQ(lint_wf.container->line, 52);
  EXPECT_EQ(lint_wf.steps[2].uses.value, "docker://hadolint/hadolint:v2.12.0");
}

TEST(GithubWorkflow, OnAsStringListAndMap) {
  auto s = read("on: push\njobs: {}\n");
  ASSERT_TRUE(s.wf);
  EXPECT_EQ(trigger_names(*s.wf), (std::vector<std::string>{"push"}));
  EXPECT_EQ(s.wf->triggers[0].line, 1);

  auto l = read("name: x\non: [push, pull_request_target]\n");
  ASSERT_TRUE(l.wf);
  EXPECT_EQ(trigger_names(*l.wf), (std::vector<std::string>{"push", "pull_request_target"}));
  EXPECT_EQ(l.wf->triggers[1].line, 2);

  auto m = read("on:\n  workflow_dispatch:\n  pull_request_target:\n    types: [opened]\n");
  ASSERT_TRUE(m.wf);
  EXPECT_EQ(trigger_names(*m.wf), (std::vector<std::string>{"workflow_dispatch", "pull_request_target"}));
  EXPECT_EQ(m.wf->triggers[1].line, 3);
  // A quoted "on" is the same key.
  auto q = read("\"on\": pull_request\n");
  ASSERT_TRUE(q.wf);
  EXPECT_EQ(trigger_names(*q.wf), (std::vector<std::string>{"pull_request"}));
}

TEST(GithubWorkflow, PermissionsForms) {
  auto all = read("permissions: write-all\njobs:\n  a:\n    permissions: {}\n    runs-on: ubuntu-latest\n");
  ASSERT_TRUE(all.wf);
  EXPECT_EQ(all.wf->permissions.all, "write-all");
  EXPECT_EQ(all.wf->permissions.line, 1);
  const Permissions& empty = all.wf->jobs[0].permissions;
  EXPECT_TRUE(empty.present);
  EXPECT_EQ(empty.line, 4);
  EXPECT_TRUE(empty.all.empty());
  EXPECT_TRUE(empty.scopes.empty());

  auto none = read("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n");
  ASSERT_TRUE(none.wf);
  EXPECT_FALSE(none.wf->permissions.present);
  EXPECT_FALSE(none.wf->jobs[0].permissions.present);

  auto expr = read("permissions: ${{ inputs.perms }}\n");
  ASSERT_TRUE(expr.wf);
  EXPECT_EQ(expr.wf->permissions.all, "${{ inputs.perms }}");
}

TEST(GithubWorkflow, RunsOnContainerSecretsAndReusableCalls) {
  auto r = read(test::read_data("config/github/self-hosted.yml"));
  ASSERT_TRUE(r.wf);
  const Job& gpu = r.wf->jobs[0];
  ASSERT_EQ(gpu.runs_on.size(), 4U);
  EXPECT_EQ(gpu.runs_on[0].value, "self-hosted");
  EXPECT_EQ(gpu.runs_on[0].line, 10);
  const Job& arm = r.wf->jobs[3];  // {group, labels}: the labels
  ASSERT_EQ(arm.runs_on.size(), 2U);
  EXPECT_EQ(arm.runs_on[1].value, "ARM64");
  EXPECT_EQ(arm.runs_on[1].line, 31);
  EXPECT_EQ(r.wf->jobs[1].condition,
            "github.event_name == 'push' || github.event.pull_request.head.repo.fork == false");

  auto call = read(R"(on: push
jobs:
  deploy:
    uses: acme/workflows/.github/workflows/deploy.yml@v2
    secrets: inherit
    with:
      environment: production
  notify:
    uses: ./.github/workflows/notify.yml
    secrets:
      slack: ${{ secrets.SLACK_WEBHOOK }}
  build:
    runs-on: ubuntu-latest
    container:
      image: ghcr.io/acme/builder:2024.06
      credentials:
        username: ${{ github.actor }}
    steps: []
)");
  ASSERT_TRUE(call.wf);
  const auto& jobs = call.wf->jobs;
  ASSERT_EQ(jobs.size(), 3U);
  EXPECT_EQ(jobs[0].uses.value, "acme/workflows/.github/workflows/deploy.yml@v2");
  EXPECT_EQ(jobs[0].uses.line, 4);
  EXPECT_EQ(jobs[0].secrets_inherit.value, "inherit");
  EXPECT_EQ(jobs[0].secrets_inherit.line, 5);
  EXPECT_EQ(jobs[0].with[0].second.value, "production");
  EXPECT_TRUE(jobs[1].secrets_inherit.value.empty());
  ASSERT_EQ(jobs[1].secrets.size(), 1U);
  EXPECT_EQ(jobs[1].secrets[0].second.line, 11);
  ASSERT_TRUE(jobs[2].container);
  EXPECT_EQ(jobs[2].container->value, "ghcr.io/acme/builder:2024.06");
  EXPECT_EQ(jobs[2].container->line, 15);
  EXPECT_TRUE(call.warnings.empty());
}

TEST(GithubWorkflow, ScriptLineMapping) {
  auto r = read(R"(jobs:
  a:
    steps:
      - run: echo one
      - run: "echo two"
      - run: |
          echo three

          echo five
      - run: >
          echo six
          echo seven
      - run: "echo eight
          echo nine"
      - run:
          echo ten
      - run: |-
          echo eleven
      - run: &script echo twelve
)");
  ASSERT_TRUE(r.wf) << r.wf.error().message;
  const auto& steps = r.wf->jobs[0].steps;
  ASSERT_EQ(steps.size(), 8U);
  EXPECT_EQ(steps[0].run->first_line, 4);
  EXPECT_EQ(steps[1].run->text, "echo two");
  EXPECT_EQ(steps[1].run->first_line, 5);
  const Script& literal = *steps[2].run;
  EXPECT_EQ(literal.first_line, 7);
  EXPECT_TRUE(literal.lines_exact);
  EXPECT_EQ(literal.line_at(literal.text.find("five")), 9);
  const Script& folded = *steps[3].run;
  EXPECT_EQ(folded.text, "echo six echo seven\n");
  EXPECT_EQ(folded.first_line, 11);
  EXPECT_FALSE(folded.lines_exact);
  EXPECT_EQ(folded.line_at(folded.text.find("seven")), 11);
  EXPECT_EQ(steps[4].run->first_line, 13);
  EXPECT_EQ(steps[4].run->line_at(10), 13);
  EXPECT_EQ(steps[5].run->text, "echo ten");
  EXPECT_EQ(steps[5].run->first_line, 16);
  EXPECT_EQ(steps[6].run->first_line, 18);
  EXPECT_TRUE(steps[6].run->lines_exact);
  EXPECT_EQ(steps[7].run->first_line, 19);
}

TEST(GithubWorkflow, CompositeAction) {
  auto r = read(test::read_data("config/github/setup-toolchain/action.yml"), true);
  ASSERT_TRUE(r.wf) << r.wf.error().message;
  const Workflow& wf = *r.wf;
  EXPECT_TRUE(wf.is_action);
  EXPECT_EQ(wf.action_using, "composite");
  EXPECT_TRUE(wf.triggers.empty());
  ASSERT_EQ(wf.jobs.size(), 1U);
  EXPECT_EQ(wf.jobs[0].id, "");
  EXPECT_EQ(wf.jobs[0].line, 12);
  ASSERT_EQ(wf.jobs[0].steps.size(), 4U);
  EXPECT_EQ(wf.jobs[0].steps[0].uses.value, "dtolnay/rust-toolchain@master");
  EXPECT_EQ(wf.jobs[0].steps[2].shell, "bash");
  EXPECT_EQ(wf.jobs[0].steps[2].run->first_line, 23);

  auto docker = read(test::read_data("config/github/docker-action/action.yml"), true);
  ASSERT_TRUE(docker.wf);
  EXPECT_EQ(docker.wf->action_using, "docker");
  EXPECT_EQ(docker.wf->action_image.value, "docker://hadolint/hadolint:v2.12.0-debian");
  EXPECT_EQ(docker.wf->action_image.line, 9);
  EXPECT_TRUE(docker.wf->jobs.empty());
}

TEST(GithubWorkflow, WrongTypesWarnAndAreSkipped) {
  auto r = read(R"(on: push
env: ${{ fromJSON(vars.ENV) }}
jobs:
  a:
    runs-on: ubuntu-latest
    env:
      - FOO=bar
    steps:
      - just a string
      - run: [not, a, script]
      - uses: actions/checkout@v4
        with:
          nested: {a: 1}
          ok: yes
  b: 42
)");
  ASSERT_TRUE(r.wf) << r.wf.error().message;
  EXPECT_TRUE(r.wf->env.empty());
  ASSERT_EQ(r.wf->jobs.size(), 1U);
  const Job& a = r.wf->jobs[0];
  EXPECT_TRUE(a.env.empty());
  ASSERT_EQ(a.steps.size(), 2U);  // the string step is dropped
  EXPECT_FALSE(a.steps[0].run);
  ASSERT_EQ(a.steps[1].with.size(), 1U);
  EXPECT_EQ(a.steps[1].with[0].second.value, "yes");
  std::vector<int> lines;
  for (const auto& w : r.warnings) lines.push_back(w.line);
  EXPECT_EQ(lines, (std::vector<int>{7, 9, 10, 13, 15}));
  EXPECT_EQ(r.warnings[0].message, "job env is a list, expected a map: skipped");
  EXPECT_TRUE(r.warnings[0].file.empty());
}

TEST(GithubWorkflow, MalformedInputFails) {
  EXPECT_FALSE(read("jobs:\n  a: [unclosed\n").wf);
  EXPECT_FALSE(read("- a\n- b\n").wf);
  EXPECT_FALSE(read("just a string").wf);
  EXPECT_FALSE(read("").wf);
  auto tab = read("jobs:\n\ta: 1\n");
  ASSERT_FALSE(tab.wf);
  EXPECT_NE(tab.wf.error().message.find("line 2"), std::string::npos);
}

TEST(GithubWorkflow, HostileInputIsBounded) {
  // Billion laughs: the aliases expand past the node limit and the file is refused.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [*" + static_cast<char>(c - 1);
    for (int i = 0; i < 9; ++i) bomb += std::string(", *") + static_cast<char>(c - 1);
    bomb += "]\n";
  }
  bomb += "jobs: *j\n";
  EXPECT_FALSE(read(bomb).wf);

  const std::string deep = "jobs: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  auto d = read(deep);
  ASSERT_FALSE(d.wf);
  EXPECT_NE(d.wf.error().message.find("deeper"), std::string::npos);

  std::string many = "on: push\njobs:\n  big:\n    runs-on: ubuntu-latest\n    steps:\n";
  for (int i = 0; i < 10000; ++i) many += "      - run: echo " + std::to_string(i) + "\n";
  auto m = read(many);
  ASSERT_TRUE(m.wf);
  ASSERT_EQ(m.wf->jobs[0].steps.size(), 10000U);
  EXPECT_EQ(m.wf->jobs[0].steps[9999].run->first_line, 10005);
}

TEST(GithubWorkflow, FuzzWrapperNamesActions) {
  auto parsed = parse_github_workflow_fuzz("a/action.yml", "runs:\n  using: composite\n  steps: 3\n");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->warnings.size(), 1U);
  EXPECT_EQ(parsed->warnings[0].line, 3);
  EXPECT_FALSE(parse_github_workflow_fuzz(".github/workflows/x.yml", "[").has_value());
}

}  // namespace
}  // namespace vigil::formats::cicd
