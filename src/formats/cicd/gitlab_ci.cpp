// .gitlab-ci.yml (and the files it includes): jobs with their images, services, scripts and variables, the
// top-level/default settings and the include list. Pure and bounded: the YAML reader limits depth and nodes
// (aliases count their expanded size), this reader limits merges and the items it keeps.
#include <fmt/format.h>

#include <array>

#include "core/strings.hpp"
#include "formats/cicd.hpp"
#include "formats/yaml/yaml_tree.hpp"

namespace vigil::formats::cicd {
namespace {

using yaml::Node;

constexpr size_t kMaxItems = 100000;  // jobs, scripts, includes, variables: far beyond any real pipeline
constexpr int kMaxMergeDepth = 4;     // <<: *anchor inside an anchor inside ...

constexpr std::array<std::string_view, 12> kReserved{"default",      "include", "stages",   "variables",
                                                     "workflow",     "image",   "services", "before_script",
                                                     "after_script", "cache",   "types",    "spec"};

bool is_reserved(std::string_view key) {
  for (auto r : kReserved) {
    if (r == key) return true;
  }
  return false;
}

std::string_view kind_name(yaml::Kind k) {
  switch (k) {
    case yaml::Kind::Map: return "a map";
    case yaml::Kind::Seq: return "a list";
    case yaml::Kind::Null: return "empty";
    case yaml::Kind::Scalar: return "a string";
    default: return "missing";
  }
}

class Reader {
 public:
  Reader(std::string_view bytes, int line_base, std::vector<Diagnostic>& warnings)
      : source_(lines(bytes)), line_base_(line_base), warnings_(warnings) {}

  void read(Node root, GitlabCi& ci) {
    for (const auto& [key, value] : root.entries()) {
      const std::string_view name = key.scalar();
      if (name == "include") {
        includes(value, ci.includes);
      } else if (name == "default") {
        defaults(value, ci);
      } else if (name == "variables") {
        variables(value, ci.variables);
      } else if (name == "image" || name == "services" || name == "before_script" || name == "after_script") {
        setting(name, value, ci.image, ci.services, ci.scripts);
      } else if (!is_reserved(name) && value.is_map() && ci.jobs.size() < kMaxItems) {
        ci.jobs.push_back(job(key, value));
      } else if (!is_reserved(name) && !name.empty() && name.front() != '.' && !value.is_map()) {
        warn(key, fmt::format("job {} is {}, expected a map", name.substr(0, 80), kind_name(value.kind())));
      }
    }
  }

 private:
  int line(Node n) const { return n.line() == 0 ? 0 : n.line() + line_base_; }

  void warn(Node at, std::string message) {
    if (warnings_.size() < 1000) warnings_.push_back({"", line(at), std::move(message)});
  }

  // A literal block (`script: |`) starts on the line after its indicator and keeps its lines; a folded block,
  // or a plain or quoted scalar over several lines, has no line-for-line mapping.
  Script script_of(Node n) {
    Script s{std::string(n.scalar()), line(n), true};
    const size_t at = static_cast<size_t>(n.line());
    if (at == 0 || at > source_.size()) return s;
    std::string_view text = source_[at - 1];
    if (const size_t hash = text.find(" #"); hash != std::string_view::npos) text = text.substr(0, hash);
    text = trim(text);
    const size_t space = text.find_last_of(" \t");
    const std::string_view last = space == std::string_view::npos ? text : text.substr(space + 1);
    const std::string_view before = space == std::string_view::npos ? "" : trim(text.substr(0, space));
    const bool indicator = !last.empty() && (last.front() == '|' || last.front() == '>') &&
                           last.find_first_not_of("|>+-0123456789", 1) == std::string_view::npos;
    const bool after_key = before.empty() || before == "-" || before.ends_with(":") || before.ends_with("- ") ||
                           before.front() == '&' || before.front() == '!';
    if (indicator && after_key) {
      s.first_line = line(n) + 1;
      s.lines_exact = last.front() == '|';
    } else if (s.text.find('\n') != std::string::npos && s.text.find('\n') + 1 < s.text.size()) {
      s.lines_exact = false;
    }
    return s;
  }

