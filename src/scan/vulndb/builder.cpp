// Builds a new vulnerability DB beside the old one and swaps it in (see vulndb.hpp).
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/clock.hpp"
#include "core/strings.hpp"
#include "core/unique_fd.hpp"
#include "scan/vulndb/affected_codec.hpp"
#include "scan/vulndb/ecosystems.hpp"
#include "scan/vulndb/schema.hpp"
#include "scan/vulndb/vulndb.hpp"

namespace vigil::vulndb {

struct Builder::State {
  std::string path;
  std::string temp_path;
  sql::Db db;
  std::optional<sql::Stmt> find, remove_affected, remove_advisory, insert_advisory, insert_affected;
  bool committed = false;

  ~State() {
    if (!committed && !temp_path.empty()) {
      db.reset();
      ::unlink(temp_path.c_str());
    }
  }
};

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!item.empty() && item.find('\n') == std::string::npos) {
      out += item + "\n";
    }
  }
  return out;
}

std::string severity_lines(const formats::osv::Record& rec) {
  std::string out;
  const auto add = [&](std::string_view type, std::string_view score) {
    if (score.find_first_of("\t\n") == std::string_view::npos && type.find_first_of("\t\n") == std::string_view::npos) {
      out += fmt::format("{}\t{}\n", type, score);
    }
  };
  for (const auto& s : rec.severity) {
    add(s.type, s.score);
  }
  if (!rec.database_severity.empty()) {
    add("database", rec.database_severity);
  }
  return out;
}

Result<void> fsync_path(const std::string& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) {
    return fail(fmt::format("cannot sync {}: {}", path, std::strerror(errno)));
  }
  return {};
}

Result<bool> copy_existing(const std::string& from, const std::string& to) {
  std::error_code ec;
  if (!std::filesystem::exists(from, ec)) {
    return false;
  }
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    return fail(fmt::format("cannot copy {} to {}: {}", from, to, ec.message()));
  }
  return true;
}

}  // namespace

Builder::Builder(std::unique_ptr<State> state) : state_(std::move(state)) {}
Builder::Builder(Builder&&) noexcept = default;
Builder& Builder::operator=(Builder&&) noexcept = default;
Builder::~Builder() = default;

Result<Builder> Builder::begin(const std::string& path) {
  auto state = std::make_unique<State>();
  state->path = path;
  state->temp_path = fmt::format("{}.tmp-{}", path, ::getpid());
  std::error_code ec;
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) {
    std::filesystem::create_directories(dir, ec);
  }
  auto copied = copy_existing(path, state->temp_path);
  if (!copied) {
    return tl::unexpected(copied.error());
  }
  auto db = sql::open(state->temp_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) {
    return fail(fmt::format("cannot create {}: {}", state->temp_path, db.error().message));
  }
  state->db = std::move(*db);
  sqlite3* raw = state->db.get();
  if (*copied && stored_schema_version(raw) != kSchemaVersion) {
    // Another schema: start afresh rather than mix layouts; the caller's imports rebuild what it needs.
    state->db.reset();
    ::unlink(state->temp_path.c_str());
    auto fresh = sql::open(state->temp_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!fresh) {
      return fail(fmt::format("cannot create {}: {}", state->temp_path, fresh.error().message));
    }
    state->db = std::move(*fresh);
    raw = state->db.get();
    *copied = false;
  }
  // The temp file is private until the rename: no journal, no syncs until commit.
  if (auto ok = sql::exec(raw,
                          "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"
                          "BEGIN");
      !ok) {
    return fail(fmt::format("cannot configure {}: {}", state->temp_path, ok.error().message));
  }
  if (!*copied) {
    if (auto ok = sql::exec(raw, kSchemaSql); !ok) {
      return fail(fmt::format("cannot create the schema in {}: {}", state->temp_path, ok.error().message));
    }
  }
  const auto prepare = [&](std::optional<sql::Stmt>& slot, std::string_view text) -> Result<void> {
    auto stmt = sql::Stmt::prepare(raw, text);
    if (!stmt) {
      return fail(fmt::format("{} is not a Vigil vulnerability DB: {}", path, stmt.error().message));
    }
    slot.emplace(std::move(*stmt));
    return {};
  };
  for (auto ok : {prepare(state->find, "SELECT rowid, modified FROM advisories WHERE id = ?1"),
                  prepare(state->remove_affected, "DELETE FROM affected WHERE advisory = ?1"),
                  prepare(state->remove_advisory, "DELETE FROM advisories WHERE rowid = ?1"),
                  prepare(state->insert_advisory,
                          "INSERT INTO advisories(id, source, modified, withdrawn, summary, aliases, severity) "
                          "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
                  prepare(state->insert_affected,
                          "INSERT OR IGNORE INTO affected(ecosystem, name, advisory, seq, ranges) "
                          "VALUES(?1, ?2, ?3, ?4, ?5)")}) {
    if (!ok) {
      return tl::unexpected(ok.error());
    }
  }
  return Builder(std::move(state));
}

