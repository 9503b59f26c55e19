// The flood detector on synthetic time (no sleeps): onset within 2 s, baselines that absorb slow growth, the
// resolve after clear_after, bounded source tables and the total rate over capacity.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "incidents/event_json.hpp"
#include "incidents/flood/detector.hpp"

namespace vigil::incidents::flood {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kT0 = int64_t{1'795'000'000} * kSec;  // 2026-11-18

// Traffic as (time, source), merged in time order; run() feeds it to a detector and polls every 100 ms as the
// tail command does.
class Traffic {
 public:
  // rps requests per second from `source`, evenly spaced over [start, end) (rps may change linearly to rps_end).
  void stream(const std::string& source, int64_t start, int64_t end, double rps, double rps_end = -1) {
    if (rps_end < 0) rps_end = rps;
    double t = static_cast<double>(start);
    while (t < static_cast<double>(end)) {
      requests_.emplace_back(static_cast<int64_t>(t), source);
      const double f = (t - static_cast<double>(start)) / static_cast<double>(end - start);
      t += 1e9 / (rps + (rps_end - rps) * f);
    }
  }

  std::vector<Event> run(FloodDetector& detector, int64_t until) {
    std::stable_sort(requests_.begin(), requests_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Event> events;
    size_t next = 0;
    for (int64_t now = kT0; now <= until; now += kSec / 10) {
      for (; next < requests_.size() && requests_[next].first <= now; ++next) {
        detector.add(requests_[next].first, requests_[next].second);
      }
      for (auto& e : detector.poll(now)) events.push_back(std::move(e));
    }
    return events;
  }

 private:
  std::vector<std::pair<int64_t, std::string>> requests_;
};

std::vector<Event> about(const std::vector<Event>& events, std::string_view subject) {
  std::vector<Event> out;
  std::copy_if(events.begin(), events.end(), std::back_inserter(out),
               [&](const Event& e) { return e.subject == subject; });
  return out;
}

std::string label(const Event& e, std::string_view key) {
  for (const auto& [k, v] : e.labels) {
    if (k == key) return v;
  }
  return "<none>";
}

// Five ordinary clients at 2 requests/s for the whole run.
void normal_clients(Traffic& traffic, int64_t end) {
  for (int i = 1; i <= 5; ++i) traffic.stream("10.0.0." + std::to_string(i), kT0, end, 2);
}

TEST(FloodDetector, FloodFromOneSourceIsDetectedWithinTwoSecondsAndResolves) {
  Traffic traffic;
  normal_clients(traffic, kT0 + 120 * kSec);
  const int64_t onset = kT0 + 60 * kSec;
  const int64_t flood_end = onset + 20 * kSec;
  traffic.stream("203.0.113.7", onset, flood_end, 500);
  FloodDetector detector(FloodConfig{});
  const auto events = traffic.run(detector, kT0 + 120 * kSec);

  const auto flood = about(events, "203.0.113.7");
  ASSERT_EQ(flood.size(), 2U);
  EXPECT_EQ(flood[0].source, "vigil-flood");
  EXPECT_EQ(flood[0].rule, "flood-from-source");
  EXPECT_FALSE(flood[0].resolved);
  EXPECT_EQ(flood[0].severity, Severity::High);
  EXPECT_GE(flood[0].time_ns, onset);
  EXPECT_LE(flood[0].time_ns - onset, 2 * kSec);
  EXPECT_EQ(label(flood[0], "capacity"), "100.0");
  EXPECT_EQ(label(flood[0], "baseline"), "0.0");
  EXPECT_GT(std::stod(label(flood[0], "rate")), 100.0);
  EXPECT_EQ(flood[0].fingerprint, default_fingerprint("vigil-flood", "flood-from-source", "203.0.113.7"));
  EXPECT_TRUE(std::is_sorted(flood[0].labels.begin(), flood[0].labels.end()));

  EXPECT_TRUE(flood[1].resolved);
  EXPECT_EQ(flood[1].fingerprint, flood[0].fingerprint);
  EXPECT_GE(flood[1].time_ns, flood_end + 9 * kSec);
  EXPECT_LE(flood[1].time_ns, flood_end + 11 * kSec);
  EXPECT_NEAR(std::stod(label(flood[1], "peak")), 500.0, 10.0);
  EXPECT_NEAR(std::stod(label(flood[1], "requests")), 10000.0, 600.0);
  EXPECT_EQ(events.size(), 2U) << "nothing about the normal clients or the total";
  EXPECT_EQ(detector.stats().floods_opened, 1U);
  EXPECT_EQ(detector.stats().floods_ended, 1U);
  EXPECT_EQ(detector.stats().flooding, 0U);
}

TEST(FloodDetector, SlowlyGrowingTrafficIsLearnedAndDoesNotFire) {
  Traffic traffic;
  // A proxy whose traffic grows from 20 to 400 requests/s over ten minutes: above capacity at the end, but normal.
  traffic.stream("192.0.2.10", kT0, kT0 + 600 * kSec, 20, 400);
  traffic.stream("192.0.2.10", kT0 + 600 * kSec, kT0 + 660 * kSec, 400);
  normal_clients(traffic, kT0 + 660 * kSec);
  FloodDetector detector(FloodConfig{});
  const auto events = traffic.run(detector, kT0 + 660 * kSec);
  EXPECT_TRUE(events.empty()) << events.front().title;
}

TEST(FloodDetector, ABusySourceFloodsOnlyAboveItsBaselineMultiple) {
  Traffic traffic;
  traffic.stream("198.51.100.1", kT0, kT0 + 300 * kSec, 50);                // baseline ~50/s
  traffic.stream("198.51.100.1", kT0 + 300 * kSec, kT0 + 330 * kSec, 200);  // 4x: not a flood
  traffic.stream("198.51.100.2", kT0, kT0 + 300 * kSec, 50);
  traffic.stream("198.51.100.2", kT0 + 300 * kSec, kT0 + 330 * kSec, 400);  // 8x and over capacity: a flood
  FloodDetector detector(FloodConfig{});
  const auto events = traffic.run(detector, kT0 + 330 * kSec);
  EXPECT_TRUE(about(events, "198.51.100.1").empty());
  const auto flood = about(events, "198.51.100.2");
  ASSERT_FALSE(flood.empty());
  EXPECT_LE(flood[0].time_ns - (kT0 + 300 * kSec), 2 * kSec);
  EXPECT_NEAR(std::stod(label(flood[0], "baseline")), 50.0, 5.0);
}

TEST(FloodDetector, ClientsBusyWhenWatchingBeginsAreLearnedDuringTheWarmup) {
  Traffic traffic;
  traffic.stream("192.0.2.80", kT0, kT0 + 120 * kSec, 300);               // a busy proxy, already there at the start
  traffic.stream("203.0.113.80", kT0 + 60 * kSec, kT0 + 70 * kSec, 300);  // a newcomer at the same rate
  FloodConfig config;
  config.total_capacity_rps = 1e9;
  FloodDetector detector(config);
  const auto events = traffic.run(detector, kT0 + 120 * kSec);
  EXPECT_TRUE(about(events, "192.0.2.80").empty());
  const auto flood = about(events, "203.0.113.80");
  ASSERT_EQ(flood.size(), 2U);
  EXPECT_LE(flood[0].time_ns - (kT0 + 60 * kSec), 2 * kSec);
}

TEST(FloodDetector, AFloodTenTimesCapacityEscalatesToCritical) {
  Traffic traffic;
  traffic.stream("203.0.113.9", kT0 + 10 * kSec, kT0 + 20 * kSec, 150);
  traffic.stream("203.0.113.9", kT0 + 20 * kSec, kT0 + 30 * kSec, 2000);
  FloodConfig config;
  config.total_capacity_rps = 1e9;
  config.warmup = std::chrono::seconds(0);
  FloodDetector detector(config);
  const auto events = traffic.run(detector, kT0 + 60 * kSec);
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[0].severity, Severity::High);
  EXPECT_EQ(events[1].severity, Severity::Critical);
  EXPECT_FALSE(events[1].resolved);
  EXPECT_TRUE(events[2].resolved);
  EXPECT_EQ(events[2].severity, Severity::Critical);
}

TEST(FloodDetector, ManySmallSourcesMakeATotalOverCapacityButNoSourceFlood) {
  Traffic traffic;
  const int64_t onset = kT0 + 30 * kSec;
  for (int i = 0; i < 1500; ++i) {
    traffic.stream("172.16." + std::to_string(i / 256) + "." + std::to_string(i % 256), onset, onset + 15 * kSec, 1);
  }
  normal_clients(traffic, kT0 + 60 * kSec);
  FloodConfig config;
  config.service = "shop-frontend";
  FloodDetector detector(config);
  const auto events = traffic.run(detector, kT0 + 60 * kSec);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].rule, "total-over-capacity");
  EXPECT_EQ(events[0].subject, "shop-frontend");
  EXPECT_FALSE(events[0].resolved);
  EXPECT_LE(events[0].time_ns - onset, 2 * kSec);
  EXPECT_EQ(label(events[0], "capacity"), "1000.0");
  EXPECT_EQ(events[1].rule, "total-over-capacity");
  EXPECT_TRUE(events[1].resolved);
}

