// SQLite RAII helpers (see sqlite.hpp).
#include "scan/vulndb/sqlite.hpp"

namespace vigil::vulndb::sql {

Result<Db> open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return fail(raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
  }
  // The DB is data, never code: no triggers or views run, and no schema tricks apply.
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Result<void> exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return fail(text);
  }
  return {};
}

Result<Stmt> Stmt::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(raw);
    return fail(sqlite3_errmsg(db));
  }
  return Stmt(db, raw);
}

Stmt& Stmt::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Result<bool> Stmt::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) {
    return true;
  }
  sqlite3_reset(stmt_.get());
  if (rc == SQLITE_DONE) {
    return false;
  }
  return fail(sqlite3_errmsg(db_));
}

Result<void> Stmt::run() {
  for (;;) {
    auto row = step();
    if (!row) {
      return tl::unexpected(row.error());
    }
    if (!*row) {
      return {};
    }
  }
}

std::string_view Stmt::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
  return p == nullptr ? std::string_view{} : std::string_view(p, sqlite3_column_bytes(stmt_.get(), column));
}

}  // namespace vigil::vulndb::sql
