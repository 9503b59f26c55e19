// Vigil's vulnerability database: one SQLite file built from OSV data. Writers always build a new file
// beside the old one and rename it into place, so readers (any number of processes, no locks: the file
// is opened immutable) never see a half-built DB and a crashed import leaves the old one intact.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/result.hpp"
#include "formats/osv.hpp"
#include "scan/vulndb/sqlite.hpp"

namespace vigil::vulndb {

inline constexpr int kSchemaVersion = 2;  // 2: affected entries stored normalized (affected_codec.hpp)

// $VIGIL_DB, else $XDG_DATA_HOME/vigil/vuln.db, else $HOME/.local/share/vigil/vuln.db.
std::string default_db_path();

// Where one ecosystem's records came from; kept so `db update` can ask "changed since?" and `db info` can tell.
struct SourceInfo {
  std::string ecosystem;  // OSV ecosystem base name: "PyPI", "Debian"
  std::string origin;     // file, directory or URL imported
  std::string imported_at;
  std::string etag, last_modified, sha256;  // of the downloaded archive, for `db update`
};

struct ImportStats {
  size_t records = 0;    // records stored (new or newer than what the DB had)
  size_t withdrawn = 0;  // withdrawn records (stored without affected packages: they never match)
  size_t unchanged = 0;  // records the DB already had in a newer version (a later "modified"); equal ones are replaced
  size_t failed = 0;     // unreadable records (each one is a warning)
  std::vector<Diagnostic> warnings;
};

using ProgressFn = std::function<void(size_t records_done)>;

// Builds a new DB at `<path>.tmp-<pid>` from a copy of the current one (if any), applies the changes,
// and renames it over path. Nothing is left behind on failure.
class Builder {
 public:
  static Result<Builder> begin(const std::string& path);
  Builder(Builder&&) noexcept;
  Builder& operator=(Builder&&) noexcept;
  ~Builder();

  // Imports an OSV `all.zip`, a directory tree of *.json records, or one .json record.
  Result<void> import_path(const std::string& path, ImportStats& stats, const ProgressFn& progress = {});
  // Imports from a zip already open as fd (used by `db update`); origin is what `db info` shows.
  Result<void> import_zip_fd(int fd, const std::string& name, ImportStats& stats, const ProgressFn& progress = {});
  Result<void> add_record(const formats::osv::Record& record, ImportStats& stats);
  // Drops every record of an ecosystem (before re-importing its fresh archive).
  Result<void> remove_ecosystem(std::string_view ecosystem);
  Result<void> set_source(const SourceInfo& source);
  // Commits, fsyncs and renames into place.
  Result<void> commit();

 private:
  struct State;
  explicit Builder(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// One `affected` entry as stored: the advisory it belongs to and its encoded ranges (see affected_codec.hpp).
struct AffectedRow {
  int64_t advisory = 0;
  std::string ranges;
};

struct Advisory {
  std::string id, modified, withdrawn, summary;
  std::vector<std::string> aliases;
  std::vector<formats::osv::Severity> severity;  // CVSS entries, plus {"database", "HIGH"} for the record's own rating
};

struct EcosystemCount {
  size_t records = 0;
  size_t withdrawn = 0;
  std::string newest_modified;
};

struct DbInfo {
  int schema_version = 0;
  std::string built_at;
  std::map<std::string, EcosystemCount> ecosystems;  // by source ecosystem
  std::vector<SourceInfo> sources;
};

// Read-only, lock-free access (SQLite "immutable" mode). Not thread-safe: one Reader per thread.
class Reader {
 public:
  static Result<Reader> open(const std::string& path);
  // Entries for a package; ecosystem and name as keyed by ecosystem_keys()/normalize_name().
  Result<void> lookup(std::string_view ecosystem, std::string_view name, std::vector<AffectedRow>& out);
  Result<Advisory> advisory(int64_t rowid);
  Result<DbInfo> info();
  Result<std::vector<SourceInfo>> sources();

 private:
  Reader(sql::Db db, sql::Stmt lookup, sql::Stmt advisory);
  sql::Db db_;
  sql::Stmt lookup_;
  sql::Stmt advisory_;
};

}  // namespace vigil::vulndb
