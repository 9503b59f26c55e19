// GITHUB_TOKEN permission checks: no permissions block, write-all, and write scopes no step of the job uses.
// "Uses" is decided from a table of well-known actions and from what run scripts do; a job with anything the
// table cannot account for (an unknown action, a script handed the token) is left alone rather than guessed at.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <set>

#include "core/strings.hpp"
#include "scan/config/checks.hpp"

namespace vigil::scan::config {
namespace {

using formats::cicd::Job;
using formats::cicd::Permissions;
using formats::cicd::Step;
using formats::cicd::Workflow;

constexpr std::string_view kAnyScope = "*";  // the step may use any scope (github-script, gh api, ...)

struct ActionScopes {
  std::string_view action;  // owner/repo, or owner/repo/path for one action of a monorepo; lower case
  std::array<std::string_view, 3> scopes;
};

// What well-known actions do with the token. An action listed with no scopes needs only read access.
constexpr auto kActionScopes = std::to_array<ActionScopes>({
    {"actions/checkout", {}},
    {"actions/setup-node", {}},
    {"actions/setup-python", {}},
    {"actions/setup-java", {}},
    {"actions/setup-go", {}},
    {"actions/setup-dotnet", {}},
    {"actions/cache", {}},
    {"actions/upload-artifact", {}},
    {"actions/download-artifact", {}},
    {"actions/upload-pages-artifact", {}},
    {"actions/create-github-app-token", {}},
    {"actions/configure-pages", {"pages"}},
    {"actions/deploy-pages", {"pages", "id-token"}},
    {"actions/attest-build-provenance", {"id-token", "attestations"}},
    {"actions/attest-sbom", {"id-token", "attestations"}},
    {"actions/attest", {"id-token", "attestations"}},
    {"actions/stale", {"issues", "pull-requests"}},
    {"actions/labeler", {"pull-requests", "issues"}},
    {"actions/first-interaction", {"issues", "pull-requests"}},
    {"actions/dependency-review-action", {"pull-requests"}},
    {"actions/delete-package-versions", {"packages"}},
    {"actions/github-script", {kAnyScope}},
    {"github/codeql-action", {"security-events"}},
    {"ossf/scorecard-action", {"security-events", "id-token"}},
    {"softprops/action-gh-release", {"contents"}},
    {"ncipollo/release-action", {"contents"}},
    {"peter-evans/create-pull-request", {"contents", "pull-requests"}},
    {"peter-evans/create-or-update-comment", {"issues", "pull-requests"}},
    {"peter-evans/find-comment", {"issues", "pull-requests"}},
    {"googleapis/release-please-action", {"contents", "pull-requests", "issues"}},
    {"google-github-actions/release-please-action", {"contents", "pull-requests", "issues"}},
    {"changesets/action", {"contents", "pull-requests"}},
    {"release-drafter/release-drafter", {"contents", "pull-requests"}},
    {"stefanzweifel/git-auto-commit-action", {"contents"}},
    {"jamesives/github-pages-deploy-action", {"contents"}},
    {"peaceiris/actions-gh-pages", {"contents"}},
    {"ad-m/github-push-action", {"contents"}},
    {"endbug/add-and-commit", {"contents"}},
    {"goreleaser/goreleaser-action", {"contents", "packages", "id-token"}},
    {"anchore/sbom-action", {"contents"}},
    {"gradle/actions", {"contents"}},  // dependency-submission writes the dependency graph
    {"mikepenz/action-junit-report", {"checks"}},
    {"dorny/test-reporter", {"checks"}},
    {"enricomi/publish-unit-test-result-action", {"checks", "pull-requests", "issues"}},
    {"marocchino/sticky-pull-request-comment", {"pull-requests"}},
    {"thollander/actions-comment-pull-request", {"pull-requests"}},
    {"amannn/action-semantic-pull-request", {"pull-requests", "statuses"}},
    {"dependabot/fetch-metadata", {"pull-requests"}},
    {"golangci/golangci-lint-action", {"checks", "pull-requests"}},
    {"codecov/codecov-action", {"id-token"}},  // use_oidc
    {"aws-actions/configure-aws-credentials", {"id-token"}},
    {"google-github-actions/auth", {"id-token"}},
    {"azure/login", {"id-token"}},
    {"pypa/gh-action-pypi-publish", {"id-token"}},
    {"hashicorp/vault-action", {"id-token"}},
    {"sigstore/cosign-installer", {}},  // installs only; `cosign sign` in a script needs id-token
    {"docker/login-action", {}},        // packages when it logs in to ghcr.io (any with: naming ghcr.io counts)
    {"docker/setup-buildx-action", {}},
    {"docker/setup-qemu-action", {}},
    {"docker/metadata-action", {}},
    {"docker/build-push-action", {}},
    {"docker/bake-action", {}},
    {"dtolnay/rust-toolchain", {}},
    {"swatinem/rust-cache", {}},
    {"pnpm/action-setup", {}},
    {"astral-sh/setup-uv", {}},
    {"ruby/setup-ruby", {}},
    {"oven-sh/setup-bun", {}},
    {"denoland/setup-deno", {}},
    {"hashicorp/setup-terraform", {}},
    {"azure/setup-kubectl", {}},
    {"azure/setup-helm", {}},
    {"aquasecurity/trivy-action", {}},
    {"step-security/harden-runner", {}},
    {"pre-commit/action", {}},
    {"taiki-e/install-action", {}},
    {"tj-actions/changed-files", {}},
    {"dorny/paths-filter", {}},
    {"crazy-max/ghaction-import-gpg", {}},
    {"gradle/wrapper-validation-action", {}},
    {"cachix/install-nix-action", {}},
});

// Script text that spends a scope. gh subcommands are matched with their trailing space.
struct ScriptUse {
  std::string_view text;
  std::string_view scope;
};
constexpr auto kScriptUses = std::to_array<ScriptUse>({
    {"git push", "contents"},         {"gh release ", "contents"},
    {"gh pr merge", "contents"},      {"semantic-release", "contents"},
    {"mkdocs gh-deploy", "contents"}, {"mike deploy", "contents"},
    {"gh pr ", "pull-requests"},      {"gh issue ", "issues"},
    {"gh label ", "issues"},          {"ghcr.io", "packages"},
    {".pkg.github.com", "packages"},  {"cosign sign", "id-token"},
    {"cosign attest", "id-token"},    {"ACTIONS_ID_TOKEN_REQUEST", "id-token"},
    {"--provenance", "id-token"},     {"uv publish", "id-token"},
    {"gh workflow ", "actions"},      {"gh run ", "actions"},
    {"gh cache ", "actions"},         {"gh api", kAnyScope},
    {"api.github.com", kAnyScope},
});

// What a message says the job does not do, per scope.
std::string_view missing_use(std::string_view scope) {
  if (scope == "contents") return "pushes, tags or releases";
  if (scope == "pull-requests") return "opens, comments on or labels a pull request";
  if (scope == "issues") return "opens, comments on or labels an issue";
  if (scope == "packages") return "publishes to GitHub Packages";
  if (scope == "id-token") return "requests an OIDC token";
  if (scope == "security-events") return "uploads code scanning results";
  if (scope == "pages") return "deploys GitHub Pages";
  if (scope == "attestations") return "writes an attestation";
  if (scope == "actions") return "manages workflow runs or caches";
  if (scope == "checks") return "creates check runs";
  return "uses it";
}

// `needle` in a script where it starts a word ("gh pr" but not "sigh pr", "git push" but not "legit push").
bool has_command(std::string_view text, std::string_view needle) {
  for (size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
    const char before = at == 0 ? ' ' : text[at - 1];
    const bool word_char = std::isalnum(static_cast<unsigned char>(before)) != 0 || before == '-' || before == '_';
    if (!word_char || !std::isalpha(static_cast<unsigned char>(needle.front()))) return true;
  }
  return false;
}

bool mentions_token(std::string_view text) {
  return text.find("github.token") != std::string_view::npos || text.find("GITHUB_TOKEN") != std::string_view::npos;
}

bool values_mention(const formats::cicd::NamedValues& values, std::string_view needle) {
  return std::any_of(values.begin(), values.end(),
                     [&](const auto& kv) { return kv.second.value.find(needle) != std::string::npos; });
}

bool names_github_registry(std::string_view value) {
  return value.find("ghcr.io") != std::string_view::npos || value.find(".pkg.github.com") != std::string_view::npos;
}

// A registry named in env reaches a step through ${{ env.REGISTRY }} or $REGISTRY (GitHub's own publishing
// example): the job uses packages when one of its steps refers to such a variable.
bool uses_registry_from_env(const Workflow& workflow, const Job& job) {
  std::vector<std::string_view> keys;
  for (const auto* env : {&workflow.env, &job.env}) {
    for (const auto& [key, value] : *env) {
      if (names_github_registry(value.value)) keys.push_back(key);
    }
  }
  for (const auto& step : job.steps) {
    for (std::string_view key : keys) {
      const std::string expr = "env." + std::string(key);
      if (values_mention(step.with, expr) || values_mention(step.env, expr)) return true;
      if (step.run &&
          (has_command(step.run->text, "$" + std::string(key)) ||
           has_command(step.run->text, "${" + std::string(key)) || step.run->text.find(expr) != std::string::npos)) {
        return true;
      }
    }
  }
  return false;
}

// The scopes one step uses, kAnyScope included; nullopt when the step cannot be accounted for.
std::optional<std::set<std::string_view>> step_scopes(const Step& step, bool token_in_env) {
  std::set<std::string_view> used;
  for (const auto* values : {&step.with, &step.env}) {
    for (const auto& [key, value] : *values) {
      if (names_github_registry(value.value)) used.insert("packages");
    }
  }
  for (const auto& [key, value] : step.with) {
    if (to_lower(key).find("oidc") != std::string::npos) used.insert("id-token");
  }
  if (step.run) {
    const std::string& text = step.run->text;
    for (const auto& use : kScriptUses) {
      if (has_command(text, use.text)) used.insert(use.scope);
    }
    // A script handed the token that runs no gh command does something we cannot see (a release script, a
    // bot): it may use any scope.
    const bool has_token = token_in_env || values_mention(step.env, "github.token") ||
                           values_mention(step.env, "GITHUB_TOKEN") || mentions_token(text);
    if (has_token && !has_command(text, "gh ")) used.insert(kAnyScope);
    return used;
  }
  std::string action = to_lower(trim(step.uses.value));
  action = action.substr(0, action.find('@'));
  for (const auto& entry : kActionScopes) {
    if (action == entry.action || starts_with(action, std::string(entry.action) + "/")) {
      for (std::string_view scope : entry.scopes) {
        if (!scope.empty()) used.insert(scope);
      }
      return used;
    }
  }
  return std::nullopt;  // a local, docker:// or unknown action may read github.token itself
}

bool is_checkout(const Step& step) {
  return starts_with(to_lower(trim(step.uses.value)), "actions/checkout@");
}

bool persist_credentials_off(const Step& step) {
  return std::any_of(step.with.begin(), step.with.end(), [](const auto& kv) {
    return kv.first == "persist-credentials" && iequals(trim(kv.second.value), "false");
  });
}

// A shell script of the repository ("./scripts/release.sh", "bash tools/tag.sh"): what it does is not visible here.
bool runs_repository_script(std::string_view text) {
  return text.find(".sh") != std::string_view::npos || has_command(text, "scripts/");
}

// The scopes a job's steps use, or nullopt when the job cannot be judged (reusable call, unknown action).
std::optional<std::set<std::string_view>> job_scopes(const Workflow& workflow, const Job& job) {
  if (!job.uses.value.empty()) return std::nullopt;
  const bool token_in_env = values_mention(job.env, "github.token") || values_mention(job.env, "GITHUB_TOKEN") ||
                            values_mention(workflow.env, "github.token") ||
                            values_mention(workflow.env, "GITHUB_TOKEN");
  std::set<std::string_view> used;
  if (uses_registry_from_env(workflow, job)) used.insert("packages");
  bool credentials_persisted = false;
  for (const auto& step : job.steps) {
    auto scopes = step_scopes(step, token_in_env);
    if (!scopes || scopes->contains(kAnyScope)) return std::nullopt;
    used.insert(scopes->begin(), scopes->end());
    if (is_checkout(step)) credentials_persisted = !persist_credentials_off(step);
    // actions/checkout leaves the token in .git/config: a repository shell script run after it may push.
    if (credentials_persisted && step.run && runs_repository_script(step.run->text)) used.insert("contents");
  }
  return used;
}

bool is_workflow(const Document& doc) {
  return doc.kind == DocumentKind::GithubWorkflow && doc.workflow != nullptr;
}

std::string name_list(const std::vector<std::string_view>& names) {
  constexpr size_t kShown = 5;
  std::string out;
  for (size_t i = 0; i < names.size() && i < kShown; ++i) out += (i == 0 ? "" : ", ") + std::string(names[i]);
  if (names.size() > kShown) out += fmt::format(" and {} more", names.size() - kShown);
  return out;
}

}  // namespace

void check_permissions_missing(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (!is_workflow(doc) || doc.workflow->permissions.present) return;
  std::vector<std::string_view> unlimited;
  for (const auto& job : doc.workflow->jobs) {
    if (job.uses.value.empty() && !job.permissions.present) unlimited.push_back(job.id);
  }
  if (unlimited.empty()) return;
  const int line =
      doc.workflow->triggers.empty() || doc.workflow->triggers[0].line == 0 ? 1 : doc.workflow->triggers[0].line;
  out.add(check, line,
          fmt::format("no permissions: at the top or in {} {}: {} the repository's default token",
                      unlimited.size() == 1 ? "job" : "jobs", name_list(unlimited),
                      unlimited.size() == 1 ? "it gets" : "they get"));
}

void check_permissions_write_all(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (!is_workflow(doc)) return;
  if (doc.workflow->permissions.all == "write-all") {
    out.add(check, doc.workflow->permissions.line, "the workflow grants write-all to every job");
  }
  for (const auto& job : doc.workflow->jobs) {
    if (job.permissions.all == "write-all") {
      out.add(check, job.permissions.line, fmt::format("job {} grants write-all", job.id));
    }
  }
}

void check_permissions_unused_write(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (!is_workflow(doc)) return;
  const Workflow& wf = *doc.workflow;
  // A top-level scope is reported once, naming every inheriting job that does not use it (by scope index).
  std::vector<std::vector<std::string_view>> inherited_unused(wf.permissions.scopes.size());
  for (const auto& job : wf.jobs) {
    const bool own = job.permissions.present;
    const Permissions& effective = own ? job.permissions : wf.permissions;
    if (!effective.present) continue;
    const auto used = job_scopes(wf, job);
    if (!used) continue;
    for (size_t i = 0; i < effective.scopes.size(); ++i) {
      const auto& [scope, value] = effective.scopes[i];
      if (value.value != "write" || used->contains(scope)) continue;
      if (own) {
        out.add(check, value.line,
                fmt::format("job {} grants {}: write but none of its steps {}", job.id, scope, missing_use(scope)));
      } else {
        inherited_unused[i].push_back(job.id);
      }
    }
  }
  for (size_t i = 0; i < wf.permissions.scopes.size(); ++i) {
    const auto& [scope, value] = wf.permissions.scopes[i];
    const auto& jobs = inherited_unused[i];
    if (jobs.empty()) continue;
    out.add(check, value.line,
            fmt::format("{}: write is granted to every job but {} {} {} no step that {}", scope,
                        jobs.size() == 1 ? "job" : "jobs", name_list(jobs), jobs.size() == 1 ? "has" : "have",
                        missing_use(scope)));
  }
}

}  // namespace vigil::scan::config
