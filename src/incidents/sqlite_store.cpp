// The SQLite Store and Transaction (see sqlite_store.hpp): SQL text and row mapping; connections, statements and
// migrations are in sqlite_migrations.cpp.
#include "incidents/sqlite_store.hpp"

#include <condition_variable>
#include <mutex>
#include <vector>

#include "incidents/event_json.hpp"
#include "incidents/incident_json.hpp"
#include "incidents/sqlite_rows.hpp"

namespace vigil::incidents {
namespace {
using sqlite::Connection;
using sqlite::Query;
namespace rows = sqlite::rows;

constexpr size_t kReaders = 4;  // pooled reader connections kept open

class SqliteTransaction;

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, std::unique_ptr<Connection> writer)
      : path_(std::move(path)), writer_(std::move(writer)) {}

  [[nodiscard]] std::string_view backend() const override { return "sqlite"; }
  Result<std::unique_ptr<Transaction>> begin() override;

  Result<std::vector<Incident>> list_incidents(const IncidentFilter& filter) override {
    return read([&](Connection& c) { return rows::list_incidents(c, filter); });
  }
  Result<std::optional<Incident>> get_incident(int64_t id) override {
    return read([&](Connection& c) { return rows::incident_by_id(c, id); });
  }
  Result<std::vector<TimelineEntry>> timeline(int64_t incident_id) override {
    return read([&](Connection& c) { return rows::timeline(c, incident_id); });
  }
  Result<std::vector<StoredEvent>> events(int64_t incident_id, size_t limit) override {
    return read([&](Connection& c) { return rows::events(c, incident_id, limit); });
  }
  Result<std::vector<OutboxItem>> deliveries(int64_t incident_id) override {
    return read([&](Connection& c) { return rows::deliveries(c, incident_id); });
  }
  Result<IncidentCounts> counts() override {
    return read([&](Connection& c) { return rows::counts(c); });
  }
  Result<std::optional<StoredToken>> token(int64_t id) override {
    return read([&](Connection& c) { return rows::token(c, id); });
  }
  Result<std::vector<OutboxItem>> due_outbox(int64_t now_ns, size_t limit) override {
    return read([&](Connection& c) { return rows::due_outbox(c, now_ns, limit); });
  }

  // Single-statement writes outside ingest: take the writer like a transaction does.
  Result<int64_t> insert_token(const Token& token, std::string_view secret_sha256_hex) override {
    std::lock_guard lock(write_mutex_);
    return rows::insert_token(*writer_, token, secret_sha256_hex);
  }
  Result<std::vector<int64_t>> claim_outbox(std::span<const int64_t> ids, int64_t now_ns,
                                            int64_t lease_until_ns) override;
  Result<void> outbox_delivered(std::span<const int64_t> ids, int64_t now_ns) override;
  Result<void> outbox_retry(int64_t id, int64_t next_attempt_ns, std::string_view error, bool give_up) override {
    std::lock_guard lock(write_mutex_);
    return rows::outbox_retry(*writer_, id, next_attempt_ns, error, give_up);
  }

 private:
  friend class SqliteTransaction;

  // Runs f on a pooled reader connection (opened on demand; at most kReaders are kept).
  template <class F>
  auto read(F f) -> decltype(f(std::declval<Connection&>())) {
    std::unique_ptr<Connection> conn;
    {
      std::lock_guard lock(pool_mutex_);
      if (!pool_.empty()) {
        conn = std::move(pool_.back());
        pool_.pop_back();
      }
    }
    if (!conn) {
      auto opened = Connection::open(path_);
      if (!opened) return tl::unexpected(opened.error());
      conn = std::move(*opened);
    }
    auto result = f(*conn);
    std::lock_guard lock(pool_mutex_);
    if (pool_.size() < kReaders) pool_.push_back(std::move(conn));
    return result;
  }

