// The JSON writers the API, dashboard and notifiers use: valid JSON with the documented fields, even for bytes
// that are not UTF-8.
#include "incidents/incident_json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace vigil::incidents {
namespace {

constexpr int64_t kT = 1'795'791'845'123'456'789;  // 2026-11-27T15:04:05.123456789Z

TEST(IncidentJson, TimesAreRfc3339WithMilliseconds) {
  EXPECT_EQ(rfc3339_ms(kT), "2026-11-27T15:04:05.123Z");
  EXPECT_EQ(rfc3339_ms(1), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339_ms(-500'000'000), "1969-12-31T23:59:59.500Z");
  EXPECT_EQ(rfc3339_ms(0), "");
}

TEST(IncidentJson, IncidentHasTheDocumentedFields) {
  const Incident inc{.id = 7,
                     .fingerprint = "fp",
                     .status = Status::Acknowledged,
                     .severity = Severity::Critical,
                     .title = "Shell \"sh\" in \xff container",
                     .source = "vigil-watch",
                     .rule = "shell",
                     .subject = "web-1:/bin/sh",
                     .count = 200,
                     .first_seen_ns = kT,
                     .last_seen_ns = kT + 1'000'000'000,
                     .updated_ns = kT,
                     .assignee = "bob",
                     .labels = {{"host", "web-1"}, {"zone", "b"}}};
  const auto j = nlohmann::json::parse(incident_json(inc));
  EXPECT_EQ(j["id"], 7);
  EXPECT_EQ(j["status"], "acknowledged");
  EXPECT_EQ(j["severity"], "critical");
  EXPECT_EQ(j["title"], "Shell \"sh\" in \xef\xbf\xbd container");  // invalid byte -> U+FFFD
  EXPECT_EQ(j["count"], 200);
  EXPECT_EQ(j["first_seen"], "2026-11-27T15:04:05.123Z");
  EXPECT_EQ(j["last_seen"], "2026-11-27T15:04:06.123Z");
  EXPECT_EQ(j["updated"], "2026-11-27T15:04:05.123Z");
  EXPECT_TRUE(j["resolved_at"].is_null());
  EXPECT_EQ(j["fingerprint"], "fp");
  EXPECT_EQ(j["source"], "vigil-watch");
  EXPECT_EQ(j["rule"], "shell");
  EXPECT_EQ(j["subject"], "web-1:/bin/sh");
  EXPECT_EQ(j["assignee"], "bob");
  EXPECT_EQ(j["labels"], (nlohmann::json{{"host", "web-1"}, {"zone", "b"}}));

  const std::vector<Incident> two{inc, inc};
  EXPECT_EQ(nlohmann::json::parse(incidents_json(two)).size(), 2U);
  EXPECT_EQ(incidents_json({}), "[]");
}

TEST(IncidentJson, TimelineEventAndOutboxWriters) {
  const TimelineEntry t{.id = 3,
                        .incident_id = 7,
                        .time_ns = kT,
                        .kind = ChangeKind::AutoResolved,
                        .actor = "auto",
                        .text = "line\nbreak"};
  const auto tj = nlohmann::json::parse(timeline_entry_json(t));
  EXPECT_EQ(tj["kind"], "auto_resolved");
  EXPECT_EQ(tj["text"], "line\nbreak");
  EXPECT_EQ(tj["time"], "2026-11-27T15:04:05.123Z");

  StoredEvent e{.id = 9, .incident_id = 7, .received_ns = kT};
  e.event = Event{.source = "s",
                  .rule = "r",
                  .severity = Severity::High,
                  .subject = "x",
                  .title = "t",
                  .time_ns = kT,
                  .labels = {{"k", "v"}},
                  .details_json = R"({"pid":42})",
                  .fingerprint = "fp",
                  .resolved = true};
  const auto ej = nlohmann::json::parse(stored_event_json(e));
  EXPECT_EQ(ej["details"]["pid"], 42);
  EXPECT_EQ(ej["state"], "resolved");
  EXPECT_EQ(ej["severity"], "high");
  EXPECT_EQ(ej["labels"]["k"], "v");
  e.event.details_json.clear();
  EXPECT_TRUE(nlohmann::json::parse(stored_event_json(e))["details"].is_null());

  const OutboxItem o{.id = 1,
                     .incident_id = 7,
                     .notifier = "slack",
                     .kind = ChangeKind::Created,
                     .idempotency_key = "7-3-slack",
                     .created_ns = kT,
                     .next_attempt_ns = kT,
                     .attempts = 2,
                     .failed = true,
                     .last_error = "HTTP 500"};
  const auto oj = nlohmann::json::parse(outbox_item_json(o));
  EXPECT_EQ(oj["idempotency_key"], "7-3-slack");
  EXPECT_EQ(oj["attempts"], 2);
  EXPECT_TRUE(oj["delivered"].is_null());
  EXPECT_EQ(oj["failed"], true);
  EXPECT_EQ(nlohmann::json::parse(outbox_items_json(std::vector<OutboxItem>{o, o})).size(), 2U);
}

}  // namespace
}  // namespace vigil::incidents