  // before_script / script / after_script: a string or a list whose items may be lists (anchors), flattened once.
  void scripts(Node value, std::string_view key, std::vector<Script>& out) {
    if (value.is_scalar()) {
      if (out.size() < kMaxItems) out.push_back(script_of(value));
      return;
    }
    if (!value.is_seq()) {
      if (value.valid() && !value.is_null()) {
        warn(value, fmt::format("{} is {}, expected a string or a list", key, kind_name(value.kind())));
      }
      return;
    }
    for (size_t i = 0; i < value.size(); ++i) {
      const Node item = value.item(i);
      if (item.is_scalar() && out.size() < kMaxItems) {
        out.push_back(script_of(item));
      } else if (item.is_seq()) {
        for (size_t k = 0; k < item.size(); ++k) {
          if (item.item(k).is_scalar() && out.size() < kMaxItems) out.push_back(script_of(item.item(k)));
        }
      } else if (!item.is_null()) {
        warn(item, fmt::format("{} item is {}, expected a string", key, kind_name(item.kind())));
      }
    }
  }

  // image: name or {name: ...}; services: [name or {name: ...}].
  std::optional<Located> image(Node value, std::string_view key) {
    const Node name = value.is_map() ? value.get("name") : value;
    if (name.is_scalar()) return Located{std::string(name.scalar()), line(name)};
    if (!value.is_null())
      warn(value, fmt::format("{} is {}, expected a string or {{name: ...}}", key, kind_name(value.kind())));
    return std::nullopt;
  }

  void services(Node value, std::vector<Located>& out) {
    if (!value.is_seq()) {
      if (!value.is_null()) warn(value, fmt::format("services is {}, expected a list", kind_name(value.kind())));
      return;
    }
    for (size_t i = 0; i < value.size() && out.size() < kMaxItems; ++i) {
      if (auto s = image(value.item(i), "service")) out.push_back(std::move(*s));
    }
  }

  void variables(Node value, NamedValues& out) {
    if (!value.is_map()) {
      if (!value.is_null()) warn(value, fmt::format("variables is {}, expected a map", kind_name(value.kind())));
      return;
    }
    for (const auto& [key, v] : value.entries()) {
      const Node val = v.is_map() ? v.get("value") : v;
      if (out.size() >= kMaxItems) return;
      if (val.is_scalar() || val.is_null()) {
        out.emplace_back(std::string(key.scalar()), Located{std::string(val.scalar()), line(key)});
      } else {
        warn(v, fmt::format("variable {} is {}, expected a string", key.scalar().substr(0, 80), kind_name(v.kind())));
      }
    }
  }

  void setting(std::string_view key, Node value, std::optional<Located>& img, std::vector<Located>& svc,
               std::vector<Script>& out) {
    if (key == "image") {
      if (auto i = image(value, key)) img = std::move(i);
    } else if (key == "services") {
      services(value, svc);
    } else {
      scripts(value, key, out);
    }
  }

  void defaults(Node value, GitlabCi& ci) {
    if (!value.is_map()) {
      if (!value.is_null()) warn(value, fmt::format("default is {}, expected a map", kind_name(value.kind())));
      return;
    }
    for (const auto& [key, v] : value.entries()) {
      const std::string_view name = key.scalar();
      if (name == "image" || name == "services" || name == "before_script" || name == "after_script") {
        setting(name, v, ci.image, ci.services, ci.scripts);
      }
    }
  }

  // The keys of a job map in file order, with `<<: *anchor` merges (earlier keys win, as in YAML).
  void job_keys(Node map, std::vector<std::pair<Node, Node>>& keys, int depth) {
    for (const auto& [key, value] : map.entries()) {
      if (key.scalar() == "<<" && depth < kMaxMergeDepth) {
        const size_t n = value.is_seq() ? value.size() : 1;
        for (size_t i = 0; i < n; ++i) {
          const Node m = value.is_seq() ? value.item(i) : value;
          if (m.is_map()) job_keys(m, keys, depth + 1);
        }
        continue;
      }
      bool seen = false;
      for (auto& [k, v] : keys) {
        if (k.scalar() == key.scalar()) {
          seen = true;
          if (depth == 0) v = value;  // a key of the job itself beats a merged one
        }
      }
      if (!seen && keys.size() < 256) keys.emplace_back(key, value);
    }
  }

