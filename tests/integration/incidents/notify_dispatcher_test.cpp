// The outbox dispatcher against the SQLite store and a real local webhook receiver: signed delivery, retry after
// 5xx, give-up, grouping, unknown notifiers, and re-delivery after the service is killed mid-delivery.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <latch>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <thread>

#include "incidents/config.hpp"
#include "incidents/ingest.hpp"
#include "incidents/notify/dispatcher.hpp"
#include "incidents/notify/notifiers.hpp"
#include "incidents/store.hpp"
#include "notify_sink.hpp"
#include "store_backends.hpp"

namespace vigil::incidents {
namespace {

using notify::Dispatcher;
using test::WebhookSink;
namespace fs = std::filesystem;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Event event(std::string source, std::string rule, std::string subject, Severity severity = Severity::High) {
  Event e;
  e.source = std::move(source);
  e.rule = std::move(rule);
  e.subject = std::move(subject);
  e.severity = severity;
  e.title = e.rule + " on " + e.subject;
  e.time_ns = now_ns();
  e.fingerprint = e.source + "/" + e.rule + "/" + e.subject;
  e.labels = {{"env", "prod"}};
  return e;
}

ServiceConfig config_for(const std::string& yaml) {
  auto config = parse_config("test.yaml", yaml);
  EXPECT_TRUE(config) << config.error().message;
  return config ? *config : ServiceConfig{};
}

std::string webhook_config(const WebhookSink& sink, const std::string& extra = "") {
  return "notifiers:\n  - {name: hook, type: webhook, url: '" + sink.url() +
         "', secret_env: VIGIL_TEST_HOOK_SECRET}\nroutes:\n  - notifiers: [hook]\n" + extra;
}

class DispatcherTest : public ::testing::TestWithParam<testing::BackendFactory> {
 protected:
  void SetUp() override {
    if (const std::string why = GetParam().unavailable(); !why.empty()) GTEST_SKIP() << why;
    setenv("VIGIL_TEST_HOOK_SECRET", "whsec_integration", 1);
    dir_ = fs::temp_directory_path() / ("vigil-dispatch-" + std::to_string(getpid()) + "-" + std::to_string(++serial_));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  Store& open() {
    store_.reset();
    auto store = GetParam().open(dir_);
    if (!store) throw std::runtime_error("opening the store: " + store.error().message);
    store_ = std::move(*store);
    return *store_;
  }
  IngestSummary ingest_events(const ServiceConfig& config, const std::vector<Event>& events) {
    auto summary = ingest(*store_, events, make_policy(config), now_ns());
    EXPECT_TRUE(summary) << summary.error().message;
    return summary ? *summary : IngestSummary{};
  }
  // Waits until every delivery of the incident is settled (delivered or failed).
  std::vector<OutboxItem> settled(int64_t incident_id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      auto items = store_->deliveries(incident_id);
      EXPECT_TRUE(items) << items.error().message;
      const bool done = items && !items->empty() && std::all_of(items->begin(), items->end(), [](const auto& i) {
                          return i.delivered_ns != 0 || i.failed;
                        });
      if (done || std::chrono::steady_clock::now() > deadline) return items ? *items : std::vector<OutboxItem>{};
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  static inline int serial_ = 0;
  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(DispatcherTest, DeliversASignedWebhookAndMarksItDelivered) {
  WebhookSink sink;
  const ServiceConfig config = config_for(webhook_config(sink, "external_url: https://vigil.example.com\n"));
  Store& store = open();
  Dispatcher dispatcher(store, config);
  dispatcher.start();
  ASSERT_EQ(ingest_events(config, {event("vigil-watch", "reverse-shell", "web-1:/bin/bash")}).outbox, 1u);
  dispatcher.wake();

  const auto requests = sink.wait_for(1);
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.path, "/hook");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  // The receiver's check: recompute the HMAC over timestamp "." body with the shared secret.
  EXPECT_EQ(r.header("X-Vigil-Signature"),
            notify::webhook_signature("whsec_integration", r.header("X-Vigil-Timestamp"), r.body));
  EXPECT_NE(r.header("X-Vigil-Signature"),
            notify::webhook_signature("wrong-secret", r.header("X-Vigil-Timestamp"), r.body));
  const auto body = nlohmann::json::parse(r.body);
  ASSERT_EQ(body["notifications"].size(), 1u);
  const auto& n = body["notifications"][0];
  EXPECT_EQ(n["kind"], "created");
  EXPECT_EQ(n["incident"]["rule"], "reverse-shell");
  EXPECT_EQ(n["idempotency_key"], r.header("Idempotency-Key"));
  const int64_t incident_id = n["incident"]["id"];
  EXPECT_EQ(n["link"], "https://vigil.example.com/incidents/" + std::to_string(incident_id));

  const auto items = settled(incident_id);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].delivered_ns, 0);
  // store.hpp counts failed attempts; the SQLite store also counts the successful one (PostgreSQL does not).
  EXPECT_LE(items[0].attempts, 1);
  dispatcher.stop();
  const auto counters = dispatcher.counters();
  ASSERT_EQ(counters.size(), 1u);
  EXPECT_EQ(counters[0].notifier, "hook");
  EXPECT_EQ(counters[0].sent, 1);
  EXPECT_EQ(counters[0].failed, 0);
}

TEST_P(DispatcherTest, RetriesAfterServerErrorsThenSucceeds) {
  WebhookSink sink;
  sink.fail_next(2, 503);
  const ServiceConfig config = config_for(webhook_config(sink, "retry: {initial: 20ms, max: 100ms}\n"));
  Store& store = open();
  Dispatcher dispatcher(store, config);
  dispatcher.start();
  ingest_events(config, {event("vigil-scan", "CVE-2026-0001", "pkg:npm/left-pad@1.0.0")});
  dispatcher.wake();

  const auto requests = sink.wait_for(3);
  ASSERT_GE(requests.size(), 3u);
  // Every attempt carries the same idempotency key, so the receiver can drop repeats.
  EXPECT_EQ(requests[0].header("Idempotency-Key"), requests[2].header("Idempotency-Key"));
  const int64_t incident_id = nlohmann::json::parse(requests[0].body)["notifications"][0]["incident"]["id"];
  const auto items = settled(incident_id);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].delivered_ns, 0);
  EXPECT_TRUE(items[0].attempts == 2 || items[0].attempts == 3) << items[0].attempts;  // 2 failed (+1 on SQLite)
  EXPECT_FALSE(items[0].failed);
  dispatcher.stop();
  const auto c = dispatcher.counters()[0];
  EXPECT_EQ(c.sent, 1);
  EXPECT_EQ(c.failed, 2);
  EXPECT_EQ(c.retried, 2);
  EXPECT_EQ(c.gave_up, 0);
  EXPECT_EQ(sink.requests().size(), 3u);
}

