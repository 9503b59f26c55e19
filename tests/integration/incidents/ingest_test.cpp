// The incident logic end to end over each Store back end (store_backends.hpp): dedup, correlation, escalation,
// reopen, resolved-state events, auto-resolve, people's actions, outbox rows, listing, counts and migrations.
#include "incidents/ingest.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "incidents/event_json.hpp"
#include "store_backends.hpp"

namespace vigil::incidents {
namespace {

namespace fs = std::filesystem;
using testing::BackendFactory;

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kT0 = 1'795'791'845 * kSec;  // 2026-11-27T15:04:05Z

Event make_event(std::string rule, std::string subject, Severity severity, int64_t time_ns, bool resolved = false) {
  Event e{.source = "vigil-watch",
          .rule = std::move(rule),
          .severity = severity,
          .subject = std::move(subject),
          .time_ns = time_ns,
          .resolved = resolved};
  e.title = e.rule + " on " + e.subject;
  e.fingerprint = default_fingerprint(e.source, e.rule, e.subject);
  return e;
}

class IngestTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    if (const std::string why = GetParam().unavailable(); !why.empty()) GTEST_SKIP() << why;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "-" + info->name();
    std::replace(name.begin(), name.end(), '/', '_');
    scratch_ = fs::temp_directory_path() / ("vigil-ingest-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(scratch_);
    fs::create_directories(scratch_);
    reopen();
    policy_.route = [](const Incident& incident, ChangeKind /*kind*/) {
      return std::vector<RouteTarget>{{"hook", incident.source}};
    };
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(scratch_);
  }
  void reopen() {
    store_.reset();
    auto store = GetParam().open(scratch_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  IngestSummary ingest_ok(const std::vector<Event>& events, int64_t now) {
    auto r = ingest(*store_, events, policy_, now);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : IngestSummary{};
  }
  std::vector<Incident> all_incidents() {
    auto r = store_->list_incidents(IncidentFilter{.limit = 1000});
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<Incident>{};
  }
  std::vector<ChangeKind> kinds(int64_t incident_id) {
    std::vector<ChangeKind> out;
    auto t = store_->timeline(incident_id);
    EXPECT_TRUE(t) << t.error().message;
    if (t) {
      for (const auto& e : *t) out.push_back(e.kind);
    }
    return out;
  }
  std::vector<ChangeKind> outbox_kinds(int64_t incident_id) {
    std::vector<ChangeKind> out;
    auto d = store_->deliveries(incident_id);
    EXPECT_TRUE(d) << d.error().message;
    if (d) {
      for (const auto& o : *d) out.push_back(o.kind);
    }
    return out;
  }
  Incident act(int64_t id, ChangeKind kind, std::string text = "") {
    auto r = apply_action(*store_, id, Action{.kind = kind, .actor = "alice", .text = std::move(text)}, policy_,
                          kT0 + 1000 * kSec);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : Incident{};
  }
  std::string act_error(int64_t id, ChangeKind kind, std::string text = "") {
    auto r = apply_action(*store_, id, Action{.kind = kind, .actor = "alice", .text = std::move(text)}, policy_,
                          kT0 + 1000 * kSec);
    EXPECT_FALSE(r);
    return r ? std::string() : r.error().message;
  }

  fs::path scratch_;
  std::unique_ptr<Store> store_;
  IngestPolicy policy_;
};

TEST_P(IngestTest, TenThousandEventsOfFiftyFingerprintsMakeFiftyIncidentsAndNotifications) {
  std::vector<Event> events;
  for (int i = 0; i < 10000; ++i) {
    const int k = i % 50;
    events.push_back(make_event("rule-" + std::to_string(k), "host-" + std::to_string(k) + ":/usr/bin/curl",
                                i % 7 == 0 ? Severity::High : Severity::Medium, kT0 + int64_t{i} * 1'000'000));
  }
  const auto summary = ingest_ok(events, kT0 + 20 * kSec);
  EXPECT_EQ(summary.events, 10000U);
  EXPECT_EQ(summary.created, 50U);
  EXPECT_EQ(summary.outbox, 50U);
  EXPECT_EQ(summary.escalated, 0U);  // the worst event of each group opens it

  const auto incidents = all_incidents();
  ASSERT_EQ(incidents.size(), 50U);
  std::set<std::string> fingerprints;
  for (const Incident& inc : incidents) {
    EXPECT_EQ(inc.count, 200);
    EXPECT_EQ(inc.status, Status::Open);
    EXPECT_EQ(inc.severity, Severity::High);
    EXPECT_EQ(inc.last_seen_ns - inc.first_seen_ns, int64_t{199} * 50 * 1'000'000);
    fingerprints.insert(inc.fingerprint);
  }
  EXPECT_EQ(fingerprints.size(), 50U);

  auto due = store_->due_outbox(kT0 + 20 * kSec, 1000);
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_EQ(due->size(), 50U);
  std::set<std::string> keys;
  for (const OutboxItem& o : *due) {
    EXPECT_EQ(o.notifier, "hook");
    EXPECT_EQ(o.kind, ChangeKind::Created);
    EXPECT_EQ(o.group_key, "vigil-watch");
    EXPECT_TRUE(o.idempotency_key.starts_with(std::to_string(o.incident_id) + "-")) << o.idempotency_key;
    EXPECT_TRUE(o.idempotency_key.ends_with("-hook"));
    keys.insert(o.idempotency_key);
  }
  EXPECT_EQ(keys.size(), 50U);

  auto counts = store_->counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->events, 10000);
  EXPECT_EQ(counts->outbox_pending, 50);
  EXPECT_EQ(counts->by_status_severity[static_cast<int>(Status::Open)][static_cast<int>(Severity::High)], 50);

  // The same batch again: no new incidents or notifications, counts double.
  const auto again = ingest_ok(events, kT0 + 30 * kSec);
  EXPECT_EQ(again.created, 0U);
  EXPECT_EQ(again.updated, 50U);
  EXPECT_EQ(again.outbox, 0U);
  EXPECT_EQ(all_incidents().front().count, 400);
  auto events_of_one = store_->events(all_incidents().front().id, 10);
  ASSERT_TRUE(events_of_one);
  EXPECT_EQ(events_of_one->size(), 10U);
}

TEST_P(IngestTest, RelatedEventsOnTheSameSubjectJoinWithinTheWindow) {
  ingest_ok({make_event("shell", "web-1:/bin/sh", Severity::Medium, kT0)}, kT0);
  const auto joined =
      ingest_ok({make_event("outbound", "web-1:/bin/sh", Severity::Medium, kT0 + 60 * kSec)}, kT0 + 60 * kSec);
  EXPECT_EQ(joined.created, 0U);
  auto incidents = all_incidents();
  ASSERT_EQ(incidents.size(), 1U);
  EXPECT_EQ(incidents[0].count, 2);
  EXPECT_EQ(incidents[0].rule, "shell");  // the opening event's
  EXPECT_EQ(kinds(incidents[0].id), (std::vector<ChangeKind>{ChangeKind::Created, ChangeKind::Joined}));
  EXPECT_EQ(outbox_kinds(incidents[0].id), (std::vector<ChangeKind>{ChangeKind::Created}));

  // The joined fingerprint now maps to the incident itself, even after the window.
  const int64_t late = kT0 + 60 * kSec + policy_.correlation_window_ns + kSec;
  ingest_ok({make_event("outbound", "web-1:/bin/sh", Severity::Medium, late)}, late);
  ASSERT_EQ(all_incidents().size(), 1U);
  EXPECT_EQ(all_incidents()[0].count, 3);

  // A new fingerprint on the subject after the window opens its own incident.
  const int64_t later = late + policy_.correlation_window_ns + kSec;
  const auto own = ingest_ok({make_event("miner", "web-1:/bin/sh", Severity::Low, later)}, later);
  EXPECT_EQ(own.created, 1U);
  EXPECT_EQ(all_incidents().size(), 2U);
  // And one on another subject never joins.
  ingest_ok({make_event("miner", "web-2:/bin/sh", Severity::Low, later)}, later);
  EXPECT_EQ(all_incidents().size(), 3U);
}

TEST_P(IngestTest, SeverityEscalatesToTheWorstEventAndNeverDrops) {
  ingest_ok({make_event("scan", "img@sha256:ab", Severity::High, kT0)}, kT0);
  const auto up = ingest_ok({make_event("scan", "img@sha256:ab", Severity::Critical, kT0 + kSec),
                             make_event("scan", "img@sha256:ab", Severity::Low, kT0 + 2 * kSec)},
                            kT0 + 2 * kSec);
  EXPECT_EQ(up.escalated, 1U);
  EXPECT_EQ(up.outbox, 1U);
  auto inc = all_incidents().at(0);
  EXPECT_EQ(inc.severity, Severity::Critical);
  EXPECT_EQ(inc.count, 3);
  EXPECT_EQ(inc.first_seen_ns, kT0);
  EXPECT_EQ(inc.last_seen_ns, kT0 + 2 * kSec);
  auto timeline = store_->timeline(inc.id);
  ASSERT_TRUE(timeline);
  ASSERT_EQ(timeline->size(), 2U);
  EXPECT_EQ((*timeline)[1].kind, ChangeKind::Escalated);
  EXPECT_EQ((*timeline)[1].text, "high -> critical");
  EXPECT_EQ((*timeline)[1].actor, "ingest");

  ingest_ok({make_event("scan", "img@sha256:ab", Severity::Medium, kT0 + 3 * kSec)}, kT0 + 3 * kSec);
  EXPECT_EQ(all_incidents().at(0).severity, Severity::Critical);
  EXPECT_EQ(outbox_kinds(inc.id), (std::vector<ChangeKind>{ChangeKind::Created, ChangeKind::Escalated}));
}

TEST_P(IngestTest, ARecurrenceReopensAResolvedIncident) {
  ingest_ok({make_event("flood", "10.0.0.7", Severity::Critical, kT0)}, kT0);
  const int64_t id = all_incidents().at(0).id;
  act(id, ChangeKind::Resolved);
  const auto r = ingest_ok({make_event("flood", "10.0.0.7", Severity::Low, kT0 + 2000 * kSec)}, kT0 + 2000 * kSec);
  EXPECT_EQ(r.reopened, 1U);
  auto inc = store_->get_incident(id);
  ASSERT_TRUE(inc && inc->has_value());
  EXPECT_EQ((*inc)->status, Status::Open);
  EXPECT_EQ((*inc)->severity, Severity::Low);  // reset to the new events' worst
  EXPECT_EQ((*inc)->resolved_ns, 0);
  EXPECT_EQ((*inc)->count, 2);
  EXPECT_EQ(all_incidents().size(), 1U);
  EXPECT_EQ(outbox_kinds(id),
            (std::vector<ChangeKind>{ChangeKind::Created, ChangeKind::Resolved, ChangeKind::Reopened}));
}

TEST_P(IngestTest, ResolvedStateEventsResolveButNeverOpen) {
  // Nothing to resolve: dropped, nothing stored, no incident.
  const auto dropped = ingest_ok({make_event("flood", "10.0.0.9", Severity::High, kT0, true)}, kT0);
  EXPECT_EQ(dropped.dropped, 1U);
  EXPECT_EQ(dropped.events, 0U);
  EXPECT_TRUE(all_incidents().empty());

  ingest_ok({make_event("flood", "10.0.0.9", Severity::High, kT0 + kSec)}, kT0 + kSec);
  const int64_t id = all_incidents().at(0).id;
  const auto resolved =
      ingest_ok({make_event("flood", "10.0.0.9", Severity::High, kT0 + 5 * kSec, true)}, kT0 + 5 * kSec);
  EXPECT_EQ(resolved.resolved, 1U);
  EXPECT_EQ(resolved.events, 1U);
  auto inc = store_->get_incident(id);
  ASSERT_TRUE(inc && inc->has_value());
  EXPECT_EQ((*inc)->status, Status::Resolved);
  EXPECT_EQ((*inc)->resolved_ns, kT0 + 5 * kSec);
  auto timeline = store_->timeline(id);
  ASSERT_TRUE(timeline);
  EXPECT_EQ(timeline->back().kind, ChangeKind::Resolved);
  EXPECT_EQ(timeline->back().actor, "ingest");

  // Another "resolved" for the resolved incident: stored, no change, no reopen.
  const auto again = ingest_ok({make_event("flood", "10.0.0.9", Severity::High, kT0 + 6 * kSec, true)}, kT0 + 6 * kSec);
  EXPECT_EQ(again.resolved, 0U);
  EXPECT_EQ(again.reopened, 0U);
  EXPECT_EQ(store_->get_incident(id)->value().status, Status::Resolved);
  EXPECT_EQ(outbox_kinds(id), (std::vector<ChangeKind>{ChangeKind::Created, ChangeKind::Resolved}));
  EXPECT_EQ(store_->counts()->events, 3);

  // Firing then resolved in one batch leaves it resolved; resolved then firing leaves it open.
  ingest_ok({make_event("flood", "10.0.0.9", Severity::High, kT0 + 7 * kSec),
             make_event("flood", "10.0.0.9", Severity::High, kT0 + 8 * kSec, true)},
            kT0 + 8 * kSec);
  EXPECT_EQ(store_->get_incident(id)->value().status, Status::Resolved);
  ingest_ok({make_event("flood", "10.0.0.9", Severity::High, kT0 + 9 * kSec, true),
             make_event("flood", "10.0.0.9", Severity::High, kT0 + 10 * kSec)},
            kT0 + 10 * kSec);
  EXPECT_EQ(store_->get_incident(id)->value().status, Status::Open);
}

TEST_P(IngestTest, QuietIncidentsAutoResolve) {
  policy_.auto_resolve_after_ns = 3600 * kSec;
  ingest_ok({make_event("a", "s1", Severity::Low, kT0)}, kT0);
  ingest_ok({make_event("b", "s2", Severity::Low, kT0 + 1800 * kSec)}, kT0 + 1800 * kSec);
  const int64_t first = all_incidents().at(1).id;
  act(first, ChangeKind::Acknowledged);  // acknowledged incidents auto-resolve too

  auto none = auto_resolve(*store_, policy_, kT0 + 3600 * kSec - 1);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(*none, 0U);
  auto one = auto_resolve(*store_, policy_, kT0 + 3600 * kSec + 1);
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, 1U);
  auto inc = store_->get_incident(first)->value();
  EXPECT_EQ(inc.status, Status::Resolved);
  auto timeline = store_->timeline(first);
  EXPECT_EQ(timeline->back().kind, ChangeKind::AutoResolved);
  EXPECT_EQ(timeline->back().actor, "auto");
  EXPECT_EQ(outbox_kinds(first).back(), ChangeKind::AutoResolved);
  EXPECT_EQ(store_->list_incidents(IncidentFilter{.status = Status::Open})->size(), 1U);