Result<void> Builder::add_record(const formats::osv::Record& rec, ImportStats& stats) {
  auto& s = *state_;
  s.find->bind(1, rec.id);
  auto found = s.find->step();
  if (!found) {
    return tl::unexpected(found.error());
  }
  if (*found) {
    const int64_t rowid = s.find->integer(0);
    const bool newer_stored = std::string(s.find->text(1)) > rec.modified;
    s.find->reset();
    if (newer_stored) {
      ++stats.unchanged;
      return {};
    }
    if (auto ok = s.remove_affected->bind(1, rowid).run(); !ok) {
      return ok;
    }
    if (auto ok = s.remove_advisory->bind(1, rowid).run(); !ok) {
      return ok;
    }
  }
  const std::string source =
      rec.affected.empty() ? std::string("unknown") : std::string(ecosystem_base(rec.affected.front().ecosystem));
  s.insert_advisory->bind(1, rec.id).bind(2, source).bind(3, rec.modified).bind(4, rec.withdrawn);
  s.insert_advisory->bind(5, rec.summary).bind(6, joined(rec.aliases)).bind(7, severity_lines(rec));
  if (auto ok = s.insert_advisory->run(); !ok) {
    return ok;
  }
  ++stats.records;
  if (!rec.withdrawn.empty()) {
    ++stats.withdrawn;
    return {};  // kept for `db info`, but with no affected rows it can never match
  }
  const int64_t rowid = sqlite3_last_insert_rowid(s.db.get());
  int64_t seq = 0;
  for (auto affected : rec.affected) {
    if (affected.name.empty() || affected.ecosystem.empty()) {
      continue;  // purl-only entries carry no OSV ecosystem/name to key on
    }
    if (const auto compare = versions::comparator_for(affected.ecosystem)) {
      normalize_affected(affected, *compare);
    }
    s.insert_affected->bind(1, ecosystem_key(affected.ecosystem))
        .bind(2, normalize_name(affected.ecosystem, affected.name))
        .bind(3, rowid)
        .bind(4, seq++)
        .bind(5, encode_affected(affected));
    if (auto ok = s.insert_affected->run(); !ok) {
      return ok;
    }
  }
  return {};
}

Result<void> Builder::remove_ecosystem(std::string_view ecosystem) {
  auto stmt = sql::Stmt::prepare(
      state_->db.get(), "DELETE FROM affected WHERE advisory IN (SELECT rowid FROM advisories WHERE source = ?1)");
  if (!stmt) {
    return tl::unexpected(stmt.error());
  }
  if (auto ok = stmt->bind(1, ecosystem).run(); !ok) {
    return ok;
  }
  auto adv = sql::Stmt::prepare(state_->db.get(), "DELETE FROM advisories WHERE source = ?1");
  if (!adv) {
    return tl::unexpected(adv.error());
  }
  return adv->bind(1, ecosystem).run();
}

Result<void> Builder::set_source(const SourceInfo& src) {
  auto stmt = sql::Stmt::prepare(state_->db.get(),
                                 "INSERT OR REPLACE INTO sources(ecosystem, origin, imported_at, etag, last_modified, "
                                 "sha256) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt) {
    return tl::unexpected(stmt.error());
  }
  stmt->bind(1, src.ecosystem)
      .bind(2, src.origin)
      .bind(3, src.imported_at.empty() ? utc_now_rfc3339() : src.imported_at);
  stmt->bind(4, src.etag).bind(5, src.last_modified).bind(6, src.sha256);
  return stmt->run();
}

Result<void> Builder::commit() {
  auto& s = *state_;
  const std::string meta =
      fmt::format("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '{}'), ('built_at', '{}'); COMMIT;",
                  kSchemaVersion, utc_now_rfc3339());
  if (auto ok = sql::exec(s.db.get(), meta.c_str()); !ok) {
    return fail(fmt::format("cannot write {}: {}", s.temp_path, ok.error().message));
  }
  s.find.reset();
  s.remove_affected.reset();
  s.remove_advisory.reset();
  s.insert_advisory.reset();
  s.insert_affected.reset();
  if (sqlite3_close_v2(s.db.release()) != SQLITE_OK) {
    return fail(fmt::format("cannot close {}", s.temp_path));
  }
  if (auto ok = fsync_path(s.temp_path, O_RDONLY); !ok) {
    return ok;
  }
  if (::rename(s.temp_path.c_str(), s.path.c_str()) != 0) {
    return fail(fmt::format("cannot rename {} to {}: {}", s.temp_path, s.path, std::strerror(errno)));
  }
  s.committed = true;
  const std::string dir = std::string(dir_name(s.path));
  return fsync_path(dir.empty() ? (starts_with(s.path, "/") ? "/" : ".") : dir, O_RDONLY | O_DIRECTORY);
}

}  // namespace vigil::vulndb