TEST_P(DispatcherTest, GivesUpAfterMaxAttempts) {
  WebhookSink sink;
  sink.fail_next(1000, 500);
  const ServiceConfig config = config_for(webhook_config(sink, "retry: {initial: 10ms, max: 40ms, max_attempts: 3}\n"));
  Store& store = open();
  Dispatcher dispatcher(store, config);
  dispatcher.start();
  ingest_events(config, {event("vigil-watch", "miner", "web-2:/tmp/xmrig", Severity::Critical)});
  dispatcher.wake();

  const auto requests = sink.wait_for(3);
  ASSERT_GE(requests.size(), 3u);
  const int64_t incident_id = nlohmann::json::parse(requests[0].body)["notifications"][0]["incident"]["id"];
  const auto items = settled(incident_id);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_TRUE(items[0].failed);
  EXPECT_EQ(items[0].delivered_ns, 0);
  EXPECT_EQ(items[0].attempts, 3);
  EXPECT_NE(items[0].last_error.find("answered 500"), std::string::npos) << items[0].last_error;
  EXPECT_EQ(items[0].last_error.find("/hook"), std::string::npos) << "the URL's path is not logged";
  dispatcher.stop();
  const auto c = dispatcher.counters()[0];
  EXPECT_EQ(c.failed, 3);
  EXPECT_EQ(c.retried, 2);
  EXPECT_EQ(c.gave_up, 1);
  EXPECT_EQ(c.sent, 0);
  EXPECT_EQ(sink.requests().size(), 3u);  // a given-up item is never tried again
}

