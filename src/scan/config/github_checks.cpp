// GitHub Actions checks: action pinning, pull request code run by privileged triggers ("pwn requests"), template
// injection, secrets printed to the log and self-hosted runners exposed to forks; plus lower_workflow.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "scan/config/checks.hpp"

namespace vigil::scan::config {
namespace {

using formats::cicd::Job;
using formats::cicd::Located;
using formats::cicd::Script;
using formats::cicd::Step;
using formats::cicd::Workflow;

// Findings of one check in one script: enough to act on, and a hostile file cannot flood the report.
constexpr size_t kMaxFindingsPerScript = 50;

std::string step_label(const Step& step, size_t index) {
  return step.name.empty() ? fmt::format("step {}", index + 1) : fmt::format("step \"{}\"", step.name);
}

std::string where_of(const Workflow& wf, const Job& job, const Step& step, size_t index) {
  return wf.is_action ? step_label(step, index) : fmt::format("job {}, {}", job.id, step_label(step, index));
}

bool has_trigger(const Workflow& wf, std::string_view event) {
  for (const auto& t : wf.triggers) {
    if (t.value == event) return true;
  }
  return false;
}

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) out += c;
  }
  return out;
}

// A job `if:` that only lets same-repository pull requests (or runs) through: a fork cannot reach the job.
bool restricted_to_same_repo(std::string_view condition) {
  const std::string c = without_spaces(condition);
  for (std::string_view guard :
       {"head.repo.full_name==github.repository", "github.repository==github.event.pull_", "head.repo.fork==false",
        "head.repo.fork!=true", "!github.event.pull_request.head.repo.fork",
        "head_repository.full_name==github.repository",
        "github.repository==github.event.workflow_run.head_repository.full_name"}) {
    if (c.find(guard) != std::string::npos) return true;
  }
  return false;
}

// "owner/repo@ref" with the owner compared case-insensitively (GitHub names are).
bool uses_action(const Step& step, std::string_view action) {
  const std::string lower = to_lower(step.uses.value);
  return starts_with(lower, action) && lower.size() > action.size() && lower[action.size()] == '@';
}

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return !s.empty();
}

// What is wrong with a `uses:` reference, or "" when it is pinned (or local, or a container).
std::string pin_problem(std::string_view uses, const ConfigOptions& options) {
  if (uses.empty() || starts_with(uses, "./") || starts_with(uses, "docker://") ||
      uses.find("${{") != std::string_view::npos) {
    return "";
  }
  if (!options.pin_first_party_actions && options.first_party_action(uses)) return "";
  // The SLSA generator's reusable workflows verify their own ref and only work when called by a version tag.
  if (starts_with(to_lower(uses), "slsa-framework/slsa-github-generator/")) return "";
  const size_t at = uses.rfind('@');
  if (at == std::string_view::npos) return fmt::format("{} has no @ref: it runs the default branch", uses);
  const std::string_view ref = uses.substr(at + 1);
  if (is_commit_sha(ref)) return "";
  if (is_hex(ref) && ref.size() >= 7) return fmt::format("{} is pinned to a short SHA, not a full commit SHA", uses);
  for (std::string_view branch :
       {"main", "master", "dev", "develop", "trunk", "latest", "stable", "nightly", "next", "edge", "canary"}) {
    if (ref == branch || ref.find('/') != std::string_view::npos) {
      return fmt::format("{} is pinned to a branch ({}), not a commit SHA", uses, ref);
    }
  }
  return fmt::format("{} is pinned to a tag, not a commit SHA", uses);
}

// ---- template injection ----

// Expression paths an outsider can set to any text; '*' is one path segment (an index or a filter).
constexpr std::array kTaintedPaths{
    "github.head_ref",
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.pages.*.page_name",
    "github.event.commits.*.message",
    "github.event.commits.*.author.email",
    "github.event.commits.*.author.name",
    "github.event.head_commit.message",
    "github.event.head_commit.author.email",
    "github.event.head_commit.author.name",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.author.name",
    "github.event.workflow_run.display_title",
    "github.event.workflow_run.pull_requests.*.head.ref",
    "github.event.discussion.title",
    "github.event.discussion.body",
    "github.event.issue_comment.body",
    "github.event.*.head_ref",
};

