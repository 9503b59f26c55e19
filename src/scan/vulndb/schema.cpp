// Reading the stored schema version (see schema.hpp).
#include "scan/vulndb/schema.hpp"

#include <charconv>

#include "scan/vulndb/sqlite.hpp"

namespace vigil::vulndb {

int stored_schema_version(sqlite3* db) {
  auto stmt = sql::Stmt::prepare(db, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (!stmt) {
    return 0;
  }
  auto row = stmt->step();
  if (!row || !*row) {
    return 0;
  }
  const std::string_view text = stmt->text(0);
  int version = 0;
  std::from_chars(text.data(), text.data() + text.size(), version);
  return version;
}

}  // namespace vigil::vulndb
