// The API handlers called as functions (no sockets) over a real SQLite store in a temporary directory: auth and
// roles, ingest answers (202, 400, 429 while the writer is held), list/get/patch/comments, /metrics, /healthz.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <latch>
#include <nlohmann/json.hpp>

#include "incidents/api/api.hpp"
#include "incidents/tokens.hpp"
#include "test_support.hpp"

namespace vigil::incidents::api {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
constexpr int64_t kT0 = int64_t{1'795'791'845} * 1'000'000'000;

// Delegates to a real store; begin() waits on `gate` while it is closed, so a test can hold the ingest writer.
class GatedStore : public Store {
 public:
  explicit GatedStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}
  std::shared_ptr<std::latch> gate;  // null: open
  std::latch* entered = nullptr;     // counted down when a held begin() starts waiting

  std::string_view backend() const override { return inner_->backend(); }
  Result<std::unique_ptr<Transaction>> begin() override {
    if (gate) {
      if (entered != nullptr) entered->count_down();
      gate->wait();
    }
    return inner_->begin();
  }
  Result<std::vector<Incident>> list_incidents(const IncidentFilter& f) override { return inner_->list_incidents(f); }
  Result<std::optional<Incident>> get_incident(int64_t id) override { return inner_->get_incident(id); }
  Result<std::vector<TimelineEntry>> timeline(int64_t id) override { return inner_->timeline(id); }
  Result<std::vector<StoredEvent>> events(int64_t id, size_t n) override { return inner_->events(id, n); }
  Result<std::vector<OutboxItem>> deliveries(int64_t id) override { return inner_->deliveries(id); }
  Result<IncidentCounts> counts() override { return inner_->counts(); }
  Result<int64_t> insert_token(const Token& t, std::string_view h) override { return inner_->insert_token(t, h); }
  Result<std::optional<StoredToken>> token(int64_t id) override { return inner_->token(id); }
  Result<std::vector<OutboxItem>> due_outbox(int64_t now, size_t n) override { return inner_->due_outbox(now, n); }
  Result<std::vector<int64_t>> claim_outbox(std::span<const int64_t> ids, int64_t now, int64_t lease) override {
    return inner_->claim_outbox(ids, now, lease);
  }
  Result<void> outbox_delivered(std::span<const int64_t> ids, int64_t now) override {
    return inner_->outbox_delivered(ids, now);
  }
  Result<void> outbox_retry(int64_t id, int64_t next, std::string_view e, bool give_up) override {
    return inner_->outbox_retry(id, next, e, give_up);
  }

 private:
  std::unique_ptr<Store> inner_;
};

std::string events_body(int n, int fingerprints, const char* severity = "high") {
  json batch = json::array();
  for (int i = 0; i < n; ++i) {
    const int k = i % fingerprints;
    batch.push_back({{"source", "vigil-watch"},
                     {"rule", "r" + std::to_string(k)},
                     {"severity", severity},
                     {"subject", "host-" + std::to_string(k)},
                     {"title", "T" + std::to_string(k)}});
  }
  return batch.dump();
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto inner = open_store("sqlite:" + (dir_.path() / "incidents.db").string());
    ASSERT_TRUE(inner) << inner.error().message;
    store_ = std::make_unique<GatedStore>(std::move(*inner));
    IngestQueue::Options options;
    options.max_pending_events = 100;
    options.auto_resolve_interval = std::chrono::milliseconds(0);
    options.now_ns = [] { return kT0; };
    queue_ = std::make_unique<IngestQueue>(*store_, IngestPolicy{}, options);
    ctx_ = std::make_unique<ApiContext>(ApiContext{.store = *store_,
                                                   .queue = *queue_,
                                                   .policy = IngestPolicy{},
                                                   .metrics = metrics_,
                                                   .now_ns = [] { return kT0; },
                                                   .retry_after_s = 2});
    clear_token_cache();
    for (const Role role : {Role::Ingest, Role::Read, Role::Admin}) {
      auto token = create_token(*store_, role, std::string(role_name(role)) + "-user", kT0);
      ASSERT_TRUE(token) << token.error().message;
      tokens_[static_cast<int>(role)] = *token;
    }
    routes_ = api_routes(*ctx_);
  }
  void TearDown() override { queue_->stop(); }

