// The PostgreSQL store against a real PostgreSQL 15 started by the test (tests/support/postgres_cluster.hpp):
// two instances ingesting the same fingerprints at once, migrations run by instances starting together, reconnect
// after a server restart, tokens, the outbox cycle, rollback, batched events and error messages.
// Needs root (the server runs as `postgres`) or a non-root user, and the PostgreSQL server binaries.
#include "incidents/postgres_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "incidents/event_json.hpp"
#include "incidents/ingest.hpp"
#include "incidents/postgres_connection.hpp"
#include "incidents/store.hpp"
#include "incidents/tokens.hpp"
#include "support/postgres_cluster.hpp"

namespace vigil::incidents {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kNow = int64_t{1'795'000'000} * kSecond;

// Event i of a stream over `fingerprints` distinct findings (each on its own subject, so none correlate).
Event finding(int i, int fingerprints) {
  const int k = i % fingerprints;
  Event e;
  e.source = "vigil-watch";
  e.rule = "unexpected-exec-" + std::to_string(k);
  e.severity = k % 4 == 0 ? Severity::Critical : Severity::High;
  e.subject = "web-" + std::to_string(k) + ":/usr/bin/curl";
  e.title = "curl started by a web server (" + std::to_string(k) + ")";
  e.time_ns = kNow + i;
  e.labels = {{"host", "web-" + std::to_string(k)}, {"team", "platform"}};
  e.details_json = R"({"pid":)" + std::to_string(1000 + i) + "}";
  e.fingerprint = default_fingerprint(e.source, e.rule, e.subject);
  return e;
}

std::vector<Event> findings(int from, int n, int fingerprints) {
  std::vector<Event> out;
  for (int i = from; i < from + n; ++i) out.push_back(finding(i, fingerprints));
  return out;
}

IngestPolicy one_notifier() {
  IngestPolicy policy;
  policy.route = [](const Incident&, ChangeKind) { return std::vector<RouteTarget>{{"hook", "all"}}; };
  return policy;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = test::fresh_postgres_database();
    ASSERT_TRUE(url) << url.error().message;
    url_ = *url;
    auto store = open_postgres_store(url_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  // A raw connection for checks the Store interface does not offer.
  std::unique_ptr<pg::Connection> raw() {
    auto info = pg::parse_url(url_);
    EXPECT_TRUE(info);
    auto conn = pg::Connection::open(*info);
    EXPECT_TRUE(conn) << conn.error().message;
    return conn ? std::move(*conn) : nullptr;
  }

  int64_t insert_incident(std::string_view fingerprint, Severity severity, std::string source = "vigil-scan") {
    auto tx = store_->begin();
    EXPECT_TRUE(tx) << tx.error().message;
    Incident inc{.fingerprint = std::string(fingerprint),
                 .severity = severity,
                 .title = "t",
                 .source = source,
                 .rule = "r",
                 .subject = std::string(fingerprint),
                 .count = 1,
                 .first_seen_ns = kNow,
                 .last_seen_ns = kNow,
                 .updated_ns = kNow};
    auto id = (*tx)->insert_incident(inc);
    EXPECT_TRUE(id) << id.error().message;
    EXPECT_TRUE((*tx)->add_fingerprint(fingerprint, *id));
    EXPECT_TRUE((*tx)->commit());
    return *id;
  }

  std::string url_;
  std::unique_ptr<Store> store_;
};

TEST_F(PostgresStoreTest, TwoInstancesIngestingTheSameFingerprintsMakeOneIncidentEach) {
  auto second = open_postgres_store(url_);
  ASSERT_TRUE(second) << second.error().message;
  const IngestPolicy policy = one_notifier();
  // 2 instances x 20 batches x 250 events over 50 fingerprints: every batch of each instance touches all 50.
  auto run = [&](Store& store, int offset, std::string& error) {
    for (int batch = 0; batch < 20; ++batch) {
      const auto events = findings(offset + batch * 250, 250, 50);
      auto summary = ingest(store, events, policy, kNow + batch);
      if (!summary) {
        error = summary.error().message;
        return;
      }
    }
  };
  std::string error_a;
  std::string error_b;
  std::thread a([&] { run(*store_, 0, error_a); });
  std::thread b([&] { run(**second, 5000, error_b); });
  a.join();
  b.join();
  EXPECT_EQ(error_a, "");
  EXPECT_EQ(error_b, "");

  auto incidents = store_->list_incidents({.limit = 1000});
  ASSERT_TRUE(incidents) << incidents.error().message;
  ASSERT_EQ(incidents->size(), 50u);
  for (const auto& inc : *incidents) {
    EXPECT_EQ(inc.count, 200) << inc.fingerprint;  // 2 x 20 x 5
    EXPECT_EQ(inc.status, Status::Open);
    const int k = std::stoi(inc.rule.substr(inc.rule.rfind('-') + 1));
    // Whichever instance got there first opened it: first_seen is that instance's first event of the fingerprint.
    EXPECT_TRUE(inc.first_seen_ns == kNow + k || inc.first_seen_ns == kNow + 5000 + k) << inc.first_seen_ns;
    EXPECT_EQ(inc.last_seen_ns, kNow + 9950 + k);  // the latest event time of the fingerprint, from either
  }
  auto counts = (*second)->counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->events, 10000);
  EXPECT_EQ(counts->outbox_pending, 50);  // one "created" notification per incident, not 10,000
  EXPECT_EQ(counts->by_status_severity[int(Status::Open)][int(Severity::Critical)], 13);
  EXPECT_EQ(counts->by_status_severity[int(Status::Open)][int(Severity::High)], 37);
}

TEST_F(PostgresStoreTest, MigrationsAreIdempotentAcrossInstancesStartingTogether) {
  auto url = test::fresh_postgres_database();
  ASSERT_TRUE(url) << url.error().message;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(4);
  for (size_t i = 0; i < errors.size(); ++i) {
    threads.emplace_back([&, i] {
      auto store = open_postgres_store(*url);
      if (!store) errors[i] = store.error().message;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  url_ = *url;
  auto conn = raw();
  ASSERT_TRUE(conn);
  auto rows = conn->exec("SELECT count(*), max(version) FROM schema_migrations");
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(rows->i64(0, 0), 1);
  EXPECT_EQ(rows->i64(0, 1), 1);

  auto again = open_postgres_store(*url);  // an up-to-date database opens as is
  ASSERT_TRUE(again) << again.error().message;

  ASSERT_TRUE(conn->exec("INSERT INTO schema_migrations (version, description, applied) VALUES (99, 'future', 0)"));
  auto newer = open_postgres_store(*url);
  ASSERT_FALSE(newer);
  EXPECT_NE(newer.error().message.find("schema is version 99, newer than this vigil supports (1)"), std::string::npos)
      << newer.error().message;
}

TEST_F(PostgresStoreTest, ReconnectsAfterTheServerRestarts) {
  const int64_t incident = insert_incident("fp-restart", Severity::High);
  auto token = create_token(*store_, Role::Read, "dashboard", kNow);
  ASSERT_TRUE(token) << token.error().message;
  ASSERT_TRUE(store_->get_incident(incident));  // the reader connection exists before the restart

  auto cluster = test::PostgresEnvironment::cluster();
  ASSERT_TRUE(cluster);
  ASSERT_TRUE((*cluster)->restart());

  // The pooled connection is dead: found before the INSERT is sent (which is never repeated blindly).
  auto second =
      store_->insert_token({.name = "after-restart", .role = Role::Ingest, .created_ns = kNow}, std::string(64, 'b'));
  ASSERT_TRUE(second) << second.error().message;

  ASSERT_TRUE((*cluster)->restart());
  auto read = store_->get_incident(incident);  // pooled reader: reconnected
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->fingerprint, "fp-restart");

  const auto events = findings(0, 10, 2);
  auto summary = ingest(*store_, events, one_notifier(), kNow);  // writer: reconnected in begin()
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->created, 2u);

  clear_token_cache();
  auto who = authenticate(*store_, *token);
  ASSERT_TRUE(who) << who.error().message;
  ASSERT_TRUE(who->has_value());
  EXPECT_EQ((*who)->name, "dashboard");
}

TEST_F(PostgresStoreTest, TokenRoundTrip) {
  const Token token{.name = "ci-ingest", .role = Role::Ingest, .created_ns = kNow};
  const std::string hash(64, 'a');
  auto id = store_->insert_token(token, hash);
  ASSERT_TRUE(id) << id.error().message;
  auto stored = store_->token(*id);
  ASSERT_TRUE(stored) << stored.error().message;
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->token.id, *id);
  EXPECT_EQ((*stored)->token.name, "ci-ingest");
  EXPECT_EQ((*stored)->token.role, Role::Ingest);
  EXPECT_EQ((*stored)->token.created_ns, kNow);
  EXPECT_EQ((*stored)->secret_sha256_hex, hash);
  auto missing = store_->token(*id + 100);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());

