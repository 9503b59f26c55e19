// action-typosquat: a `uses:` whose owner/repository is not a well-known action but is one typo or one lookalike
// character away from one (core/lookalike decides "close"). The table below is the reference list.
#include <fmt/format.h>

#include <array>
#include <optional>

#include "core/lookalike.hpp"
#include "core/strings.hpp"
#include "scan/config/checks.hpp"

namespace vigil::scan::config {
namespace {

// Widely used actions (owner/repository, GitHub's spelling), the names squatters imitate. An entry must not be
// close to another entry (tests/unit/core/lookalike_test.cpp checks every pair).
constexpr auto kWellKnownActions = std::to_array<std::string_view>({
    // GitHub's own
    "actions/checkout",
    "actions/setup-node",
    "actions/setup-python",
    "actions/setup-java",
    "actions/setup-go",
    "actions/setup-dotnet",
    "actions/setup-ruby",
    "actions/cache",
    "actions/upload-artifact",
    "actions/download-artifact",
    "actions/github-script",
    "actions/stale",
    "actions/labeler",
    "actions/first-interaction",
    "actions/deploy-pages",
    "actions/upload-pages-artifact",
    "actions/configure-pages",
    "actions/jekyll-build-pages",
    "actions/attest-build-provenance",
    "actions/attest-sbom",
    "actions/attest",
    "actions/create-github-app-token",
    "actions/dependency-review-action",
    "actions/add-to-project",
    "actions/delete-package-versions",
    "actions/create-release",
    "actions/upload-release-asset",
    "github/codeql-action",
    "github/super-linter",
    "github/issue-labeler",
    // Docker
    "docker/login-action",
    "docker/setup-buildx-action",
    "docker/setup-qemu-action",
    "docker/build-push-action",
    "docker/metadata-action",
    "docker/bake-action",
    "docker/scout-action",
    "docker/setup-docker-action",
    // Clouds
    "aws-actions/configure-aws-credentials",
    "aws-actions/amazon-ecr-login",
    "aws-actions/amazon-ecs-deploy-task-definition",
    "aws-actions/amazon-ecs-render-task-definition",
    "aws-actions/aws-cloudformation-github-deploy",
    "aws-actions/setup-sam",
    "Azure/login",
    "Azure/webapps-deploy",
    "Azure/k8s-set-context",
    "Azure/aks-set-context",
    "Azure/k8s-deploy",
    "Azure/setup-kubectl",
    "Azure/setup-helm",
    "Azure/docker-login",
    "Azure/arm-deploy",
    "Azure/cli",
    "Azure/functions-action",
    "Azure/static-web-apps-deploy",
    "google-github-actions/auth",
    "google-github-actions/setup-gcloud",
    "google-github-actions/deploy-cloudrun",
    "google-github-actions/get-gke-credentials",
    "google-github-actions/upload-cloud-storage",
    "googleapis/release-please-action",
    "hashicorp/setup-terraform",
    "hashicorp/setup-packer",
    "hashicorp/vault-action",
    "cloudflare/wrangler-action",
    "cloudflare/pages-action",
    "superfly/flyctl-actions",
    "digitalocean/action-doctl",
    "pulumi/actions",
    "FirebaseExtended/action-hosting-deploy",
    "amondnet/vercel-action",
    // Security and supply chain
    "codecov/codecov-action",
    "codecov/test-results-action",
    "coverallsapp/github-action",
    "aquasecurity/trivy-action",
    "aquasecurity/setup-trivy",
    "aquasecurity/tfsec-action",
    "anchore/sbom-action",
    "anchore/scan-action",
    "snyk/actions",
    "ossf/scorecard-action",
    "step-security/harden-runner",
    "sigstore/cosign-installer",
    "slsa-framework/slsa-github-generator",
    "gitleaks/gitleaks-action",
    "trufflesecurity/trufflehog",
    "SonarSource/sonarqube-scan-action",
    "SonarSource/sonarcloud-github-action",
    "bridgecrewio/checkov-action",
    "hadolint/hadolint-action",
    "dependabot/fetch-metadata",
    "crazy-max/ghaction-import-gpg",
    "goreleaser/goreleaser-action",
    // Pull requests, releases, repository automation
    "peter-evans/create-pull-request",
    "peter-evans/create-or-update-comment",
    "peter-evans/find-comment",
    "peter-evans/repository-dispatch",
    "peter-evans/dockerhub-description",
    "peter-evans/slash-command-dispatch",
    "peter-evans/enable-pull-request-automerge",
    "softprops/action-gh-release",
    "ncipollo/release-action",
    "changesets/action",
    "release-drafter/release-drafter",
    "amannn/action-semantic-pull-request",
    "tj-actions/changed-files",
    "dorny/paths-filter",
    "dorny/test-reporter",
    "stefanzweifel/git-auto-commit-action",
    "JamesIves/github-pages-deploy-action",
    "peaceiris/actions-gh-pages",
    "peaceiris/actions-hugo",
    "ad-m/github-push-action",
    "EndBug/add-and-commit",
    "mikepenz/action-junit-report",
    "EnricoMi/publish-unit-test-result-action",
    "marocchino/sticky-pull-request-comment",
    "thollander/actions-comment-pull-request",
    "slackapi/slack-github-action",
    "8398a7/action-slack",
    "rtCamp/action-slack-notify",
    "appleboy/ssh-action",
    "appleboy/scp-action",
    "webfactory/ssh-agent",
    "shimataro/ssh-key-action",
    "styfle/cancel-workflow-action",
    "fkirc/skip-duplicate-actions",
    "nick-fields/retry",
    "mxschmitt/action-tmate",
    "rlespinasse/github-slug-action",
    "tibdex/github-app-token",
    // Languages and toolchains
    "dtolnay/rust-toolchain",
    "Swatinem/rust-cache",
    "actions-rs/toolchain",
    "actions-rs/cargo",
    "actions-rust-lang/setup-rust-toolchain",
    "taiki-e/install-action",
    "EmbarkStudios/cargo-deny-action",
    "rustsec/audit-check",
    "golangci/golangci-lint-action",
    "pnpm/action-setup",
    "oven-sh/setup-bun",
    "denoland/setup-deno",
    "pypa/gh-action-pypi-publish",
    "pypa/cibuildwheel",
    "PyO3/maturin-action",
    "astral-sh/setup-uv",
    "astral-sh/ruff-action",
    "snok/install-poetry",
    "conda-incubator/setup-miniconda",
    "mamba-org/setup-micromamba",
    "pre-commit/action",
    "ruby/setup-ruby",
    "shivammathur/setup-php",
    "subosito/flutter-action",
    "gradle/actions",
    "gradle/gradle-build-action",
    "gradle/wrapper-validation-action",
    "erlef/setup-beam",
    "haskell-actions/setup",
    "julia-actions/setup-julia",
    "r-lib/actions",
    "mlugg/setup-zig",
    "jdx/mise-action",
    "cachix/install-nix-action",
    "DeterminateSystems/nix-installer-action",
    "cypress-io/github-action",
    "microsoft/setup-msbuild",
    "NuGet/setup-nuget",
    "ilammy/msvc-dev-cmd",
    "lukka/run-vcpkg",
    "lukka/get-cmake",
    "hendrikmuhs/ccache-action",
    "msys2/setup-msys2",
    "KyleMayes/install-llvm-action",
    "helm/kind-action",
    "helm/chart-testing-action",
    "helm/chart-releaser-action",
    "ludeeus/action-shellcheck",
    "reviewdog/action-setup",
    "super-linter/super-linter",
    "DavidAnson/markdownlint-cli2-action",
    "crate-ci/typos",
    "lycheeverse/lychee-action",
});

// Organisations whose name alone is worth squatting (the 2024 typosquatting study registered lookalikes of these):
// a repository of any name under a lookalike of one of them is reported. Other owners are only compared together
// with the repository name, which keeps unrelated users with similar names quiet.
constexpr auto kSquattedOwners = std::to_array<std::string_view>({
    "actions",
    "github",
    "docker",
    "aws-actions",
    "azure",
    "google-github-actions",
    "hashicorp",
    "aquasecurity",
});

// "owner/repo" of a `uses:` value, or nullopt for local actions, docker:// images and malformed values.
std::optional<std::string_view> owner_repo(std::string_view uses) {
  uses = trim(uses);
  if (uses.empty() || starts_with(uses, "./") || starts_with(uses, "docker://")) return std::nullopt;
  uses = uses.substr(0, uses.find('@'));
  const size_t slash = uses.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  const size_t second = uses.find('/', slash + 1);
  const std::string_view name = uses.substr(0, second);
  if (name.size() == slash + 1) return std::nullopt;
  return name;
}

std::string_view owner_of(std::string_view name) {
  return name.substr(0, name.find('/'));
}

void check_uses(const ConfigCheck& check, const formats::cicd::Located& uses, Findings& out) {
  const auto name = owner_repo(uses.value);
  if (!name) return;
  const auto known = lookalike_of(*name, kWellKnownActions);
  // Under the same owner only that owner can publish: a misspelt repository there fails to resolve instead of
  // running someone else's code, so it is not a squat.
  if (known && !iequals(owner_of(*known), owner_of(*name))) {
    out.add(check, uses.line, fmt::format("{} looks like {}", *name, *known));
    return;
  }
  if (known) return;
  if (const auto owner = lookalike_of(owner_of(*name), kSquattedOwners)) {
    out.add(check, uses.line, fmt::format("{}: the owner {} looks like {}", *name, owner_of(*name), *owner));
  }
}

}  // namespace

std::span<const std::string_view> well_known_actions() {
  return kWellKnownActions;
}

void check_action_typosquat(const ConfigCheck& check, const Document& doc, Findings& out) {
  if ((doc.kind != DocumentKind::GithubWorkflow && doc.kind != DocumentKind::GithubAction) || !doc.workflow) return;
  for (const auto& job : doc.workflow->jobs) {
    check_uses(check, job.uses, out);
    for (const auto& step : job.steps) check_uses(check, step.uses, out);
  }
}

}  // namespace vigil::scan::config
