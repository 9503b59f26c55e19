// A thin libpq wrapper for the PostgreSQL store: one connection with per-connection prepared statements,
// parameterised queries only, COPY for bulk rows, one reconnect on a broken connection, and error messages that
// name the server but never the password.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"

namespace vigil::incidents::pg {

// Where to connect, parsed once from the URL; `where` ("host:port/db") is what error messages show.
struct ConnectInfo {
  std::string url;
  std::string where;
  std::string password;  // only to scrub it from libpq's messages
};
Result<ConnectInfo> parse_url(std::string_view url);

// Text-format parameters ($1, $2, ...) in order.
class Params {
 public:
  Params& text(std::string_view value);
  Params& i64(int64_t value);
  Params& boolean(bool value) { return text(value ? "t" : "f"); }
  [[nodiscard]] size_t size() const { return values_.size(); }
  [[nodiscard]] std::vector<const char*> pointers() const;
  // PostgreSQL text cannot hold NUL (and libpq would cut the value there): exec() refuses such parameters.
  [[nodiscard]] bool has_nul() const { return has_nul_; }

 private:
  std::vector<std::string> values_;
  bool has_nul_ = false;
};

// A query's result rows (text format).
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result, PQclear) {}
  [[nodiscard]] int size() const { return PQntuples(result_.get()); }
  [[nodiscard]] std::string_view text(int row, int col) const;
  [[nodiscard]] int64_t i64(int row, int col) const;
  [[nodiscard]] bool boolean(int row, int col) const { return text(row, col) == "t"; }
  [[nodiscard]] int64_t affected() const;  // rows changed by INSERT/UPDATE/DELETE
  [[nodiscard]] ExecStatusType status() const { return PQresultStatus(result_.get()); }
  [[nodiscard]] bool ok() const { return status() == PGRES_COMMAND_OK || status() == PGRES_TUPLES_OK; }
  [[nodiscard]] std::string_view command() const { return PQcmdStatus(result_.get()); }
  [[nodiscard]] const char* error_message() const { return PQresultErrorMessage(result_.get()); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

class Connection {
 public:
  static Result<std::unique_ptr<Connection>> open(const ConnectInfo& info);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs sql (one statement, constant text) with params as a prepared statement of this connection.
  Result<Rows> exec(const std::string& sql, const Params& params = {});
  // The same, but when the connection turns out broken (the server restarted) reconnects once and retries.
  // Only for statements that are safe to repeat outside a transaction (reads, BEGIN, single-statement updates).
  Result<Rows> exec_retry(const std::string& sql, const Params& params = {});
  // Constant SQL without parameters through the simple protocol (several statements allowed): migrations,
  // BEGIN/COMMIT/ROLLBACK. Returns the command status of the last statement ("COMMIT", "ROLLBACK", ...).
  Result<std::string> run(const std::string& sql);
  // COPY ... FROM STDIN with rows already in COPY text format.
  Result<void> copy_in(const std::string& copy_sql, std::string_view data);

  [[nodiscard]] bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  // Reads what the server sent an idle connection (without blocking): a server that restarted has sent its
  // goodbye and closed, so this finds a dead connection before a statement is sent on it.
  [[nodiscard]] bool dead();
  [[nodiscard]] bool in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }
  Result<void> reconnect();

 private:
  Connection(PGconn* conn, const ConnectInfo& info) : conn_(conn), info_(info) {}
  [[nodiscard]] Error error(std::string_view what, const Rows* rows = nullptr) const;
  Result<std::string> prepared_name(const std::string& sql);

  PGconn* conn_;
  ConnectInfo info_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

// Appends one escaped field to a COPY text-format row (the caller writes the tabs and newlines); fails on a NUL
// byte, which PostgreSQL text cannot hold.
Result<void> append_copy_field(std::string& row, std::string_view value);

}  // namespace vigil::incidents::pg

namespace vigil::incidents::pg {

// Applies the pending schema migrations (postgres_migrations.cpp) in order, each in its own transaction, under a
// session advisory lock so instances starting together do not race; refuses a database newer than this code.
// Returns the schema version now in place.
Result<int> apply_migrations(Connection& conn);

// Advisory lock keys ("vigl" in the high half): one for migrations, one that serialises write transactions.
inline constexpr int64_t kMigrationLock = int64_t{0x7669676c} << 32 | 1;
inline constexpr int64_t kWriteLock = int64_t{0x7669676c} << 32 | 2;

}  // namespace vigil::incidents::pg