  clear_token_cache();
  auto text = create_token(*store_, Role::Admin, "ops", kNow);
  ASSERT_TRUE(text) << text.error().message;
  auto good = authenticate(*store_, *text);
  ASSERT_TRUE(good && good->has_value());
  EXPECT_EQ((*good)->role, Role::Admin);
  std::string wrong = *text;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  auto bad = authenticate(*store_, wrong);
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->has_value());
}

TEST_F(PostgresStoreTest, OutboxDueDeliveredRetryCycle) {
  const int64_t incident = insert_incident("fp-outbox", Severity::Critical);
  {
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    for (int i = 0; i < 3; ++i) {
      OutboxItem item{.incident_id = incident,
                      .notifier = "hook-" + std::to_string(i),
                      .kind = ChangeKind::Created,
                      .idempotency_key = std::to_string(incident) + "-1-hook-" + std::to_string(i),
                      .group_key = "g",
                      .created_ns = kNow,
                      .next_attempt_ns = kNow + i * kSecond};
      ASSERT_TRUE((*tx)->insert_outbox(item));
    }
    ASSERT_TRUE((*tx)->commit());
  }
  auto due = store_->due_outbox(kNow + kSecond, 10);
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_EQ(due->size(), 2u);  // the third is not due until kNow + 2 s
  EXPECT_EQ((*due)[0].notifier, "hook-0");
  EXPECT_EQ((*due)[1].notifier, "hook-1");
  EXPECT_EQ((*due)[0].kind, ChangeKind::Created);
  EXPECT_EQ((*due)[0].delivered_ns, 0);

  const int64_t delivered[] = {(*due)[0].id};
  ASSERT_TRUE(store_->outbox_delivered(delivered, kNow + kSecond));
  ASSERT_TRUE(store_->outbox_retry((*due)[1].id, kNow + 10 * kSecond, "HTTP 503", false));

  due = store_->due_outbox(kNow + 5 * kSecond, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].notifier, "hook-2");
  due = store_->due_outbox(kNow + 10 * kSecond, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[1].notifier, "hook-1");
  EXPECT_EQ((*due)[1].attempts, 1);
  EXPECT_EQ((*due)[1].last_error, "HTTP 503");

  ASSERT_TRUE(store_->outbox_retry((*due)[1].id, kNow + 20 * kSecond, "HTTP 500", true));
  auto counts = store_->counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->outbox_pending, 1);
  EXPECT_EQ(counts->outbox_failed, 1);
  auto all = store_->deliveries(incident);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].delivered_ns, kNow + kSecond);
  EXPECT_TRUE((*all)[1].failed);
  EXPECT_EQ((*all)[1].attempts, 2);
  EXPECT_EQ((*all)[1].last_error, "HTTP 500");
  EXPECT_FALSE(store_->outbox_retry(999999, kNow, "x", false));
}

