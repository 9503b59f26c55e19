// Where incidents live: one interface, two back ends (SQLite by default, PostgreSQL for several instances), chosen
// by URL. The dedup and lifecycle logic is written once (ingest.cpp, actions.cpp) over the small transactional
// primitives below, so both back ends behave the same by construction and pass the same tests.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "incidents/model.hpp"

namespace vigil::incidents {

// A write transaction. Every change made through it becomes durable together at commit(); destroying it without
// commit() rolls everything back. Write transactions are serialised (SQLite: one writer; PostgreSQL: an advisory
// lock taken in begin()), so read-then-write sequences inside one are race free across instances.
class Transaction {
 public:
  virtual ~Transaction() = default;
  Transaction() = default;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // The incident a fingerprint belongs to (whatever its status), if any.
  virtual Result<std::optional<Incident>> incident_by_fingerprint(std::string_view fingerprint) = 0;
  // The most recently seen open or acknowledged incident about subject whose last_seen_ns >= seen_since_ns.
  virtual Result<std::optional<Incident>> open_incident_by_subject(std::string_view subject, int64_t seen_since_ns) = 0;
  virtual Result<std::optional<Incident>> incident(int64_t id) = 0;
  virtual Result<int64_t> insert_incident(const Incident& incident) = 0;  // ignores incident.id; returns the new id
  virtual Result<void> update_incident(const Incident& incident) = 0;     // every column, by id
  // Maps a fingerprint to an incident (the opening one and any that join by correlation); fingerprints are unique.
  virtual Result<void> add_fingerprint(std::string_view fingerprint, int64_t incident_id) = 0;
  virtual Result<void> insert_events(std::span<const StoredEvent> events) = 0;  // ignores ids
  virtual Result<int64_t> insert_timeline(const TimelineEntry& entry) = 0;      // returns the new id
  virtual Result<void> insert_outbox(const OutboxItem& item) = 0;               // ignores id
  // Open or acknowledged incidents with last_seen_ns < before_ns (auto-resolve candidates), oldest first.
  virtual Result<std::vector<Incident>> quiet_incidents(int64_t before_ns, size_t limit) = 0;
  virtual Result<void> commit() = 0;
};

struct IncidentCounts {
  // [status][severity] with the enums' values as indexes (0 unused).
  int64_t by_status_severity[4][5] = {};
  int64_t events = 0;          // stored events
  int64_t outbox_pending = 0;  // not yet delivered and not given up
  int64_t outbox_failed = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  [[nodiscard]] virtual std::string_view backend() const = 0;  // "sqlite" or "postgres"
  virtual Result<std::unique_ptr<Transaction>> begin() = 0;

  // Reads; safe from several threads at once.
  virtual Result<std::vector<Incident>> list_incidents(const IncidentFilter& filter) = 0;  // newest id first
  virtual Result<std::optional<Incident>> get_incident(int64_t id) = 0;
  virtual Result<std::vector<TimelineEntry>> timeline(int64_t incident_id) = 0;            // oldest first
  virtual Result<std::vector<StoredEvent>> events(int64_t incident_id, size_t limit) = 0;  // newest first
  virtual Result<std::vector<OutboxItem>> deliveries(int64_t incident_id) = 0;             // oldest first
  virtual Result<IncidentCounts> counts() = 0;

  // API tokens. Only the sha256 of a token's secret is stored; the caller compares in constant time.
  virtual Result<int64_t> insert_token(const Token& token, std::string_view secret_sha256_hex) = 0;
  struct StoredToken {
    Token token;
    std::string secret_sha256_hex;
  };
  virtual Result<std::optional<StoredToken>> token(int64_t id) = 0;

  // The outbox, for the delivery worker: pending items with next_attempt_ns <= now_ns, oldest first.
  virtual Result<std::vector<OutboxItem>> due_outbox(int64_t now_ns, size_t limit) = 0;
  // Claims items for delivery by this instance (several instances may share a PostgreSQL database): each of ids
  // still pending and due at now_ns gets next_attempt_ns = lease_until_ns, so no other instance takes it before
  // the lease ends, and an instance that dies mid-delivery leaves it to be sent again after. Returns the ids
  // claimed, which only this caller delivers.
  virtual Result<std::vector<int64_t>> claim_outbox(std::span<const int64_t> ids, int64_t now_ns,
                                                    int64_t lease_until_ns) = 0;
  // Sent: attempts+1 and the delivery time.
  virtual Result<void> outbox_delivered(std::span<const int64_t> ids, int64_t now_ns) = 0;
  // A failed attempt: attempts+1, the error kept; give_up marks it failed for good.
  virtual Result<void> outbox_retry(int64_t id, int64_t next_attempt_ns, std::string_view error, bool give_up) = 0;
};

// "sqlite:PATH" (created if missing; WAL) or "postgres://..." / "postgresql://...". Applies pending schema
// migrations (versioned, in order, each in its own transaction) before returning.
Result<std::unique_ptr<Store>> open_store(std::string_view url);

}  // namespace vigil::incidents
