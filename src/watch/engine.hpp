// Runs a RuleSet over a stream of events: keeps the process tree current, evaluates the rules indexed by event
// type, advances sequences and counts thresholds (bounded state), and emits detections. Sources (the eBPF sensor,
// a replay file) push events; sinks (JSON lines, the incidents endpoint) take detections.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/event.hpp"
#include "watch/process_tree.hpp"
#include "watch/rules.hpp"

namespace vigil::watch {

struct ProcessSummary {
  int32_t pid = 0;
  int32_t ppid = 0;
  std::string exe;
  std::string cmdline;
  std::vector<std::pair<std::string, std::string>> ancestors;  // (exe, cmdline), parent first
  std::string sha256;  // of exe, when the source could read it (live sensor); "" otherwise
};

struct Detection {
  uint64_t time_ns = 0;
  const Rule* rule = nullptr;
  std::string output;  // the rule's rendered output
  ProcessSummary process;
  model::Event event;    // the event that completed the match
  uint32_t repeats = 1;  // identical detections folded into this one by rate limiting
};

struct EngineOptions {
  size_t max_partial_sequences = 4096;         // per sequence rule; the oldest partial match goes first
  size_t max_threshold_keys = 16384;           // per threshold rule
  uint64_t rate_limit_ns = 10'000'000'000ULL;  // identical detections (rule + output) within this fold into one
  ProcessTreeOptions tree;
};

class Engine {
 public:
  Engine(const RuleSet& rules, EngineOptions options, std::function<void(const Detection&)> sink);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  ProcessTree& tree();
  void process(const model::Event& event);
  // Emits folded detections still held by rate limiting.
  void flush();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::watch