TEST_P(DispatcherTest, GroupsIncidentsOfOneGroupKeyIntoOneMessage) {
  WebhookSink sink;
  const ServiceConfig config = config_for(webhook_config(sink) + "    group_by: [source]\n    group_wait: 300ms\n");
  Store& store = open();
  Dispatcher dispatcher(store, config);
  dispatcher.start();
  // Three incidents from vigil-watch (different subjects, so they do not correlate) and one from vigil-scan.
  ingest_events(config, {event("vigil-watch", "shell", "web-1:/bin/sh"), event("vigil-watch", "shell", "web-2:/bin/sh"),
                         event("vigil-watch", "miner", "web-3:/tmp/x"), event("vigil-scan", "CVE-1", "img@sha256:1")});
  dispatcher.wake();

  const auto requests = sink.wait_for(2);
  ASSERT_EQ(requests.size(), 2u);
  std::vector<size_t> sizes;
  for (const auto& r : requests) {
    const auto body = nlohmann::json::parse(r.body);
    sizes.push_back(body["notifications"].size());
    for (const auto& n : body["notifications"]) {
      EXPECT_EQ(n["incident"]["source"], body["notifications"][0]["incident"]["source"]);
    }
    EXPECT_EQ(r.header("Expect"), "");  // no 100-continue round trip, whatever the body size
    if (body["notifications"].size() > 1) {
      EXPECT_EQ(r.header("Idempotency-Key").rfind("group-", 0), 0u);
    }
  }
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<size_t>{1, 3}));
  dispatcher.stop();
  EXPECT_EQ(dispatcher.counters()[0].sent, 4);
}

TEST_P(DispatcherTest, ItemsOfANotifierNoLongerConfiguredAreGivenUp) {
  WebhookSink sink;
  const ServiceConfig old_config = config_for(webhook_config(sink));
  Store& store = open();
  ingest_events(old_config, {event("vigil-watch", "shell", "web-1:/bin/sh")});
  const ServiceConfig new_config;  // no notifiers at all
  Dispatcher dispatcher(store, new_config);
  dispatcher.start();
  dispatcher.wake();
  auto incidents = store.list_incidents({});
  ASSERT_TRUE(incidents);
  ASSERT_EQ(incidents->size(), 1u);
  const auto items = settled(incidents->front().id);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_TRUE(items[0].failed);
  EXPECT_NE(items[0].last_error.find("notifier \"hook\" is not configured"), std::string::npos);
  EXPECT_TRUE(sink.requests().empty());
}

