// `vigil rules check FILE...` and `vigil rules list`: validate runtime rule files (every problem with its file
// and line, for CI) and show what a rule set holds (the built-in one by default).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "formats/yaml/yaml_tree.hpp"
#include "watch/rules.hpp"

namespace vigil::cli {
namespace {

struct RulesOptions {
  std::vector<std::string> files;
  std::string format = "table";
};

std::string_view kind_name(watch::RuleKind kind) {
  switch (kind) {
    case watch::RuleKind::Sequence: return "sequence";
    case watch::RuleKind::Threshold: return "threshold";
    case watch::RuleKind::Simple: break;
  }
  return "simple";
}

void print_problems(const std::vector<watch::LoadProblem>& problems) {
  for (const auto& p : problems) {
    if (p.line > 0) {
      fmt::print(stderr, "{}:{}: {}\n", p.file, p.line, p.message);
    } else {
      fmt::print(stderr, "{}: {}\n", p.file, p.message);
    }
  }
}

// Distinct macro and list names across the files (the rule set keeps only compiled rules).
std::pair<size_t, size_t> count_macros_and_lists(const std::vector<std::string>& files) {
  std::set<std::string> macros, lists;
  for (const auto& path : files) {
    std::ostringstream text;
    if (path == watch::kBuiltinRulesName) {
      text << watch::default_rules_yaml();
    } else {
      std::ifstream in(path, std::ios::binary);
      text << in.rdbuf();
    }
    auto doc = formats::yaml::load(text.str());
    if (!doc) continue;
    const auto root = doc->root();
    for (size_t i = 0; i < root.size(); ++i) {
      const auto entry = root.item(i);
      if (entry.get("macro").is_scalar()) macros.emplace(entry.get("macro").scalar());
      if (entry.get("list").is_scalar()) lists.emplace(entry.get("list").scalar());
    }
  }
  return {macros.size(), lists.size()};
}

int run_check(const RulesOptions& options) {
  std::vector<watch::LoadProblem> problems;
  const auto set = watch::RuleSet::load_files(options.files, problems);
  if (!problems.empty()) {
    print_problems(problems);
    fmt::print(stderr, "{} problem{}\n", problems.size(), problems.size() == 1 ? "" : "s");
    return kExitError;
  }
  const auto [macros, lists] = count_macros_and_lists(options.files);
  fmt::print("{} rules, {} macros, {} lists: OK\n", set.rules().size(), macros, lists);
  return kExitOk;
}

void print_table(const watch::RuleSet& set) {
  size_t name_width = 4;
  for (const auto& r : set.rules()) name_width = std::max(name_width, r.name.size());
  name_width = std::min<size_t>(name_width, 60);
  fmt::print("{:<{}}  {:<13}  {:<9}  {:<7}  {}\n", "RULE", name_width, "PRIORITY", "KIND", "ENABLED", "TAGS");
  for (const auto& r : set.rules()) {
    fmt::print("{:<{}}  {:<13}  {:<9}  {:<7}  {}\n", r.name, name_width, watch::priority_name(r.priority),
               kind_name(r.kind), r.enabled ? "yes" : "no", fmt::join(r.tags, ","));
  }
}

void print_json(const watch::RuleSet& set) {
  auto rules = nlohmann::ordered_json::array();
  for (const auto& r : set.rules()) {
    rules.push_back({{"rule", r.name},
                     {"desc", r.desc},
                     {"priority", watch::priority_name(r.priority)},
                     {"kind", kind_name(r.kind)},
                     {"tags", r.tags},
                     {"enabled", r.enabled},
                     {"file", r.file},
                     {"line", r.line}});
  }
  std::cout << nlohmann::ordered_json{{"rules", rules}}.dump(2) << "\n";
}

int run_list(const RulesOptions& options) {
  std::vector<watch::LoadProblem> problems;
  const auto set = watch::RuleSet::load_files(
      options.files.empty() ? std::vector<std::string>{std::string(watch::kBuiltinRulesName)} : options.files,
      problems);
  if (!problems.empty()) {
    print_problems(problems);
    return kExitError;
  }
  if (options.format == "json") {
    print_json(set);
  } else {
    print_table(set);
  }
  return kExitOk;
}

}  // namespace

void define_rules(CLI::App& app, int& exit_code) {
  CLI::App* rules = app.add_subcommand("rules", "check and list runtime rules (the language of `vigil watch`)");
  rules->require_subcommand(1);
  rules->footer("The rule language is described in docs/rules.md.\n");
  auto options = std::make_shared<RulesOptions>();

  CLI::App* check = rules->add_subcommand("check", "load rule files and report every problem with file:line");
  check->footer(
      "Examples:\n"
      "  vigil rules check my_rules.yaml                 exit 0 and a summary, or exit 2 and FILE:LINE: problems\n"
      "  vigil rules check base.yaml overrides.yaml      later files may append to earlier lists and macros\n"
      "Exit codes: 0 the files load without a problem, 2 any problem (each printed on stderr).\n");
  check->add_option("FILE", options->files, "rule file (YAML)")->required();
  check->callback([options, &exit_code] { exit_code = run_check(*options); });

  CLI::App* list = rules->add_subcommand("list", "list rules: name, priority, kind, tags, enabled");
  list->footer(
      "Examples:\n"
      "  vigil rules list                                the built-in rules\n"
      "  vigil rules list --rules my_rules.yaml -f json\n");
  list->add_option("--rules", options->files, "rule file (repeatable; default: the built-in rules)");
  list->add_option("-f,--format", options->format, "table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  list->callback([options, &exit_code] { exit_code = run_list(*options); });

  CLI::App* print = rules->add_subcommand("print", "print the built-in rules (YAML), to read or to start your own");
  print->footer(
      "Examples:\n"
      "  vigil rules print > my_rules.yaml               a copy to edit (then: vigil watch --rules my_rules.yaml)\n"
      "To extend the built-in lists instead, load both: --rules builtin:default.yaml --rules extra.yaml, with\n"
      "extra.yaml holding e.g. `- list: exfil_allowed_hosts` / `  items: [203.0.113.7]` / `  append: true`.\n");
  print->callback([&exit_code] {
    std::cout << watch::default_rules_yaml();
    exit_code = kExitOk;
  });
}

}  // namespace vigil::cli
