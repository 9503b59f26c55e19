// The ingest group-commit queue over a real SQLite store in a temporary directory: concurrent submitters all
// committed, overload refused at once, stop() drains, the commit callback.
#include "incidents/ingest_queue.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "incidents/event_json.hpp"
#include "incidents/sqlite_store.hpp"
#include "test_support.hpp"

namespace vigil::incidents {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kT0 = int64_t{1'795'791'845} * 1'000'000'000;

std::vector<Event> batch(int n, int salt) {
  std::vector<Event> out;
  for (int i = 0; i < n; ++i) {
    Event e{.source = "load",
            .rule = "rule-" + std::to_string((i + salt) % 10),
            .severity = Severity::Medium,
            .subject = "subject-" + std::to_string((i + salt) % 10),
            .title = "t",
            .time_ns = kT0 + i};
    e.fingerprint = default_fingerprint(e.source, e.rule, e.subject);
    out.push_back(std::move(e));
  }
  return out;
}

// Polls until cond holds (the queue's state changes on another thread); fails the test after ~10 s.
template <class F>
bool eventually(F cond) {
  for (int i = 0; i < 10000; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

class IngestQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = open_sqlite_store((dir_.path() / "incidents.db").string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    policy_.route = [](const Incident&, ChangeKind) { return std::vector<RouteTarget>{{"hook", ""}}; };
  }
  void TearDown() override { store_.reset(); }
  IngestQueue::Options options(size_t max_pending = 200000) {
    IngestQueue::Options o;
    o.max_pending_events = max_pending;
    o.auto_resolve_interval = std::chrono::milliseconds(0);
    o.now_ns = [] { return kT0; };
    return o;
  }

  test::TempDir dir_;
  std::unique_ptr<Store> store_;
  IngestPolicy policy_;
};

TEST_F(IngestQueueTest, ConcurrentSubmittersAreAllCommitted) {
  IngestQueue queue(*store_, policy_, options());
  std::atomic<int> commits_with_outbox{0};
  queue.set_on_commit([&] { ++commits_with_outbox; });
  constexpr int kThreads = 8;
  constexpr int kSubmits = 25;
  constexpr int kEvents = 40;
  std::atomic<size_t> accepted{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int s = 0; s < kSubmits; ++s) {
        auto r = queue.submit(batch(kEvents, t + s));
        if (r) {
          accepted += r->events;
        } else {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(accepted.load(), size_t{kThreads * kSubmits * kEvents});
  EXPECT_EQ(queue.pending_events(), 0U);
  EXPECT_GE(queue.commits(), 1U);
  EXPECT_LE(queue.commits(), uint64_t{kThreads * kSubmits});
  EXPECT_EQ(commits_with_outbox.load(), 1);  // only the first commit opened incidents

  auto counts = store_->counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->events, kThreads * kSubmits * kEvents);
  auto incidents = store_->list_incidents({});
  ASSERT_TRUE(incidents);
  ASSERT_EQ(incidents->size(), 10U);
  int64_t total = 0;
  for (const auto& inc : *incidents) total += inc.count;
  EXPECT_EQ(total, kThreads * kSubmits * kEvents);
}

TEST_F(IngestQueueTest, RefusesWhenFullInsteadOfQueueingWithoutBound) {
  IngestQueue queue(*store_, policy_, options(10));
  // Hold the store's writer so the queue's writer thread blocks and events pile up.
  auto held = store_->begin();
  ASSERT_TRUE(held);
  Result<IngestSummary> first = fail("not run");
  Result<IngestSummary> second = fail("not run");
  std::thread a([&] { first = queue.submit(batch(6, 0)); });
  ASSERT_TRUE(eventually([&] { return queue.pending_events() == 6; }));
  std::thread b([&] { second = queue.submit(batch(4, 1)); });
  ASSERT_TRUE(eventually([&] { return queue.pending_events() == 10; }));

  auto refused = queue.submit(batch(1, 2));
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().message.starts_with("overloaded")) << refused.error().message;

  held->reset();  // rolls back the empty transaction and lets the writer go
  a.join();
  b.join();
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(first->events, 6U);
  EXPECT_EQ(second->events, 4U);
  EXPECT_EQ(queue.pending_events(), 0U);
  EXPECT_TRUE(queue.submit(batch(10, 3)));  // room again
  EXPECT_EQ(store_->counts()->events, 20);
}

// Large events (64 KiB of details each) hit the byte bound long before the event-count bound.
TEST_F(IngestQueueTest, RefusesOnBytesOfLargeEvents) {
  auto opts = options();
  opts.max_pending_bytes = 1 << 20;
  IngestQueue queue(*store_, policy_, opts);
  auto held = store_->begin();
  ASSERT_TRUE(held);
  auto large = [](size_t n, int k) {
    auto events = batch(n, k);
    for (auto& e : events) e.details_json = "\"" + std::string(65000, 'x') + "\"";
    return events;
  };
  Result<IngestSummary> first = fail("not run");
  std::thread a([&] { first = queue.submit(large(12, 0)); });  // ~780 KiB: taken (the queue was empty)
  ASSERT_TRUE(eventually([&] { return queue.pending_events() == 12; }));
  auto refused = queue.submit(large(6, 1));  // would pass 1 MiB
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("MiB of events waiting"), std::string::npos) << refused.error().message;
  held->reset();
  a.join();
  ASSERT_TRUE(first) << first.error().message;
}

TEST_F(IngestQueueTest, StopDrainsThenRefuses) {
  auto queue = std::make_unique<IngestQueue>(*store_, policy_, options());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      if (queue->submit(batch(100, t))) ++ok;
    });
  }
  for (auto& th : threads) th.join();
  queue->stop();
  EXPECT_EQ(ok.load(), 4);
  auto late = queue->submit(batch(1, 0));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().message, "ingest queue stopped");
  queue.reset();  // a second stop() in the destructor is harmless
  EXPECT_EQ(store_->counts()->events, 400);
}

TEST_F(IngestQueueTest, EmptyBatchIsANoOp) {
  IngestQueue queue(*store_, policy_, options());
  auto r = queue.submit({});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->events, 0U);
  EXPECT_EQ(queue.commits(), 0U);
}

TEST_F(IngestQueueTest, AutoResolvesOnItsInterval) {
  policy_.auto_resolve_after_ns = 1;  // anything older than now - 1 ns
  IngestQueue::Options o = options();
  o.auto_resolve_interval = std::chrono::milliseconds(20);
  std::atomic<int64_t> now{kT0};
  o.now_ns = [&] { return now.load(); };
  IngestQueue queue(*store_, policy_, o);
  ASSERT_TRUE(queue.submit(batch(10, 0)));
  now = kT0 + 1'000'000'000;
  EXPECT_TRUE(eventually([&] { return store_->list_incidents({.status = Status::Open})->empty(); }));
  EXPECT_EQ(store_->list_incidents({.status = Status::Resolved})->size(), 10U);
}

}  // namespace
}  // namespace vigil::incidents
