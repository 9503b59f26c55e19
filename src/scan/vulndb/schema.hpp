// The DB's tables (schema version kSchemaVersion in vulndb.hpp; bump it on any change here).
#pragma once

#include <sqlite3.h>

namespace vigil::vulndb {

// advisories: one row per OSV record; `source` is the ecosystem of its first affected package (what
//   `db update` replaces), aliases one per line, severity lines "TYPE<TAB>SCORE".
// affected: one row per (package, advisory, entry), clustered by package so a lookup is one B-tree seek.
inline constexpr const char* kSchemaSql = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources(ecosystem TEXT PRIMARY KEY, origin TEXT NOT NULL, imported_at TEXT NOT NULL,
                     etag TEXT NOT NULL, last_modified TEXT NOT NULL, sha256 TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE advisories(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source TEXT NOT NULL,
                        modified TEXT NOT NULL, withdrawn TEXT NOT NULL, summary TEXT NOT NULL,
                        aliases TEXT NOT NULL, severity TEXT NOT NULL);
CREATE INDEX advisories_by_source ON advisories(source);
CREATE TABLE affected(ecosystem TEXT NOT NULL, name TEXT NOT NULL, advisory INTEGER NOT NULL, seq INTEGER NOT NULL,
                      ranges TEXT NOT NULL, PRIMARY KEY(ecosystem, name, advisory, seq)) WITHOUT ROWID;
CREATE INDEX affected_by_advisory ON affected(advisory);
)sql";

// The schema_version stored in meta; 0 when there is none (not a Vigil DB, or unreadable).
int stored_schema_version(sqlite3* db);

}  // namespace vigil::vulndb
