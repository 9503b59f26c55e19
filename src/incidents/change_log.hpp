// Recording an incident change: its timeline entry and, for the kinds notifiers hear about, one outbox row per
// routed notifier, in the caller's transaction. Shared by ingest.cpp and actions.cpp.
#pragma once

#include <string_view>

#include "incidents/ingest.hpp"

namespace vigil::incidents {

// True for Created, Escalated, Reopened, Resolved and AutoResolved: the changes policy.route is asked about.
bool notifiable(ChangeKind kind);

// Writes the timeline entry and the outbox rows; returns how many outbox rows.
Result<size_t> record_change(Transaction& tx, const Incident& incident, ChangeKind kind, std::string_view actor,
                             std::string_view text, const IngestPolicy& policy, int64_t now_ns);

}  // namespace vigil::incidents
