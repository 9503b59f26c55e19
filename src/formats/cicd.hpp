// CI/CD and build files the `config` scanner checks: GitHub Actions workflows and action.yml, GitLab CI files and
// Dockerfiles. Pure readers of untrusted bytes into small models that keep the source line of everything a check
// reports; the checks themselves live in src/scan/config. Each reader has a libFuzzer target (the *_fuzz wrappers).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "formats/parsed.hpp"

namespace vigil::formats::cicd {

// A value and the 1-based line it was written on (0: not present).
struct Located {
  std::string value;
  int line = 0;
};
using NamedValues = std::vector<std::pair<std::string, Located>>;  // in file order

// Shell text as written, with the source line of its first line. Lines of text map 1:1 to source lines when
// lines_exact (literal YAML blocks, Dockerfile RUN with its "\\\n" continuations kept); otherwise (folded or
// quoted multi-line scalars) every position reports first_line.
struct Script {
  std::string text;
  int first_line = 0;
  bool lines_exact = true;
  // The source line of a byte offset in text.
  [[nodiscard]] int line_at(size_t offset) const;
};

// ---- GitHub Actions (workflow syntax; action metadata syntax for action.yml) ----

struct Permissions {
  bool present = false;  // the key is there (an empty map `permissions: {}` is present and grants nothing)
  int line = 0;
  std::string all;     // "write-all" / "read-all" when given as one string (also an expression, as written)
  NamedValues scopes;  // "contents" -> "write", "id-token" -> "write"
};

struct Step {
  int line = 0;  // the step's first line
  std::string id;
  std::string name;
  Located uses;  // "actions/checkout@v4", "./.github/actions/x", "docker://alpine:3.19"; value "" for run steps
  std::optional<Script> run;
  std::string shell;
  std::string condition;  // if:
  NamedValues with;       // inputs
  NamedValues env;
};

struct Job {
  std::string id;
  int line = 0;
  std::string condition;    // if:
  Located uses;             // reusable workflow call "org/repo/.github/workflows/x.yml@ref" (no steps then)
  Located secrets_inherit;  // `secrets: inherit` (value "inherit", its line), else value ""
  NamedValues secrets;      // `secrets:` map passed to a reusable workflow
  NamedValues with;
  Permissions permissions;
  std::vector<Located> runs_on;      // labels; a {group, labels} form contributes its labels; expressions as written
  std::optional<Located> container;  // image of `container:` (string or its `image:`)
  NamedValues services;              // service name -> its image
  NamedValues env;
  std::vector<Step> steps;
};

struct Workflow {
  bool is_action = false;         // read as action metadata (action.yml): jobs has one job with id "" for its steps
  std::string action_using;       // action.yml runs.using: "composite", "docker", "node20"
  Located action_image;           // action.yml runs.image for docker actions ("docker://..." or "Dockerfile")
  std::vector<Located> triggers;  // `on:` event names ("push", "pull_request_target", ...), in file order
  Permissions permissions;        // top level
  NamedValues env;                // top level
  std::vector<Job> jobs;
};

// Fails when the bytes are not YAML or the top level is not a map; unknown keys are ignored, a value of the wrong
// type is skipped with a warning in `warnings` (line set, file empty).
Result<Workflow> read_github_workflow(std::string_view bytes, bool is_action, std::vector<Diagnostic>& warnings);
Result<Parsed> parse_github_workflow_fuzz(std::string_view path, std::string_view bytes);

// ---- GitLab CI ----

struct GitlabInclude {
  std::string kind;   // "local", "remote", "project", "template", "component"
  std::string value;  // the path, URL, project or component
  std::string ref;    // project includes: `ref:` (empty: the default branch)
  int line = 0;
};

struct GitlabJob {
  std::string name;  // hidden jobs (templates) start with '.'
  int line = 0;
  std::optional<Located> image;
  std::vector<Located> services;
  std::vector<Script> scripts;  // each item of before_script, script and after_script (in that order)
  NamedValues variables;
};

struct GitlabCi {
  std::optional<Located> image;  // top level or default:
  std::vector<Located> services;
  std::vector<Script> scripts;  // top-level or default: before_script / after_script items
  NamedValues variables;
  std::vector<GitlabInclude> includes;
  std::vector<GitlabJob> jobs;
};

Result<GitlabCi> read_gitlab_ci(std::string_view bytes, std::vector<Diagnostic>& warnings);
Result<Parsed> parse_gitlab_ci_fuzz(std::string_view path, std::string_view bytes);

// ---- Dockerfile / Containerfile ----

struct DockerInstruction {
  std::string keyword;             // upper case: "FROM", "RUN", "ADD", ...
  int line = 0;                    // where the instruction starts
  std::vector<std::string> flags;  // leading --name=value flags, as written ("--checksum=sha256:...")
  std::string arguments;           // after the flags, continuations joined with a space, comments dropped
  bool exec_form = false;          // a JSON array: exec_args holds its strings
  std::vector<std::string> exec_args;
  // RUN: the shell text as written (continuations kept) and heredoc bodies; exec-form RUN [sh, -c, X]: X
  // (lines_exact false); other shell-form instructions: their text as written (lines inside a multi-line ENV).
  Script script;
};

struct Dockerfile {
  std::vector<DockerInstruction> instructions;
};

Result<Dockerfile> read_dockerfile(std::string_view bytes, std::vector<Diagnostic>& warnings);
Result<Parsed> parse_dockerfile_fuzz(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats::cicd
