// SQL text and row mapping for the SQLite store (see sqlite_rows.hpp). Enums are stored by their names; a name
// this code does not know (a hand-edited row) is reported, not guessed.
#include "incidents/sqlite_rows.hpp"

#include <algorithm>

#include "incidents/event_json.hpp"
#include "incidents/incident_json.hpp"

namespace vigil::incidents::sqlite::rows {
namespace {

#define VIGIL_INCIDENT_COLUMNS                                                                               \
  "id, fingerprint, status, severity, title, source, rule, subject, count, first_seen, last_seen, updated, " \
  "resolved_at, assignee, labels"
#define VIGIL_OUTBOX_COLUMNS                                                                                  \
  "id, incident_id, notifier, kind, idempotency_key, group_key, created, next_attempt, attempts, delivered, " \
  "failed, last_error"

template <class Enum>
Result<Enum> named(std::optional<Enum> (*parse)(std::string_view), std::string_view text, std::string_view what) {
  if (auto v = parse(text)) return *v;
  return fail("sqlite: unknown " + std::string(what) + " \"" + std::string(text) + "\" in the database");
}

std::string labels_text(const Labels& labels) {
  std::string out;
  append_labels_json(out, labels);
  return out;
}

Result<Incident> read_incident(const Query& q) {
  Incident i;
  i.id = q.int64(0);
  i.fingerprint = q.text(1);
  auto status = named(parse_status, q.text(2), "status");
  auto severity = named(parse_severity, q.text(3), "severity");
  auto labels = parse_labels_json(q.text(14));
  if (!status) return tl::unexpected(status.error());
  if (!severity) return tl::unexpected(severity.error());
  if (!labels) return tl::unexpected(labels.error());
  i.status = *status;
  i.severity = *severity;
  i.title = q.text(4);
  i.source = q.text(5);
  i.rule = q.text(6);
  i.subject = q.text(7);
  i.count = q.int64(8);
  i.first_seen_ns = q.int64(9);
  i.last_seen_ns = q.int64(10);
  i.updated_ns = q.int64(11);
  i.resolved_ns = q.int64(12);
  i.assignee = q.text(13);
  i.labels = std::move(*labels);
  return i;
}

Result<StoredEvent> read_event(const Query& q) {
  StoredEvent s;
  s.id = q.int64(0);
  s.incident_id = q.int64(1);
  s.received_ns = q.int64(2);
  Event& e = s.event;
  e.time_ns = q.int64(3);
  e.source = q.text(4);
  e.rule = q.text(5);
  auto severity = named(parse_severity, q.text(6), "severity");
  if (!severity) return tl::unexpected(severity.error());
  e.severity = *severity;
  e.subject = q.text(7);
  e.title = q.text(8);
  e.fingerprint = q.text(9);
  e.resolved = q.int64(10) != 0;
  auto labels = parse_labels_json(q.text(11));
  if (!labels) return tl::unexpected(labels.error());
  e.labels = std::move(*labels);
  e.details_json = q.text(12);
  return s;
}

Result<TimelineEntry> read_timeline(const Query& q) {
  TimelineEntry t;
  t.id = q.int64(0);
  t.incident_id = q.int64(1);
  t.time_ns = q.int64(2);
  auto kind = named(parse_change_kind, q.text(3), "timeline kind");
  if (!kind) return tl::unexpected(kind.error());
  t.kind = *kind;
  t.actor = q.text(4);
  t.text = q.text(5);
  return t;
}

Result<OutboxItem> read_outbox(const Query& q) {
  OutboxItem o;
  o.id = q.int64(0);
  o.incident_id = q.int64(1);
  o.notifier = q.text(2);
  auto kind = named(parse_change_kind, q.text(3), "outbox kind");
  if (!kind) return tl::unexpected(kind.error());
  o.kind = *kind;
  o.idempotency_key = q.text(4);
  o.group_key = q.text(5);
  o.created_ns = q.int64(6);
  o.next_attempt_ns = q.int64(7);
  o.attempts = static_cast<int>(q.int64(8));
  o.delivered_ns = q.int64(9);
  o.failed = q.int64(10) != 0;
  o.last_error = q.text(11);
  return o;
}

// Every row of a bound query, mapped by read.
template <class T>
Result<std::vector<T>> collect(Query& q, Result<T> (*read)(const Query&)) {
  std::vector<T> out;
  for (;;) {
    auto row = q.step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    auto item = read(q);
    if (!item) return tl::unexpected(item.error());
    out.push_back(std::move(*item));
  }
}

Result<std::optional<Incident>> first_incident(Query& q) {
  auto all = collect(q, read_incident);
  if (!all) return tl::unexpected(all.error());
  if (all->empty()) return std::optional<Incident>{};
  return std::optional<Incident>(std::move(all->front()));
}

// Binds the incident's columns (all but id) to ?1..?14 in VIGIL_INCIDENT_COLUMNS order.
void bind_incident(Query& q, const Incident& i) {
  q.bind(1, i.fingerprint).bind(2, status_name(i.status)).bind(3, severity_name(i.severity)).bind(4, i.title);
  q.bind(5, i.source).bind(6, i.rule).bind(7, i.subject).bind(8, i.count).bind(9, i.first_seen_ns);
  q.bind(10, i.last_seen_ns).bind(11, i.updated_ns).bind(12, i.resolved_ns).bind(13, i.assignee);
  q.bind(14, labels_text(i.labels));
}

Result<int64_t> single_int(Connection& c, std::string_view sql) {
  auto q = c.query(sql);
  if (!q) return tl::unexpected(q.error());
  auto row = q->step();
  if (!row) return tl::unexpected(row.error());
  return *row ? q->int64(0) : 0;
}

}  // namespace

Result<std::optional<Incident>> incident_by_id(Connection& c, int64_t id) {
  auto q = c.query("SELECT " VIGIL_INCIDENT_COLUMNS " FROM incidents WHERE id = ?1");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, id);
  return first_incident(*q);
}

