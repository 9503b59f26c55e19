// Where secrets go in a workflow: to every secret of the caller (secrets: inherit), to every step (workflow-level
// env), or to code someone else controls (a third-party action or another repository's reusable workflow).
// A secret reference is `secrets.NAME` (or secrets['NAME']) inside a ${{ }} expression; GITHUB_TOKEN is left to
// the permissions checks.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/strings.hpp"
#include "scan/config/checks.hpp"

namespace vigil::scan::config {
namespace {

using formats::cicd::Located;
using formats::cicd::NamedValues;

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

// The secret named at `at` (just after "secrets"): ".NAME" or "['NAME']" / "[\"NAME\"]"; "" if neither.
std::string_view secret_name_at(std::string_view expr, size_t at) {
  if (at < expr.size() && expr[at] == '.') {
    size_t end = at + 1;
    while (end < expr.size() && name_char(expr[end])) ++end;
    return expr.substr(at + 1, end - at - 1);
  }
  if (at + 1 < expr.size() && expr[at] == '[' && (expr[at + 1] == '\'' || expr[at + 1] == '"')) {
    const size_t close = expr.find(expr[at + 1], at + 2);
    if (close != std::string_view::npos) return expr.substr(at + 2, close - at - 2);
  }
  return {};
}

// Secret names referenced in the ${{ }} expressions of a value, in order (GITHUB_TOKEN excluded).
std::vector<std::string> secrets_in(std::string_view value) {
  std::vector<std::string> names;
  for (size_t open = value.find("${{"); open != std::string_view::npos; open = value.find("${{", open + 3)) {
    const size_t close = value.find("}}", open + 3);
    const std::string_view expr = value.substr(open + 3, close == std::string_view::npos ? close : close - open - 3);
    for (size_t at = expr.find("secrets"); at != std::string_view::npos; at = expr.find("secrets", at + 7)) {
      if (at > 0 && (name_char(expr[at - 1]) || expr[at - 1] == '.')) continue;
      const std::string_view name = secret_name_at(expr, at + 7);
      if (!name.empty() && !iequals(name, "GITHUB_TOKEN")) names.emplace_back(name);
    }
    if (close == std::string_view::npos) break;
  }
  return names;
}

// How far the reference can be trusted, for messages.
std::string pin_note(std::string_view uses) {
  const size_t at = uses.find('@');
  if (at == std::string_view::npos) return "no version: whoever controls its default branch gets the secret";
  const std::string_view ref = uses.substr(at + 1);
  return fmt::format("{} is a tag or branch: whoever moves it gets the secret", ref);
}

// GitHub's own, trusted owners' (--trusted-action-owner) and this repository's code are not third parties. Nor is
// code pinned to a commit SHA: it is what was reviewed, and nobody can move it (recommended practice for
// actions that need a token, such as codecov/codecov-action, so reporting it would only be noise).
bool is_third_party(std::string_view uses, const ConfigOptions* options) {
  uses = trim(uses);
  if (uses.empty() || starts_with(uses, "./") || starts_with(uses, "docker://")) return false;
  if (const size_t at = uses.rfind('@'); at != std::string_view::npos && is_commit_sha(uses.substr(at + 1)))
    return false;
  static const ConfigOptions kDefaults;
  return !(options != nullptr ? *options : kDefaults).first_party_action(uses) &&
         uses.find('/') != std::string_view::npos;
}

// what: "action" / "reusable workflow"; as: how the value is handed over ("input", "env", "secret").
void report_values(const ConfigCheck& check, const NamedValues& values, std::string_view uses, std::string_view what,
                   std::string_view as, Findings& out) {
  for (const auto& [key, value] : values) {
    for (const auto& secret : secrets_in(value.value)) {
      out.add(check, value.line,
              fmt::format("secrets.{} goes to {} {} as {} {} ({})", secret, what, trim(uses), as, key, pin_note(uses)));
    }
  }
}

bool is_workflow(const Document& doc) {
  return doc.kind == DocumentKind::GithubWorkflow && doc.workflow != nullptr;
}

}  // namespace

void check_secrets_inherit(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (!is_workflow(doc)) return;
  for (const auto& job : doc.workflow->jobs) {
    if (job.secrets_inherit.value != "inherit") continue;
    const bool local = starts_with(trim(job.uses.value), "./");
    out.add(check, job.secrets_inherit.line,
            fmt::format("job {} passes every secret of this workflow to {}{}", job.id, trim(job.uses.value),
                        local ? "" : ", a workflow of another repository"));
  }
}

void check_secrets_in_workflow_env(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (!is_workflow(doc)) return;
  for (const auto& [key, value] : doc.workflow->env) {
    for (const auto& secret : secrets_in(value.value)) {
      out.add(check, value.line, fmt::format("env {} holds secrets.{} for every step of every job", key, secret));
    }
  }
}

void check_secret_to_third_party(const ConfigCheck& check, const Document& doc, Findings& out) {
  if ((doc.kind != DocumentKind::GithubWorkflow && doc.kind != DocumentKind::GithubAction) || !doc.workflow) return;
  for (const auto& job : doc.workflow->jobs) {
    if (is_third_party(job.uses.value, doc.options)) {
      report_values(check, job.secrets, job.uses.value, "reusable workflow", "secret", out);
    }
    for (const auto& step : job.steps) {
      if (!is_third_party(step.uses.value, doc.options)) continue;
      report_values(check, step.with, step.uses.value, "action", "input", out);
      report_values(check, step.env, step.uses.value, "action", "env", out);
    }
  }
}

}  // namespace vigil::scan::config