  std::string path_;
  std::mutex write_mutex_;  // one writer: SQLite allows one write transaction at a time anyway
  std::unique_ptr<Connection> writer_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Connection>> pool_;
};

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(std::unique_lock<std::mutex> lock, Connection& conn) : lock_(std::move(lock)), conn_(conn) {}
  ~SqliteTransaction() override {
    if (!done_) (void)conn_.exec("ROLLBACK");
  }

  Result<std::optional<Incident>> incident_by_fingerprint(std::string_view fingerprint) override {
    return rows::incident_by_fingerprint(conn_, fingerprint);
  }
  Result<std::optional<Incident>> open_incident_by_subject(std::string_view subject, int64_t seen_since_ns) override {
    return rows::open_incident_by_subject(conn_, subject, seen_since_ns);
  }
  Result<std::optional<Incident>> incident(int64_t id) override { return rows::incident_by_id(conn_, id); }
  Result<int64_t> insert_incident(const Incident& incident) override { return rows::insert_incident(conn_, incident); }
  Result<void> update_incident(const Incident& incident) override { return rows::update_incident(conn_, incident); }
  Result<void> add_fingerprint(std::string_view fingerprint, int64_t incident_id) override {
    return rows::add_fingerprint(conn_, fingerprint, incident_id);
  }
  Result<void> insert_events(std::span<const StoredEvent> events) override {
    return rows::insert_events(conn_, events);
  }
  Result<int64_t> insert_timeline(const TimelineEntry& entry) override { return rows::insert_timeline(conn_, entry); }
  Result<void> insert_outbox(const OutboxItem& item) override { return rows::insert_outbox(conn_, item); }
  Result<std::vector<Incident>> quiet_incidents(int64_t before_ns, size_t limit) override {
    return rows::quiet_incidents(conn_, before_ns, limit);
  }
  Result<void> commit() override {
    if (done_) return fail("transaction already finished");
    done_ = true;
    if (auto ok = conn_.exec("COMMIT"); !ok) {
      (void)conn_.exec("ROLLBACK");
      return ok;
    }
    return {};
  }

 private:
  std::unique_lock<std::mutex> lock_;
  Connection& conn_;
  bool done_ = false;
};

Result<std::unique_ptr<Transaction>> SqliteStore::begin() {
  std::unique_lock lock(write_mutex_);
  if (auto ok = writer_->exec("BEGIN IMMEDIATE"); !ok) return tl::unexpected(ok.error());
  return std::make_unique<SqliteTransaction>(std::move(lock), *writer_);
}

Result<std::vector<int64_t>> SqliteStore::claim_outbox(std::span<const int64_t> ids, int64_t now_ns,
                                                       int64_t lease_until_ns) {
  std::lock_guard lock(write_mutex_);
  if (auto ok = writer_->exec("BEGIN IMMEDIATE"); !ok) return tl::unexpected(ok.error());
  std::vector<int64_t> claimed;
  for (const int64_t id : ids) {
    auto ok = rows::claim_outbox_item(*writer_, id, now_ns, lease_until_ns);
    if (!ok) {
      (void)writer_->exec("ROLLBACK");
      return tl::unexpected(ok.error());
    }
    if (*ok) claimed.push_back(id);
  }
  if (auto ok = writer_->exec("COMMIT"); !ok) {
    (void)writer_->exec("ROLLBACK");
    return tl::unexpected(ok.error());
  }
  return claimed;
}

Result<void> SqliteStore::outbox_delivered(std::span<const int64_t> ids, int64_t now_ns) {
  std::lock_guard lock(write_mutex_);
  if (auto ok = writer_->exec("BEGIN IMMEDIATE"); !ok) return ok;
  for (const int64_t id : ids) {
    if (auto ok = rows::outbox_delivered(*writer_, id, now_ns); !ok) {
      (void)writer_->exec("ROLLBACK");
      return ok;
    }
  }
  if (auto ok = writer_->exec("COMMIT"); !ok) {
    (void)writer_->exec("ROLLBACK");
    return ok;
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(std::string_view path) {
  if (path.empty()) return fail("sqlite: empty database path (expected sqlite:PATH)");
  auto writer = Connection::open(std::string(path));
  if (!writer) return tl::unexpected(writer.error());
  if (auto ok = sqlite::migrate(**writer); !ok) {
    return fail("sqlite: " + std::string(path) + ": " + ok.error().message);
  }
  return std::make_unique<SqliteStore>(std::string(path), std::move(*writer));
}

}  // namespace vigil::incidents