  policy_.auto_resolve_after_ns = 0;  // disabled
  EXPECT_EQ(*auto_resolve(*store_, policy_, kT0 + 100000 * kSec), 0U);
}

TEST_P(IngestTest, ActionsChangeTheLifecycleAndRejectNonsense) {
  ingest_ok({make_event("shell", "web-1:/bin/sh", Severity::High, kT0)}, kT0);
  const int64_t id = all_incidents().at(0).id;

  EXPECT_EQ(act(id, ChangeKind::Acknowledged).status, Status::Acknowledged);
  EXPECT_EQ(act(id, ChangeKind::Acknowledged).status, Status::Acknowledged);  // no-op, no entry
  EXPECT_EQ(act(id, ChangeKind::Assigned, "bob").assignee, "bob");
  act(id, ChangeKind::Commented, "looking into it");
  EXPECT_EQ(act_error(id, ChangeKind::Commented, ""), "comment: must not be empty");
  EXPECT_EQ(act_error(id, ChangeKind::Reopened), "incident " + std::to_string(id) + " is not resolved");
  const Incident resolved = act(id, ChangeKind::Resolved);
  EXPECT_EQ(resolved.status, Status::Resolved);
  EXPECT_EQ(resolved.resolved_ns, kT0 + 1000 * kSec);
  EXPECT_EQ(act_error(id, ChangeKind::Acknowledged),
            "incident " + std::to_string(id) + " is resolved; reopen it before acknowledging");
  EXPECT_EQ(act(id, ChangeKind::Reopened).status, Status::Open);
  EXPECT_EQ(act_error(999999, ChangeKind::Acknowledged), "incident 999999 not found");
  EXPECT_EQ(act_error(id, ChangeKind::Joined), "unsupported action \"joined\"");

  EXPECT_EQ(kinds(id), (std::vector<ChangeKind>{ChangeKind::Created, ChangeKind::Acknowledged, ChangeKind::Assigned,
                                                ChangeKind::Commented, ChangeKind::Resolved, ChangeKind::Reopened}));
  auto timeline = store_->timeline(id);
  EXPECT_EQ((*timeline)[2].text, "bob");
  EXPECT_EQ((*timeline)[3].text, "looking into it");
  EXPECT_EQ((*timeline)[3].actor, "alice");
  // People's resolves and reopens are routed like ingest's.
  EXPECT_EQ(outbox_kinds(id),
            (std::vector<ChangeKind>{ChangeKind::Created, ChangeKind::Resolved, ChangeKind::Reopened}));
  const Incident now = store_->get_incident(id)->value();
  EXPECT_EQ(now.updated_ns, kT0 + 1000 * kSec);
  EXPECT_EQ(now.assignee, "bob");
}

TEST_P(IngestTest, ListFiltersAndPages) {
  std::vector<Event> events;
  for (int i = 0; i < 12; ++i) {
    Event e =
        make_event("r" + std::to_string(i), "s" + std::to_string(i), static_cast<Severity>(1 + i % 4), kT0 + i * kSec);
    if (i % 3 == 0) e.source = "vigil-scan";
    events.push_back(e);
  }
  ingest_ok(events, kT0 + 20 * kSec);
  const auto all = all_incidents();
  ASSERT_EQ(all.size(), 12U);
  EXPECT_GT(all.front().id, all.back().id);  // newest first
  act(all[0].id, ChangeKind::Resolved);
  act(all[1].id, ChangeKind::Acknowledged);

  EXPECT_EQ(store_->list_incidents({.status = Status::Resolved})->size(), 1U);
  EXPECT_EQ(store_->list_incidents({.status = Status::Acknowledged})->at(0).id, all[1].id);
  EXPECT_EQ(store_->list_incidents({.status = Status::Open})->size(), 10U);
  EXPECT_EQ(store_->list_incidents({.min_severity = Severity::Critical})->size(), 3U);
  EXPECT_EQ(store_->list_incidents({.min_severity = Severity::High})->size(), 6U);
  EXPECT_EQ(store_->list_incidents({.min_severity = Severity::Low})->size(), 12U);
  EXPECT_EQ(store_->list_incidents({.source = "vigil-scan"})->size(), 4U);
  EXPECT_EQ(store_->list_incidents({.min_severity = Severity::High, .source = "vigil-scan"})->size(), 2U);

  std::vector<int64_t> paged;
  int64_t before = 0;
  for (;;) {
    auto page = store_->list_incidents({.limit = 5, .before_id = before});
    ASSERT_TRUE(page);
    if (page->empty()) break;
    EXPECT_LE(page->size(), 5U);
    for (const auto& inc : *page) paged.push_back(inc.id);
    before = page->back().id;
  }
  ASSERT_EQ(paged.size(), 12U);
  for (size_t i = 0; i < paged.size(); ++i) EXPECT_EQ(paged[i], all[i].id);
}

TEST_P(IngestTest, CountsByStatusAndSeverity) {
  ingest_ok({make_event("a", "s1", Severity::Low, kT0), make_event("b", "s2", Severity::Critical, kT0),
             make_event("c", "s3", Severity::Critical, kT0)},
            kT0);
  act(all_incidents().at(0).id, ChangeKind::Resolved);  // "c"
  auto counts = store_->counts();
  ASSERT_TRUE(counts);
  const auto at = [&](Status s, Severity v) {
    return counts->by_status_severity[static_cast<int>(s)][static_cast<int>(v)];
  };
  EXPECT_EQ(at(Status::Open, Severity::Low), 1);
  EXPECT_EQ(at(Status::Open, Severity::Critical), 1);
  EXPECT_EQ(at(Status::Resolved, Severity::Critical), 1);
  EXPECT_EQ(at(Status::Acknowledged, Severity::Low), 0);
  EXPECT_EQ(counts->events, 3);
  EXPECT_EQ(counts->outbox_pending, 4);  // 3 created + 1 resolved
  EXPECT_EQ(counts->outbox_failed, 0);

  auto due = store_->due_outbox(kT0 + 2000 * kSec, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 4U);
  const std::vector<int64_t> delivered{(*due)[0].id, (*due)[1].id};
  ASSERT_TRUE(store_->outbox_delivered(delivered, kT0 + 2000 * kSec));
  ASSERT_TRUE(store_->outbox_retry((*due)[2].id, kT0 + 3000 * kSec, "503 from hook", false));
  ASSERT_TRUE(store_->outbox_retry((*due)[3].id, 0, "400 from hook", true));
  counts = store_->counts();
  EXPECT_EQ(counts->outbox_pending, 1);
  EXPECT_EQ(counts->outbox_failed, 1);
  EXPECT_TRUE(store_->due_outbox(kT0 + 2999 * kSec, 10)->empty());
  auto retried = store_->due_outbox(kT0 + 3000 * kSec, 10);
  ASSERT_EQ(retried->size(), 1U);
  EXPECT_EQ(retried->at(0).attempts, 1);
  EXPECT_EQ(retried->at(0).last_error, "503 from hook");
}

TEST_P(IngestTest, ReopeningTheStoreKeepsEverything) {
  ingest_ok({make_event("a", "s1", Severity::High, kT0)}, kT0);
  reopen();
  reopen();  // migrations already applied: nothing to do, nothing lost
  auto incidents = all_incidents();
  ASSERT_EQ(incidents.size(), 1U);
  EXPECT_EQ(incidents[0].count, 1);
  ingest_ok({make_event("a", "s1", Severity::High, kT0 + kSec)}, kT0 + kSec);
  EXPECT_EQ(all_incidents().at(0).count, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, IngestTest, ::testing::ValuesIn(testing::store_backends()),
                         [](const ::testing::TestParamInfo<BackendFactory>& p) { return p.param.name; });

// SQLite specifics: the migration bookkeeping and refusing a database from a newer vigil.
TEST(SqliteMigrations, RecordsVersionsAndRefusesANewerDatabase) {
  const fs::path dir = fs::temp_directory_path() / ("vigil-migrations-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "incidents.db").string();
  ASSERT_TRUE(open_store("sqlite:" + path));
  ASSERT_TRUE(open_store("sqlite:" + path));

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*), max(version) FROM schema_migrations", -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), sqlite3_column_int(stmt, 1));  // each version once
  EXPECT_GE(sqlite3_column_int(stmt, 1), 1);
  sqlite3_finalize(stmt);
  ASSERT_EQ(
      sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (999, 'from the future', 0)", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);

  auto refused = open_store("sqlite:" + path);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("schema version 999 is newer than this vigil supports"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(open_store("mysql://db/incidents"));
  EXPECT_FALSE(open_store("sqlite:"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vigil::incidents
