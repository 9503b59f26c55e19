// ingest(): a batch of events into incidents, in one transaction: grouped by fingerprint, each group found by its
// fingerprint, joined to an open incident on the same subject, or opened; escalation, reopen and resolve on the way;
// one timeline entry per change and one outbox row per routed notifier.
#include "incidents/ingest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <unordered_map>

#include "incidents/change_log.hpp"

namespace vigil::incidents {
namespace {

// The events of one fingerprint, in batch order.
struct Group {
  std::string_view fingerprint;
  std::vector<const Event*> firing;
  size_t resolved_events = 0;
  bool ends_resolved = false;  // the group's last event is "resolved"
  std::vector<const Event*> all;
};

std::vector<Group> group_by_fingerprint(std::span<const Event> events) {
  std::vector<Group> groups;
  std::unordered_map<std::string_view, size_t> index;
  for (const Event& e : events) {
    auto [it, inserted] = index.try_emplace(e.fingerprint, groups.size());
    if (inserted) groups.push_back(Group{.fingerprint = e.fingerprint});
    Group& g = groups[it->second];
    g.all.push_back(&e);
    if (e.resolved) {
      ++g.resolved_events;
    } else {
      g.firing.push_back(&e);
    }
    g.ends_resolved = e.resolved;
  }
  return groups;
}

struct Batch {
  Transaction& tx;
  const IngestPolicy& policy;
  int64_t now_ns;
  IngestSummary summary;
  std::vector<StoredEvent> stored;
};

Result<Incident> create_incident(Batch& b, const Group& g, Severity worst, int64_t first, int64_t last) {
  const Event& e = *g.firing.front();
  Incident inc{.fingerprint = e.fingerprint,
               .status = Status::Open,
               .severity = worst,
               .title = e.title,
               .source = e.source,
               .rule = e.rule,
               .subject = e.subject,
               .count = static_cast<int64_t>(g.firing.size()),
               .first_seen_ns = first,
               .last_seen_ns = last,
               .updated_ns = b.now_ns,
               .labels = e.labels};
  auto id = b.tx.insert_incident(inc);
  if (!id) return tl::unexpected(id.error());
  inc.id = *id;
  if (auto ok = b.tx.add_fingerprint(g.fingerprint, inc.id); !ok) return tl::unexpected(ok.error());
  auto outbox = record_change(b.tx, inc, ChangeKind::Created, "ingest", "", b.policy, b.now_ns);
  if (!outbox) return tl::unexpected(outbox.error());
  b.summary.outbox += *outbox;
  ++b.summary.created;
  return inc;
}

// Reopens, escalates and counts an existing incident for a group's firing events.
Result<void> update_for_firing(Batch& b, Incident& inc, const Group& g, Severity worst, int64_t last) {
  ChangeKind change = ChangeKind::Joined;  // "no notifiable change" below
  std::string text;
  if (inc.status == Status::Resolved) {
    change = ChangeKind::Reopened;
    text = fmt::format("severity {}", severity_name(worst));
    inc.status = Status::Open;
    inc.severity = worst;
    inc.resolved_ns = 0;
    ++b.summary.reopened;
  } else if (worst > inc.severity) {
    change = ChangeKind::Escalated;
    text = fmt::format("{} -> {}", severity_name(inc.severity), severity_name(worst));
    inc.severity = worst;
    ++b.summary.escalated;
  }
  inc.count += static_cast<int64_t>(g.firing.size());
  inc.last_seen_ns = std::max(inc.last_seen_ns, last);
  inc.updated_ns = b.now_ns;
  if (auto ok = b.tx.update_incident(inc); !ok) return ok;
  ++b.summary.updated;
  if (change == ChangeKind::Joined) return {};
  auto outbox = record_change(b.tx, inc, change, "ingest", text, b.policy, b.now_ns);
  if (!outbox) return tl::unexpected(outbox.error());
  b.summary.outbox += *outbox;
  return {};
}

// The incident for a group with firing events: its own, else an open one on the subject within the correlation
// window (joined), else a new one.
Result<Incident> apply_firing(Batch& b, const Group& g, std::optional<Incident> found) {
  Severity worst = Severity::Low;
  int64_t first = g.firing.front()->time_ns;
  int64_t last = first;
  for (const Event* e : g.firing) {
    worst = std::max(worst, e->severity);
    first = std::min(first, e->time_ns);
    last = std::max(last, e->time_ns);
  }
  if (!found) {
    const Event& e = *g.firing.front();
    auto related = b.tx.open_incident_by_subject(e.subject, first - b.policy.correlation_window_ns);
    if (!related) return tl::unexpected(related.error());
    if (!*related) return create_incident(b, g, worst, first, last);
    found = std::move(*related);
    if (auto ok = b.tx.add_fingerprint(g.fingerprint, found->id); !ok) return tl::unexpected(ok.error());
    const std::string text = fmt::format("{} {} on {} (fingerprint {})", e.source, e.rule, e.subject, e.fingerprint);
    if (auto ok = record_change(b.tx, *found, ChangeKind::Joined, "ingest", text, b.policy, b.now_ns); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  if (auto ok = update_for_firing(b, *found, g, worst, last); !ok) return tl::unexpected(ok.error());
  return std::move(*found);
}

Result<void> resolve_by_event(Batch& b, Incident& inc) {
  if (inc.status == Status::Resolved) return {};
  inc.status = Status::Resolved;
  inc.resolved_ns = b.now_ns;
  inc.updated_ns = b.now_ns;
  if (auto ok = b.tx.update_incident(inc); !ok) return ok;
  auto outbox = record_change(b.tx, inc, ChangeKind::Resolved, "ingest", "resolved by its source", b.policy, b.now_ns);
  if (!outbox) return tl::unexpected(outbox.error());
  b.summary.outbox += *outbox;
  ++b.summary.resolved;
  return {};
}

// Firing events first (aggregated), then, when the group's last event is "resolved", the resolve: a group that
// fires and ends resolved leaves a resolved incident; one that ends firing leaves it open.
Result<void> apply_group(Batch& b, const Group& g) {
  auto found = b.tx.incident_by_fingerprint(g.fingerprint);
  if (!found) return tl::unexpected(found.error());
  std::optional<Incident> inc = std::move(*found);
  if (!g.firing.empty()) {
    auto applied = apply_firing(b, g, std::move(inc));
    if (!applied) return tl::unexpected(applied.error());
    inc = std::move(*applied);
  }
  if (!inc) {  // only "resolved" events, and nothing to resolve
    b.summary.dropped += g.resolved_events;
    return {};
  }
  if (g.ends_resolved) {
    if (auto ok = resolve_by_event(b, *inc); !ok) return ok;
  }
  for (const Event* e : g.all) {
    b.stored.push_back(StoredEvent{.incident_id = inc->id, .received_ns = b.now_ns, .event = *e});
  }
  b.summary.events += g.all.size();
  return {};
}

}  // namespace

Result<IngestSummary> ingest(Store& store, std::span<const Event> events, const IngestPolicy& policy, int64_t now_ns) {
  if (events.empty()) return IngestSummary{};
  const auto groups = group_by_fingerprint(events);
  auto tx = store.begin();
  if (!tx) return tl::unexpected(tx.error());
  Batch b{.tx = **tx, .policy = policy, .now_ns = now_ns, .summary = {}, .stored = {}};
  b.stored.reserve(events.size());
  for (const Group& g : groups) {
    if (auto ok = apply_group(b, g); !ok) return tl::unexpected(ok.error());
  }
  if (auto ok = b.tx.insert_events(b.stored); !ok) return tl::unexpected(ok.error());
  if (auto ok = b.tx.commit(); !ok) return tl::unexpected(ok.error());
  return b.summary;
}

}  // namespace vigil::incidents
