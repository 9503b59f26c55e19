// Detections to the incidents service: the event shape, severities, batching, retries with backoff, dropping
// what the server refuses for good, and the queue's bound. The transport is a function; these tests count what
// it is given (tests/e2e/test_watch_incidents.py posts to a real HTTP server).
#include "watch/incidents_sink.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

namespace vigil::watch {
namespace {

Rule make_rule(Priority priority) {
  Rule rule;
  rule.name = "Shell spawned by a service";
  rule.priority = priority;
  rule.tags = {"process", "T1059.004"};
  return rule;
}

Detection make_detection(const Rule& rule, int pid) {
  Detection d;
  d.time_ns = 1'795'000'000'000'000'000ULL;
  d.rule = &rule;
  d.output = "shell sh -c id started by nginx";
  d.process.pid = pid;
  d.process.exe = "/usr/bin/dash";
  d.process.cmdline = "sh -c id";
  d.event.type = model::EventType::Exec;
  d.event.pid = pid;
  return d;
}

struct FakeServer {
  std::vector<long> answers;  // per call, then 200
  std::vector<nlohmann::json> bodies;
  std::vector<std::string> tokens;
  IncidentsOptions options() {
    IncidentsOptions o;
    o.url = "http://incidents.test/api/v1/events";
    o.token = "s3cret";
    o.host = "node-1";
    o.interval = std::chrono::milliseconds(0);
    o.post = [this](const std::string&, const std::string& token, const std::string& body) -> Result<http::PostResult> {
      bodies.push_back(nlohmann::json::parse(body));
      tokens.push_back(token);
      const long status = bodies.size() <= answers.size() ? answers[bodies.size() - 1] : 200;
      if (status == 0) return fail("Failed to connect to incidents.test port 80");
      return http::PostResult{status, ""};
    };
    return o;
  }
};

TEST(IncidentsSink, EventShapeAndSeverities) {
  const Rule rule = make_rule(Priority::Warning);
  const auto event = nlohmann::json::parse(incident_event_json(make_detection(rule, 42), "node-1"));
  EXPECT_EQ(event["source"], "vigil-watch");
  EXPECT_EQ(event["rule"], "Shell spawned by a service");
  EXPECT_EQ(event["severity"], "high");
  EXPECT_EQ(event["subject"], "node-1:/usr/bin/dash");
  EXPECT_EQ(event["title"], "shell sh -c id started by nginx");
  EXPECT_EQ(event["time"], "2026-11-18T11:06:40.000000000Z");
  EXPECT_EQ(event["labels"]["host"], "node-1");
  EXPECT_EQ(event["labels"]["tags"], "process,T1059.004");
  EXPECT_EQ(event["details"]["process"]["pid"], 42);
  EXPECT_EQ(severity_of(Priority::Critical), "critical");
  EXPECT_EQ(severity_of(Priority::Emergency), "critical");
  EXPECT_EQ(severity_of(Priority::Error), "high");
  EXPECT_EQ(severity_of(Priority::Notice), "medium");
  EXPECT_EQ(severity_of(Priority::Debug), "low");
}

TEST(IncidentsSink, BatchesAndRetriesUntilDelivered) {
  const Rule rule = make_rule(Priority::Critical);
  FakeServer server;
  server.answers = {503, 0};  // unavailable, then unreachable, then fine
  auto options = server.options();
  options.batch = 200;
  IncidentsSink sink(options);
  for (int i = 0; i < 450; ++i) sink.add(make_detection(rule, 1000 + i));
  sink.pump(true);
  EXPECT_EQ(sink.delivered(), 450U);
  EXPECT_EQ(sink.dropped(), 0U);
  ASSERT_EQ(server.bodies.size(), 5U);  // two failed attempts of the first batch, then 200 + 200 + 50
  EXPECT_EQ(server.bodies[2].size(), 200U);
  EXPECT_EQ(server.bodies[4].size(), 50U);
  EXPECT_EQ(server.bodies[4][49]["details"]["process"]["pid"], 1449);  // in order, none twice
  EXPECT_EQ(server.tokens[0], "s3cret");
}

TEST(IncidentsSink, RefusedBatchesAreDroppedAndCounted) {
  const Rule rule = make_rule(Priority::Notice);
  FakeServer server;
  server.answers = {401};
  IncidentsSink sink(server.options());
  for (int i = 0; i < 3; ++i) sink.add(make_detection(rule, i));
  sink.pump();
  EXPECT_EQ(sink.dropped(), 3U);  // a wrong token does not get better by retrying
  sink.add(make_detection(rule, 9));
  sink.pump();
  EXPECT_EQ(sink.delivered(), 1U);
}

TEST(IncidentsSink, QueueIsBoundedAndFinalFailureIsCounted) {
  const Rule rule = make_rule(Priority::Notice);
  FakeServer server;
  server.answers = std::vector<long>(100, 503);
  auto options = server.options();
  options.max_queued = 10;
  options.interval = std::chrono::milliseconds(1);
  IncidentsSink sink(options);
  for (int i = 0; i < 25; ++i) sink.add(make_detection(rule, i));
  EXPECT_EQ(sink.dropped(), 15U);  // the oldest go first
  sink.pump(true);
  EXPECT_EQ(sink.delivered(), 0U);
  EXPECT_EQ(sink.dropped(), 25U);
  EXPECT_EQ(server.bodies.front().front()["details"]["process"]["pid"], 15);
}

}  // namespace
}  // namespace vigil::watch