  // Dispatches like the server does (pattern match on the table), with the role's token.
  server::Response call(const std::string& method, const std::string& path, std::optional<Role> role,
                        std::string body = "", std::vector<std::pair<std::string, std::string>> query = {}) {
    server::Request request{.method = method, .path = path, .query = std::move(query), .body = std::move(body)};
    if (role) request.headers.emplace_back("authorization", "Bearer " + tokens_[static_cast<int>(*role)]);
    for (const auto& route : routes_) {
      if (route.method == method && server::match_pattern(route.pattern, path, request.path_params)) {
        return route.handler(request);
      }
    }
    return server::error_response(404, "no route");
  }

  // Posts the batch from another thread and returns once the ingest writer has taken it and is held in
  // begin(), so the queue counts those events as pending; release_writer() lets it finish.
  std::future<server::Response> post_while_the_writer_is_held(std::string batch) {
    gate_ = std::make_shared<std::latch>(1);
    std::latch entered(1);
    store_->gate = gate_;
    store_->entered = &entered;
    auto posted = std::async(std::launch::async,
                             [this, b = std::move(batch)] { return call("POST", "/api/v1/events", Role::Ingest, b); });
    entered.wait();
    store_->entered = nullptr;
    return posted;
  }
  server::Response release_writer(std::future<server::Response>& posted) {
    store_->gate = nullptr;
    gate_->count_down();
    return posted.get();
  }

  test::TempDir dir_;
  std::unique_ptr<GatedStore> store_;
  std::shared_ptr<std::latch> gate_;
  std::unique_ptr<IngestQueue> queue_;
  ApiMetrics metrics_;
  std::unique_ptr<ApiContext> ctx_;
  std::string tokens_[4];
  std::vector<server::Route> routes_;
};

TEST_F(ApiTest, IngestDedupsAndAnswers202) {
  auto r = call("POST", "/api/v1/events", Role::Ingest, events_body(100, 10));
  ASSERT_EQ(r.status, 202) << r.body;
  const json doc = json::parse(r.body);
  EXPECT_EQ(doc["accepted"], 100);
  EXPECT_EQ(doc["incidents_created"], 10);
  r = call("GET", "/api/v1/incidents", Role::Read);
  ASSERT_EQ(r.status, 200) << r.body;
  const json list = json::parse(r.body);
  ASSERT_EQ(list["incidents"].size(), 10U);
  EXPECT_TRUE(list["next"].is_null());
  for (const auto& i : list["incidents"]) EXPECT_EQ(i["count"], 10);
  EXPECT_EQ(metrics_.ingested(), 100);
}

TEST_F(ApiTest, AuthenticationAndRoles) {
  auto r = call("POST", "/api/v1/events", std::nullopt, events_body(1, 1));
  EXPECT_EQ(r.status, 401);
  ASSERT_EQ(r.headers.size(), 1U);
  EXPECT_EQ(r.headers[0].first, "WWW-Authenticate");
  server::Request forged{.method = "GET", .path = "/api/v1/incidents"};
  forged.headers.emplace_back("authorization", "Bearer " + tokens_[3].substr(0, tokens_[3].size() - 1) + "x");
  EXPECT_EQ(get_incident(*ctx_, forged, nullptr).status, 404) << "handlers themselves do not authenticate";
  EXPECT_EQ(authorize(*ctx_, forged, Role::Read).denied.status, 401);
  EXPECT_EQ(call("GET", "/api/v1/incidents", Role::Ingest).status, 403);
  EXPECT_EQ(call("PATCH", "/api/v1/incidents/1", Role::Read, R"({"status":"resolved"})").status, 403);
  EXPECT_EQ(call("GET", "/api/v1/incidents", Role::Admin).status, 200);
  EXPECT_EQ(call("GET", "/metrics", std::nullopt).status, 200);
  EXPECT_EQ(call("GET", "/healthz", std::nullopt).body, R"({"status":"ok","db":"sqlite"})");
}

TEST_F(ApiTest, BadBatchIs400AndWritesNothing) {
  auto r = call("POST", "/api/v1/events", Role::Ingest,
                R"([{"source":"a","rule":"b","severity":"urgent",)"
                R"("subject":"c","title":"d"}])");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("severity"), std::string::npos) << r.body;
  EXPECT_EQ(call("POST", "/api/v1/events", Role::Ingest, "[").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/events", Role::Ingest, "[]").status, 400);
  EXPECT_EQ(json::parse(call("GET", "/api/v1/incidents", Role::Read).body)["incidents"].size(), 0U);
  EXPECT_EQ(metrics_.rejected().at("invalid"), 3);
}

