// The SQLite back end of the incidents Store (the default): one writer connection behind a mutex (BEGIN
// IMMEDIATE ... COMMIT), a small pool of reader connections beside it (WAL), prepared statements cached per
// connection, versioned migrations (sqlite_migrations.cpp).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.hpp"
#include "incidents/store.hpp"

namespace vigil::incidents {

// path: a file (created if missing). Applies pending migrations; refuses a database newer than this code.
Result<std::unique_ptr<Store>> open_sqlite_store(std::string_view path);

namespace sqlite {

// One schema migration; applied in version order, each in its own transaction.
struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};
std::span<const Migration> migrations();

// A bound, running statement from a connection's cache; reset and unbound when it goes out of scope.
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query(Query&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Query& operator=(Query&&) = delete;

  Query& bind(int index, std::string_view text);
  Query& bind(int index, int64_t value);
  Result<bool> step();  // true: a row is ready
  Result<void> run();   // steps to the end
  [[nodiscard]] int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  [[nodiscard]] std::string_view text(int column) const;
  [[nodiscard]] sqlite3* db() const { return db_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// One connection with its statement cache (keyed by SQL text).
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> open(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result<Query> query(std::string_view sql);
  Result<void> exec(const std::string& sql);  // unprepared, may hold several statements
  [[nodiscard]] sqlite3* db() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Brings the database to the newest schema version (see migrations()).
Result<void> migrate(Connection& conn);

}  // namespace sqlite
}  // namespace vigil::incidents
