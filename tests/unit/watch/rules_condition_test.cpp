// Condition semantics: every operator, precedence of not/and/or, numbers against strings, missing fields,
// list fields, $variables from bindings, and the glob matcher on hostile patterns.
#include <gtest/gtest.h>

#include <string>

#include "rules_test_util.hpp"
#include "watch/rules.hpp"

namespace vigil::watch {
namespace {

using model::EventType;

class ConditionTest : public ::testing::Test {
 protected:
  ConditionTest() {
    open_.type = EventType::Open;
    open_.pid = 4242;
    open_.uid = 1000;
    open_.comm = "curl";
    open_.path = "/tmp/payload.bin";
    open_.flags = 0x241;  // O_WRONLY|O_CREAT|O_TRUNC
    open_.ret = 3;
  }
  // Compiles `condition` (must load without problems) and evaluates it on the event.
  bool eval(const std::string& condition, const model::Event& e, const Bindings* bindings = nullptr,
            const std::string& extra = "") {
    std::vector<LoadProblem> problems;
    const auto set = testing::one_rule(condition, problems, extra);
    EXPECT_EQ(testing::problems_text(problems), "") << condition;
    if (set.rules().empty()) return false;
    return set.rules()[0].condition->eval({e, tree_, bindings});
  }
  bool eval(const std::string& condition) { return eval(condition, open_); }

