// The engine under many random events (fixed seed): state stays within its bounds, every detection is one valid
// JSON line whatever bytes the events carry, and random pids and parents (loops, reuse) never break it.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>
#include <string>
#include <vector>

#include "watch/detection_json.hpp"
#include "watch/engine.hpp"

namespace vigil::watch {
namespace {

using model::Event;
using model::EventType;

const char* const kRules = R"yaml(
- rule: Any exec
  desc: d
  condition: evt.type = execve
  output: "%proc.cmdline by %proc.pname in %container.id"
  priority: INFO
- rule: Written then run
  desc: d
  sequence:
    within: 1s
    steps:
      - condition: evt.type = open
        bind: {file: fd.name}
      - condition: evt.type = execve and proc.exe = $file
  output: "%proc.exe"
  priority: CRITICAL
- rule: Failures
  desc: d
  condition: evt.type = connect
  threshold: {count: 2, within: 1s, by: fd.name}
  output: "%threshold.count %threshold.within"
  priority: NOTICE
)yaml";

std::string random_text(std::mt19937& rng) {
  std::string out(rng() % 12, '\0');
  for (auto& c : out) c = static_cast<char>(rng() % 4 == 0 ? rng() % 256 : 'a' + rng() % 3);  // bytes too
  return out.empty() ? out : "/" + out;
}

Event random_event(std::mt19937& rng, uint64_t& t) {
  Event e;
  const EventType types[] = {EventType::Fork, EventType::Exec, EventType::Exit, EventType::Open, EventType::Connect};
  e.type = types[rng() % 5];
  t += rng() % 50'000'000;  // up to 50 ms apart, sometimes backwards
  if (rng() % 20 == 0) t -= std::min<uint64_t>(t, 100'000'000);
  e.time_ns = t;
  e.pid = static_cast<int32_t>(rng() % 64);
  e.tid = rng() % 8 == 0 ? e.pid + 1 : e.pid;
  e.ppid = static_cast<int32_t>(rng() % 64);
  e.child_pid = static_cast<int32_t>(rng() % 64);
  e.filename = random_text(rng);
  e.path = e.filename;
  e.argv = {random_text(rng), random_text(rng)};
  e.comm = random_text(rng);
  return e;
}

TEST(EngineBounds, RandomEventsStayBoundedAndValid) {
  std::vector<LoadProblem> problems;
  const RuleSet rules = RuleSet::load_texts({{"random.yaml", kRules}}, problems);
  ASSERT_TRUE(problems.empty()) << problems.front().message;
  EngineOptions options;
  options.max_partial_sequences = 8;
  options.max_threshold_keys = 4;
  options.rate_limit_ns = 200'000'000;
  options.tree.max_processes = 16;
  options.tree.linger_ns = 100'000'000;
  size_t detections = 0;
  size_t folded = 0;
  simdjson::dom::parser parser;
  Engine engine(rules, options, [&](const Detection& d) {
    ++detections;
    ASSERT_NE(d.rule, nullptr);
    ASSERT_GE(d.repeats, 1U);
    if (d.repeats > 1) ++folded;
    const std::string line = detection_json(d);
    ASSERT_EQ(line.find('\n'), std::string::npos);
    simdjson::dom::element doc;
    ASSERT_FALSE(parser.parse(line).get(doc)) << line;
    ASSERT_LE(d.process.ancestors.size(), 16U);
  });
  std::mt19937 rng(7);
  uint64_t t = 1'000'000'000;
  for (int i = 0; i < 50'000; ++i) {
    engine.process(random_event(rng, t));
    ASSERT_LE(engine.tree().size(), options.tree.max_processes);
  }
  engine.flush();
  EXPECT_GT(detections, 1000U);  // the rules did match: the invariants above were exercised
  EXPECT_GT(folded, 0U);
}

}  // namespace
}  // namespace vigil::watch