TEST_F(PostgresStoreTest, UncommittedOrFailedTransactionsWriteNothing) {
  {
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->insert_incident({.fingerprint = "fp-dropped", .title = "t", .count = 1}));
    // Reads run beside an open write transaction (pooled connections) and do not see its rows.
    auto during = store_->list_incidents({});
    ASSERT_TRUE(during) << during.error().message;
    EXPECT_TRUE(during->empty());
  }  // destroyed without commit
  const int64_t kept = insert_incident("fp-kept", Severity::Low);
  {
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    auto id = (*tx)->insert_incident({.fingerprint = "fp-second", .title = "t", .count = 1});
    ASSERT_TRUE(id);
    auto duplicate = (*tx)->add_fingerprint("fp-kept", *id);  // fingerprints are unique
    ASSERT_FALSE(duplicate);
    EXPECT_NE(duplicate.error().message.find("incident_fingerprints"), std::string::npos) << duplicate.error().message;
    auto commit = (*tx)->commit();
    ASSERT_FALSE(commit);
    EXPECT_NE(commit.error().message.find("nothing was written"), std::string::npos);
  }
  auto all = store_->list_incidents({});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].id, kept);
  auto tx = store_->begin();  // the writer is usable again
  ASSERT_TRUE(tx) << tx.error().message;
  auto found = (*tx)->incident_by_fingerprint("fp-kept");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->id, kept);
}

