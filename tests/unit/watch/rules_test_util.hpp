// Helpers shared by the rules_*_test.cpp files: one-rule sets from a condition, and events built field by field.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "watch/rules.hpp"

namespace vigil::watch::testing {

inline std::string problems_text(const std::vector<LoadProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.file + ":" + std::to_string(p.line) + ": " + p.message + "\n";
  return out;
}

// A rule set holding one simple rule with this condition (plus the given extra YAML entries).
inline RuleSet one_rule(const std::string& condition, std::vector<LoadProblem>& problems,
                        const std::string& extra = "") {
  const std::string yaml =
      extra + "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: '" + condition + "'\n";
  return RuleSet::load_texts({{"t.yaml", yaml}}, problems);
}

inline model::Event exec_event(int32_t pid, int32_t ppid, const std::string& exe, std::vector<std::string> argv) {
  model::Event e;
  e.type = model::EventType::Exec;
  e.time_ns = 1'700'000'000'000'000'000ULL;
  e.pid = e.tid = pid;
  e.ppid = ppid;
  e.filename = exe;
  e.comm = exe.substr(exe.rfind('/') + 1).substr(0, 15);
  e.argv = std::move(argv);
  return e;
}

inline model::Event fork_event(int32_t parent, int32_t child, const std::string& comm) {
  model::Event e;
  e.type = model::EventType::Fork;
  e.pid = e.tid = parent;
  e.child_pid = child;
  e.comm = comm;
  return e;
}

}  // namespace vigil::watch::testing