// Dotted paths of an expression, lower case, with [0] and ['key'] turned into .0 and .key.
std::vector<std::string> expression_paths(std::string_view expr) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && std::isalpha(static_cast<unsigned char>(cur.front())) != 0) out.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < expr.size(); ++i) {
    const char c = expr[i];
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.' || c == '*') {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (c == '[' && !cur.empty()) {
      const size_t close = expr.find(']', i);
      if (close == std::string_view::npos) break;
      std::string_view index = expr.substr(i + 1, close - i - 1);
      if (index.size() >= 2 && (index.front() == '\'' || index.front() == '"'))
        index = index.substr(1, index.size() - 2);
      cur += "." + to_lower(index);
      i = close;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

// The path matches the pattern, or (prefix) a parent of what the pattern names.
bool path_matches(std::string_view path, std::string_view pattern, bool prefix = false) {
  const auto p = split(path, '.');
  const auto q = split(pattern, '.');
  if (prefix ? p.size() >= q.size() : p.size() != q.size()) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (q[i] != "*" && p[i] != q[i]) return false;
  }
  return true;
}

// The tainted path an expression reads, or "". toJSON() of a parent object (github.event) prints the children too.
std::string tainted_path(std::string_view expr) {
  const bool to_json = to_lower(expr).find("tojson(") != std::string::npos;
  for (const auto& path : expression_paths(expr)) {
    for (std::string_view pattern : kTaintedPaths) {
      if (path_matches(path, pattern) || (to_json && path_matches(path, pattern, true))) return path;
    }
  }
  return "";
}

// Calls found(offset, expression text) for each tainted `${{ }}` in text.
template <typename Found>
void find_tainted_expressions(std::string_view text, Found found) {
  size_t reported = 0;
  for (size_t at = text.find("${{"); at != std::string_view::npos && reported < kMaxFindingsPerScript;
       at = text.find("${{", at + 3)) {
    const size_t end = text.find("}}", at + 3);
    if (end == std::string_view::npos) return;
    const std::string_view expr = trim(text.substr(at + 3, end - at - 3));
    const std::string path = tainted_path(expr);
    if (!path.empty()) {
      found(at, expr, path);
      ++reported;
    }
  }
}

// ---- untrusted checkout ----

bool names_pr_head(std::string_view text) {
  const std::string t = to_lower(text);
  for (std::string_view head :
       {"github.event.pull_request.head.sha", "github.event.pull_request.head.ref", "github.head_ref",
        "github.event.workflow_run.head_sha", "github.event.workflow_run.head_branch", "refs/pull/"}) {
    if (t.find(head) != std::string::npos) return true;
  }
  return false;
}

// Byte offset in a run script of a command that fetches pull request code, or npos.
size_t pr_fetch_in_script(std::string_view text) {
  if (size_t at = text.find("gh pr checkout"); at != std::string_view::npos) return at;
  // Line by line, so a long line with many fetches is looked at once.
  for (size_t start = 0; start < text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    const size_t at = line.find("git fetch");
    if (at != std::string_view::npos && (line.find("pull/") != std::string_view::npos || names_pr_head(line))) {
      return start + at;
    }
    start = end + 1;
  }
  return std::string_view::npos;
}

// Actions that run code from the checked-out tree themselves (a build, an install with lifecycle scripts).
bool executes_checkout(const Step& step) {
  if (step.run) return !trim(step.run->text).empty();
  if (starts_with(step.uses.value, "./")) return true;
  for (std::string_view action :
       {"docker/build-push-action", "github/codeql-action/autobuild", "cypress-io/github-action",
        "gradle/gradle-build-action", "borales/actions-yarn", "bahmutov/npm-install"}) {
    if (uses_action(step, action)) return true;
  }
  return false;
}

std::string short_command(std::string_view text) {
  return std::string(trim(text.substr(0, text.find('\n'))).substr(0, 60));
}

struct PrCheckout {
  int line = 0;
  std::string what;
};

// The step's fetch of pull request code, if it is one.
std::optional<PrCheckout> pr_checkout(const Step& step) {
  if (uses_action(step, "actions/checkout")) {
    for (const auto& [key, value] : step.with) {
      if (key == "ref" && names_pr_head(value.value)) return PrCheckout{value.line, value.value};
    }
    return std::nullopt;
  }
  if (!step.run) return std::nullopt;
  const size_t at = pr_fetch_in_script(step.run->text);
  if (at == std::string_view::npos) return std::nullopt;
  return PrCheckout{step.run->line_at(at), short_command(step.run->text.substr(at))};
}

void check_job_checkout(const ConfigCheck& check, const Workflow& wf, const Job& job, Findings& out) {
  std::optional<PrCheckout> checkout;
  for (size_t i = 0; i < job.steps.size(); ++i) {
    const Step& step = job.steps[i];
    if (checkout && executes_checkout(step)) {
      const std::string runs = step.run ? "runs `" + short_command(step.run->text) + "`" : "runs " + step.uses.value;
      out.add(check, checkout->line,
              fmt::format("{} checks out pull request code ({}) and then {} ({})",
                          wf.is_action ? "action" : "job " + job.id, checkout->what, runs, step_label(step, i)));
      return;
    }
    if (!checkout) checkout = pr_checkout(step);
  }
}

// ---- secret echoed ----

// A secret in an expression: secrets.X or the job token.
bool expression_is_secret(std::string_view value) {
  const std::string v = to_lower(value);
  const size_t at = v.find("${{");
  return at != std::string::npos &&
         (v.find("secrets.", at) != std::string::npos || v.find("github.token", at) != std::string::npos);
}

void add_secret_vars(const formats::cicd::NamedValues& env, std::vector<std::string>& out) {
  for (const auto& [name, value] : env) {
    if (expression_is_secret(value.value)) out.push_back(name);
  }
}

// The secret a command segment prints: "secrets.X" from an expression, "$VAR" for a secret variable outside
// single quotes (where the shell does not expand it), or "".
std::string printed_secret(std::string_view segment, const std::vector<std::string>& vars) {
  if (const size_t at = segment.find("${{"); at != std::string_view::npos && expression_is_secret(segment.substr(at))) {
    const size_t end = segment.find("}}", at);
    return std::string(trim(segment.substr(at + 3, end == std::string_view::npos ? 0 : end - at - 3)));
  }
  char quote = 0;
  for (size_t i = 0; i < segment.size(); ++i) {
    if ((segment[i] == '\'' || segment[i] == '"') && (quote == 0 || quote == segment[i])) {
      quote = quote == 0 ? segment[i] : 0;
    }
    if (quote == '\'' || segment[i] != '$') continue;
    const size_t start = i + 1 + static_cast<size_t>(i + 1 < segment.size() && segment[i + 1] == '{');
    size_t end = start;
    while (end < segment.size() &&
           (std::isalnum(static_cast<unsigned char>(segment[end])) != 0 || segment[end] == '_')) {
      ++end;
    }
    const std::string_view name = segment.substr(start, end - start);
    for (const auto& v : vars) {
      if (name == v) return "$" + v;
    }
  }
  return "";
}

// Output stays in the log unless the command is piped on or redirected to a file (stderr is the log too).
bool output_to_log(std::string_view segment, bool piped) {
  if (piped || segment.find("::add-mask::") != std::string_view::npos) return false;
  for (size_t at = segment.find('>'); at != std::string_view::npos; at = segment.find('>', at + 1)) {
    if (segment.substr(at + 1, 2) != "&2" && segment.substr(at + 1, 2) != "&1") return false;
  }
  return true;
}

// Splits a logical line into commands on ; && || and |, outside quotes; piped says a '|' follows.
struct Segment {
  size_t offset;
  std::string_view text;
  bool piped;
};

std::vector<Segment> segments(std::string_view line, size_t base) {
  std::vector<Segment> out;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    const bool two = i + 1 < line.size() && line[i + 1] == c;
    if (c == ';' || (c == '&' && two) || c == '|') {
      out.push_back({base + start, line.substr(start, i - start), c == '|' && !two});
      i += two ? 1 : 0;
      start = i + 1;
    }
  }
  out.push_back({base + start, line.substr(start), false});
  return out;
}