TEST_F(PostgresStoreTest, EventsGoInAsOneBatchAndRoundTripEveryField) {
  const int64_t incident = insert_incident("fp-events", Severity::High);
  std::vector<StoredEvent> batch;
  for (int i = 0; i < 10000; ++i)
    batch.push_back({.incident_id = incident, .received_ns = kNow + i, .event = finding(i, 1)});
  // COPY's special characters and non-ASCII text survive.
  Event& odd = batch.back().event;
  odd.title = "tab\there, newline\nthere, back\\slash, CR\r, \xC3\xA9t\xC3\xA9 \xE2\x9C\x93";
  odd.labels = {{"path", "C:\\temp\\x"}, {"quote", "say \"hi\""}};
  odd.details_json = R"({"cmd":"sh -c 'a\tb'","n":[1,2,3]})";
  odd.resolved = true;
  odd.severity = Severity::Medium;
  {
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->insert_events(batch));
    ASSERT_TRUE((*tx)->commit());
  }

  auto newest = store_->events(incident, 3);
  ASSERT_TRUE(newest) << newest.error().message;
  ASSERT_EQ(newest->size(), 3u);
  const StoredEvent& got = (*newest)[0];
  EXPECT_EQ(got.received_ns, kNow + 9999);
  EXPECT_EQ(got.incident_id, incident);
  EXPECT_EQ(got.event.title, odd.title);
  EXPECT_EQ(got.event.labels, odd.labels);
  EXPECT_EQ(got.event.details_json, odd.details_json);
  EXPECT_TRUE(got.event.resolved);
  EXPECT_EQ(got.event.severity, Severity::Medium);
  EXPECT_EQ(got.event.source, odd.source);
  EXPECT_EQ(got.event.rule, odd.rule);
  EXPECT_EQ(got.event.subject, odd.subject);
  EXPECT_EQ(got.event.fingerprint, odd.fingerprint);
  EXPECT_EQ(got.event.time_ns, odd.time_ns);
  EXPECT_EQ((*newest)[1].received_ns, kNow + 9998);
  auto counts = store_->counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->events, 10000);

  // PostgreSQL text cannot hold NUL: the batch is refused as a whole, not truncated.
  std::vector<StoredEvent> nul{{.incident_id = incident, .event = finding(0, 1)}};
  nul[0].event.title = std::string("a\0b", 3);
  auto tx2 = store_->begin();
  ASSERT_TRUE(tx2);
  auto refused = (*tx2)->insert_events(nul);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("NUL"), std::string::npos);
  auto comment = (*tx2)->insert_timeline(
      {.incident_id = incident, .kind = ChangeKind::Commented, .actor = "a", .text = std::string("cut\0here", 8)});
  ASSERT_FALSE(comment);  // refused, not silently cut at the NUL
  EXPECT_NE(comment.error().message.find("NUL"), std::string::npos);
}