  model::Event open_;
  ProcessTree tree_;
};

TEST_F(ConditionTest, ComparisonOperators) {
  EXPECT_TRUE(eval("fd.name = /tmp/payload.bin"));
  EXPECT_TRUE(eval("fd.name == \"/tmp/payload.bin\""));
  EXPECT_FALSE(eval("fd.name = /tmp/payload"));
  EXPECT_TRUE(eval("fd.name != /etc/passwd"));
  EXPECT_FALSE(eval("fd.name != /tmp/payload.bin"));
  EXPECT_TRUE(eval("proc.pid > 4241 and proc.pid >= 4242 and proc.pid < 4243 and proc.pid <= 4242"));
  EXPECT_FALSE(eval("proc.pid > 4242"));
  EXPECT_TRUE(eval("fd.name < /tmq"));  // strings compare as strings
}

TEST_F(ConditionTest, NumbersCompareAsNumbers) {
  open_.pid = 9;
  EXPECT_TRUE(eval("proc.pid < 10"));  // as text "9" > "10"
  open_.ret = -13;
  EXPECT_TRUE(eval("evt.res < 0"));
  EXPECT_TRUE(eval("evt.res = -13"));
  EXPECT_TRUE(eval("user.uid in (0, 1000, 65534)"));
  EXPECT_TRUE(eval("user.uid in (01000)"));  // items are numbers too
  EXPECT_FALSE(eval("user.uid in (0, 65534)"));
}

TEST_F(ConditionTest, StringOperators) {
  EXPECT_TRUE(eval("fd.name startswith /tmp/"));
  EXPECT_FALSE(eval("fd.name startswith /var/"));
  EXPECT_TRUE(eval("fd.name endswith .bin"));
  EXPECT_FALSE(eval("fd.name endswith .sh"));
  EXPECT_TRUE(eval("evt.flags contains O_CREAT"));
  EXPECT_FALSE(eval("evt.flags contains O_APPEND"));
  EXPECT_TRUE(eval("fd.name icontains PAYLOAD"));
  EXPECT_TRUE(eval("evt.flags = O_WRONLY|O_CREAT|O_TRUNC"));
}

TEST_F(ConditionTest, InAndLists) {
  EXPECT_TRUE(eval("proc.name in (wget, curl)"));
  EXPECT_FALSE(eval("proc.name in (wget, \"curl \")"));
  EXPECT_TRUE(eval("proc.name in (downloaders)", open_, nullptr, "- list: downloaders\n  items: [wget, curl]\n"));
  EXPECT_TRUE(eval("proc.name in (downloaders, nc)", open_, nullptr, "- list: downloaders\n  items: [curl]\n"));
  EXPECT_FALSE(eval(
      "proc.name in (\"downloaders\")", open_, nullptr,
      "- list: downloaders\n  items: [curl]\n- macro: m\n  condition: proc.name in (downloaders)\n"));  // quoted: a
                                                                                                        // value, not
                                                                                                        // the list
}

TEST_F(ConditionTest, GlobAndPmatch) {
  EXPECT_TRUE(eval("fd.name glob /tmp/*.bin"));
  EXPECT_TRUE(eval("fd.name glob \"/tmp/pay?oad.[a-c]in\""));
  EXPECT_FALSE(eval("fd.name glob \"/tmp/pay?oad.[!b]in\""));
  EXPECT_FALSE(eval("fd.name glob /tmp/*.sh"));
  EXPECT_TRUE(eval("fd.name pmatch (/etc, /tmp)"));
  EXPECT_TRUE(eval("fd.name pmatch (/tmp/payload.bin)"));
  EXPECT_FALSE(eval("fd.name pmatch (/tm, /etc)"));  // a path prefix, not a string prefix
  open_.path = std::string(4000, 'a') + "b";
  EXPECT_FALSE(eval("fd.name glob \"*a*a*a*a*a*a*a*a*a*a*a*a*c\""));  // no exponential backtracking
  EXPECT_TRUE(eval("fd.name glob \"*a*a*a*a*a*a*a*a*a*a*a*a*b\""));
}

TEST_F(ConditionTest, ExistsAndMissingFields) {
  EXPECT_TRUE(eval("fd.name exists"));
  EXPECT_FALSE(eval("net.dport exists"));
  EXPECT_FALSE(eval("net.dport = 0"));  // a missing field matches nothing...
  EXPECT_FALSE(eval("net.dip != 10.0.0.1"));
  EXPECT_TRUE(eval("not net.dip = 10.0.0.1"));  // ...so negate the whole test
}

TEST_F(ConditionTest, Precedence) {
  // not > and > or: "a or b and c" is "a or (b and c)".
  EXPECT_TRUE(eval("proc.name = curl or proc.name = x and proc.pid = 1"));
  EXPECT_FALSE(eval("(proc.name = curl or proc.name = x) and proc.pid = 1"));
  EXPECT_FALSE(eval("not proc.name = curl and proc.pid = 4242"));
  EXPECT_TRUE(eval("not (proc.name = curl and proc.pid = 1)"));
  EXPECT_TRUE(eval("not not proc.name = curl"));
}

TEST_F(ConditionTest, MacrosExpandInPlace) {
  const std::string macros =
      "- macro: is_open\n  condition: evt.type = open\n"
      "- macro: tmp_write\n  condition: is_open and fd.name startswith /tmp/\n";
  EXPECT_TRUE(eval("tmp_write and proc.name = curl", open_, nullptr, macros));
  EXPECT_FALSE(eval("not tmp_write", open_, nullptr, macros));
}

TEST_F(ConditionTest, ListFieldMatchesAnyItem) {
  model::Event exec = testing::exec_event(77, 1, "/usr/bin/python3", {"python3", "-c", "x"});
  exec.env = {"HOME=/root", "LD_PRELOAD=/tmp/evil.so", "PATH"};
  EXPECT_TRUE(eval("proc.env contains PRELOAD", exec));
  EXPECT_TRUE(eval("proc.env = PATH", exec));
  EXPECT_FALSE(eval("proc.env = \"HOME=/root\"", exec));  // items are names
  EXPECT_TRUE(eval("proc.env[LD_PRELOAD] startswith /tmp/", exec));
  EXPECT_TRUE(eval("proc.env[PATH] exists", exec));  // recorded without a value
  EXPECT_FALSE(eval("proc.env[TERM] exists", exec));
}

TEST_F(ConditionTest, VariablesComeFromBindings) {
  std::vector<LoadProblem> problems;
  const auto set = RuleSet::load_texts(
      {{"s.yaml",
        "- rule: s\n  desc: d\n  output: o\n  priority: INFO\n  sequence:\n    within: 10s\n    steps:\n"
        "      - condition: evt.type = open\n        bind: {file: fd.name, pid: proc.pid}\n"
        "      - condition: evt.type = chmod and fd.name = $file and proc.pid >= $pid\n"}},
      problems);
  ASSERT_EQ(testing::problems_text(problems), "");
  const auto& step = set.rules()[0].steps[1];
  model::Event chmod = open_;
  chmod.type = EventType::Chmod;
  const Bindings match = {{"file", "/tmp/payload.bin"}, {"pid", "4242"}};
  const Bindings other = {{"file", "/tmp/other"}, {"pid", "4242"}};
  const Bindings higher = {{"file", "/tmp/payload.bin"}, {"pid", "10000"}};  // numeric, not "4242" < "10000"
  EXPECT_TRUE(step.condition->eval({chmod, tree_, &match}));
  EXPECT_FALSE(step.condition->eval({chmod, tree_, &other}));
  EXPECT_FALSE(step.condition->eval({chmod, tree_, &higher}));
  EXPECT_FALSE(step.condition->eval({chmod, tree_, nullptr}));  // nothing bound: no match
}

TEST_F(ConditionTest, QuotedStringsKeepSpacesAndOperators) {
  model::Event exec = testing::exec_event(5, 1, "/bin/sh", {"sh", "-c", "a = (b)"});
  EXPECT_TRUE(eval("proc.cmdline = \"sh -c a = (b)\"", exec));
  EXPECT_TRUE(eval("proc.args contains \" = (\"", exec));
}

}  // namespace
}  // namespace vigil::watch