void check_script_echo(const ConfigCheck& check, const Script& script, const std::vector<std::string>& vars,
                       const std::string& where, Findings& out) {
  const std::string_view text = script.text;
  size_t pos = 0;
  size_t reported = 0;
  while (pos < text.size() && reported < kMaxFindingsPerScript) {
    // A logical line: backslash-newline continues it.
    size_t end = pos;
    while ((end = text.find('\n', end)) != std::string_view::npos && end > pos && text[end - 1] == '\\') ++end;
    if (end == std::string_view::npos) end = text.size();
    for (const auto& seg : segments(text.substr(pos, end - pos), pos)) {
      std::string_view cmd = trim(seg.text);
      for (std::string_view kw : {"then ", "do ", "else "}) {
        if (starts_with(cmd, kw)) cmd = trim(cmd.substr(kw.size()));
      }
      const std::string_view word = cmd.substr(0, cmd.find_first_of(" \t"));
      if (word != "echo" && word != "printf") continue;
      const std::string secret = printed_secret(cmd, vars);
      if (secret.empty() || !output_to_log(cmd, seg.piped)) continue;
      const size_t at = seg.offset + static_cast<size_t>(cmd.data() - seg.text.data());
      out.add(check, script.line_at(at), fmt::format("{} prints {} to the log in {}", word, secret, where));
      ++reported;
    }
    pos = end + 1;
  }
}

}  // namespace