TEST_P(DispatcherTest, EachRoutedNotifierGetsItsOwnMessage) {
  WebhookSink sink;
  const ServiceConfig config = config_for("notifiers:\n  - {name: hook, type: webhook, url: '" + sink.url() +
                                          "'}\n  - {name: chat, type: slack, url: '" + sink.url("/slack") +
                                          "'}\nroutes:\n  - match: {severity: [critical]}\n    notifiers: [chat]\n"
                                          "    continue: true\n  - notifiers: [hook]\n");
  Store& store = open();
  Dispatcher dispatcher(store, config);
  dispatcher.start();
  ingest_events(config, {event("vigil-watch", "miner", "web-4:/tmp/xmrig", Severity::Critical),
                         event("vigil-watch", "shell", "web-5:/bin/sh", Severity::Low)});
  dispatcher.wake();
  const auto requests = sink.wait_for(3);
  ASSERT_EQ(requests.size(), 3u);
  size_t slack = 0;
  for (const auto& r : requests) {
    if (r.path == "/hook") {
      EXPECT_EQ(r.header("X-Vigil-Signature"), "");  // no secret_env: unsigned
      EXPECT_NE(r.header("X-Vigil-Timestamp"), "");
    }
    if (r.path != "/slack") continue;
    ++slack;
    const auto body = nlohmann::json::parse(r.body);
    EXPECT_NE(std::string(body["text"]).find("miner on web-4:/tmp/xmrig"), std::string::npos) << r.body;
    EXPECT_EQ(body["blocks"].size(), 1u);
  }
  EXPECT_EQ(slack, 1u);  // only the critical incident reaches chat; both reach hook
  dispatcher.stop();
  const auto counters = dispatcher.counters();
  ASSERT_EQ(counters.size(), 2u);
  EXPECT_EQ(counters[0].notifier, "hook");
  EXPECT_EQ(counters[0].sent, 2);
  EXPECT_EQ(counters[1].notifier, "chat");
  EXPECT_EQ(counters[1].sent, 1);
}

// kill -9 of the service while the receiver holds the request: the item was never marked delivered, so the next
// run sends it again with the same idempotency key (at least once).
TEST_P(DispatcherTest, RedeliversAfterTheServiceIsKilledMidDelivery) {
  open();  // creates the store (and any server behind it) before the fork; the child opens it again
  store_.reset();
  int port_pipe[2];
  ASSERT_EQ(pipe(port_pipe), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    alarm(60);
    close(port_pipe[1]);
    int port = 0;
    if (read(port_pipe[0], &port, sizeof port) != sizeof port) _exit(2);
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
    auto config = parse_config("child.yaml", "notifiers:\n  - {name: hook, type: webhook, url: '" + url +
                                                 "'}\nroutes:\n  - notifiers: [hook]\nretry: {lease: 2s}\n");
    auto store = GetParam().open(dir_);
    if (!config || !store) _exit(3);
    Dispatcher dispatcher(**store, *config);
    dispatcher.start();
    const std::vector<Event> events = {event("vigil-watch", "shell", "web-9:/bin/sh")};
    if (!ingest(**store, events, make_policy(*config), now_ns())) _exit(4);
    dispatcher.wake();
    pause();
    _exit(0);
  }
  close(port_pipe[0]);
  WebhookSink sink;
  std::atomic<bool> killed = false;
  sink.on_request([&] {
    if (!killed) {
      killed = true;
      kill(child, SIGKILL);
      int status = 0;
      waitpid(child, &status, 0);
    }
  });
  const int port = sink.port();
  ASSERT_EQ(write(port_pipe[1], &port, sizeof port), static_cast<ssize_t>(sizeof port));
  close(port_pipe[1]);
  ASSERT_EQ(sink.wait_for(1).size(), 1u);
  // The hook has run (and reaped the child) by the time the request is recorded and answered.
  for (int i = 0; i < 500 && !killed; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(killed);
  sink.on_request({});

  // The killed instance had claimed the item for its lease (2 s here): after that it is due again.
  const ServiceConfig config = config_for(webhook_config(sink, "retry: {lease: 2s}\n"));
  Store& store = open();
  auto incidents = store.list_incidents({});
  ASSERT_TRUE(incidents);
  ASSERT_EQ(incidents->size(), 1u);
  auto before = store.deliveries(incidents->front().id);
  ASSERT_TRUE(before);
  ASSERT_EQ(before->size(), 1u);
  EXPECT_EQ((*before)[0].delivered_ns, 0) << "killed before the receiver answered: not delivered";

  Dispatcher dispatcher(store, config);
  dispatcher.start();
  const auto requests = sink.wait_for(2);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].header("Idempotency-Key"), requests[1].header("Idempotency-Key"));
  EXPECT_EQ(requests[0].header("Idempotency-Key"), (*before)[0].idempotency_key);
  const auto items = settled(incidents->front().id);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].delivered_ns, 0);
}

