// The SQLite store's statements and row mapping, one function per Store/Transaction primitive, each run on the
// connection it is given (the writer inside a transaction, a pooled reader otherwise).
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "incidents/sqlite_store.hpp"

namespace vigil::incidents::sqlite::rows {

Result<std::optional<Incident>> incident_by_id(Connection& c, int64_t id);
Result<std::optional<Incident>> incident_by_fingerprint(Connection& c, std::string_view fingerprint);
Result<std::optional<Incident>> open_incident_by_subject(Connection& c, std::string_view subject,
                                                         int64_t seen_since_ns);
Result<std::vector<Incident>> list_incidents(Connection& c, const IncidentFilter& filter);
Result<std::vector<Incident>> quiet_incidents(Connection& c, int64_t before_ns, size_t limit);
Result<int64_t> insert_incident(Connection& c, const Incident& incident);
Result<void> update_incident(Connection& c, const Incident& incident);
Result<void> add_fingerprint(Connection& c, std::string_view fingerprint, int64_t incident_id);

Result<void> insert_events(Connection& c, std::span<const StoredEvent> events);
Result<std::vector<StoredEvent>> events(Connection& c, int64_t incident_id, size_t limit);

Result<int64_t> insert_timeline(Connection& c, const TimelineEntry& entry);
Result<std::vector<TimelineEntry>> timeline(Connection& c, int64_t incident_id);

Result<void> insert_outbox(Connection& c, const OutboxItem& item);
Result<std::vector<OutboxItem>> deliveries(Connection& c, int64_t incident_id);
Result<std::vector<OutboxItem>> due_outbox(Connection& c, int64_t now_ns, size_t limit);
// true when the item was still pending and due, and is now leased until lease_until_ns.
Result<bool> claim_outbox_item(Connection& c, int64_t id, int64_t now_ns, int64_t lease_until_ns);
Result<void> outbox_delivered(Connection& c, int64_t id, int64_t now_ns);
Result<void> outbox_retry(Connection& c, int64_t id, int64_t next_attempt_ns, std::string_view error, bool give_up);

Result<IncidentCounts> counts(Connection& c);

Result<int64_t> insert_token(Connection& c, const Token& token, std::string_view secret_sha256_hex);
Result<std::optional<Store::StoredToken>> token(Connection& c, int64_t id);

}  // namespace vigil::incidents::sqlite::rows