void lower_workflow(const Workflow& wf, Document& doc) {
  for (const auto& job : wf.jobs) {
    const std::string job_where = wf.is_action ? std::string("action") : "job " + job.id;
    if (job.container) doc.images.push_back({*job.container, job_where + " container"});
    for (const auto& [name, image] : job.services) {
      std::string where = job_where;
      where += " service ";
      where += name;
      doc.images.push_back({image, std::move(where)});
    }
    for (size_t i = 0; i < job.steps.size(); ++i) {
      const Step& step = job.steps[i];
      if (step.run) doc.scripts.push_back({&*step.run, where_of(wf, job, step, i)});
      if (starts_with(step.uses.value, "docker://")) {
        doc.images.push_back({Located{step.uses.value.substr(9), step.uses.line}, where_of(wf, job, step, i)});
      }
    }
  }
  if (starts_with(wf.action_image.value, "docker://")) {
    doc.images.push_back({Located{wf.action_image.value.substr(9), wf.action_image.line}, "runs.image"});
  }
}

void check_action_not_pinned(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (doc.workflow == nullptr) return;
  static const ConfigOptions kDefaults;
  const ConfigOptions& options = doc.options != nullptr ? *doc.options : kDefaults;
  for (const auto& job : doc.workflow->jobs) {
    if (auto problem = pin_problem(job.uses.value, options); !problem.empty()) {
      out.add(check, job.uses.line, problem);
    }
    for (const auto& step : job.steps) {
      if (auto problem = pin_problem(step.uses.value, options); !problem.empty()) {
        out.add(check, step.uses.line, problem);
      }
    }
  }
}

void check_untrusted_checkout(const ConfigCheck& check, const Document& doc, Findings& out) {
  const Workflow* wf = doc.workflow;
  if (wf == nullptr || !(has_trigger(*wf, "pull_request_target") || has_trigger(*wf, "workflow_run"))) return;
  for (const auto& job : wf->jobs) {
    if (!restricted_to_same_repo(job.condition)) check_job_checkout(check, *wf, job, out);
  }
}

void check_template_injection(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (doc.workflow == nullptr) return;
  const Workflow& wf = *doc.workflow;
  for (const auto& job : wf.jobs) {
    for (size_t i = 0; i < job.steps.size(); ++i) {
      const Step& step = job.steps[i];
      const std::string where = where_of(wf, job, step, i);
      if (step.run) {
        find_tainted_expressions(step.run->text, [&](size_t at, std::string_view expr, const std::string& path) {
          out.add(check, step.run->line_at(at),
                  fmt::format("${{{{ {} }}}} ({} is attacker-controlled) is expanded into the script of {}", expr, path,
                              where));
        });
      }
      if (!uses_action(step, "actions/github-script")) continue;
      for (const auto& input : step.with) {
        if (input.first != "script") continue;
        const formats::cicd::Located& value = input.second;
        // A multi-line script is a block scalar: its text starts on the line after `script: |`.
        const bool block = value.value.find('\n') != std::string::npos;
        find_tainted_expressions(value.value, [&](size_t at, std::string_view expr, const std::string& path) {
          const auto newlines =
              std::count(value.value.begin(), value.value.begin() + static_cast<std::ptrdiff_t>(at), '\n');
          out.add(check, value.line + (block ? 1 + static_cast<int>(newlines) : 0),
                  fmt::format("${{{{ {} }}}} ({} is attacker-controlled) is expanded into the github-script code of {}",
                              expr, path, where));
        });
      }
    }
  }
}

void check_secret_echoed(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (doc.workflow == nullptr) return;
  const Workflow& wf = *doc.workflow;
  std::vector<std::string> workflow_vars;
  add_secret_vars(wf.env, workflow_vars);
  for (const auto& job : wf.jobs) {
    std::vector<std::string> job_vars = workflow_vars;
    add_secret_vars(job.env, job_vars);
    for (size_t i = 0; i < job.steps.size(); ++i) {
      const Step& step = job.steps[i];
      if (!step.run) continue;
      std::vector<std::string> vars = job_vars;
      add_secret_vars(step.env, vars);
      check_script_echo(check, *step.run, vars, where_of(wf, job, step, i), out);
    }
  }
}

void check_self_hosted_fork(const ConfigCheck& check, const Document& doc, Findings& out) {
  const Workflow* wf = doc.workflow;
  if (wf == nullptr) return;
  const char* trigger = has_trigger(*wf, "pull_request_target") ? "pull_request_target"
                        : has_trigger(*wf, "pull_request")      ? "pull_request"
                                                                : nullptr;
  if (trigger == nullptr) return;
  for (const auto& job : wf->jobs) {
    if (restricted_to_same_repo(job.condition)) continue;
    for (const auto& label : job.runs_on) {
      if (!iequals(label.value, "self-hosted")) continue;
      out.add(
          check, label.line,
          fmt::format("job {} runs on a self-hosted runner and the workflow runs on {} from forks", job.id, trigger));
      break;
    }
  }
}

}  // namespace vigil::scan::config