// Two instances on one database (two Store connections, two dispatchers): every notification goes out once, not
// once per instance (the Alertmanager-HA complaint), because each item is claimed before it is sent.
TEST_P(DispatcherTest, TwoInstancesSendEachNotificationOnce) {
  WebhookSink sink;
  const ServiceConfig config = config_for(webhook_config(sink));
  Store& first = open();
  auto second = GetParam().open(dir_);
  ASSERT_TRUE(second) << second.error().message;
  Dispatcher a(first, config);
  Dispatcher b(**second, config);
  a.start();
  b.start();
  std::vector<Event> events;
  for (int i = 0; i < 40; ++i) events.push_back(event("vigil-watch", "shell", "web-" + std::to_string(i) + ":/bin/sh"));
  ASSERT_EQ(ingest_events(config, events).outbox, 40u);
  for (int round = 0; round < 5; ++round) {
    a.wake();
    b.wake();
  }
  const auto settled_all = [&] {
    auto counts = first.counts();
    return counts && counts->outbox_pending == 0;
  };
  for (int i = 0; i < 1000 && !settled_all(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(settled_all());
  a.stop();
  b.stop();
  std::set<std::string> keys;
  size_t notifications = 0;
  for (const auto& r : sink.requests()) {
    const auto body = nlohmann::json::parse(r.body);  // kept: a range-for over a temporary's member dangles
    for (const auto& n : body["notifications"]) {
      keys.insert(n["idempotency_key"].get<std::string>());
      ++notifications;
    }
  }
  EXPECT_EQ(notifications, 40u) << "each item sent by exactly one instance";
  EXPECT_EQ(keys.size(), 40u);
  EXPECT_EQ(a.counters()[0].sent + b.counters()[0].sent, 40);
}

// A graceful stop gives back the claims of notifications queued behind a slow delivery, so the next start sends
// them at once instead of after retry.lease (30 s by default): they are due again as soon as stop() returns.
TEST_P(DispatcherTest, StopReleasesTheClaimsOfQueuedNotifications) {
  WebhookSink sink;
  std::latch arrived(1);
  std::latch answer(1);
  std::atomic<bool> first{true};
  sink.on_request([&] {
    if (!first.exchange(false)) return;
    arrived.count_down();
    answer.wait();  // the first delivery hangs until the test lets it go
  });
  const ServiceConfig config = config_for(webhook_config(sink));
  Store& store = open();
  ASSERT_EQ(ingest_events(config, {event("vigil-watch", "shell", "web-1:/bin/sh"),
                                   event("vigil-watch", "shell", "web-2:/bin/sh")})
                .outbox,
            2u);
  Dispatcher dispatcher(store, config);
  dispatcher.start();
  dispatcher.wake();
  arrived.wait();  // one incident's job is being sent; the other (its own group) is claimed and queued behind it
  Result<std::vector<OutboxItem>> due;
  for (int i = 0; i < 1000; ++i) {  // the dispatcher's pass may still be claiming the second group
    due = store.due_outbox(now_ns(), 10);
    if (!due || due->empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(due) << due.error().message;
  EXPECT_TRUE(due->empty()) << "both items are claimed for the lease";
  dispatcher.request_stop();  // before the first delivery ends, so its lane cannot take the queued job
  answer.count_down();
  dispatcher.stop();
  due = store.due_outbox(now_ns(), 10);
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_EQ(due->size(), 1u) << "the queued one is due again; the sent one is delivered";
  EXPECT_EQ(due->front().attempts, 0);
  EXPECT_EQ(sink.requests().size(), 1u);
  EXPECT_EQ(dispatcher.counters()[0].sent, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, DispatcherTest, ::testing::ValuesIn(testing::store_backends()),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace vigil::incidents
