// The incidents service's plain data: events as ingested, incidents they deduplicate into, the timeline of an
// incident and the outbox of notifications. Shared by the store back ends, the ingest path, the HTTP API, the
// notifiers and the dashboard; no behaviour here beyond names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::incidents {

// The service's four severities (docs/incidents.md); ordered so escalation is max().
enum class Severity : uint8_t { Low = 1, Medium = 2, High = 3, Critical = 4 };
std::string_view severity_name(Severity s);                  // "low" ... "critical"
std::optional<Severity> parse_severity(std::string_view s);  // exact lower-case names only

enum class Status : uint8_t { Open = 1, Acknowledged = 2, Resolved = 3 };
std::string_view status_name(Status s);  // "open", "acknowledged", "resolved"
std::optional<Status> parse_status(std::string_view s);

// API token roles: ingest may only POST events; read may only list and get (and see the dashboard); admin may
// do both and change incidents.
enum class Role : uint8_t { Ingest = 1, Read = 2, Admin = 3 };
std::string_view role_name(Role r);  // "ingest", "read", "admin"
std::optional<Role> parse_role(std::string_view s);
bool role_allows(Role have, Role need);  // the same role, or admin

using Labels = std::vector<std::pair<std::string, std::string>>;  // sorted by key, keys unique

// One event as accepted by POST /api/v1/events.
struct Event {
  std::string source;  // "vigil-watch", "vigil-scan", "vigil-flood", or anything a generic sender names
  std::string rule;    // what fired: a rule name, a vulnerability id, a check id
  Severity severity = Severity::Low;
  std::string subject;  // what it is about: host:exe, an image digest, a package@version, a client address
  std::string title;
  int64_t time_ns = 0;  // event time (the sender's "time", else receipt time), Unix ns
  Labels labels;
  std::string details_json;  // the sender's "details" as compact JSON text ("" when absent)
  std::string fingerprint;   // the sender's "fingerprint", else hex sha256 of source "\n" rule "\n" subject
  // The sender's "state": "resolved" (default "firing"): the condition is over (a flood ended). It resolves the
  // open incident of its fingerprint and never opens or reopens one.
  bool resolved = false;
};

struct Incident {
  int64_t id = 0;
  std::string fingerprint;  // the fingerprint that opened it (others may join by subject correlation)
  Status status = Status::Open;
  Severity severity = Severity::Low;  // the worst event seen since it was (re)opened
  std::string title;
  std::string source;
  std::string rule;
  std::string subject;
  int64_t count = 0;  // events joined, over its whole life
  int64_t first_seen_ns = 0;
  int64_t last_seen_ns = 0;
  int64_t updated_ns = 0;   // last change of any kind (an event, a status change, a comment)
  int64_t resolved_ns = 0;  // 0 unless resolved
  std::string assignee;
  Labels labels;  // the opening event's labels
};

// What happened to an incident; every change is a timeline entry, and created/escalated/reopened/resolved ones
// are what notifiers are told about.
enum class ChangeKind : uint8_t {
  Created = 1,
  Escalated,  // severity rose
  Reopened,   // an event arrived for a resolved incident
  Acknowledged,
  Resolved,      // by a person
  AutoResolved,  // quiet for longer than the configured time
  Assigned,
  Commented,
  Joined,  // a related event (another fingerprint, same subject) joined it
};
std::string_view change_kind_name(ChangeKind k);  // "created", "escalated", ...
std::optional<ChangeKind> parse_change_kind(std::string_view s);

struct TimelineEntry {
  int64_t id = 0;
  int64_t incident_id = 0;
  int64_t time_ns = 0;
  ChangeKind kind = ChangeKind::Created;
  std::string actor;  // token name for people's changes, "ingest" or "auto" otherwise
  std::string text;   // comment text, new assignee, "severity high -> critical", ...
};

// One stored event of an incident (for its timeline in the API and dashboard).
struct StoredEvent {
  int64_t id = 0;
  int64_t incident_id = 0;
  int64_t received_ns = 0;
  Event event;
};

// One notification to deliver: one row per (incident change, notifier), written in the same transaction as the
// change. Delivery is at least once; receivers dedupe on idempotency_key.
struct OutboxItem {
  int64_t id = 0;
  int64_t incident_id = 0;
  std::string notifier;  // a configured notifier's name
  ChangeKind kind = ChangeKind::Created;
  std::string idempotency_key;  // "<incident id>-<timeline entry id>-<notifier>"
  std::string group_key;        // route grouping: items with the same notifier and group key may be sent together
  int64_t created_ns = 0;
  int64_t next_attempt_ns = 0;
  int attempts = 0;
  int64_t delivered_ns = 0;  // 0 while pending
  bool failed = false;       // gave up after the notifier's retry limit
  std::string last_error;
};

struct IncidentFilter {
  std::optional<Status> status;
  std::optional<Severity> min_severity;
  std::optional<std::string> source;
  size_t limit = 100;
  int64_t before_id = 0;  // paging: only ids below this (0: from the newest)
};

struct Token {
  int64_t id = 0;
  std::string name;
  Role role = Role::Read;
  int64_t created_ns = 0;
};

}  // namespace vigil::incidents
