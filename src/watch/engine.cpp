// The engine: applies each event to the process tree, evaluates the rules for its type, advances sequence rules
// (partial matches per first-step process) and counts threshold rules (a sliding window per key), then folds
// identical detections (rate limiting) before handing them to the sink. All state is bounded by EngineOptions.
#include "watch/engine.hpp"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <utility>

namespace vigil::watch {
namespace {

constexpr size_t kMaxHeldDetections = 16384;  // distinct (rule, output) pairs held by rate limiting
constexpr size_t kMaxAncestors = 16;

// Falco's proc.cmdline shape: the program's base name, then argv[1..].
std::string command_line(const ProcessNode& node) {
  std::string out = node.exe.empty() ? node.comm : std::filesystem::path(node.exe).filename().string();
  for (size_t i = 1; i < node.argv.size(); ++i) {
    out += ' ';
    out += node.argv[i];
  }
  return out;
}

ProcessSummary summarize(const ProcessTree& tree, const model::Event& event) {
  ProcessSummary summary;
  summary.pid = event.pid;
  summary.ppid = event.ppid;
  if (const ProcessNode* node = tree.find(event.pid)) {
    summary.ppid = node->ppid;
    summary.exe = node->exe;
    summary.cmdline = command_line(*node);
  }
  for (const ProcessNode* ancestor : tree.ancestors(event.pid, kMaxAncestors)) {
    summary.ancestors.emplace_back(ancestor->exe, command_line(*ancestor));
  }
  return summary;
}

// "10s", "5m", "1h", "500ms": the spelling rule files use, for %threshold.within.
std::string duration_text(uint64_t ns) {
  constexpr std::pair<uint64_t, const char*> kUnits[] = {
      {3'600'000'000'000ULL, "h"}, {60'000'000'000ULL, "m"}, {1'000'000'000ULL, "s"}, {1'000'000ULL, "ms"}};
  for (const auto& [unit, suffix] : kUnits) {
    if (ns != 0 && ns % unit == 0) return std::to_string(ns / unit) + suffix;
  }
  return std::to_string(ns) + "ns";
}

// Time from `start` to `now`; events replayed or delivered slightly out of order count as no time at all.
uint64_t elapsed(uint64_t start, uint64_t now) {
  return now > start ? now - start : 0;
}

bool type_matches(const std::vector<model::EventType>& types, model::EventType type) {
  return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
}

// One sequence rule's partial matches: the process tree it follows (sequence_anchor), when it started, the next
// step, bound values.
struct Partial {
  int32_t root_pid = 0;
  uint64_t start_ns = 0;
  size_t next_step = 1;
  Bindings bindings;
};

// One threshold key's matches inside the window (times, oldest first).
struct Window {
  std::deque<uint64_t> times;
};

// A detection already emitted; later identical ones within rate_limit_ns are counted into `pending`.
struct Held {
  uint64_t first_ns = 0;
  uint32_t folded = 0;
  Detection pending;
};

// The process tree a sequence follows: the first step's parent, so that a shell's children (curl, then chmod,
// then the file itself, as siblings) make one sequence; the process itself when its parent is init or unknown
// (a daemon's siblings are unrelated services).
int32_t sequence_anchor(const ProcessTree& tree, const model::Event& event) {
  const ProcessNode* self = tree.find(event.pid);
  const int32_t ppid = self != nullptr ? self->ppid : event.ppid;
  return ppid > 1 && tree.find(ppid) != nullptr ? ppid : event.pid;
}

}  // namespace

struct Engine::Impl {
  const RuleSet& rules;
  EngineOptions options;
  std::function<void(const Detection&)> sink;
  ProcessTree tree;
  std::unordered_map<const Rule*, std::deque<Partial>> partials;
  std::unordered_map<const Rule*, std::unordered_map<std::string, Window>> windows;
  std::unordered_map<std::string, Held> held;
  std::deque<std::pair<uint64_t, std::string>> held_order;  // (first_ns, key), checked lazily against `held`