Result<std::optional<Incident>> incident_by_fingerprint(Connection& c, std::string_view fingerprint) {
  auto q = c.query("SELECT " VIGIL_INCIDENT_COLUMNS
                   " FROM incidents WHERE id = (SELECT incident_id FROM incident_fingerprints WHERE fingerprint = ?1)");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, fingerprint);
  return first_incident(*q);
}

Result<std::optional<Incident>> open_incident_by_subject(Connection& c, std::string_view subject,
                                                         int64_t seen_since_ns) {
  auto q = c.query("SELECT " VIGIL_INCIDENT_COLUMNS
                   " FROM incidents WHERE subject = ?1 AND last_seen >= ?2 AND status IN ('open', 'acknowledged')"
                   " ORDER BY last_seen DESC, id DESC LIMIT 1");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, subject).bind(2, seen_since_ns);
  return first_incident(*q);
}

Result<std::vector<Incident>> list_incidents(Connection& c, const IncidentFilter& filter) {
  auto q = c.query("SELECT " VIGIL_INCIDENT_COLUMNS
                   " FROM incidents WHERE (?1 = '' OR status = ?1) AND severity IN (?2, ?3, ?4, ?5)"
                   " AND (?6 = '' OR source = ?6) AND (?7 = 0 OR id < ?7) ORDER BY id DESC LIMIT ?8");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, filter.status ? status_name(*filter.status) : std::string_view{});
  // The severities at or above the minimum; unused slots repeat the worst one.
  const int min = static_cast<int>(filter.min_severity.value_or(Severity::Low));
  for (int slot = 0; slot < 4; ++slot) {
    q->bind(2 + slot, severity_name(static_cast<Severity>(std::min(min + slot, 4))));
  }
  q->bind(6, filter.source.value_or(std::string{}));
  q->bind(7, filter.before_id).bind(8, static_cast<int64_t>(filter.limit));
  return collect(*q, read_incident);
}

Result<std::vector<Incident>> quiet_incidents(Connection& c, int64_t before_ns, size_t limit) {
  auto q = c.query("SELECT " VIGIL_INCIDENT_COLUMNS
                   " FROM incidents WHERE status IN ('open', 'acknowledged') AND last_seen < ?1"
                   " ORDER BY last_seen, id LIMIT ?2");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, before_ns).bind(2, static_cast<int64_t>(limit));
  return collect(*q, read_incident);
}

