// The PostgreSQL Store: one writer connection whose transactions take a transaction-scoped advisory lock (so
// instances sharing a database serialise ingest's read-then-write), and a small pool of reader connections so
// the API and dashboard read beside a writer. Every query is parameterised; events go in with one COPY per call.
#include "incidents/postgres_store.hpp"

#include <mutex>
#include <utility>

#include "incidents/event_json.hpp"
#include "incidents/incident_json.hpp"
#include "incidents/postgres_connection.hpp"

namespace vigil::incidents {
namespace {

using pg::Connection;
using pg::Params;
using pg::Rows;

constexpr size_t kMaxIdleReaders = 4;

const std::string kIncidentColumns =
    "i.id, i.fingerprint, i.status, i.severity, i.title, i.source, i.rule, i.subject, i.count, i.first_seen, "
    "i.last_seen, i.updated, i.resolved_at, i.assignee, i.labels";
const std::string kOutboxColumns =
    "id, incident_id, notifier, kind, idempotency_key, group_key, created, next_attempt, attempts, delivered, "
    "failed, last_error";
const std::string kEventColumns =
    "id, incident_id, received, time, source, rule, severity, subject, title, fingerprint, resolved, labels, details";

// A PostgreSQL array literal of ids, for "= ANY($1::bigint[])".
std::string id_array(std::span<const int64_t> ids) {
  std::string array = "{";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) array += ',';
    array += std::to_string(ids[i]);
  }
  return array + "}";
}

std::string labels_text(const Labels& labels) {
  std::string out;
  append_labels_json(out, labels);
  return out;
}

// Enums are stored by name (as in the SQLite schema); a name this code does not know is reported, not guessed.
template <class Enum>
Result<Enum> named(std::optional<Enum> (*parse)(std::string_view), std::string_view text, std::string_view what) {
  if (auto v = parse(text)) return *v;
  return fail("postgres: unknown " + std::string(what) + " \"" + std::string(text) + "\" in the database");
}

Result<Incident> incident_at(const Rows& r, int row) {
  auto status = named(parse_status, r.text(row, 2), "status");
  auto severity = named(parse_severity, r.text(row, 3), "severity");
  auto labels = parse_labels_json(r.text(row, 14));
  if (!status) return tl::unexpected(status.error());
  if (!severity) return tl::unexpected(severity.error());
  if (!labels) return tl::unexpected(labels.error());
  Incident i;
  i.id = r.i64(row, 0);
  i.fingerprint = r.text(row, 1);
  i.status = *status;
  i.severity = *severity;
  i.title = r.text(row, 4);
  i.source = r.text(row, 5);
  i.rule = r.text(row, 6);
  i.subject = r.text(row, 7);
  i.count = r.i64(row, 8);
  i.first_seen_ns = r.i64(row, 9);
  i.last_seen_ns = r.i64(row, 10);
  i.updated_ns = r.i64(row, 11);
  i.resolved_ns = r.i64(row, 12);
  i.assignee = r.text(row, 13);
  i.labels = std::move(*labels);
  return i;
}

Result<StoredEvent> event_at(const Rows& r, int row) {
  auto severity = named(parse_severity, r.text(row, 6), "severity");
  auto labels = parse_labels_json(r.text(row, 11));
  if (!severity) return tl::unexpected(severity.error());
  if (!labels) return tl::unexpected(labels.error());
  StoredEvent s;
  s.id = r.i64(row, 0);
  s.incident_id = r.i64(row, 1);
  s.received_ns = r.i64(row, 2);
  Event& e = s.event;
  e.time_ns = r.i64(row, 3);
  e.source = r.text(row, 4);
  e.rule = r.text(row, 5);
  e.severity = *severity;
  e.subject = r.text(row, 7);
  e.title = r.text(row, 8);
  e.fingerprint = r.text(row, 9);
  e.resolved = r.boolean(row, 10);
  e.labels = std::move(*labels);
  e.details_json = r.text(row, 12);
  return s;
}

Result<TimelineEntry> timeline_at(const Rows& r, int row) {
  auto kind = named(parse_change_kind, r.text(row, 3), "timeline kind");
  if (!kind) return tl::unexpected(kind.error());
  return TimelineEntry{
      r.i64(row, 0), r.i64(row, 1), r.i64(row, 2), *kind, std::string(r.text(row, 4)), std::string(r.text(row, 5))};
}