  GitlabJob job(Node key, Node value) {
    GitlabJob j;
    j.name = std::string(key.scalar());
    j.line = line(key);
    std::vector<std::pair<Node, Node>> keys;
    job_keys(value, keys, 0);
    std::array<Node, 3> script_keys{};  // before_script, script, after_script: in that order whatever the file's
    for (const auto& [k, v] : keys) {
      const std::string_view name = k.scalar();
      if (name == "image") j.image = image(v, name);
      if (name == "services") services(v, j.services);
      if (name == "variables") variables(v, j.variables);
      if (name == "before_script") script_keys[0] = v;
      if (name == "script") script_keys[1] = v;
      if (name == "after_script") script_keys[2] = v;
    }
    scripts(script_keys[0], "before_script", j.scripts);
    scripts(script_keys[1], "script", j.scripts);
    scripts(script_keys[2], "after_script", j.scripts);
    return j;
  }

  void include_map(Node item, std::vector<GitlabInclude>& out) {
    for (std::string_view kind : {"local", "remote", "project", "template", "component"}) {
      const Node v = item.get(kind);
      if (!v.valid()) continue;
      if (!v.is_scalar()) {
        warn(v, fmt::format("include {} is {}, expected a string", kind, kind_name(v.kind())));
        return;
      }
      GitlabInclude inc{std::string(kind), std::string(v.scalar()), "", line(item)};
      if (kind == "project") {
        const Node ref = item.get("ref");
        if (ref.is_scalar()) inc.ref = std::string(ref.scalar());
      }
      out.push_back(std::move(inc));
      return;
    }
    warn(item, "include entry has none of local, remote, project, template, component");
  }

  void include_item(Node item, std::vector<GitlabInclude>& out) {
    if (out.size() >= kMaxItems) return;
    if (item.is_scalar()) {
      const std::string_view v = item.scalar();
      const bool remote = starts_with(v, "https://") || starts_with(v, "http://");
      out.push_back({remote ? "remote" : "local", std::string(v), "", line(item)});
    } else if (item.is_map()) {
      include_map(item, out);
    } else if (!item.is_null()) {
      warn(item, fmt::format("include entry is {}, expected a string or a map", kind_name(item.kind())));
    }
  }

  void includes(Node value, std::vector<GitlabInclude>& out) {
    if (!value.is_seq()) return include_item(value, out);
    for (size_t i = 0; i < value.size(); ++i) include_item(value.item(i), out);
  }

  std::vector<std::string_view> source_;
  int line_base_;
  std::vector<Diagnostic>& warnings_;
};

// A file with a `spec:` header (CI/CD components, templates with inputs) keeps its jobs in the second YAML
// document: the offset of that document's first line, or npos.
size_t second_document(std::string_view bytes, int& line_base) {
  size_t at = 0;
  int line = 0;
  while (at < bytes.size()) {
    const size_t eol = std::min(bytes.find('\n', at), bytes.size());
    if (line > 0 && bytes.substr(at, eol - at).starts_with("---")) {
      line_base = line;
      return at;
    }
    at = eol + 1;
    ++line;
  }
  return std::string_view::npos;
}

}  // namespace

Result<GitlabCi> read_gitlab_ci(std::string_view bytes, std::vector<Diagnostic>& warnings) {
  yaml::Limits limits;
  limits.max_depth = 64;
  limits.max_nodes = size_t{1} << 20;
  auto doc = yaml::load(bytes, limits);
  if (!doc) return fail(doc.error().message);
  Node root = doc->root();
  int line_base = 0;
  std::string_view body = bytes;
  if (root.is_map() && root.size() == 1 && root.get("spec").valid()) {
    const size_t second = second_document(bytes, line_base);
    if (second == std::string_view::npos) return GitlabCi{};
    body = bytes.substr(second);
    doc = yaml::load(body, limits);
    if (!doc) return fail(doc.error().message);
    root = doc->root();
    if (root.kind() == yaml::Kind::None || root.is_null()) return GitlabCi{};
  }
  if (root.kind() == yaml::Kind::None || root.is_null()) return GitlabCi{};  // an empty file has no jobs
  if (!root.is_map()) return fail(fmt::format("GitLab CI file is {}, expected a map of jobs", kind_name(root.kind())));
  GitlabCi ci;
  Reader(body, line_base, warnings).read(root, ci);
  return ci;
}

Result<Parsed> parse_gitlab_ci_fuzz(std::string_view /*path*/, std::string_view bytes) {
  std::vector<Diagnostic> warnings;
  auto ci = read_gitlab_ci(bytes, warnings);
  if (!ci) return fail(ci.error().message);
  Parsed parsed;
  parsed.warnings = std::move(warnings);
  return parsed;
}

}  // namespace vigil::formats::cicd