Result<int64_t> insert_incident(Connection& c, const Incident& incident) {
  auto q = c.query(
      "INSERT INTO incidents(fingerprint, status, severity, title, source, rule, subject, count, "
      "first_seen, last_seen, updated, resolved_at, assignee, labels) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  if (!q) return tl::unexpected(q.error());
  bind_incident(*q, incident);
  if (auto ok = q->run(); !ok) return tl::unexpected(ok.error());
  return sqlite3_last_insert_rowid(c.db());
}

Result<void> update_incident(Connection& c, const Incident& incident) {
  auto q = c.query(
      "UPDATE incidents SET fingerprint = ?1, status = ?2, severity = ?3, title = ?4, source = ?5, "
      "rule = ?6, subject = ?7, count = ?8, first_seen = ?9, last_seen = ?10, updated = ?11, "
      "resolved_at = ?12, assignee = ?13, labels = ?14 WHERE id = ?15");
  if (!q) return tl::unexpected(q.error());
  bind_incident(*q, incident);
  q->bind(15, incident.id);
  if (auto ok = q->run(); !ok) return ok;
  if (sqlite3_changes(c.db()) != 1) return fail("incident " + std::to_string(incident.id) + " not found");
  return {};
}

Result<void> add_fingerprint(Connection& c, std::string_view fingerprint, int64_t incident_id) {
  auto q = c.query("INSERT INTO incident_fingerprints(fingerprint, incident_id) VALUES (?1, ?2)");
  if (!q) return tl::unexpected(q.error());
  return q->bind(1, fingerprint).bind(2, incident_id).run();
}

Result<void> insert_events(Connection& c, std::span<const StoredEvent> events) {
  auto q = c.query(
      "INSERT INTO events(incident_id, received, time, source, rule, severity, subject, title, "
      "fingerprint, resolved, labels, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  if (!q) return tl::unexpected(q.error());
  std::string labels;
  for (const auto& s : events) {
    const Event& e = s.event;
    labels.clear();
    append_labels_json(labels, e.labels);
    q->bind(1, s.incident_id).bind(2, s.received_ns).bind(3, e.time_ns).bind(4, e.source).bind(5, e.rule);
    q->bind(6, severity_name(e.severity)).bind(7, e.subject).bind(8, e.title).bind(9, e.fingerprint);
    q->bind(10, int64_t{e.resolved ? 1 : 0}).bind(11, labels).bind(12, e.details_json);
    if (auto ok = q->run(); !ok) return ok;
  }
  return {};
}

Result<std::vector<StoredEvent>> events(Connection& c, int64_t incident_id, size_t limit) {
  auto q = c.query(
      "SELECT id, incident_id, received, time, source, rule, severity, subject, title, fingerprint, "
      "resolved, labels, details FROM events WHERE incident_id = ?1 ORDER BY id DESC LIMIT ?2");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, incident_id).bind(2, static_cast<int64_t>(limit));
  return collect(*q, read_event);
}

Result<int64_t> insert_timeline(Connection& c, const TimelineEntry& entry) {
  auto q = c.query("INSERT INTO timeline(incident_id, time, kind, actor, text) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, entry.incident_id).bind(2, entry.time_ns).bind(3, change_kind_name(entry.kind));
  q->bind(4, entry.actor).bind(5, entry.text);
  if (auto ok = q->run(); !ok) return tl::unexpected(ok.error());
  return sqlite3_last_insert_rowid(c.db());
}

Result<std::vector<TimelineEntry>> timeline(Connection& c, int64_t incident_id) {
  auto q = c.query("SELECT id, incident_id, time, kind, actor, text FROM timeline WHERE incident_id = ?1 ORDER BY id");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, incident_id);
  return collect(*q, read_timeline);
}

Result<void> insert_outbox(Connection& c, const OutboxItem& o) {
  auto q = c.query(
      "INSERT INTO outbox(incident_id, notifier, kind, idempotency_key, group_key, created, "
      "next_attempt, attempts, delivered, failed, last_error) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, o.incident_id).bind(2, o.notifier).bind(3, change_kind_name(o.kind)).bind(4, o.idempotency_key);
  q->bind(5, o.group_key).bind(6, o.created_ns).bind(7, o.next_attempt_ns).bind(8, int64_t{o.attempts});
  q->bind(9, o.delivered_ns).bind(10, int64_t{o.failed ? 1 : 0}).bind(11, o.last_error);
  return q->run();
}

Result<std::vector<OutboxItem>> deliveries(Connection& c, int64_t incident_id) {
  auto q = c.query("SELECT " VIGIL_OUTBOX_COLUMNS " FROM outbox WHERE incident_id = ?1 ORDER BY id");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, incident_id);
  return collect(*q, read_outbox);
}

Result<std::vector<OutboxItem>> due_outbox(Connection& c, int64_t now_ns, size_t limit) {
  auto q = c.query("SELECT " VIGIL_OUTBOX_COLUMNS
                   " FROM outbox WHERE delivered = 0 AND failed = 0 AND next_attempt <= ?1"
                   " ORDER BY next_attempt, id LIMIT ?2");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, now_ns).bind(2, static_cast<int64_t>(limit));
  return collect(*q, read_outbox);
}

