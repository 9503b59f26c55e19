// GitHub Actions workflow files (.github/workflows/*.yml) and action metadata (action.yml) into the Workflow model:
// triggers, permissions, env, jobs and steps with the line of everything a check reports. Values of the wrong type
// are skipped with a warning so that one odd key does not hide the rest of the file from the checks.
#include <string>

#include "core/strings.hpp"
#include "formats/cicd.hpp"
#include "formats/yaml/yaml_tree.hpp"

namespace vigil::formats::cicd {
namespace {

using yaml::Node;

// Workflows are small; the node bound also bounds jobs, steps and every list below.
constexpr size_t kMaxNodes = size_t{1} << 20;
constexpr int kMaxDepth = 64;

struct Reader {
  std::vector<std::string_view> source;  // the file's lines, to see how a scalar was written
  std::vector<Diagnostic>& warnings;

  void warn(int line, std::string message) const { warnings.push_back({"", line, std::move(message)}); }
};

std::string_view kind_name(const Node& n) {
  switch (n.kind()) {
    case yaml::Kind::Map: return "a map";
    case yaml::Kind::Seq: return "a list";
    case yaml::Kind::Null: return "empty";
    default: return "a scalar";
  }
}

void wrong_type(const Reader& r, std::string_view what, const Node& n, std::string_view expected) {
  r.warn(n.line(),
         std::string(what) + " is " + std::string(kind_name(n)) + ", expected " + std::string(expected) + ": skipped");
}

// Scalars as their text (numbers and booleans too); null as "".
bool read_text(const Reader& r, std::string_view what, const Node& n, std::string& out) {
  if (n.is_scalar() || n.is_null()) {
    out = std::string(n.scalar());
    return true;
  }
  if (n.valid()) wrong_type(r, what, n, "a string");
  return false;
}

Located located(const Node& n) {
  return {std::string(n.scalar()), n.line()};
}

NamedValues read_named(const Reader& r, std::string_view what, const Node& n) {
  NamedValues out;
  if (!n.is_map()) {
    // `env: ${{ fromJSON(...) }}` is legal and unknowable here; anything else is a mistake worth a word.
    if (!n.is_scalar() && !n.is_null()) wrong_type(r, what, n, "a map");
    return out;
  }
  for (const auto& [k, v] : n.entries()) {
    if (!v.is_scalar() && !v.is_null()) {
      wrong_type(r, std::string(what) + "." + std::string(k.scalar()), v, "a string");
      continue;
    }
    out.emplace_back(std::string(k.scalar()), located(v));
  }
  return out;
}

Permissions read_permissions(const Reader& r, const Node& key, const Node& n) {
  Permissions p;
  p.present = true;
  p.line = key.line();
  if (n.is_scalar()) {
    p.all = std::string(n.scalar());
  } else if (n.is_map()) {
    p.scopes = read_named(r, "permissions", n);
  } else if (!n.is_null()) {
    wrong_type(r, "permissions", n, "a map or a string");
  }
  return p;
}

// The first character of a scalar's value as written: '|' literal, '>' folded, a quote, or the text's own start.
// Tags and anchors before it are skipped. 0 when the source line cannot be found.
char style_indicator(const Reader& r, const Node& key, const Node& value) {
  const int line = value.line();
  if (line < 1 || static_cast<size_t>(line) > r.source.size()) return 0;
  std::string_view text = r.source[static_cast<size_t>(line) - 1];
  if (key.line() == line) {
    // The value follows the key's colon (the key may be quoted).
    const size_t at = text.find(key.scalar());
    if (at == std::string_view::npos) return 0;
    text.remove_prefix(at + key.scalar().size());
    if (!text.empty() && (text.front() == '"' || text.front() == '\'')) text.remove_prefix(1);
    if (text.empty() || text.front() != ':') return 0;
    text.remove_prefix(1);
  }
  for (;;) {
    text = trim(text);
    if (text.empty()) return 0;
    if (text.front() != '!' && text.front() != '&') return text.front();
    const size_t space = text.find(' ');
    if (space == std::string_view::npos) return 0;
    text.remove_prefix(space);
  }
}

// Literal blocks start on the line after `run: |` and keep one text line per source line; folded and quoted
// scalars fold lines, so positions within them only map to their first line.
Script read_script(const Reader& r, const Node& key, const Node& value) {
  Script s;
  s.text = std::string(value.scalar());
  const char style = style_indicator(r, key, value);
  if (style == '|' || style == '>') {
    s.first_line = value.line() + 1;
    s.lines_exact = style == '|';
  } else {
    s.first_line = value.line();
    s.lines_exact = style != 0 && s.text.find('\n') == std::string::npos;
  }
  return s;
}

void read_step_entry(const Reader& r, const Node& k, const Node& v, Step& step) {
  const std::string_view key = k.scalar();
  if (key == "id") {
    read_text(r, "step id", v, step.id);
  } else if (key == "name") {
    read_text(r, "step name", v, step.name);
  } else if (key == "uses") {
    if (read_text(r, "step uses", v, step.uses.value)) step.uses.line = v.line();
  } else if (key == "run") {
    if (v.is_scalar()) {
      step.run = read_script(r, k, v);
    } else if (!v.is_null()) {
      wrong_type(r, "step run", v, "a string");
    }
  } else if (key == "shell") {
    read_text(r, "step shell", v, step.shell);
  } else if (key == "if") {
    read_text(r, "step if", v, step.condition);
  } else if (key == "with") {
    step.with = read_named(r, "step with", v);
  } else if (key == "env") {
    step.env = read_named(r, "step env", v);
  }
}

std::vector<Step> read_steps(const Reader& r, const Node& n) {
  std::vector<Step> steps;
  if (!n.is_seq()) {
    if (!n.is_null()) wrong_type(r, "steps", n, "a list");
    return steps;
  }
  steps.reserve(n.size());
  for (size_t i = 0; i < n.size(); ++i) {
    const Node item = n.item(i);
    if (!item.is_map()) {
      wrong_type(r, "step " + std::to_string(i + 1), item, "a map");
      continue;
    }
    Step step;
    step.line = item.line();
    for (const auto& [k, v] : item.entries()) read_step_entry(r, k, v, step);
    steps.push_back(std::move(step));
  }
  return steps;
}

// runs-on: a label, a list of labels, or {group, labels}; only labels name a runner kind.
void read_runs_on(const Reader& r, const Node& n, std::vector<Located>& out) {
  if (n.is_scalar()) {
    out.push_back(located(n));
  } else if (n.is_seq()) {
    for (size_t i = 0; i < n.size(); ++i) {
      if (n.item(i).is_scalar()) {
        out.push_back(located(n.item(i)));
      } else {
        wrong_type(r, "runs-on label", n.item(i), "a string");
      }
    }
  } else if (n.is_map()) {
    const Node labels = n.get("labels");
    if (labels.is_scalar() || labels.is_seq()) read_runs_on(r, labels, out);
  } else if (!n.is_null()) {
    wrong_type(r, "runs-on", n, "a string, list or map");
  }
}

// `container: node:20` or `container: { image: node:20 }`; services are always the map form.
std::optional<Located> read_image(const Reader& r, std::string_view what, const Node& n) {
  const Node image = n.is_map() ? n.get("image") : n;
  if (image.is_scalar()) return located(image);
  if (image.valid() && !image.is_null()) wrong_type(r, what, image, "a string");
  return std::nullopt;
}

void read_secrets(const Reader& r, const Node& n, Job& job) {
  if (n.is_scalar() && n.scalar() == "inherit") {
    job.secrets_inherit = located(n);
  } else if (n.is_map()) {
    job.secrets = read_named(r, "secrets", n);
  } else if (!n.is_null()) {
    wrong_type(r, "secrets", n, "a map or inherit");
  }
}

void read_job_entry(const Reader& r, const Node& k, const Node& v, Job& job) {
  const std::string_view key = k.scalar();
  if (key == "if") {
    read_text(r, "job if", v, job.condition);
  } else if (key == "uses") {
    if (read_text(r, "job uses", v, job.uses.value)) job.uses.line = v.line();
  } else if (key == "secrets") {
    read_secrets(r, v, job);
  } else if (key == "with") {
    job.with = read_named(r, "job with", v);
  } else if (key == "permissions") {
    job.permissions = read_permissions(r, k, v);
  } else if (key == "runs-on") {
    read_runs_on(r, v, job.runs_on);
  } else if (key == "container") {
    job.container = read_image(r, "container", v);
  } else if (key == "services") {
    if (!v.is_map()) {
      if (!v.is_null()) wrong_type(r, "services", v, "a map");
      return;
    }
    for (const auto& [name, service] : v.entries()) {
      if (auto image = read_image(r, "service " + std::string(name.scalar()), service)) {
        job.services.emplace_back(std::string(name.scalar()), std::move(*image));
      }
    }
  } else if (key == "env") {
    job.env = read_named(r, "job env", v);
  } else if (key == "steps") {
    job.steps = read_steps(r, v);
  }
}

void read_jobs(const Reader& r, const Node& n, Workflow& wf) {
  if (!n.is_map()) {
    if (!n.is_null()) wrong_type(r, "jobs", n, "a map");
    return;
  }
  wf.jobs.reserve(n.size());
  for (const auto& [k, v] : n.entries()) {
    if (!v.is_map()) {
      wrong_type(r, "job " + std::string(k.scalar()), v, "a map");
      continue;
    }
    Job job;
    job.id = std::string(k.scalar());
    job.line = k.line();
    for (const auto& [jk, jv] : v.entries()) read_job_entry(r, jk, jv, job);
    wf.jobs.push_back(std::move(job));
  }
}

// on: push | on: [push, pull_request] | on: { push: {branches: [main]}, pull_request_target: }
void read_triggers(const Reader& r, const Node& n, Workflow& wf) {
  if (n.is_scalar()) {
    wf.triggers.push_back(located(n));
  } else if (n.is_seq()) {
    for (size_t i = 0; i < n.size(); ++i) {
      if (n.item(i).is_scalar()) {
        wf.triggers.push_back(located(n.item(i)));
      } else {
        wrong_type(r, "on", n.item(i), "an event name");
      }
    }
  } else if (n.is_map()) {
    for (const auto& [k, v] : n.entries()) wf.triggers.push_back(located(k));
  } else if (!n.is_null()) {
    wrong_type(r, "on", n, "an event, a list or a map");
  }
}

// action.yml: `runs:` says how the action runs; a composite action's steps become one job with id "".
void read_action_runs(const Reader& r, const Node& key, const Node& n, Workflow& wf) {
  if (!n.is_map()) {
    wrong_type(r, "runs", n, "a map");
    return;
  }
  read_text(r, "runs.using", n.get("using"), wf.action_using);
  const Node image = n.get("image");
  if (read_text(r, "runs.image", image, wf.action_image.value)) wf.action_image.line = image.line();
  const Node steps = n.get("steps");
  if (!steps.valid()) return;
  Job job;
  job.line = key.line();
  job.steps = read_steps(r, steps);
  wf.jobs.push_back(std::move(job));
}

}  // namespace

Result<Workflow> read_github_workflow(std::string_view bytes, bool is_action, std::vector<Diagnostic>& warnings) {
  yaml::Limits limits;
  limits.max_depth = kMaxDepth;
  limits.max_nodes = kMaxNodes;
  auto doc = yaml::load(bytes, limits);
  if (!doc) return fail(doc.error().message);
  const Node root = doc->root();
  if (!root.is_map()) return fail(is_action ? "action metadata is not a YAML map" : "workflow is not a YAML map");

  const Reader r{lines(bytes), warnings};
  Workflow wf;
  wf.is_action = is_action;
  for (const auto& [k, v] : root.entries()) {
    const std::string_view key = k.scalar();
    if (is_action) {
      if (key == "runs") read_action_runs(r, k, v, wf);
    } else if (key == "on") {
      read_triggers(r, v, wf);
    } else if (key == "permissions") {
      wf.permissions = read_permissions(r, k, v);
    } else if (key == "env") {
      wf.env = read_named(r, "env", v);
    } else if (key == "jobs") {
      read_jobs(r, v, wf);
    }
  }
  return wf;
}

Result<Parsed> parse_github_workflow_fuzz(std::string_view path, std::string_view bytes) {
  const std::string_view name = base_name(path);
  Parsed parsed;
  auto wf = read_github_workflow(bytes, name == "action.yml" || name == "action.yaml", parsed.warnings);
  if (!wf) return fail(wf.error().message);
  // Touch every script position so a bad line mapping shows up under the sanitizers.
  for (const auto& job : wf->jobs) {
    for (const auto& step : job.steps) {
      if (step.run && step.run->line_at(step.run->text.size()) < step.run->first_line) return fail("bad line map");
    }
  }
  return parsed;
}

}  // namespace vigil::formats::cicd