TEST_F(ApiTest, OverloadIs429WithRetryAfter) {
  // The first batch is taken by the writer, which is then held in begin(): 60 events pending.
  auto first = post_while_the_writer_is_held(events_body(60, 3));
  auto r = call("POST", "/api/v1/events", Role::Ingest, events_body(50, 5));
  EXPECT_EQ(r.status, 429) << r.body;
  ASSERT_EQ(r.headers.size(), 1U);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Retry-After", "2"}));
  EXPECT_NE(r.body.find("overloaded"), std::string::npos);
  EXPECT_EQ(release_writer(first).status, 202);
  EXPECT_EQ(metrics_.rejected().at("overloaded"), 50);
  EXPECT_EQ(call("POST", "/api/v1/events", Role::Ingest, events_body(50, 5)).status, 202) << "room again";
}

// 1500 requests from one client in the second before kT0: over a total capacity of 500/s, then three times over
// it (the detector reports the start, then the escalation: two events).
std::string flood_records_body() {
  json records = json::array();
  for (int i = 0; i < 1500; ++i) {
    const int64_t at_ms = (kT0 / 1'000'000) - 1000 + i * 2 / 3;
    records.push_back({{"time", at_ms / 1000.0}, {"source", "203.0.113.9"}, {"status", 200}});
  }
  return records.dump();
}

// Records go into the detector before the queue is asked: when the queue is full the records are still accepted
// (a 429 would have them sent again and counted twice) and the flood event is held, then stored with the next
// request. Without the hold it was lost: the detector reports a flood's start once.
TEST_F(ApiTest, FloodEventsRefusedByAFullQueueAreHeldNotLost) {
  flood::FloodConfig config;
  config.total_capacity_rps = 500;
  config.service = "shop";
  FloodFeed feed(config);
  ctx_->flood = &feed;
  routes_ = api_routes(*ctx_);
  auto first = post_while_the_writer_is_held(events_body(100, 3));  // the queue holds 100 events: full
  auto r = call("POST", "/api/v1/requests", Role::Ingest, flood_records_body());
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"accepted":1500,"flood_events":0,"flood_events_held":2})"));
  EXPECT_EQ(feed.held(), 2U);
  EXPECT_EQ(metrics_.rejected().count("overloaded"), 0U);  // held, not rejected: they will be stored
  EXPECT_EQ(release_writer(first).status, 202);
  r = call("POST", "/api/v1/requests", Role::Ingest, R"([{"time":1795791845,"source":"192.0.2.1"}])");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(json::parse(r.body)["flood_events"], 2);
  EXPECT_EQ(feed.held(), 0U);
  const json list = json::parse(call("GET", "/api/v1/incidents", Role::Read, "", {{"source", "vigil-flood"}}).body);
  ASSERT_EQ(list["incidents"].size(), 1U) << list.dump();
  EXPECT_EQ(list["incidents"][0]["rule"], "total-over-capacity");
  EXPECT_EQ(list["incidents"][0]["subject"], "shop");
  EXPECT_EQ(list["incidents"][0]["count"], 2);
  EXPECT_EQ(list["incidents"][0]["severity"], "critical");
}

TEST(FloodFeedTest, HeldEventsComeBackInEventTimeOrderAndAreBounded) {
  FloodFeed feed(flood::FloodConfig{});
  Event late;
  late.rule = "end";
  late.time_ns = 20;
  Event early;
  early.rule = "start";
  early.time_ns = 10;
  EXPECT_EQ(feed.hold({late}), 0U);
  EXPECT_EQ(feed.hold({early}), 0U);  // held later, happened earlier
  auto out = feed.poll(kT0);
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0].rule, "start");
  EXPECT_EQ(out[1].rule, "end");
  EXPECT_EQ(feed.held(), 0U);
  EXPECT_EQ(feed.hold(std::vector<Event>(FloodFeed::kMaxHeldEvents + 7, early)), 7U);
  EXPECT_EQ(feed.held(), FloodFeed::kMaxHeldEvents);
}

