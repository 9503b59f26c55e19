// Loads rule files: reads every entry of every file first (lists and macros may be named before they are
// defined), then compiles macros and rules, collecting every problem with its file and line.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "formats/yaml/yaml_tree.hpp"
#include "watch/rules_internal.hpp"

namespace vigil::watch {
namespace {

namespace yaml = formats::yaml;
using detail::CompileScope;
using detail::ListDef;
using detail::MacroText;

constexpr size_t kMaxFileBytes = size_t{16} << 20;
constexpr size_t kMaxSteps = 32;
constexpr uint32_t kMaxCount = 1'000'000;

struct StepText {
  std::string condition;
  int line = 0;
  std::vector<std::pair<std::string, std::string>> bind;
};

// A rule as read, before its conditions are compiled.
struct RawRule {
  Rule rule;
  std::string condition;
  int condition_line = 0;
  std::vector<StepText> steps;
  bool ok = true;
};

bool valid_name(std::string_view v) {
  return !v.empty() && v.size() <= 64 && !(v[0] >= '0' && v[0] <= '9') && std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

class Loader {
 public:
  explicit Loader(std::vector<LoadProblem>& problems) : problems_(problems) {}

  void read_file(const std::string& file, std::string_view text) {
    file_ = file;
    if (text.size() > kMaxFileBytes) return problem(0, "file larger than 16 MiB");
    yaml::Limits limits;
    limits.max_nodes = size_t{1} << 20;
    auto doc = yaml::load(text, limits);
    if (!doc) return problem(yaml_line(doc.error().message), doc.error().message);
    const yaml::Node root = doc->root();
    if (!root.valid() || root.is_null()) return;
    if (!root.is_seq()) return problem(root.line(), "a rule file is a YAML list of rule, macro and list entries");
    for (size_t i = 0; i < root.size(); ++i) read_entry(root.item(i));
  }

  void finish(std::vector<Rule>& out) {
    CompileScope scope{&lists_, &macros_, &used_lists_, nullptr, true, &budget_, &cache_};
    for (const auto& [name, macro] : macros_) {
      // Compiling the macro's name (not its text) puts it on the expansion stack, so cycles name it first.
      for (const auto& e : detail::compile_condition(name, scope).errors) {
        add(macro_files_[name], macro.line, fmt::format("macro '{}': {}", name, e));
      }
    }
    for (auto& raw : rules_) compile_rule(raw);
    for (const auto& [name, list] : lists_) {
      if (used_lists_.count(name) == 0) add(list.file, list.line, fmt::format("list '{}' is never used", name));
    }
    for (auto& raw : rules_) {
      if (raw.ok) out.push_back(std::move(raw.rule));
    }
  }

 private:
  static int yaml_line(std::string_view message) {
    const size_t at = message.find("line ");
    if (at == std::string_view::npos) return 0;
    int line = 0;
    const std::string_view digits = message.substr(at + 5, 10);
    std::from_chars(digits.data(), digits.data() + digits.size(), line);
    return line;
  }
  void add(const std::string& file, int line, std::string message) {
    if (problems_.size() >= 10000) return;
    if (!seen_.emplace(file, line, message).second) return;  // a macro's problem, once
    problems_.push_back({file, line, std::move(message)});
  }
  void problem(int line, std::string message) { add(file_, line, std::move(message)); }

  // A string-valued key: its text, or nullopt (with a problem when present but not a string).
  std::optional<std::string> scalar(const yaml::Node& map, std::string_view key, bool required) {
    const yaml::Node v = map.get(key);
    if (!v.valid()) {
      if (required) problem(map.line(), fmt::format("missing required key '{}'", key));
      return std::nullopt;
    }
    if (!v.is_scalar()) {
      problem(v.line(), fmt::format("'{}' must be a string", key));
      return std::nullopt;
    }
    return std::string(v.scalar());
  }
  std::optional<bool> boolean(const yaml::Node& map, std::string_view key) {
    const auto v = scalar(map, key, false);
    if (!v) return std::nullopt;
    if (*v == "true" || *v == "True" || *v == "yes") return true;
    if (*v == "false" || *v == "False" || *v == "no") return false;
    problem(map.get(key).line(), fmt::format("'{}' must be true or false, not '{}'", key, *v));
    return std::nullopt;
  }
  void check_keys(const yaml::Node& map, std::initializer_list<std::string_view> allowed) {
    for (const auto& [k, v] : map.entries()) {
      if (std::find(allowed.begin(), allowed.end(), k.scalar()) == allowed.end()) {
        problem(k.line(), fmt::format("unknown key '{}'", k.scalar()));
      }
    }
  }
  std::vector<std::string> strings(const yaml::Node& seq, std::string_view key) {
    std::vector<std::string> out;
    if (!seq.valid() || seq.is_null()) return out;
    if (!seq.is_seq()) {
      problem(seq.line(), fmt::format("'{}' must be a list", key));
      return out;
    }
    for (size_t i = 0; i < seq.size(); ++i) {
      if (seq.item(i).is_scalar()) {
        out.emplace_back(seq.item(i).scalar());
      } else {
        problem(seq.item(i).line(), fmt::format("items of '{}' must be strings", key));
      }
    }
    return out;
  }

  void read_entry(const yaml::Node& e) {
    if (!e.is_map()) return problem(e.line(), "an entry must be a map with a rule, macro or list key");
    if (e.get("list").valid()) return read_list(e);
    if (e.get("macro").valid()) return read_macro(e);
    if (e.get("rule").valid()) return read_rule(e);
    if (e.get("required_engine_version").valid()) return;  // Falco files carry it; nothing to check here
    problem(e.line(), "an entry must have a rule, macro or list key");
  }

  void read_list(const yaml::Node& e) {
    check_keys(e, {"list", "items", "append"});
    const auto name = scalar(e, "list", true);
    const bool append = boolean(e, "append").value_or(false);
    if (!e.get("items").valid()) problem(e.line(), "missing required key 'items'");
    std::vector<std::string> items;
    for (auto& item : strings(e.get("items"), "items")) {
      if (const auto it = lists_.find(item); it != lists_.end()) {  // a list named in a list: its items
        used_lists_.insert(it->first);
        items.insert(items.end(), it->second.items.begin(), it->second.items.end());
      } else {
        items.push_back(std::move(item));
      }
    }
    if (!name) return;
    auto it = lists_.find(*name);
    if (append) {
      if (it == lists_.end()) return problem(e.line(), fmt::format("append to undefined list '{}'", *name));
      it->second.items.insert(it->second.items.end(), items.begin(), items.end());
      return;
    }
    if (it != lists_.end() && it->second.file == file_) {
      return problem(e.line(), fmt::format("duplicate list '{}' (first at line {})", *name, it->second.line));
    }
    lists_[*name] = {std::move(items), file_, e.line()};  // a later file's list replaces an earlier one
  }

  void read_macro(const yaml::Node& e) {
    check_keys(e, {"macro", "condition", "append"});
    const auto name = scalar(e, "macro", true);
    const auto condition = scalar(e, "condition", true);
    const bool append = boolean(e, "append").value_or(false);
    if (!name || !condition) return;
    auto it = macros_.find(*name);
    if (append) {
      if (it == macros_.end()) return problem(e.line(), fmt::format("append to undefined macro '{}'", *name));
      it->second.condition += " " + *condition;  // Falco's append: the text continues the condition
      return;
    }
    if (it != macros_.end() && macro_files_[*name] == file_) {
      return problem(e.line(), fmt::format("duplicate macro '{}' (first at line {})", *name, it->second.line));
    }
    macros_[*name] = MacroText{*condition, e.get("condition").line()};
    macro_files_[*name] = file_;
  }

  void read_rule(const yaml::Node& e);
  void read_sequence(const yaml::Node& seq, RawRule& raw);
  void read_threshold(const yaml::Node& t, RawRule& raw);
  void compile_rule(RawRule& raw);
  bool compile_into(RawRule& raw, const std::string& text, int line, const std::set<std::string>* variables,
                    ConditionPtr& cond, std::vector<model::EventType>& types,
                    std::optional<ReadOpenBounds>& read_open_bounds);

  std::vector<LoadProblem>& problems_;
  std::string file_;
  std::map<std::string, ListDef, std::less<>> lists_;
  std::map<std::string, MacroText, std::less<>> macros_;
  std::map<std::string, std::string> macro_files_;
  std::set<std::string> used_lists_;
  std::vector<RawRule> rules_;
  std::set<std::tuple<std::string, int, std::string>> seen_;
  std::map<std::string, detail::CachedMacro, std::less<>> cache_;
  size_t budget_ = 300'000;  // evaluation nodes for all conditions together (Falco's rules need far fewer)
  std::map<std::string, std::pair<std::string, int>> rule_names_;
};

void Loader::read_rule(const yaml::Node& e) {
  const size_t before = problems_.size();
  check_keys(e,
             {"rule", "desc", "condition", "output", "priority", "tags", "enabled", "sequence", "threshold", "source"});
  RawRule raw;
  Rule& r = raw.rule;
  r.file = file_;
  r.line = e.line();
  r.name = scalar(e, "rule", true).value_or("");
  r.desc = scalar(e, "desc", true).value_or("");
  r.output = scalar(e, "output", true).value_or("");
  if (const auto p = scalar(e, "priority", true)) {
    if (const auto parsed = detail::parse_priority(*p)) {
      r.priority = *parsed;
    } else {
      problem(e.get("priority").line(), fmt::format("unknown priority '{}'", *p));
    }
  }
  r.tags = strings(e.get("tags"), "tags");
  r.enabled = boolean(e, "enabled").value_or(true);
  const bool has_sequence = e.get("sequence").valid();
  const bool has_threshold = e.get("threshold").valid();
  if (has_sequence && (has_threshold || e.get("condition").valid())) {
    problem(e.line(), "a sequence rule has steps, not a condition or a threshold");
    r.kind = RuleKind::Sequence;  // nothing to compile
  } else if (has_sequence) {
    read_sequence(e.get("sequence"), raw);
  } else {
    raw.condition = scalar(e, "condition", true).value_or("");
    raw.condition_line = e.get("condition").line();
    if (has_threshold) read_threshold(e.get("threshold"), raw);
  }
  if (!r.name.empty()) {
    const auto [it, fresh] = rule_names_.try_emplace(r.name, file_, r.line);
    if (!fresh) {
      problem(r.line, fmt::format("duplicate rule '{}' (first at {}:{})", r.name, it->second.first, it->second.second));
    }
  }
  raw.ok = problems_.size() == before;
  rules_.push_back(std::move(raw));
}

void Loader::read_sequence(const yaml::Node& seq, RawRule& raw) {
  raw.rule.kind = RuleKind::Sequence;
  if (!seq.is_map()) return problem(seq.line(), "'sequence' must be a map with within and steps");
  check_keys(seq, {"within", "steps"});
  if (const auto within = scalar(seq, "within", true)) {
    const auto ns = detail::parse_duration(*within);
    if (!ns) problem(seq.get("within").line(), fmt::format("bad duration '{}' (use 500ms, 10s, 5m, 1h)", *within));
    raw.rule.window_ns = ns.value_or(0);
  }
  const yaml::Node steps = seq.get("steps");
  if (!steps.is_seq() || steps.size() < 2 || steps.size() > kMaxSteps) {
    return problem(steps.valid() ? steps.line() : seq.line(), "'steps' must be a list of 2 to 32 steps");
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    const yaml::Node s = steps.item(i);
    if (!s.is_map()) {
      problem(s.line(), "a step must be a map with a condition");
      continue;
    }
    check_keys(s, {"condition", "bind"});
    StepText step{scalar(s, "condition", true).value_or(""), s.get("condition").line(), {}};
    const yaml::Node bind = s.get("bind");
    if (bind.valid() && !bind.is_map()) problem(bind.line(), "'bind' must be a map of variable: field");
    for (const auto& [k, v] : bind.entries()) {
      if (!valid_name(k.scalar())) problem(k.line(), fmt::format("bad variable name '{}'", k.scalar()));
      if (!v.is_scalar() || !is_known_field(v.scalar())) {
        problem(v.line(), fmt::format("unknown field '{}'", v.scalar()));
      }
      step.bind.emplace_back(k.scalar(), v.scalar());
    }
    raw.steps.push_back(std::move(step));
  }
}

void Loader::read_threshold(const yaml::Node& t, RawRule& raw) {
  raw.rule.kind = RuleKind::Threshold;
  raw.rule.key_field = "proc.pid";
  if (!t.is_map()) return problem(t.line(), "'threshold' must be a map with count, within and by");
  check_keys(t, {"count", "within", "by"});
  if (const auto count = scalar(t, "count", true)) {
    long long n = 0;
    std::from_chars(count->data(), count->data() + count->size(), n);
    if (n < 1 || n > kMaxCount || fmt::format("{}", n) != *count) {
      problem(t.get("count").line(), fmt::format("'count' must be a whole number from 1 to {}", kMaxCount));
    }
    raw.rule.count = static_cast<uint32_t>(std::clamp<long long>(n, 0, kMaxCount));
  }
  if (const auto within = scalar(t, "within", true)) {
    const auto ns = detail::parse_duration(*within);
    if (!ns) problem(t.get("within").line(), fmt::format("bad duration '{}' (use 500ms, 10s, 5m, 1h)", *within));
    raw.rule.window_ns = ns.value_or(0);
  }
  if (const auto by = scalar(t, "by", false)) {
    if (!is_known_field(*by)) problem(t.get("by").line(), fmt::format("unknown field '{}'", *by));
    raw.rule.key_field = *by;
  }
}

bool Loader::compile_into(RawRule& raw, const std::string& text, int line, const std::set<std::string>* variables,
                          ConditionPtr& cond, std::vector<model::EventType>& types,
                          std::optional<ReadOpenBounds>& read_open_bounds) {
  CompileScope scope{&lists_, &macros_, &used_lists_, variables, false, &budget_, &cache_};
  auto compiled = detail::compile_condition(text, scope);
  for (const auto& e : compiled.errors) add(raw.rule.file, line, e);
  if (!compiled.errors.empty()) return false;
  cond = std::move(compiled.condition);
  types = compiled.types.value_or(std::vector<model::EventType>{});
  read_open_bounds = std::move(compiled.read_open_bounds);
  return true;
}

void Loader::compile_rule(RawRule& raw) {
  Rule& r = raw.rule;
  bool ok = true;
  if (r.kind != RuleKind::Sequence) {
    ok = compile_into(raw, raw.condition, raw.condition_line, nullptr, r.condition, r.event_types, r.read_open_bounds);
  }
  std::set<std::string> bound;
  for (const auto& text : raw.steps) {
    SequenceStep step;
    step.line = text.line;
    step.bind = text.bind;
    ok =
        compile_into(raw, text.condition, text.line, &bound, step.condition, step.event_types, step.read_open_bounds) &&
        ok;
    for (const auto& [var, field] : text.bind) bound.insert(var);
    r.steps.push_back(std::move(step));
  }
  raw.ok = raw.ok && ok;
}

}  // namespace

RuleSet RuleSet::load_texts(const std::vector<std::pair<std::string, std::string>>& files,
                            std::vector<LoadProblem>& problems) {
  RuleSet set;
  const size_t first_problem = problems.size();
  try {
    Loader loader(problems);
    for (const auto& [name, text] : files) loader.read_file(name, text);
    loader.finish(set.rules_);
  } catch (const std::exception& e) {  // bad_alloc on hostile input: a problem, not a crash
    problems.push_back({files.empty() ? "" : files.front().first, 0, fmt::format("cannot load rules: {}", e.what())});
    set.rules_.clear();
  }
  // In file order, then line order (rules are compiled after every file was read).
  auto file_index = [&](const std::string& name) {
    for (size_t i = 0; i < files.size(); ++i) {
      if (files[i].first == name) return i;
    }
    return files.size();
  };
  std::stable_sort(problems.begin() + static_cast<std::ptrdiff_t>(first_problem), problems.end(),
                   [&](const LoadProblem& a, const LoadProblem& b) {
                     return std::pair(file_index(a.file), a.line) < std::pair(file_index(b.file), b.line);
                   });
  set.index();
  return set;
}

RuleSet RuleSet::load_files(const std::vector<std::string>& paths, std::vector<LoadProblem>& problems) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& path : paths) {
    if (path == kBuiltinRulesName) {  // the built-in rules, so a file of your own can extend their lists
      files.emplace_back(path, std::string(default_rules_yaml()));
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      problems.push_back({path, 0, "cannot read the file"});
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    files.emplace_back(path, text.str());
  }
  return load_texts(files, problems);
}

}  // namespace vigil::watch
