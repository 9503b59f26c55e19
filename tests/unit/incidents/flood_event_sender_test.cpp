// Flood events as JSON and their delivery: batches, retries on 5xx/429 and connection errors, drops on 4xx.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "incidents/flood/detector.hpp"
#include "incidents/flood/event_sender.hpp"

namespace vigil::incidents::flood {
namespace {

constexpr int64_t kSec = 1'000'000'000;

Event flood_event(bool resolved) {
  FloodConfig config;
  config.warmup = std::chrono::seconds(0);
  FloodDetector detector(config);
  const int64_t t0 = int64_t{1'795'791'845} * kSec;
  for (int i = 0; i < 300; ++i) detector.add(t0 + i * kSec / 300, "203.0.113.7");
  auto events = detector.poll(t0 + (resolved ? 20 : 1) * kSec);
  return events.back();
}

TEST(FloodEventSender, EventJsonHasTheEventsEndpointShape) {
  const auto j = nlohmann::json::parse(event_json(flood_event(false)));
  EXPECT_EQ(j["source"], "vigil-flood");
  EXPECT_EQ(j["rule"], "flood-from-source");
  EXPECT_EQ(j["severity"], "high");
  EXPECT_EQ(j["subject"], "203.0.113.7");
  EXPECT_EQ(j["state"], "firing");
  EXPECT_EQ(j["time"].get<std::string>().substr(0, 20), "2026-11-27T15:04:05.");
  EXPECT_EQ(j["labels"]["capacity"], "100.0");
  EXPECT_EQ(j["fingerprint"].get<std::string>().size(), 64U);
  EXPECT_NE(j["title"].get<std::string>().find("Request flood from 203.0.113.7"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(event_json(flood_event(true)))["state"], "resolved");
}

TEST(FloodEventSender, RetriesUntilDeliveredAndDropsWhatTheServerRefuses) {
  std::vector<std::string> bodies;
  std::vector<long> answers = {503, 429, 200, 400};
  SenderOptions options;
  options.url = "http://127.0.0.1:9/api/v1/events";
  options.interval = std::chrono::milliseconds(1);
  options.post = [&](const std::string&, const std::string& token,
                     const std::string& body) -> Result<http::PostResult> {
    EXPECT_EQ(token, "T");
    bodies.push_back(body);
    const long status = answers.front();
    answers.erase(answers.begin());
    return http::PostResult{status, ""};
  };
  options.token = "T";
  EventSender sender(options);
  sender.add(flood_event(false));
  sender.add(flood_event(true));
  sender.pump(true);
  EXPECT_EQ(sender.delivered(), 2U);
  ASSERT_EQ(bodies.size(), 3U);
  const auto batch = nlohmann::json::parse(bodies.back());
  ASSERT_EQ(batch.size(), 2U);
  EXPECT_EQ(batch[1]["state"], "resolved");
  sender.add(flood_event(false));
  sender.pump();
  EXPECT_EQ(sender.dropped(), 1U);
  EXPECT_EQ(sender.queued(), 0U);
}

TEST(FloodEventSender, KeepsQueueBoundedWhileTheEndpointIsDown) {
  SenderOptions options;
  options.max_queued = 3;
  options.post = [](const std::string&, const std::string&, const std::string&) -> Result<http::PostResult> {
    return fail("connection refused");
  };
  EventSender sender(options);
  for (int i = 0; i < 5; ++i) sender.add(flood_event(false));
  EXPECT_EQ(sender.queued(), 3U);
  EXPECT_EQ(sender.dropped(), 2U);
  sender.pump();
  EXPECT_EQ(sender.queued(), 3U);
}

}  // namespace
}  // namespace vigil::incidents::flood