TEST_F(ApiTest, ListFiltersAndPaging) {
  ASSERT_EQ(call("POST", "/api/v1/events", Role::Ingest, events_body(5, 5, "low")).status, 202);
  auto body = json::parse(events_body(3, 3, "critical"));
  for (auto& e : body) e["subject"] = "other-" + e["subject"].get<std::string>();
  ASSERT_EQ(call("POST", "/api/v1/events", Role::Ingest, body.dump()).status, 202);
  auto list = json::parse(call("GET", "/api/v1/incidents", Role::Read, "", {{"severity", "high"}}).body);
  EXPECT_EQ(list["incidents"].size(), 3U);
  list = json::parse(call("GET", "/api/v1/incidents", Role::Read, "", {{"limit", "4"}}).body);
  ASSERT_EQ(list["incidents"].size(), 4U);
  const int64_t next = list["next"];
  EXPECT_EQ(next, list["incidents"][3]["id"]);
  list = json::parse(call("GET", "/api/v1/incidents", Role::Read, "", {{"before", std::to_string(next)}}).body);
  EXPECT_EQ(list["incidents"].size(), 4U);
  EXPECT_TRUE(list["next"].is_null());
  EXPECT_EQ(call("GET", "/api/v1/incidents", Role::Read, "", {{"limit", "0"}}).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/incidents", Role::Read, "", {{"severity", "HIGH"}}).status, 400);
}

TEST_F(ApiTest, PatchCommentsAndDetail) {
  ASSERT_EQ(call("POST", "/api/v1/events", Role::Ingest, events_body(3, 1)).status, 202);
  auto r = call("PATCH", "/api/v1/incidents/1", Role::Admin, R"({"status":"acknowledged","assignee":"bob"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["assignee"], "bob");
  r = call("POST", "/api/v1/incidents/1/comments", Role::Admin, R"({"text":"on it"})");
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(call("POST", "/api/v1/incidents/1/comments", Role::Admin, R"({"note":"x"})").status, 400);
  EXPECT_EQ(call("PATCH", "/api/v1/incidents/1", Role::Admin, R"({"status":"closed"})").status, 400);
  EXPECT_EQ(call("PATCH", "/api/v1/incidents/1", Role::Admin, R"({"status":"open"})").status, 409);
  EXPECT_EQ(call("PATCH", "/api/v1/incidents/77", Role::Admin, R"({"status":"resolved"})").status, 404);
  const std::string long_assignee = json{{"status", "resolved"}, {"assignee", std::string(300, 'a')}}.dump();
  EXPECT_EQ(call("PATCH", "/api/v1/incidents/1", Role::Admin, long_assignee).status, 400);
  r = call("GET", "/api/v1/incidents/1", Role::Read);
  ASSERT_EQ(r.status, 200);
  const json detail = json::parse(r.body);
  EXPECT_EQ(detail["status"], "acknowledged") << "the refused PATCH changed nothing";
  EXPECT_EQ(detail["events"].size(), 3U);
  std::vector<std::string> kinds;
  for (const auto& t : detail["timeline"]) kinds.push_back(t["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"created", "acknowledged", "assigned", "commented"}));
  EXPECT_EQ(detail["timeline"][3]["actor"], "admin-user");
  EXPECT_EQ(detail["timeline"][3]["text"], "on it");
  EXPECT_TRUE(detail["deliveries"].is_array());
  EXPECT_EQ(call("GET", "/api/v1/incidents/x1", Role::Read).status, 404);
}

TEST_F(ApiTest, MetricsText) {
  ASSERT_EQ(call("POST", "/api/v1/events", Role::Ingest, events_body(4, 2)).status, 202);
  call("POST", "/api/v1/events", std::nullopt, "[]");
  const std::string text = call("GET", "/metrics", std::nullopt).body;
  EXPECT_NE(text.find("vigil_incidents{status=\"open\",severity=\"high\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("vigil_events_ingested_total 4\n"), std::string::npos);
  EXPECT_NE(text.find("vigil_ingest_rejected_total{reason=\"unauthorized\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("vigil_http_requests_total{route=\"/api/v1/events\",code=\"202\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("vigil_outbox_pending 0\n"), std::string::npos);
}

}  // namespace
}  // namespace vigil::incidents::api
