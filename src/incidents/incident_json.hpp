// JSON text of the incidents model for the HTTP API, the dashboard and notifiers: incidents, timeline entries,
// stored events and outbox deliveries. Times are RFC 3339 UTC strings with milliseconds.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "incidents/model.hpp"

namespace vigil::incidents {

// "2026-11-27T15:04:05.123Z" (milliseconds, truncated); "" for 0.
std::string rfc3339_ms(int64_t time_ns);

// {"id","status","severity","title","count","first_seen","last_seen","updated","resolved_at" (null unless
// resolved),"fingerprint","source","rule","subject","assignee","labels":{...}}
std::string incident_json(const Incident& incident);
std::string incidents_json(std::span<const Incident> incidents);  // a JSON array of incident_json

// {"id","incident_id","time","kind","actor","text"}
std::string timeline_entry_json(const TimelineEntry& entry);
std::string timeline_json(std::span<const TimelineEntry> entries);

// {"id","incident_id","received","time","source","rule","severity","subject","title","fingerprint","state",
// "labels":{...},"details":<the sender's JSON value, or null>}
std::string stored_event_json(const StoredEvent& event);
std::string stored_events_json(std::span<const StoredEvent> events);

// {"id","incident_id","notifier","kind","idempotency_key","group_key","created","next_attempt","attempts",
// "delivered" (null while pending),"failed","last_error"}
std::string outbox_item_json(const OutboxItem& item);
std::string outbox_items_json(std::span<const OutboxItem> items);

// {"k":"v",...} in the labels' (sorted) order.
void append_labels_json(std::string& out, const Labels& labels);

}  // namespace vigil::incidents
