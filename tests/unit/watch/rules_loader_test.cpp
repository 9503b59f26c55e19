// Loading rule files: every problem kind with its file and line, lists and macros (append, forward references,
// cycles), rule kinds, the index by event type, hostile inputs and the built-in rules.
#include <gtest/gtest.h>

#include <string>

#include "rules_test_util.hpp"
#include "watch/rules.hpp"

namespace vigil::watch {
namespace {

using model::EventType;
using testing::problems_text;

const std::string kData = std::string(VIGIL_TEST_DATA) + "/watch/rules/";

const Rule* find_rule(const RuleSet& set, std::string_view name) {
  for (const auto& r : set.rules()) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

TEST(RulesLoader, ReadsEveryRuleKind) {
  std::vector<LoadProblem> problems;
  const auto set = RuleSet::load_files({kData + "web_rules.yaml"}, problems);
  ASSERT_EQ(problems_text(problems), "");
  ASSERT_EQ(set.rules().size(), 4U);

  const Rule* shell = find_rule(set, "Shell spawned by a web server");
  ASSERT_NE(shell, nullptr);
  EXPECT_EQ(shell->kind, RuleKind::Simple);
  EXPECT_EQ(shell->priority, Priority::Warning);
  EXPECT_EQ(shell->tags, (std::vector<std::string>{"process", "mitre_execution", "T1059.004"}));
  EXPECT_EQ(shell->line, 2);
  EXPECT_EQ(shell->file, kData + "web_rules.yaml");
  EXPECT_EQ(shell->event_types, std::vector{EventType::Exec});  // through the macro, defined later

  const Rule* dropped = find_rule(set, "Dropped binary executed");
  ASSERT_NE(dropped, nullptr);
  EXPECT_EQ(dropped->kind, RuleKind::Sequence);
  EXPECT_EQ(dropped->window_ns, 60'000'000'000ULL);
  ASSERT_EQ(dropped->steps.size(), 3U);
  EXPECT_EQ(dropped->steps[0].bind, (std::vector<std::pair<std::string, std::string>>{{"file", "fd.name"}}));
  EXPECT_EQ(dropped->steps[1].event_types, std::vector{EventType::Chmod});
  EXPECT_EQ(dropped->steps[2].line, 24);

  const Rule* storm = find_rule(set, "Connect storm");
  ASSERT_NE(storm, nullptr);
  EXPECT_EQ(storm->kind, RuleKind::Threshold);
  EXPECT_EQ(storm->count, 20U);
  EXPECT_EQ(storm->window_ns, 10'000'000'000ULL);
  EXPECT_EQ(storm->key_field, "proc.pid");
  EXPECT_EQ(storm->priority, Priority::Notice);  // "notice": case-insensitive

  const Rule* pkg = find_rule(set, "Package manager in a container");
  ASSERT_NE(pkg, nullptr);
  EXPECT_FALSE(pkg->enabled);
  EXPECT_EQ(pkg->priority, Priority::Error);
}

TEST(RulesLoader, ReportsEveryProblemWithItsLine) {
  std::vector<LoadProblem> problems;
  const auto set = RuleSet::load_files({kData + "problems.yaml"}, problems);
  std::string text;
  for (const auto& p : problems) {
    EXPECT_EQ(p.file, kData + "problems.yaml");
    text += std::to_string(p.line) + ": " + p.message + "\n";
  }
  EXPECT_EQ(text,
            "2: list 'never_used' is never used\n"
            "7: unknown field 'fd.nme'\n"
            "13: expected an operator after 'proc.name', got 'resembles'\n"
            "19: undefined macro 'no_such_macro'\n"
            "19: undefined list 'no_such_list' (quote it if it is a value)\n"
            "23: duplicate rule 'Unknown field' (first at " +
                kData +
                "problems.yaml:5)\n"
                "29: missing required key 'output'\n"
                "38: unknown priority 'SEVERE'\n"
                "43: bad duration '10 seconds' (use 500ms, 10s, 5m, 1h)\n"
                "54: '$path' is not bound by an earlier step\n"
                "60: unknown event type 'exec'\n"
                "66: 'net.dport' is a number; 'http' is not\n"
                "75: unknown key 'enabeld'\n");
  EXPECT_TRUE(set.rules().empty());  // every rule in the file has a problem
}

TEST(RulesLoader, LaterFilesAppendToListsAndMacros) {
  std::vector<LoadProblem> problems;
  const auto set = RuleSet::load_files({kData + "web_rules.yaml", kData + "extra_rules.yaml"}, problems);
  ASSERT_EQ(problems_text(problems), "");
  const Rule* shell = find_rule(set, "Shell spawned by a web server");
  ASSERT_NE(shell, nullptr);
  ProcessTree tree;
  tree.apply(testing::exec_event(100, 1, "/usr/sbin/nginx", {"nginx"}));
  tree.apply(testing::fork_event(100, 200, "nginx"));
  auto ksh = testing::exec_event(200, 100, "/bin/ksh", {"ksh", "-c", "id"});
  tree.apply(ksh);
  EXPECT_TRUE(shell->condition->eval({ksh, tree}));  // ksh: appended to shell_binaries
  ksh.pid = 1;                                       // appended to the macro: "and proc.pid > 1"
  EXPECT_FALSE(shell->condition->eval({ksh, tree}));
}

TEST(RulesLoader, AppendToUndefinedListOrMacro) {
  std::vector<LoadProblem> problems;
  RuleSet::load_texts({{"a.yaml",
                        "- list: l\n  items: [x]\n  append: true\n- macro: m\n  condition: and x\n"
                        "  append: true\n"}},
                      problems);
  EXPECT_EQ(problems_text(problems),
            "a.yaml:1: append to undefined list 'l'\n"
            "a.yaml:4: append to undefined macro 'm'\n");
}

TEST(RulesLoader, MacroCycleIsAProblemNotARecursion) {
  std::vector<LoadProblem> problems;
  const auto set = testing::one_rule("a", problems,
                                     "- macro: a\n  condition: b and proc.pid > 1\n"
                                     "- macro: b\n  condition: not a\n");
  EXPECT_TRUE(set.rules().empty());
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].line, 2);
  EXPECT_EQ(problems[0].message, "macro 'a': macro 'a' uses itself (cycle through a -> b)");
}

TEST(RulesLoader, DuplicateListInOneFileButOverrideAcrossFiles) {
  std::vector<LoadProblem> problems;
  const std::string list_a = "- list: l\n  items: [a]\n";
  const std::string rule = "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: proc.name in (l)\n";
  RuleSet::load_texts({{"one.yaml", list_a + list_a + rule}}, problems);
  EXPECT_EQ(problems_text(problems), "one.yaml:3: duplicate list 'l' (first at line 1)\n");
  problems.clear();
  const auto set =
      RuleSet::load_texts({{"one.yaml", list_a + rule}, {"two.yaml", "- list: l\n  items: [b]\n"}}, problems);
  EXPECT_EQ(problems_text(problems), "");
  model::Event e;
  e.comm = "b";
  const ProcessTree tree;
  EXPECT_TRUE(set.rules()[0].condition->eval({e, tree}));
  e.comm = "a";
  EXPECT_FALSE(set.rules()[0].condition->eval({e, tree}));
}

TEST(RulesLoader, ListsNamedInLists) {
  std::vector<LoadProblem> problems;
  const auto set = testing::one_rule("proc.name in (all_shells)", problems,
                                     "- list: posix\n  items: [sh, dash]\n- list: all_shells\n  items: [posix, zsh]\n");
  ASSERT_EQ(problems_text(problems), "");
  model::Event e;
  const ProcessTree tree;
  for (const char* name : {"sh", "dash", "zsh"}) {
    e.comm = name;
    EXPECT_TRUE(set.rules()[0].condition->eval({e, tree})) << name;
  }
  e.comm = "posix";
  EXPECT_FALSE(set.rules()[0].condition->eval({e, tree}));
}

TEST(RulesLoader, StructuralProblems) {
  std::vector<LoadProblem> problems;
  RuleSet::load_texts({{"a.yaml", "rule: not a list\n"},
                       {"b.yaml", "- just a string\n- {foo: bar}\n- required_engine_version: 10\n"},
                       {"c.yaml", "- rule: [x\n"},
                       {"d.yaml",
                        "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: evt.type = open\n"
                        "  sequence: {within: 1s, steps: []}\n  enabled: maybe\n  tags: oops\n"}},
                      problems);
  EXPECT_EQ(
      problems_text(problems),
      "a.yaml:1: a rule file is a YAML list of rule, macro and list entries\n"
      "b.yaml:1: an entry must be a map with a rule, macro or list key\n"
      "b.yaml:2: an entry must have a rule, macro or list key\n"
      "c.yaml:2: invalid YAML at line 2, column 1: did not find expected ',' or ']' (while parsing a flow sequence "
      "started at line 1)\n"
      "d.yaml:1: a sequence rule has steps, not a condition or a threshold\n"
      "d.yaml:7: 'enabled' must be true or false, not 'maybe'\n"
      "d.yaml:8: 'tags' must be a list\n");
}

TEST(RulesLoader, SequenceAndThresholdShapes) {
  std::vector<LoadProblem> problems;
  const std::string head = "  desc: d\n  output: o\n  priority: INFO\n";
  RuleSet::load_texts(
      {{"s.yaml",
        "- rule: s\n" + head + "  sequence:\n    within: 0s\n    steps:\n      - condition: evt.type = open\n"},
       {"t.yaml",
        "- rule: t\n" + head + "  condition: evt.type = open\n  threshold: {count: 0, within: 2h, by: proc.nam}\n"},
       {"v.yaml", "- rule: v\n" + head + "  condition: proc.exe = $file\n"},
       {"b.yaml", "- rule: b\n" + head +
                      "  sequence:\n    within: 5m\n    steps:\n      - condition: evt.type = open\n"
                      "        bind: {1x: fd.name, f: fd.nam}\n      - condition: evt.type = execve\n"}},
      problems);
  EXPECT_EQ(problems_text(problems),
            "s.yaml:6: bad duration '0s' (use 500ms, 10s, 5m, 1h)\n"
            "s.yaml:8: 'steps' must be a list of 2 to 32 steps\n"
            "t.yaml:6: 'count' must be a whole number from 1 to 1000000\n"
            "t.yaml:6: unknown field 'proc.nam'\n"
            "v.yaml:5: '$file' outside a sequence step\n"
            "b.yaml:9: bad variable name '1x'\n"
            "b.yaml:9: unknown field 'fd.nam'\n");
}

TEST(RulesLoader, IndexByEventType) {
  std::vector<LoadProblem> problems;
  const std::string head = "  desc: d\n  output: o\n  priority: INFO\n";
  const auto set = RuleSet::load_texts(
      {{"i.yaml", "- rule: open\n" + head + "  condition: evt.type = open and fd.name = /x\n" + "- rule: in\n" + head +
                      "  condition: evt.type in (chmod, open) and (proc.pid > 1)\n" + "- rule: or\n" + head +
                      "  condition: evt.type = connect or evt.type = bind\n" + "- rule: any\n" + head +
                      "  condition: not evt.type = open\n" + "- rule: off\n" + head +
                      "  condition: evt.type = ptrace\n  enabled: false\n" + "- rule: seq\n" + head +
                      "  sequence:\n    within: 1s\n    steps:\n      - condition: evt.type = memfd_create\n"
                      "      - condition: evt.type = execve\n"}},
      problems);
  ASSERT_EQ(problems_text(problems), "");
  auto names = [&](EventType t) {
    std::string out;
    for (const Rule* r : set.rules_for(t)) out += r->name + " ";
    return out;
  };
  EXPECT_EQ(names(EventType::Open), "open in any ");
  EXPECT_EQ(names(EventType::Chmod), "in any ");
  EXPECT_EQ(names(EventType::Bind), "or any ");
  EXPECT_EQ(names(EventType::Ptrace), "any ");  // the disabled rule is not indexed
  EXPECT_EQ(set.rules().size(), 6U);
  ASSERT_EQ(set.sequences().size(), 1U);
  EXPECT_EQ(set.sequences()[0]->name, "seq");
  EXPECT_EQ(set.wanted_event_types().size(), model::kEventTypeCount);  // "any" wants every type
}

TEST(RulesLoader, WantedEventTypesWithoutCatchAllRules) {
  std::vector<LoadProblem> problems;
  const auto set = testing::one_rule("evt.type in (open, connect)", problems);
  ASSERT_EQ(problems_text(problems), "");
  EXPECT_EQ(set.wanted_event_types(), (std::vector{EventType::Open, EventType::Connect}));
}

TEST(RulesLoader, ImpossibleTypeCombination) {
  std::vector<LoadProblem> problems;
  testing::one_rule("evt.type = open and evt.type = execve", problems);
  EXPECT_EQ(problems_text(problems), "t.yaml:5: the condition can never match: it requires two different evt.type\n");
}

TEST(RulesLoader, HostileInputsBecomeProblems) {
  std::vector<LoadProblem> problems;
  testing::one_rule(std::string(10000, '(') + "proc.pid > 1" + std::string(10000, ')'), problems);
  EXPECT_EQ(problems_text(problems), "t.yaml:5: condition nested too deeply\n");

  problems.clear();  // each macro doubles the one below: 2^40 nodes if expanded naively
  std::string macros = "- macro: m0\n  condition: proc.pid > 1\n";
  for (int i = 1; i <= 40; ++i) {
    macros += "- macro: m" + std::to_string(i) + "\n  condition: m" + std::to_string(i - 1) + " and m" +
              std::to_string(i - 1) + "\n";
  }
  testing::one_rule("m40", problems, macros);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems.back().message, "condition too large after expanding macros");

  for (const char* bad : {"", "and", "proc.pid >", "(proc.pid > 1", "proc.pid ! 1", "proc.name = 'x",
                          "proc.name in (a, b", "proc.pid > 1 proc.pid > 2", "$x", ")"}) {
    problems.clear();
    const auto set = testing::one_rule(bad, problems);
    EXPECT_EQ(problems.size(), 1U) << bad << "\n" << problems_text(problems);
    EXPECT_TRUE(set.rules().empty()) << bad;
  }
}

TEST(RulesLoader, MacroExplosionAcrossManyRulesIsBounded) {
  std::string yaml = "- macro: m0\n  condition: proc.pid > 1\n";
  for (int i = 1; i <= 40; ++i) {
    yaml += "- macro: m" + std::to_string(i) + "\n  condition: m" + std::to_string(i - 1) + " or m" +
            std::to_string(i - 1) + "\n";
  }
  for (int i = 0; i < 2000; ++i) {
    yaml += "- rule: r" + std::to_string(i) + "\n  desc: d\n  output: o\n  priority: INFO\n  condition: m40\n";
  }
  std::vector<LoadProblem> problems;
  const auto set = RuleSet::load_texts({{"x.yaml", yaml}}, problems);
  EXPECT_TRUE(set.rules().empty());
  ASSERT_EQ(problems.size(), 2029U);  // m12 to m40 (more than 10,000 nodes each) and every rule
  EXPECT_EQ(problems.back().message, "rule set too large after expanding macros");
}

TEST(RulesLoader, MissingFile) {
  std::vector<LoadProblem> problems;
  RuleSet::load_files({kData + "no-such-file.yaml"}, problems);
  EXPECT_EQ(problems_text(problems), kData + "no-such-file.yaml:0: cannot read the file\n");
}

TEST(RulesLoader, BuiltinRulesLoadWithoutProblems) {
  std::vector<LoadProblem> problems;
  const auto set = RuleSet::load_texts({{"builtin:default.yaml", std::string(default_rules_yaml())}}, problems);
  EXPECT_EQ(problems_text(problems), "");
  EXPECT_GE(set.rules().size(), 31U);
  for (const auto& r : set.rules()) {
    EXPECT_TRUE(r.enabled) << r.name;
    EXPECT_TRUE(std::any_of(r.tags.begin(), r.tags.end(), [](const std::string& t) { return t.starts_with("T1"); }))
        << r.name << " has no MITRE technique";
  }
}

}  // namespace
}  // namespace vigil::watch