Result<OutboxItem> outbox_at(const Rows& r, int row) {
  auto kind = named(parse_change_kind, r.text(row, 3), "outbox kind");
  if (!kind) return tl::unexpected(kind.error());
  OutboxItem o;
  o.id = r.i64(row, 0);
  o.incident_id = r.i64(row, 1);
  o.notifier = r.text(row, 2);
  o.kind = *kind;
  o.idempotency_key = r.text(row, 4);
  o.group_key = r.text(row, 5);
  o.created_ns = r.i64(row, 6);
  o.next_attempt_ns = r.i64(row, 7);
  o.attempts = static_cast<int>(r.i64(row, 8));
  o.delivered_ns = r.i64(row, 9);
  o.failed = r.boolean(row, 10);
  o.last_error = r.text(row, 11);
  return o;
}

// Maps every row with at(); the first unreadable row fails the whole read.
template <class At>
auto all_rows(At at) {
  return [at](const Rows& rows) -> Result<std::vector<typename decltype(at(rows, 0))::value_type>> {
    std::vector<typename decltype(at(rows, 0))::value_type> out;
    out.reserve(static_cast<size_t>(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
      auto item = at(rows, row);
      if (!item) return tl::unexpected(item.error());
      out.push_back(std::move(*item));
    }
    return out;
  };
}

Result<std::optional<Incident>> first_incident(const Rows& rows) {
  if (rows.size() == 0) return std::optional<Incident>();
  return incident_at(rows, 0).map([](Incident i) { return std::optional<Incident>(std::move(i)); });
}

// Every column but id, in the order of the INSERT and UPDATE statements below ($1 is the id in UPDATE).
Params& incident_params(Params& p, const Incident& i) {
  return p.text(i.fingerprint)
      .text(status_name(i.status))
      .text(severity_name(i.severity))
      .text(i.title)
      .text(i.source)
      .text(i.rule)
      .text(i.subject)
      .i64(i.count)
      .i64(i.first_seen_ns)
      .i64(i.last_seen_ns)
      .i64(i.updated_ns)
      .i64(i.resolved_ns)
      .text(i.assignee)
      .text(labels_text(i.labels));
}

// One event as a COPY text row, columns as in kCopyEvents.
Result<void> append_event_row(std::string& out, const StoredEvent& s) {
  const Event& e = s.event;
  const std::string labels = labels_text(e.labels);
  out += std::to_string(s.incident_id) + '\t' + std::to_string(s.received_ns) + '\t' + std::to_string(e.time_ns) +
         '\t' + (e.resolved ? 't' : 'f');
  const std::string_view fields[] = {
      e.source, e.rule, severity_name(e.severity), e.subject, e.title, e.fingerprint, labels, e.details_json};
  for (std::string_view field : fields) {
    out.push_back('\t');
    if (auto r = pg::append_copy_field(out, field); !r) return r;
  }
  out.push_back('\n');
  return {};
}

const std::string kCopyEvents =
    "COPY events (incident_id, received, time, resolved, source, rule, severity, subject, title, fingerprint, "
    "labels, details) FROM STDIN";

class PostgresTransaction final : public Transaction {
 public:
  PostgresTransaction(std::unique_lock<std::mutex> lock, Connection& conn) : lock_(std::move(lock)), conn_(conn) {}
  ~PostgresTransaction() override {
    if (!done_) (void)conn_.run("ROLLBACK");  // fails harmlessly if the connection broke; begin() reconnects
  }

  Result<std::optional<Incident>> incident_by_fingerprint(std::string_view fingerprint) override {
    return query("SELECT " + kIncidentColumns +
                     " FROM incident_fingerprints f JOIN incidents i ON i.id = f.incident_id WHERE f.fingerprint = $1",
                 Params().text(fingerprint))
        .and_then(first_incident);
  }

  Result<std::optional<Incident>> open_incident_by_subject(std::string_view subject, int64_t seen_since_ns) override {
    return query("SELECT " + kIncidentColumns +
                     " FROM incidents i WHERE i.subject = $1 AND i.last_seen >= $2"
                     " AND i.status IN ('open', 'acknowledged') ORDER BY i.last_seen DESC, i.id DESC LIMIT 1",
                 Params().text(subject).i64(seen_since_ns))
        .and_then(first_incident);
  }

  Result<std::optional<Incident>> incident(int64_t id) override {
    return query("SELECT " + kIncidentColumns + " FROM incidents i WHERE i.id = $1", Params().i64(id))
        .and_then(first_incident);
  }

  Result<int64_t> insert_incident(const Incident& incident) override {
    Params p;
    return query(
               "INSERT INTO incidents (fingerprint, status, severity, title, source, rule, subject, count, first_seen, "
               "last_seen, updated, resolved_at, assignee, labels) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
               "$11, $12, $13, $14) RETURNING id",
               incident_params(p, incident))
        .map([](const Rows& rows) { return rows.i64(0, 0); });
  }

  Result<void> update_incident(const Incident& incident) override {
    Params p;
    p.i64(incident.id);
    auto rows = query(
        "UPDATE incidents SET fingerprint = $2, status = $3, severity = $4, title = $5, source = $6, rule = $7, "
        "subject = $8, count = $9, first_seen = $10, last_seen = $11, updated = $12, resolved_at = $13, "
        "assignee = $14, labels = $15 WHERE id = $1",
        incident_params(p, incident));
    if (!rows) return tl::unexpected(rows.error());
    if (rows->affected() != 1) return fail("incident " + std::to_string(incident.id) + " not found");
    return {};
  }

  Result<void> add_fingerprint(std::string_view fingerprint, int64_t incident_id) override {
    return query("INSERT INTO incident_fingerprints (fingerprint, incident_id) VALUES ($1, $2)",
                 Params().text(fingerprint).i64(incident_id))
        .map([](const Rows&) {});
  }

  Result<void> insert_events(std::span<const StoredEvent> events) override {
    if (done_) return fail("postgres: transaction already finished");
    if (events.empty()) return {};
    std::string data;
    data.reserve(events.size() * 256);
    for (const auto& e : events) {
      if (auto r = append_event_row(data, e); !r) return note(r);
    }
    return note(conn_.copy_in(kCopyEvents, data));
  }

  Result<int64_t> insert_timeline(const TimelineEntry& e) override {
    return query("INSERT INTO timeline (incident_id, time, kind, actor, text) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                 Params().i64(e.incident_id).i64(e.time_ns).text(change_kind_name(e.kind)).text(e.actor).text(e.text))
        .map([](const Rows& rows) { return rows.i64(0, 0); });
  }

  Result<void> insert_outbox(const OutboxItem& o) override {
    return query(
               "INSERT INTO outbox (incident_id, notifier, kind, idempotency_key, group_key, created, next_attempt, "
               "attempts, delivered, failed, last_error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
               Params()
                   .i64(o.incident_id)
                   .text(o.notifier)
                   .text(change_kind_name(o.kind))
                   .text(o.idempotency_key)
                   .text(o.group_key)
                   .i64(o.created_ns)
                   .i64(o.next_attempt_ns)
                   .i64(o.attempts)
                   .i64(o.delivered_ns)
                   .boolean(o.failed)
                   .text(o.last_error))
        .map([](const Rows&) {});
  }

  Result<std::vector<Incident>> quiet_incidents(int64_t before_ns, size_t limit) override {
    return query("SELECT " + kIncidentColumns +
                     " FROM incidents i WHERE i.status IN ('open', 'acknowledged') AND i.last_seen < $1"
                     " ORDER BY i.last_seen, i.id LIMIT $2",
                 Params().i64(before_ns).i64(static_cast<int64_t>(limit)))
        .and_then(all_rows(incident_at));
  }

  Result<void> commit() override {
    if (done_) return fail("postgres: transaction already finished");
    if (failed_) return fail("postgres: a statement of this transaction failed; nothing was written");
    auto status = conn_.run("COMMIT");
    done_ = true;
    if (!status) return tl::unexpected(status.error());
    if (*status != "COMMIT") return fail("postgres: the transaction was rolled back by the server");
    return {};
  }

 private:
  // PostgreSQL aborts a transaction at its first error, so one failure poisons commit().
  template <class T>
  T note(T result) {
    if (!result) failed_ = true;
    return result;
  }
  Result<Rows> query(const std::string& sql, const Params& params) {
    if (done_) return fail("postgres: transaction already finished");
    return note(conn_.exec(sql, params));
  }

  std::unique_lock<std::mutex> lock_;
  Connection& conn_;
  bool done_ = false;
  bool failed_ = false;
};

class PostgresStore final : public Store {
 public:
  PostgresStore(pg::ConnectInfo info, std::unique_ptr<Connection> writer)
      : info_(std::move(info)), writer_(std::move(writer)) {}

  [[nodiscard]] std::string_view backend() const override { return "postgres"; }

  Result<std::unique_ptr<Transaction>> begin() override {
    std::unique_lock lock(writer_mutex_);
    // A connection broken by a server restart is re-established here (BEGIN is also safe to repeat).
    if (writer_->dead()) {
      if (auto r = writer_->reconnect(); !r) return tl::unexpected(r.error());
    } else if (writer_->in_transaction()) {
      (void)writer_->run("ROLLBACK");  // left over from a transaction whose ROLLBACK failed
    }
    auto begun = writer_->exec_retry("BEGIN");
    if (!begun) return tl::unexpected(begun.error());
    auto locked = writer_->exec("SELECT pg_advisory_xact_lock($1)", Params().i64(pg::kWriteLock));
    if (!locked) {
      (void)writer_->run("ROLLBACK");
      return tl::unexpected(locked.error());
    }
    return std::make_unique<PostgresTransaction>(std::move(lock), *writer_);
  }

  Result<std::vector<Incident>> list_incidents(const IncidentFilter& f) override {
    // One statement for every filter combination: an absent filter is an empty or zero parameter.
    std::string severities = "{";
    for (int s = static_cast<int>(f.min_severity.value_or(Severity::Low)); s <= 4; ++s) {
      severities += std::string(severities.size() > 1 ? "," : "") + std::string(severity_name(Severity(s)));
    }
    severities += "}";
    return read("SELECT " + kIncidentColumns +
                    " FROM incidents i WHERE ($1 = '' OR i.status = $1) AND i.severity = ANY($2::text[])"
                    " AND ($3 = '' OR i.source = $3) AND ($4::bigint = 0 OR i.id < $4::bigint) ORDER BY i.id DESC "
                    "LIMIT $5",
                Params()
                    .text(f.status ? status_name(*f.status) : "")
                    .text(severities)
                    .text(f.source.value_or(""))
                    .i64(f.before_id)
                    .i64(static_cast<int64_t>(f.limit)))
        .and_then(all_rows(incident_at));
  }

  Result<std::optional<Incident>> get_incident(int64_t id) override {
    return read("SELECT " + kIncidentColumns + " FROM incidents i WHERE i.id = $1", Params().i64(id))
        .and_then(first_incident);
  }

  Result<std::vector<TimelineEntry>> timeline(int64_t incident_id) override {
    return read("SELECT id, incident_id, time, kind, actor, text FROM timeline WHERE incident_id = $1 ORDER BY id",
                Params().i64(incident_id))
        .and_then(all_rows(timeline_at));
  }

  Result<std::vector<StoredEvent>> events(int64_t incident_id, size_t limit) override {
    return read("SELECT " + kEventColumns + " FROM events WHERE incident_id = $1 ORDER BY id DESC LIMIT $2",
                Params().i64(incident_id).i64(static_cast<int64_t>(limit)))
        .and_then(all_rows(event_at));
  }

  Result<std::vector<OutboxItem>> deliveries(int64_t incident_id) override {
    return read("SELECT " + kOutboxColumns + " FROM outbox WHERE incident_id = $1 ORDER BY id",
                Params().i64(incident_id))
        .and_then(all_rows(outbox_at));
  }

  Result<IncidentCounts> counts() override;

  Result<int64_t> insert_token(const Token& token, std::string_view secret_sha256_hex) override {
    // Not retried on a broken connection: the INSERT may have happened.
    return read("INSERT INTO tokens (name, role, created, secret_sha256) VALUES ($1, $2, $3, $4) RETURNING id",
                Params().text(token.name).text(role_name(token.role)).i64(token.created_ns).text(secret_sha256_hex),
                false)
        .map([](const Rows& r) { return r.i64(0, 0); });
  }

  Result<std::optional<StoredToken>> token(int64_t id) override {
    auto rows = read("SELECT id, name, role, created, secret_sha256 FROM tokens WHERE id = $1", Params().i64(id));
    if (!rows) return tl::unexpected(rows.error());
    if (rows->size() == 0) return std::optional<StoredToken>();
    auto role = named(parse_role, rows->text(0, 2), "token role");
    if (!role) return tl::unexpected(role.error());
    return StoredToken{Token{rows->i64(0, 0), std::string(rows->text(0, 1)), *role, rows->i64(0, 3)},
                       std::string(rows->text(0, 4))};
  }

  Result<std::vector<OutboxItem>> due_outbox(int64_t now_ns, size_t limit) override {
    return read("SELECT " + kOutboxColumns +
                    " FROM outbox WHERE delivered = 0 AND NOT failed AND next_attempt <= $1"
                    " ORDER BY next_attempt, id LIMIT $2",
                Params().i64(now_ns).i64(static_cast<int64_t>(limit)))
        .and_then(all_rows(outbox_at));
  }

  Result<std::vector<int64_t>> claim_outbox(std::span<const int64_t> ids, int64_t now_ns,
                                            int64_t lease_until_ns) override {
    if (ids.empty()) return std::vector<int64_t>{};
    // One statement: row locks make concurrent claims of the same item exclusive (the second sees it leased).
    // Not repeated after a reconnect: a claim that went through but whose answer was lost is left to its lease.
    auto rows = read(
        "UPDATE outbox SET next_attempt = $3 WHERE id = ANY($1::bigint[]) AND delivered = 0"
        " AND NOT failed AND next_attempt <= $2 RETURNING id",
        Params().text(id_array(ids)).i64(now_ns).i64(lease_until_ns), false);
    if (!rows) return tl::unexpected(rows.error());
    std::vector<int64_t> claimed;
    for (int i = 0; i < rows->size(); ++i) claimed.push_back(rows->i64(i, 0));
    return claimed;
  }

  Result<void> outbox_delivered(std::span<const int64_t> ids, int64_t now_ns) override {
    if (ids.empty()) return {};
    // One statement, so all or none; "delivered = 0" makes repeating it after a reconnect harmless.
    return read(
               "UPDATE outbox SET delivered = $2, attempts = attempts + 1, last_error = ''"
               " WHERE id = ANY($1::bigint[]) AND delivered = 0",
               Params().text(id_array(ids)).i64(now_ns))
        .map([](const Rows&) {});
  }

  Result<void> outbox_retry(int64_t id, int64_t next_attempt_ns, std::string_view error, bool give_up) override {
    // Not retried on a broken connection: attempts + 1 must not count twice.
    auto rows =
        read("UPDATE outbox SET attempts = attempts + 1, next_attempt = $2, last_error = $3, failed = $4 WHERE id = $1",
             Params().i64(id).i64(next_attempt_ns).text(error).boolean(give_up), false);
    if (!rows) return tl::unexpected(rows.error());
    if (rows->affected() != 1) return fail("outbox item " + std::to_string(id) + " not found");
    return {};
  }

 private:
  // Runs one statement on a pooled connection (autocommit). A connection found dead before use is re-established
  // first; retry: also reconnect and repeat when it breaks during the statement (only for statements that are
  // safe to repeat).
  Result<Rows> read(const std::string& sql, const Params& params = {}, bool retry = true) {
    std::unique_ptr<Connection> conn;
    {
      std::lock_guard lock(pool_mutex_);
      if (!idle_.empty()) {
        conn = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (!conn) {
      auto opened = Connection::open(info_);
      if (!opened) return tl::unexpected(opened.error());
      conn = std::move(*opened);
    }
    if (conn->dead()) {
      if (auto r = conn->reconnect(); !r) return tl::unexpected(r.error());
    }
    auto rows = retry ? conn->exec_retry(sql, params) : conn->exec(sql, params);
    if (!conn->broken()) {
      std::lock_guard lock(pool_mutex_);
      if (idle_.size() < kMaxIdleReaders) idle_.push_back(std::move(conn));
    }
    return rows;
  }

  pg::ConnectInfo info_;
  std::mutex writer_mutex_;
  std::unique_ptr<Connection> writer_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

Result<IncidentCounts> PostgresStore::counts() {
  // One round trip: incident groups, then the event count (status '-events'), then the outbox (status '-outbox').
  auto rows = read(
      "SELECT status, severity, count(*), 0 FROM incidents GROUP BY status, severity "
      "UNION ALL SELECT '-events', '', (SELECT count(*) FROM events), 0 "
      "UNION ALL SELECT '-outbox', '', count(*) FILTER (WHERE delivered = 0 AND NOT failed), "
      "count(*) FILTER (WHERE failed) FROM outbox");
  if (!rows) return tl::unexpected(rows.error());
  IncidentCounts c;
  for (int row = 0; row < rows->size(); ++row) {
    const std::string_view status = rows->text(row, 0);
    if (status == "-events") {
      c.events = rows->i64(row, 2);
    } else if (status == "-outbox") {
      c.outbox_pending = rows->i64(row, 2);
      c.outbox_failed = rows->i64(row, 3);
    } else {
      const auto st = parse_status(status);
      const auto sev = parse_severity(rows->text(row, 1));
      if (st && sev) c.by_status_severity[static_cast<int>(*st)][static_cast<int>(*sev)] = rows->i64(row, 2);
    }
  }
  return c;
}

}  // namespace

Result<std::unique_ptr<Store>> open_postgres_store(std::string_view url) {
  auto info = pg::parse_url(url);
  if (!info) return tl::unexpected(info.error());
  auto writer = Connection::open(*info);
  if (!writer) return tl::unexpected(writer.error());
  if (auto version = pg::apply_migrations(**writer); !version) return tl::unexpected(version.error());
  return std::unique_ptr<Store>(std::make_unique<PostgresStore>(std::move(*info), std::move(*writer)));
}

}  // namespace vigil::incidents
