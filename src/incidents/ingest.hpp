// The incident logic, written once over Store: dedup by fingerprint, correlation by subject, escalation, reopen on
// recurrence, auto-resolve, people's actions, and the outbox rows each change produces.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "incidents/model.hpp"
#include "incidents/store.hpp"

namespace vigil::incidents {

// Where a change is to be notified: one outbox row per target.
struct RouteTarget {
  std::string notifier;
  std::string group_key;
};
using Router = std::function<std::vector<RouteTarget>(const Incident& incident, ChangeKind kind)>;

struct IngestPolicy {
  // An event with a new fingerprint joins an open incident on the same subject seen within this window.
  int64_t correlation_window_ns = int64_t{300} * 1'000'000'000;
  // Open incidents with no event for this long are resolved by auto_resolve() (0: never).
  int64_t auto_resolve_after_ns = int64_t{3600} * 1'000'000'000;
  // Which changes reach which notifiers (empty: none). Asked for Created, Escalated, Reopened, Resolved and
  // AutoResolved only.
  Router route;
};

struct IngestSummary {
  size_t events = 0;
  size_t created = 0;
  size_t updated = 0;  // existing incidents that got events
  size_t reopened = 0;
  size_t escalated = 0;
  size_t outbox = 0;    // notification rows written
  size_t resolved = 0;  // incidents resolved by "state": "resolved" events
  size_t dropped = 0;   // "resolved" events of fingerprints with no incident (not stored)
};

// Applies a batch in one transaction (events with the same fingerprint are aggregated first, so 10,000 events of
// 50 fingerprints cost 50 incident updates). Every event is stored.
Result<IngestSummary> ingest(Store& store, std::span<const Event> events, const IngestPolicy& policy, int64_t now_ns);

// Resolves incidents quiet for longer than policy.auto_resolve_after_ns; returns how many.
Result<size_t> auto_resolve(Store& store, const IngestPolicy& policy, int64_t now_ns);

struct Action {
  ChangeKind kind = ChangeKind::Acknowledged;  // Acknowledged, Resolved, Reopened, Assigned or Commented
  std::string actor;                           // the token's name
  std::string text;                            // assignee for Assigned, the comment for Commented
};
// Applies a person's action; fails with "not found" for an unknown id and rejects meaningless transitions
// (acknowledging a resolved incident).
Result<Incident> apply_action(Store& store, int64_t incident_id, const Action& action, const IngestPolicy& policy,
                              int64_t now_ns);

}  // namespace vigil::incidents
