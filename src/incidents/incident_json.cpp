// JSON writers for the incidents model (see incident_json.hpp). Strings go through json_text::append_string, so
// whatever bytes an event carried, the output is valid JSON.
#include "incidents/incident_json.hpp"

#include <fmt/format.h>

#include <ctime>

#include "core/json_text.hpp"

namespace vigil::incidents {
namespace {
namespace jt = json_text;

// Appends ,"key": (or "key": right after an opening brace).
void key(std::string& out, std::string_view name) {
  if (out.back() != '{') out += ',';
  jt::append_string(out, name);
  out += ':';
}

void field(std::string& out, std::string_view name, std::string_view value) {
  key(out, name);
  jt::append_string(out, value);
}

void field(std::string& out, std::string_view name, int64_t value) {
  key(out, name);
  out += std::to_string(value);
}

// A time, or null when unset (0).
void time_field(std::string& out, std::string_view name, int64_t time_ns) {
  key(out, name);
  if (time_ns == 0) {
    out += "null";
  } else {
    jt::append_string(out, rfc3339_ms(time_ns));
  }
}

template <class T, class F>
std::string array_of(std::span<const T> items, F one) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += one(item);
  }
  out += ']';
  return out;
}

}  // namespace

std::string rfc3339_ms(int64_t time_ns) {
  if (time_ns == 0) return {};
  constexpr int64_t kNsPerSec = 1'000'000'000;
  int64_t secs = time_ns / kNsPerSec;
  int64_t rem = time_ns % kNsPerSec;
  if (rem < 0) {  // floor, so times before 1970 still print the right second
    rem += kNsPerSec;
    --secs;
  }
  const auto t = static_cast<time_t>(secs);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return {};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, rem / 1'000'000);
}

void append_labels_json(std::string& out, const Labels& labels) {
  out += '{';
  for (const auto& [k, v] : labels) {
    field(out, k, v);
  }
  out += '}';
}

std::string incident_json(const Incident& incident) {
  std::string out = "{";
  field(out, "id", incident.id);
  field(out, "status", status_name(incident.status));
  field(out, "severity", severity_name(incident.severity));
  field(out, "title", incident.title);
  field(out, "count", incident.count);
  time_field(out, "first_seen", incident.first_seen_ns);
  time_field(out, "last_seen", incident.last_seen_ns);
  time_field(out, "updated", incident.updated_ns);
  time_field(out, "resolved_at", incident.resolved_ns);
  field(out, "fingerprint", incident.fingerprint);
  field(out, "source", incident.source);
  field(out, "rule", incident.rule);
  field(out, "subject", incident.subject);
  field(out, "assignee", incident.assignee);
  key(out, "labels");
  append_labels_json(out, incident.labels);
  out += '}';
  return out;
}

std::string incidents_json(std::span<const Incident> incidents) {
  return array_of(incidents, [](const Incident& i) { return incident_json(i); });
}

std::string timeline_entry_json(const TimelineEntry& entry) {
  std::string out = "{";
  field(out, "id", entry.id);
  field(out, "incident_id", entry.incident_id);
  time_field(out, "time", entry.time_ns);
  field(out, "kind", change_kind_name(entry.kind));
  field(out, "actor", entry.actor);
  field(out, "text", entry.text);
  out += '}';
  return out;
}

std::string timeline_json(std::span<const TimelineEntry> entries) {
  return array_of(entries, [](const TimelineEntry& e) { return timeline_entry_json(e); });
}

std::string stored_event_json(const StoredEvent& stored) {
  const Event& e = stored.event;
  std::string out = "{";
  field(out, "id", stored.id);
  field(out, "incident_id", stored.incident_id);
  time_field(out, "received", stored.received_ns);
  time_field(out, "time", e.time_ns);
  field(out, "source", e.source);
  field(out, "rule", e.rule);
  field(out, "severity", severity_name(e.severity));
  field(out, "subject", e.subject);
  field(out, "title", e.title);
  field(out, "fingerprint", e.fingerprint);
  field(out, "state", e.resolved ? "resolved" : "firing");
  key(out, "labels");
  append_labels_json(out, e.labels);
  key(out, "details");
  // details_json was produced by simdjson's minifier from validated input (event_json.cpp), so it is valid JSON.
  out += e.details_json.empty() ? std::string_view("null") : std::string_view(e.details_json);
  out += '}';
  return out;
}

std::string stored_events_json(std::span<const StoredEvent> events) {
  return array_of(events, [](const StoredEvent& e) { return stored_event_json(e); });
}

std::string outbox_item_json(const OutboxItem& item) {
  std::string out = "{";
  field(out, "id", item.id);
  field(out, "incident_id", item.incident_id);
  field(out, "notifier", item.notifier);
  field(out, "kind", change_kind_name(item.kind));
  field(out, "idempotency_key", item.idempotency_key);
  field(out, "group_key", item.group_key);
  time_field(out, "created", item.created_ns);
  time_field(out, "next_attempt", item.next_attempt_ns);
  field(out, "attempts", static_cast<int64_t>(item.attempts));
  time_field(out, "delivered", item.delivered_ns);
  key(out, "failed");
  out += item.failed ? "true" : "false";
  field(out, "last_error", item.last_error);
  out += '}';
  return out;
}

std::string outbox_items_json(std::span<const OutboxItem> items) {
  return array_of(items, [](const OutboxItem& i) { return outbox_item_json(i); });
}

}  // namespace vigil::incidents
