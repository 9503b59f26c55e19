// Thin RAII over the SQLite C API for the vulnerability DB: an owned connection, prepared statements
// with typed binds and reads, and errors as Result.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vigil::vulndb::sql {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStmt {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

// Opens path with flags (SQLITE_OPEN_*); uri enables "file:...?immutable=1" names.
Result<Db> open(const std::string& path, int flags);
// Runs one or more statements without results.
Result<void> exec(sqlite3* db, const char* sql);

class Stmt {
 public:
  static Result<Stmt> prepare(sqlite3* db, std::string_view sql);
  Stmt& bind(int index, std::string_view text);
  Stmt& bind(int index, int64_t value);
  // SQLITE_ROW -> true, SQLITE_DONE -> false (and resets for reuse), anything else -> error.
  Result<bool> step();
  // Runs to completion (for INSERT/DELETE), then resets.
  Result<void> run();
  [[nodiscard]] std::string_view text(int column) const;
  [[nodiscard]] int64_t integer(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
  void reset() { sqlite3_reset(stmt_.get()); }

 private:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, FinalizeStmt> stmt_;
};

}  // namespace vigil::vulndb::sql