  Impl(const RuleSet& r, EngineOptions o, std::function<void(const Detection&)> s)
      : rules(r), options(o), sink(std::move(s)), tree(o.tree) {}

  void process(const model::Event& event);
  void evaluate(const model::Event& event);
  void simple_or_threshold(const Rule& rule, const FieldContext& ctx);
  void threshold(const Rule& rule, const FieldContext& ctx);
  void sequence(const Rule& rule, const FieldContext& ctx);
  std::vector<int32_t> lineage(int32_t pid) const;  // pid, then its ancestors' pids
  void detect(const Rule& rule, const FieldContext& ctx);
  void release_expired(uint64_t now);
  void release(const std::string& key);
};

void Engine::Impl::process(const model::Event& event) {
  release_expired(event.time_ns);
  // A process's last event is judged while it is still in the tree; every other event after the tree knows it
  // (an execve's proc.exe is the new program).
  if (event.type == model::EventType::Exit) {
    evaluate(event);
    tree.apply(event);
  } else {
    tree.apply(event);
    evaluate(event);
  }
}

void Engine::Impl::evaluate(const model::Event& event) {
  const FieldContext ctx{event, tree, nullptr};
  for (const Rule* rule : rules.rules_for(event.type)) {
    simple_or_threshold(*rule, ctx);
  }
  for (const Rule* rule : rules.sequences()) {
    sequence(*rule, ctx);
  }
}

void Engine::Impl::simple_or_threshold(const Rule& rule, const FieldContext& ctx) {
  if (!rule.enabled || !rule.condition || !rule.condition->eval(ctx)) return;
  if (rule.kind == RuleKind::Threshold) {
    threshold(rule, ctx);
  } else if (rule.kind == RuleKind::Simple) {
    detect(rule, ctx);
  }
}

void Engine::Impl::threshold(const Rule& rule, const FieldContext& ctx) {
  const uint64_t now = ctx.event.time_ns;
  auto& keys = windows[&rule];
  std::string key = field_text(rule.key_field.empty() ? "proc.pid" : rule.key_field, ctx);
  if (!keys.contains(key) && keys.size() >= options.max_threshold_keys) {
    // Full: forget keys with nothing left in the window; if none, the key least recently matched.
    std::erase_if(keys, [&](const auto& kv) { return elapsed(kv.second.times.back(), now) > rule.window_ns; });
    if (keys.size() >= options.max_threshold_keys && !keys.empty()) {
      keys.erase(std::min_element(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
        return a.second.times.back() < b.second.times.back();
      }));
    }
    if (keys.size() >= options.max_threshold_keys) return;  // max_threshold_keys == 0: thresholds never count
  }
  auto& times = keys[key].times;
  times.push_back(now);
  while (!times.empty() && elapsed(times.front(), now) > rule.window_ns) times.pop_front();
  if (times.size() < std::max<uint32_t>(rule.count, 1)) return;
  // One detection per burst: the key's window starts again empty.
  const Bindings bindings = {{"threshold.count", std::to_string(times.size())},
                             {"threshold.within", duration_text(rule.window_ns)}};
  keys.erase(key);
  detect(rule, FieldContext{ctx.event, ctx.tree, &bindings});
}

std::vector<int32_t> Engine::Impl::lineage(int32_t pid) const {
  std::vector<int32_t> pids = {pid};
  for (const ProcessNode* ancestor : tree.ancestors(pid, 64)) pids.push_back(ancestor->pid);
  return pids;
}