TEST(FloodDetector, DistinctSourcesStayWithinMaxSources) {
  FloodConfig config;
  config.max_sources = 1000;
  config.total_capacity_rps = 1e12;
  FloodDetector detector(config);
  for (int i = 0; i < 100000; ++i) {
    detector.add(kT0 + i * 1000, "2001:db8::" + std::to_string(i));
  }
  EXPECT_TRUE(detector.poll(kT0 + kSec).empty());
  const auto stats = detector.stats();
  EXPECT_EQ(stats.sources, 1000U);
  EXPECT_EQ(stats.evicted, 99000U);
  EXPECT_EQ(stats.requests, 100000U);
}

TEST(FloodDetector, AnEvictedFloodingSourceIsResolvedNotForgotten) {
  FloodConfig config;
  config.max_sources = 10;
  config.total_capacity_rps = 1e12;
  config.warmup = std::chrono::seconds(0);
  FloodDetector detector(config);
  for (int i = 0; i < 200; ++i) detector.add(kT0 + i * kSec / 1000, "203.0.113.1");
  for (int i = 0; i < 10; ++i) detector.add(kT0 + kSec, "10.1.1." + std::to_string(i));
  const auto events = detector.poll(kT0 + kSec);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_FALSE(events[0].resolved);
  EXPECT_TRUE(events[1].resolved);
  EXPECT_EQ(label(events[1], "reason"), "evicted");
  EXPECT_EQ(detector.stats().flooding, 0U);
}

TEST(FloodDetector, RecordsOlderThanTheWindowAreNotCounted) {
  FloodDetector detector(FloodConfig{});
  detector.add(kT0 + 10 * kSec, "10.0.0.1");
  for (int i = 0; i < 500; ++i) detector.add(kT0, "203.0.113.5");  // 10 s late
  EXPECT_TRUE(detector.poll(kT0 + 10 * kSec).empty());
  EXPECT_EQ(detector.stats().late, 500U);
}

TEST(FloodDetector, AShorterWindowMeasuresTheSameRate) {
  Traffic traffic;
  traffic.stream("203.0.113.8", kT0 + 5 * kSec, kT0 + 8 * kSec, 300);
  FloodConfig config;
  config.window = std::chrono::milliseconds(200);
  config.clear_after = std::chrono::seconds(2);
  config.warmup = std::chrono::seconds(0);
  FloodDetector detector(config);
  const auto events = traffic.run(detector, kT0 + 20 * kSec);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_NEAR(std::stod(label(events[1], "peak")), 300.0, 30.0);
  EXPECT_EQ(label(events[0], "window"), "200ms");
}

}  // namespace
}  // namespace vigil::incidents::flood