Result<bool> claim_outbox_item(Connection& c, int64_t id, int64_t now_ns, int64_t lease_until_ns) {
  auto q = c.query(
      "UPDATE outbox SET next_attempt = ?3 WHERE id = ?1 AND delivered = 0 AND failed = 0 AND next_attempt <= ?2");
  if (!q) return tl::unexpected(q.error());
  if (auto ok = q->bind(1, id).bind(2, now_ns).bind(3, lease_until_ns).run(); !ok) return tl::unexpected(ok.error());
  return sqlite3_changes(c.db()) == 1;
}

Result<void> outbox_delivered(Connection& c, int64_t id, int64_t now_ns) {
  auto q = c.query("UPDATE outbox SET delivered = ?2, attempts = attempts + 1, last_error = '' WHERE id = ?1");
  if (!q) return tl::unexpected(q.error());
  return q->bind(1, id).bind(2, now_ns).run();
}

Result<void> outbox_retry(Connection& c, int64_t id, int64_t next_attempt_ns, std::string_view error, bool give_up) {
  auto q = c.query(
      "UPDATE outbox SET attempts = attempts + 1, next_attempt = ?2, last_error = ?3, failed = ?4 "
      "WHERE id = ?1");
  if (!q) return tl::unexpected(q.error());
  return q->bind(1, id).bind(2, next_attempt_ns).bind(3, error).bind(4, int64_t{give_up ? 1 : 0}).run();
}

Result<IncidentCounts> counts(Connection& c) {
  IncidentCounts out;
  auto q = c.query("SELECT status, severity, count(*) FROM incidents GROUP BY status, severity");
  if (!q) return tl::unexpected(q.error());
  for (;;) {
    auto row = q->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    const auto status = parse_status(q->text(0));
    const auto severity = parse_severity(q->text(1));
    if (status && severity) {
      out.by_status_severity[static_cast<int>(*status)][static_cast<int>(*severity)] = q->int64(2);
    }
  }
  // Events are never deleted and SQLite gives a new row max(id) + 1, so max(id) is the count without a scan.
  auto events = single_int(c, "SELECT coalesce(max(id), 0) FROM events");
  auto pending = single_int(c, "SELECT count(*) FROM outbox WHERE delivered = 0 AND failed = 0");
  auto failed = single_int(c, "SELECT count(*) FROM outbox WHERE failed = 1");
  if (!events) return tl::unexpected(events.error());
  if (!pending) return tl::unexpected(pending.error());
  if (!failed) return tl::unexpected(failed.error());
  out.events = *events;
  out.outbox_pending = *pending;
  out.outbox_failed = *failed;
  return out;
}

Result<int64_t> insert_token(Connection& c, const Token& token, std::string_view secret_sha256_hex) {
  auto q = c.query("INSERT INTO tokens(name, role, created, secret_sha256) VALUES (?1, ?2, ?3, ?4)");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, token.name).bind(2, role_name(token.role)).bind(3, token.created_ns).bind(4, secret_sha256_hex);
  if (auto ok = q->run(); !ok) return tl::unexpected(ok.error());
  return sqlite3_last_insert_rowid(c.db());
}

Result<std::optional<Store::StoredToken>> token(Connection& c, int64_t id) {
  auto q = c.query("SELECT id, name, role, created, secret_sha256 FROM tokens WHERE id = ?1");
  if (!q) return tl::unexpected(q.error());
  q->bind(1, id);
  auto row = q->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<Store::StoredToken>{};
  auto role = named(parse_role, q->text(2), "token role");
  if (!role) return tl::unexpected(role.error());
  Store::StoredToken t;
  t.token.id = q->int64(0);
  t.token.name = q->text(1);
  t.token.role = *role;
  t.token.created_ns = q->int64(3);
  t.secret_sha256_hex = q->text(4);
  return std::optional<Store::StoredToken>(std::move(t));
}

}  // namespace vigil::incidents::sqlite::rows
