// Read-only access to the vulnerability DB (see vulndb.hpp). The file is opened "immutable": writers never
// change it in place (they rename a new file over it), so SQLite can skip all locking and many processes
// read at once.
#include <fmt/format.h>

#include <cstdlib>

#include "core/strings.hpp"
#include "scan/vulndb/ecosystems.hpp"
#include "scan/vulndb/schema.hpp"
#include "scan/vulndb/vulndb.hpp"

namespace vigil::vulndb {
namespace {

// SQLite URI filenames: '%', '?' and '#' must be escaped in the path part.
std::string uri_for(const std::string& path) {
  std::string out = "file:";
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out + "?immutable=1";
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  for (const auto line : split(text, '\n')) {
    if (!line.empty()) {
      out.emplace_back(line);
    }
  }
  return out;
}

}  // namespace

std::string default_db_path() {
  if (const char* p = std::getenv("VIGIL_DB"); p != nullptr && *p != '\0') {
    return p;
  }
  if (const char* p = std::getenv("XDG_DATA_HOME"); p != nullptr && *p == '/') {
    return std::string(p) + "/vigil/vuln.db";
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && *home != '\0' ? home : ".") + "/.local/share/vigil/vuln.db";
}

Reader::Reader(sql::Db db, sql::Stmt lookup, sql::Stmt advisory)
    : db_(std::move(db)), lookup_(std::move(lookup)), advisory_(std::move(advisory)) {}

Result<Reader> Reader::open(const std::string& path) {
  auto db = sql::open(uri_for(path), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX);
  if (!db) {
    return fail(
        fmt::format("cannot open the vulnerability DB {}: {} (create it with `vigil db import` or "
                    "`vigil db update`)",
                    path, db.error().message));
  }
  const int found = stored_schema_version(db->get());
  if (found == 0) {
    return fail(fmt::format("{} is not a Vigil vulnerability DB (no schema version)", path));
  }
  if (found != kSchemaVersion) {
    return fail(
        fmt::format("{} has DB schema version {}, this vigil reads version {}: rebuild it with "
                    "`vigil db update` or `vigil db import`",
                    path, found, kSchemaVersion));
  }
  auto lookup =
      sql::Stmt::prepare(db->get(), "SELECT advisory, ranges FROM affected WHERE ecosystem = ?1 AND name = ?2");
  auto advisory = sql::Stmt::prepare(
      db->get(), "SELECT id, modified, withdrawn, summary, aliases, severity FROM advisories WHERE rowid = ?1");
  if (!lookup || !advisory) {
    return fail(fmt::format("{} is not a Vigil vulnerability DB", path));
  }
  return Reader(std::move(*db), std::move(*lookup), std::move(*advisory));
}

Result<void> Reader::lookup(std::string_view ecosystem, std::string_view name, std::vector<AffectedRow>& out) {
  lookup_.bind(1, ecosystem).bind(2, name);
  for (;;) {
    auto row = lookup_.step();
    if (!row) {
      return fail("vulnerability DB lookup failed: " + row.error().message);
    }
    if (!*row) {
      return {};
    }
    out.push_back({lookup_.integer(0), std::string(lookup_.text(1))});
  }
}

Result<Advisory> Reader::advisory(int64_t rowid) {
  advisory_.bind(1, rowid);
  auto row = advisory_.step();
  if (!row || !*row) {
    return fail(fmt::format("vulnerability DB: advisory {} missing", rowid));
  }
  Advisory adv;
  adv.id = advisory_.text(0);
  adv.modified = advisory_.text(1);
  adv.withdrawn = advisory_.text(2);
  adv.summary = advisory_.text(3);
  adv.aliases = lines_of(advisory_.text(4));
  for (const auto& line : lines_of(advisory_.text(5))) {
    const size_t tab = line.find('\t');
    if (tab != std::string::npos) {
      adv.severity.push_back({line.substr(0, tab), line.substr(tab + 1)});
    }
  }
  advisory_.reset();
  return adv;
}

Result<std::vector<SourceInfo>> Reader::sources() {
  auto stmt = sql::Stmt::prepare(
      db_.get(), "SELECT ecosystem, origin, imported_at, etag, last_modified, sha256 FROM sources ORDER BY ecosystem");
  if (!stmt) {
    return tl::unexpected(stmt.error());
  }
  std::vector<SourceInfo> out;
  for (auto row = stmt->step(); row && *row; row = stmt->step()) {
    out.push_back({std::string(stmt->text(0)), std::string(stmt->text(1)), std::string(stmt->text(2)),
                   std::string(stmt->text(3)), std::string(stmt->text(4)), std::string(stmt->text(5))});
  }
  return out;
}

Result<DbInfo> Reader::info() {
  DbInfo info;
  info.schema_version = kSchemaVersion;
  auto built = sql::Stmt::prepare(db_.get(), "SELECT value FROM meta WHERE key = 'built_at'");
  if (built) {
    if (auto row = built->step(); row && *row) {
      info.built_at = built->text(0);
    }
  }
  auto counts = sql::Stmt::prepare(db_.get(),
                                   "SELECT source, COUNT(*), SUM(withdrawn != ''), MAX(modified) FROM advisories "
                                   "GROUP BY source");
  if (!counts) {
    return tl::unexpected(counts.error());
  }
  for (auto row = counts->step(); row && *row; row = counts->step()) {
    info.ecosystems[std::string(counts->text(0))] = {
        static_cast<size_t>(counts->integer(1)), static_cast<size_t>(counts->integer(2)), std::string(counts->text(3))};
  }
  auto sources = this->sources();
  if (!sources) {
    return tl::unexpected(sources.error());
  }
  info.sources = std::move(*sources);
  return info;
}

}  // namespace vigil::vulndb
