// People's actions on an incident (acknowledge, resolve, reopen, assign, comment), auto-resolve of quiet incidents,
// and record_change(), the one place a change becomes a timeline entry and outbox rows.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "incidents/change_log.hpp"
#include "incidents/ingest.hpp"

namespace vigil::incidents {
namespace {

constexpr size_t kMaxActionText = 65536;
constexpr size_t kAutoResolveChunk = 500;  // incidents per transaction, so the writer is not held for long

// One row per action kind: what it does to the incident; an error rejects the action. Returns false when the
// action changes nothing (acknowledging an acknowledged incident), so no timeline entry is written.
using ActionFn = Result<bool> (*)(Incident&, const Action&, int64_t now_ns);

Result<bool> acknowledge(Incident& inc, const Action& /*action*/, int64_t /*now_ns*/) {
  if (inc.status == Status::Resolved) {
    return fail(fmt::format("incident {} is resolved; reopen it before acknowledging", inc.id));
  }
  if (inc.status == Status::Acknowledged) return false;
  inc.status = Status::Acknowledged;
  return true;
}

Result<bool> resolve(Incident& inc, const Action& /*action*/, int64_t now_ns) {
  if (inc.status == Status::Resolved) return false;
  inc.status = Status::Resolved;
  inc.resolved_ns = now_ns;
  return true;
}

Result<bool> reopen(Incident& inc, const Action& /*action*/, int64_t /*now_ns*/) {
  if (inc.status != Status::Resolved) return fail(fmt::format("incident {} is not resolved", inc.id));
  inc.status = Status::Open;
  inc.resolved_ns = 0;
  return true;
}

Result<bool> assign(Incident& inc, const Action& action, int64_t /*now_ns*/) {
  if (action.text.size() > 256) return fail("assignee: longer than 256 bytes");
  if (inc.assignee == action.text) return false;
  inc.assignee = action.text;
  return true;
}

Result<bool> comment(Incident& /*inc*/, const Action& action, int64_t /*now_ns*/) {
  if (action.text.empty()) return fail("comment: must not be empty");
  return true;
}

struct ActionRow {
  ChangeKind kind;
  ActionFn apply;
};
constexpr std::array<ActionRow, 5> kActions{{
    {ChangeKind::Acknowledged, acknowledge},
    {ChangeKind::Resolved, resolve},
    {ChangeKind::Reopened, reopen},
    {ChangeKind::Assigned, assign},
    {ChangeKind::Commented, comment},
}};

constexpr std::array<ChangeKind, 5> kNotifiable{ChangeKind::Created, ChangeKind::Escalated, ChangeKind::Reopened,
                                                ChangeKind::Resolved, ChangeKind::AutoResolved};

// One chunk of auto-resolve in its own transaction; returns how many were resolved.
Result<size_t> auto_resolve_chunk(Store& store, const IngestPolicy& policy, int64_t now_ns) {
  auto tx = store.begin();
  if (!tx) return tl::unexpected(tx.error());
  auto quiet = (*tx)->quiet_incidents(now_ns - policy.auto_resolve_after_ns, kAutoResolveChunk);
  if (!quiet) return tl::unexpected(quiet.error());
  const std::string text = fmt::format("no event for {} s", policy.auto_resolve_after_ns / 1'000'000'000);
  for (Incident& inc : *quiet) {
    inc.status = Status::Resolved;
    inc.resolved_ns = now_ns;
    inc.updated_ns = now_ns;
    if (auto ok = (*tx)->update_incident(inc); !ok) return tl::unexpected(ok.error());
    if (auto ok = record_change(**tx, inc, ChangeKind::AutoResolved, "auto", text, policy, now_ns); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  if (auto ok = (*tx)->commit(); !ok) return tl::unexpected(ok.error());
  return quiet->size();
}

}  // namespace

bool notifiable(ChangeKind kind) {
  return std::find(kNotifiable.begin(), kNotifiable.end(), kind) != kNotifiable.end();
}

Result<size_t> record_change(Transaction& tx, const Incident& incident, ChangeKind kind, std::string_view actor,
                             std::string_view text, const IngestPolicy& policy, int64_t now_ns) {
  const TimelineEntry entry{.incident_id = incident.id,
                            .time_ns = now_ns,
                            .kind = kind,
                            .actor = std::string(actor),
                            .text = std::string(text)};
  auto timeline_id = tx.insert_timeline(entry);
  if (!timeline_id) return tl::unexpected(timeline_id.error());
  if (!notifiable(kind) || !policy.route) return size_t{0};
  const auto targets = policy.route(incident, kind);
  for (const RouteTarget& t : targets) {
    const OutboxItem item{.incident_id = incident.id,
                          .notifier = t.notifier,
                          .kind = kind,
                          .idempotency_key = fmt::format("{}-{}-{}", incident.id, *timeline_id, t.notifier),
                          .group_key = t.group_key,
                          .created_ns = now_ns,
                          .next_attempt_ns = now_ns};
    if (auto ok = tx.insert_outbox(item); !ok) return tl::unexpected(ok.error());
  }
  return targets.size();
}

Result<Incident> apply_action(Store& store, int64_t incident_id, const Action& action, const IngestPolicy& policy,
                              int64_t now_ns) {
  const auto row =
      std::find_if(kActions.begin(), kActions.end(), [&](const ActionRow& r) { return r.kind == action.kind; });
  if (row == kActions.end()) {
    return fail(fmt::format("unsupported action \"{}\"", change_kind_name(action.kind)));
  }
  if (action.text.size() > kMaxActionText) return fail("text: longer than 65536 bytes");
  auto tx = store.begin();
  if (!tx) return tl::unexpected(tx.error());
  auto found = (*tx)->incident(incident_id);
  if (!found) return tl::unexpected(found.error());
  if (!*found) return fail(fmt::format("incident {} not found", incident_id));
  Incident inc = std::move(**found);
  auto changed = row->apply(inc, action, now_ns);
  if (!changed) return tl::unexpected(changed.error());
  if (!*changed) return inc;  // nothing to record; the transaction rolls back empty
  inc.updated_ns = now_ns;
  if (auto ok = (*tx)->update_incident(inc); !ok) return tl::unexpected(ok.error());
  if (auto ok = record_change(**tx, inc, action.kind, action.actor, action.text, policy, now_ns); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = (*tx)->commit(); !ok) return tl::unexpected(ok.error());
  return inc;
}

Result<size_t> auto_resolve(Store& store, const IngestPolicy& policy, int64_t now_ns) {
  if (policy.auto_resolve_after_ns <= 0) return size_t{0};
  size_t total = 0;
  for (;;) {
    auto n = auto_resolve_chunk(store, policy, now_ns);
    if (!n) return tl::unexpected(n.error());
    total += *n;
    if (*n < kAutoResolveChunk) return total;
  }
}

}  // namespace vigil::incidents