TEST_F(PostgresStoreTest, ListFiltersPagesAndTimeline) {
  const int64_t low = insert_incident("fp-low", Severity::Low, "vigil-scan");
  const int64_t high = insert_incident("fp-high", Severity::High, "vigil-watch");
  const int64_t critical = insert_incident("fp-critical", Severity::Critical, "vigil-scan");
  auto ids = [&](const IncidentFilter& f) {
    std::vector<int64_t> out;
    auto list = store_->list_incidents(f);
    EXPECT_TRUE(list) << list.error().message;
    if (list)
      for (const auto& i : *list) out.push_back(i.id);
    return out;
  };
  EXPECT_EQ(ids({}), (std::vector<int64_t>{critical, high, low}));
  EXPECT_EQ(ids({.min_severity = Severity::High}), (std::vector<int64_t>{critical, high}));
  EXPECT_EQ(ids({.source = "vigil-scan"}), (std::vector<int64_t>{critical, low}));
  EXPECT_EQ(ids({.limit = 1, .before_id = critical}), (std::vector<int64_t>{high}));
  EXPECT_EQ(ids({.status = Status::Resolved}), (std::vector<int64_t>{}));

  auto tx = store_->begin();
  ASSERT_TRUE(tx);
  auto inc = (*tx)->incident(high);
  ASSERT_TRUE(inc && inc->has_value());
  Incident changed = **inc;
  changed.status = Status::Resolved;
  changed.resolved_ns = kNow + kSecond;
  changed.assignee = "alice";
  changed.labels = {{"env", "prod"}};
  ASSERT_TRUE((*tx)->update_incident(changed));
  auto entry = (*tx)->insert_timeline({.incident_id = high,
                                       .time_ns = kNow + kSecond,
                                       .kind = ChangeKind::Resolved,
                                       .actor = "alice",
                                       .text = "fixed in 1.2.3"});
  ASSERT_TRUE(entry);
  auto quiet = (*tx)->quiet_incidents(kNow + 1, 10);
  ASSERT_TRUE(quiet);
  EXPECT_EQ(quiet->size(), 2u);  // open ones only
  auto none = (*tx)->update_incident(Incident{.id = 424242});
  EXPECT_FALSE(none);
}

TEST(PostgresStoreErrors, ConnectionFailureNamesTheServerButNotThePassword) {
  const int port = [] {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);  // nothing listens there now
    return ntohs(addr.sin_port);
  }();
  auto store = open_postgres_store("postgres://vigil:hunter2secret@127.0.0.1:" + std::to_string(port) + "/incidents");
  ASSERT_FALSE(store);
  const std::string& message = store.error().message;
  EXPECT_NE(message.find("postgres: connection to 127.0.0.1:" + std::to_string(port) + "/incidents failed"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("hunter2secret"), std::string::npos) << message;

  auto bad = open_store("postgresql://vigil:hunter2secret@[::1:5433/x");  // libpq quotes the URL it cannot parse
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.find("hunter2secret"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("postgres: invalid database URL"), std::string::npos) << bad.error().message;
}

// Not a speed assertion: prints the time of the issue's 10,000 events / 50 fingerprints batch for the notes.
TEST_F(PostgresStoreTest, TenThousandEventsOfFiftyFingerprintsBecomeFiftyIncidents) {
  const auto events = findings(0, 10000, 50);
  const auto start = std::chrono::steady_clock::now();
  auto summary = ingest(*store_, events, one_notifier(), kNow);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->created, 50u);
  EXPECT_EQ(summary->events, 10000u);
  EXPECT_EQ(summary->outbox, 50u);
  std::printf("postgres ingest of 10000 events / 50 fingerprints: %.1f ms\n",
              std::chrono::duration<double, std::milli>(elapsed).count());
  auto counts = store_->counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->events, 10000);
  EXPECT_EQ(counts->outbox_pending, 50);
}

}  // namespace
}  // namespace vigil::incidents