void Engine::Impl::sequence(const Rule& rule, const FieldContext& ctx) {
  if (!rule.enabled || rule.steps.empty()) return;
  const model::Event& event = ctx.event;
  auto& list = partials[&rule];
  std::erase_if(list, [&](const Partial& p) { return elapsed(p.start_ns, event.time_ns) > rule.window_ns; });
  // Advance the partial matches this event continues (from their first process's tree); each finished one is a
  // detection.
  const std::vector<int32_t> pids = list.empty() ? std::vector<int32_t>() : lineage(event.pid);
  for (auto it = list.begin(); it != list.end();) {
    const SequenceStep& step = rule.steps[it->next_step];
    const FieldContext step_ctx{event, ctx.tree, &it->bindings};
    if (!type_matches(step.event_types, event.type) ||
        std::find(pids.begin(), pids.end(), it->root_pid) == pids.end() || !step.condition ||
        !step.condition->eval(step_ctx)) {
      ++it;
      continue;
    }
    for (const auto& [name, field] : step.bind) it->bindings.emplace_back(name, field_text(field, step_ctx));
    if (++it->next_step < rule.steps.size()) {
      ++it;
      continue;
    }
    const Partial done = std::move(*it);
    it = list.erase(it);
    detect(rule, FieldContext{event, ctx.tree, &done.bindings});
  }
  // Then whether it starts a new one.
  const SequenceStep& first = rule.steps.front();
  const Bindings none;
  if (!type_matches(first.event_types, event.type) || !first.condition ||
      !first.condition->eval(FieldContext{event, ctx.tree, &none})) {
    return;
  }
  Partial fresh{sequence_anchor(ctx.tree, event), event.time_ns, 1, {}};
  for (const auto& [name, field] : first.bind) fresh.bindings.emplace_back(name, field_text(field, ctx));
  if (rule.steps.size() == 1) {
    detect(rule, FieldContext{event, ctx.tree, &fresh.bindings});
    return;
  }
  // The same start again (a file rewritten) renews the match instead of adding a copy.
  std::erase_if(list, [&](const Partial& p) {
    return p.next_step == 1 && p.root_pid == fresh.root_pid && p.bindings == fresh.bindings;
  });
  list.push_back(std::move(fresh));
  while (list.size() > options.max_partial_sequences) list.pop_front();
}

void Engine::Impl::detect(const Rule& rule, const FieldContext& ctx) {
  Detection detection;
  detection.time_ns = ctx.event.time_ns;
  detection.rule = &rule;
  detection.output = render_output(rule, ctx);
  detection.process = summarize(tree, ctx.event);
  detection.event = ctx.event;
  if (options.rate_limit_ns == 0) {
    sink(detection);
    return;
  }
  std::string key = rule.name + '\0' + detection.output;
  if (auto it = held.find(key); it != held.end()) {
    ++it->second.folded;
    it->second.pending = std::move(detection);
    it->second.pending.repeats = it->second.folded;
    return;
  }
  // The first of a burst goes out at once (an alert is never delayed); the rest are counted.
  sink(detection);
  if (held.size() >= kMaxHeldDetections && !held_order.empty()) {
    release(held_order.front().second);
    held_order.pop_front();
  }
  held_order.emplace_back(detection.time_ns, key);
  held.emplace(std::move(key), Held{detection.time_ns, 0, {}});
}

void Engine::Impl::release(const std::string& key) {
  const auto it = held.find(key);
  if (it == held.end()) return;
  if (it->second.folded > 0) sink(it->second.pending);
  held.erase(it);
}

void Engine::Impl::release_expired(uint64_t now) {
  while (!held_order.empty() && elapsed(held_order.front().first, now) >= options.rate_limit_ns) {
    const auto it = held.find(held_order.front().second);
    if (it != held.end() && it->second.first_ns == held_order.front().first) release(it->first);
    held_order.pop_front();
  }
}

Engine::Engine(const RuleSet& rules, EngineOptions options, std::function<void(const Detection&)> sink)
    : impl_(std::make_unique<Impl>(rules, options, std::move(sink))) {}
Engine::~Engine() = default;

ProcessTree& Engine::tree() {
  return impl_->tree;
}

void Engine::process(const model::Event& event) {
  impl_->process(event);
}

void Engine::flush() {
  for (const auto& [first_ns, key] : impl_->held_order) impl_->release(key);
  impl_->held_order.clear();
  impl_->held.clear();
}

}  // namespace vigil::watch
