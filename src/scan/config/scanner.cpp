// File selection, parsing and the check loop of the `config` scanner. GitLab local includes are followed here
// (each included file is a Document of its own, so findings name the file they are in).
#include "scan/config/scanner.hpp"

#include <fmt/format.h>

#include <set>

#include "core/strings.hpp"
#include "scan/config/checks.hpp"
#include "scan/secrets/allowlist.hpp"

namespace vigil::scan::config {
namespace {

using formats::cicd::Script;

constexpr uint64_t kMaxConfigBytes = 4ULL << 20;     // CI files and scripts are small; larger ones are skipped
constexpr uint64_t kMaxShebangProbe = 256ULL << 10;  // extension-less executables looked at for a shell shebang
constexpr int kMaxIncludeDepth = 8;
constexpr size_t kMaxIncludes = 64;

// Dockerfile.prod, api.Dockerfile; not Dockerfile.md or Dockerfile.dockerignore, which sit beside them.
bool is_dockerfile_name(std::string_view name) {
  const std::string lower = to_lower(name);
  if (lower == "dockerfile" || lower == "containerfile" || ends_with(lower, ".dockerfile") ||
      ends_with(lower, ".containerfile")) {
    return true;
  }
  if (!starts_with(lower, "dockerfile.") && !starts_with(lower, "containerfile.")) return false;
  for (std::string_view other :
       {".md", ".txt", ".rst", ".adoc", ".dockerignore", ".json", ".yml", ".yaml", ".bak", ".orig", ".swp"}) {
    if (ends_with(lower, other)) return false;
  }
  return true;
}

bool is_yaml_name(std::string_view name) {
  return ends_with(name, ".yml") || ends_with(name, ".yaml");
}

DocumentKind kind_by_name(std::string_view path) {
  const std::string_view name = base_name(path);
  const std::string_view dir = dir_name(path);
  if (is_yaml_name(name) && (dir == ".github/workflows" || ends_with(dir, "/.github/workflows"))) {
    return DocumentKind::GithubWorkflow;
  }
  if (name == "action.yml" || name == "action.yaml") return DocumentKind::GithubAction;
  if (name == ".gitlab-ci.yml" || name == ".gitlab-ci.yaml") return DocumentKind::GitlabCi;
  if (is_dockerfile_name(name)) return DocumentKind::Dockerfile;
  if (ends_with(name, ".sh") || ends_with(name, ".bash") || ends_with(name, ".ksh") || ends_with(name, ".zsh")) {
    return DocumentKind::ShellScript;
  }
  return DocumentKind::None;
}

bool has_shell_shebang(std::string_view bytes) {
  if (!starts_with(bytes, "#!")) return false;
  const std::string_view first = bytes.substr(0, bytes.find('\n'));
  for (std::string_view shell : {"/sh", "bash", "/dash", "/ksh", "/zsh", "/ash", "env sh"}) {
    if (first.find(shell) != std::string_view::npos) return true;
  }
  return false;
}

// `vigil:allow` on the finding's line or the line above: bare, it covers every check; with ids, only those.
bool allowed_inline(const std::vector<std::string_view>& source, const model::Misconfiguration& m) {
  for (int line : {m.line, m.line - 1}) {
    if (line < 1 || static_cast<size_t>(line) > source.size()) continue;
    const std::string_view text = source[static_cast<size_t>(line) - 1];
    const size_t at = text.find("vigil:allow");
    if (at == std::string_view::npos) continue;
    const std::string_view ids = trim(text.substr(at + 11));
    if (ids.empty() || ids.front() == '#' || ids.front() == '-') return true;
    for (auto id : split(ids, ',')) {
      id = trim(id);
      if (id.substr(0, id.find(' ')) == m.check) return true;
    }
  }
  return false;
}

void run_checks(const Document& doc, std::string_view bytes, std::vector<model::Misconfiguration>& out) {
  std::vector<model::Misconfiguration> found;
  Findings findings(doc, found);
  for (const auto& check : all_config_checks()) check.run(check, doc, findings);
  const auto source = lines(bytes);
  for (auto& m : found) {
    if (allowed_inline(source, m)) {
      m.suppressed = model::Suppression{"inline", m.path, "vigil:allow comment"};
    }
    out.push_back(std::move(m));
  }
}

void add_warnings(std::string_view path, std::vector<Diagnostic>& parsed, std::vector<Diagnostic>& warnings) {
  for (auto& d : parsed) {
    if (d.file.empty()) d.file = std::string(path);
    warnings.push_back(std::move(d));
  }
}

struct Context {
  const ConfigOptions& options;
  const ReadOtherFile& read_other;
  std::vector<model::Misconfiguration>& out;
  std::vector<Diagnostic>& warnings;
  std::set<std::string> seen_includes;
};

void scan_gitlab(Context& c, std::string_view path, std::string_view bytes, int depth);

// A local include is relative to the repository root, written with or without a leading '/'.
void follow_includes(Context& c, std::string_view path, const formats::cicd::GitlabCi& gitlab, int depth) {
  for (const auto& inc : gitlab.includes) {
    if (inc.kind != "local") continue;
    std::string target(inc.value);
    while (!target.empty() && target.front() == '/') target.erase(0, 1);
    if (target.find('*') != std::string::npos) {
      c.warnings.push_back({std::string(path), inc.line, fmt::format("include {} is a glob: not followed", inc.value)});
      continue;
    }
    if (depth >= kMaxIncludeDepth || c.seen_includes.size() >= kMaxIncludes || !c.read_other) continue;
    if (!c.seen_includes.insert(target).second) continue;
    auto bytes = c.read_other(target);
    if (!bytes) {
      c.warnings.push_back({std::string(path), inc.line, fmt::format("include {} cannot be read", inc.value)});
      continue;
    }
    scan_gitlab(c, target, *bytes, depth + 1);
  }
}

void scan_gitlab(Context& c, std::string_view path, std::string_view bytes, int depth) {
  std::vector<Diagnostic> parse_warnings;
  auto gitlab = formats::cicd::read_gitlab_ci(bytes, parse_warnings);
  add_warnings(path, parse_warnings, c.warnings);
  if (!gitlab) {
    c.warnings.push_back({std::string(path), 0, "not checked: " + gitlab.error().message});
    return;
  }
  Document doc{DocumentKind::GitlabCi, std::string(path), &c.options};
  doc.gitlab = &*gitlab;
  lower_gitlab(*gitlab, doc);
  run_checks(doc, bytes, c.out);
  follow_includes(c, path, *gitlab, depth);
}

template <typename Model>
void scan_parsed(Context& c, std::string_view path, std::string_view bytes, DocumentKind kind, Result<Model> model,
                 void (*lower)(const Model&, Document&), const Model* Document::* slot) {
  if (!model) {
    c.warnings.push_back({std::string(path), 0, "not checked: " + model.error().message});
    return;
  }
  Document doc{kind, std::string(path), &c.options};
  doc.*slot = &*model;
  lower(*model, doc);
  run_checks(doc, bytes, c.out);
}

void scan_kind(Context& c, std::string_view path, std::string_view bytes, DocumentKind kind) {
  std::vector<Diagnostic> parse_warnings;
  switch (kind) {
    case DocumentKind::GithubWorkflow:
    case DocumentKind::GithubAction: {
      auto wf = formats::cicd::read_github_workflow(bytes, kind == DocumentKind::GithubAction, parse_warnings);
      add_warnings(path, parse_warnings, c.warnings);
      scan_parsed(c, path, bytes, kind, std::move(wf), &lower_workflow, &Document::workflow);
      return;
    }
    case DocumentKind::Dockerfile: {
      auto df = formats::cicd::read_dockerfile(bytes, parse_warnings);
      add_warnings(path, parse_warnings, c.warnings);
      scan_parsed(c, path, bytes, kind, std::move(df), &lower_dockerfile, &Document::dockerfile);
      return;
    }
    case DocumentKind::GitlabCi: scan_gitlab(c, path, bytes, 0); return;
    case DocumentKind::ShellScript: {
      const Script script{std::string(bytes), 1, true};
      Document doc{kind, std::string(path), &c.options};
      doc.scripts.push_back({&script, "script"});
      run_checks(doc, bytes, c.out);
      return;
    }
    case DocumentKind::None: return;
  }
}

}  // namespace

DocumentKind classify_config_file(std::string_view path) {
  const DocumentKind kind = kind_by_name(path);
  if (kind == DocumentKind::None) return kind;
  return secrets::classify_path(path) == secrets::PathClass::Normal ? kind : DocumentKind::None;
}

bool ConfigScanner::wants(const FileInfo& file) const {
  if (file.size > kMaxConfigBytes) return false;
  if (classify_config_file(file.path) != DocumentKind::None) return true;
  // Extension-less executables may be shell scripts (scan() reads the shebang).
  return file.executable && file.name.find('.') == std::string_view::npos && file.size <= kMaxShebangProbe &&
         secrets::classify_path(file.path) == secrets::PathClass::Normal;
}

void ConfigScanner::scan(FileContent& file, AnalyzerOutput& out) const {
  auto bytes = file.bytes();
  if (!bytes) {
    out.warnings.push_back({std::string(file.info().path), 0, bytes.error().message});
    return;
  }
  DocumentKind kind = classify_config_file(file.info().path);
  if (kind == DocumentKind::None) {
    if (!has_shell_shebang(*bytes)) return;
    kind = DocumentKind::ShellScript;
  }
  const ReadOtherFile read_other = [&file](const std::string& path) -> std::optional<std::string> {
    auto other = file.read_beneath_root(path, kMaxConfigBytes);
    return other ? std::optional<std::string>(std::move(*other)) : std::nullopt;
  };
  scan_bytes(file.info().path, *bytes, read_other, out.misconfigurations, out.warnings, kind);
}

std::string ConfigScanner::cache_key() const {
  std::string key = fmt::format("config/1/pin-first-party={}", options_.pin_first_party_actions);
  for (const auto& r : options_.allowed_registries) key += "/allow=" + r;
  for (const auto& o : options_.trusted_action_owners) key += "/trust=" + o;
  return key;
}

void ConfigScanner::scan_bytes(std::string_view path, std::string_view bytes, const ReadOtherFile& read_other,
                               std::vector<model::Misconfiguration>& out, std::vector<Diagnostic>& warnings,
                               DocumentKind kind) const {
  if (kind == DocumentKind::None) kind = classify_config_file(path);
  Context c{options_, read_other, out, warnings, {}};
  c.seen_includes.insert(std::string(path));
  scan_kind(c, path, bytes, kind);
}

Result<formats::Parsed> fuzz_config_scan(std::string_view path, std::string_view bytes) {
  static const ConfigScanner scanner(ConfigOptions{{"registry.internal"}, false});
  std::vector<model::Misconfiguration> out;
  std::vector<Diagnostic> warnings;
  const DocumentKind named = kind_by_name(path);
  for (DocumentKind kind : {DocumentKind::GithubWorkflow, DocumentKind::GithubAction, DocumentKind::GitlabCi,
                            DocumentKind::Dockerfile, DocumentKind::ShellScript}) {
    if (named == DocumentKind::None || named == kind) scanner.scan_bytes(path, bytes, {}, out, warnings, kind);
  }
  formats::Parsed parsed;
  parsed.warnings = std::move(warnings);
  return parsed;
}

}  // namespace vigil::scan::config
