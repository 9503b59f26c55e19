// The SQLite schema as versioned migrations (one visible table), and the connection and statement helpers the
// store is written with.
#include <fmt/format.h>

#include <array>

#include "incidents/sqlite_store.hpp"

namespace vigil::incidents::sqlite {
namespace {

// Append-only: a released migration is never edited; changes are new rows. Enums are stored by name (model.cpp's
// tables), times as Unix ns, labels as a JSON object.
constexpr std::array<Migration, 1> kMigrations{{
    {1, "incidents, fingerprints, events, timeline, outbox, tokens", R"sql(
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  title TEXT NOT NULL,
  source TEXT NOT NULL,
  rule TEXT NOT NULL,
  subject TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  resolved_at INTEGER NOT NULL,
  assignee TEXT NOT NULL,
  labels TEXT NOT NULL
);
CREATE INDEX incidents_status_last_seen ON incidents(status, last_seen);
CREATE INDEX incidents_subject ON incidents(subject, last_seen);
CREATE TABLE incident_fingerprints (
  fingerprint TEXT PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id)
) WITHOUT ROWID;
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  received INTEGER NOT NULL,
  time INTEGER NOT NULL,
  source TEXT NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  subject TEXT NOT NULL,
  title TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  resolved INTEGER NOT NULL,
  labels TEXT NOT NULL,
  details TEXT NOT NULL
);
CREATE INDEX events_incident ON events(incident_id, id);
CREATE TABLE timeline (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  time INTEGER NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX timeline_incident ON timeline(incident_id, id);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  notifier TEXT NOT NULL,
  kind TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  group_key TEXT NOT NULL,
  created INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  delivered INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX outbox_pending ON outbox(next_attempt) WHERE delivered = 0 AND failed = 0;
CREATE INDEX outbox_incident ON outbox(incident_id, id);
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  created INTEGER NOT NULL,
  secret_sha256 TEXT NOT NULL
);
)sql"},
}};

constexpr std::string_view kCreateVersions =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
    "applied INTEGER NOT NULL)";

Result<int> current_version(Connection& conn) {
  auto q = conn.query("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!q) return tl::unexpected(q.error());
  auto row = q->step();
  if (!row) return tl::unexpected(row.error());
  return static_cast<int>(q->int64(0));
}

// Applies one migration unless another process did meanwhile (the version is re-read under the write lock).
Result<void> apply(Connection& conn, const Migration& m) {
  if (auto ok = conn.exec("BEGIN IMMEDIATE"); !ok) return ok;
  auto done = [&]() -> Result<void> {
    auto version = current_version(conn);
    if (!version) return tl::unexpected(version.error());
    if (*version >= m.version) return {};
    if (auto ok = conn.exec(std::string(m.sql)); !ok) {
      return fail(fmt::format("schema migration {} ({}): {}", m.version, m.description, ok.error().message));
    }
    auto q = conn.query(
        "INSERT INTO schema_migrations(version, description, applied) VALUES (?1, ?2, "
        "CAST(strftime('%s','now') AS INTEGER) * 1000000000)");
    if (!q) return tl::unexpected(q.error());
    return q->bind(1, int64_t{m.version}).bind(2, m.description).run();
  }();
  if (!done) {
    (void)conn.exec("ROLLBACK");
    return done;
  }
  return conn.exec("COMMIT");
}

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

Result<void> migrate(Connection& conn) {
  if (auto ok = conn.exec(std::string(kCreateVersions)); !ok) return ok;
  auto version = current_version(conn);
  if (!version) return tl::unexpected(version.error());
  const int newest = kMigrations.back().version;
  if (*version > newest) {
    return fail(fmt::format("database schema version {} is newer than this vigil supports ({}); upgrade vigil",
                            *version, newest));
  }
  for (const auto& m : kMigrations) {
    if (m.version <= *version) continue;
    if (auto ok = apply(conn, m); !ok) return ok;
  }
  return {};
}

Query::~Query() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Query& Query::bind(int index, std::string_view text) {
  // A null data pointer (an empty string_view{}) would bind SQL NULL, and "NULL = ''" is never true.
  sqlite3_bind_text64(stmt_, index, text.data() != nullptr ? text.data() : "", text.size(), SQLITE_TRANSIENT,
                      SQLITE_UTF8);
  return *this;
}

Query& Query::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Result<bool> Query::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  std::string error = rc == SQLITE_DONE ? std::string() : std::string("sqlite: ") + sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);  // ready to be bound again (binding a finished statement is a misuse)
  if (rc == SQLITE_DONE) return false;
  return fail(std::move(error));
}

Result<void> Query::run() {
  for (;;) {
    auto row = step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
  }
}

std::string_view Query::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p == nullptr ? std::string_view{} : std::string_view(p, sqlite3_column_bytes(stmt_, column));
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Connection> conn(new Connection(raw));
  if (rc != SQLITE_OK) {
    return fail("sqlite: " + path + ": " + (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 10000);  // other processes (vigil incidents token create) may hold the write lock
  // WAL with synchronous=NORMAL: a commit is in the WAL file (the OS page cache) when COMMIT returns, so a kill -9
  // of the server loses nothing; only a power loss or kernel crash may lose the last transactions, which FULL
  // (an fsync per commit) would prevent at a large cost in ingest rate.
  if (auto ok = conn->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;"); !ok) {
    return fail("sqlite: " + path + ": " + ok.error().message);
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<Query> Connection::query(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK) {
      sqlite3_finalize(stmt);
      return fail(std::string("sqlite: ") + sqlite3_errmsg(db_));
    }
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Query(db_, it->second);
}

Result<void> Connection::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return fail("sqlite: " + text);
  }
  return {};
}

}  // namespace vigil::incidents::sqlite
