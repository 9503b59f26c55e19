// rpm databases: the SQLite rpmdb (RHEL 9+, Fedora 33+, SUSE) read from memory, its RPM header blobs,
// and a clear warning for the BerkeleyDB / NDB databases of older systems, which we do not read.
#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "core/strings.hpp"
#include "formats/os.hpp"
#include "formats/os/osdb.hpp"

namespace vigil::formats {
namespace {

// Tags and types from rpm's rpmtag.h.
enum class Tag : uint32_t {
  Name = 1000,
  Version = 1001,
  Release = 1002,
  Epoch = 1003,
  License = 1014,
  Arch = 1022,
  SourceRpm = 1044,
};
constexpr uint32_t kTypeInt32 = 4;
constexpr uint32_t kTypeString = 6;
constexpr uint32_t kTypeStringArray = 8;
constexpr uint32_t kTypeI18nString = 9;
// rpm's own ceilings (header_internal.h): HEADER_TAGS_MAX and HEADER_DATA_MAX.
constexpr uint32_t kMaxTags = 0xffff;
constexpr uint32_t kMaxData = 0x0fffffff;
// SQLite virtual-machine budget: progress callbacks (every 1000 instructions) before the query is cut off.
constexpr int kMaxProgressCalls = 200000;

uint32_t be32(std::string_view s, size_t at) {
  const auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[at + i])); };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

// A header blob as stored in the rpmdb: int32 il, int32 dl, il index entries of 16 bytes, dl bytes of data.
class HeaderView {
 public:
  static Result<HeaderView> open(std::string_view blob) {
    if (blob.size() < 8) {
      return fail("header blob of " + std::to_string(blob.size()) + " bytes is truncated");
    }
    const uint32_t il = be32(blob, 0);
    const uint32_t dl = be32(blob, 4);
    if (il == 0 || il > kMaxTags || dl > kMaxData) {
      return fail("header blob has an invalid size (" + std::to_string(il) + " tags, " + std::to_string(dl) +
                  " data bytes)");
    }
    const uint64_t need = 8 + uint64_t{il} * 16 + dl;
    if (need > blob.size()) {
      return fail("header blob is truncated (" + std::to_string(blob.size()) + " of " + std::to_string(need) +
                  " bytes)");
    }
    return HeaderView(blob.substr(8, size_t{il} * 16), blob.substr(8 + size_t{il} * 16, dl), il);
  }

  // The string value of a tag (the first one for arrays and translated strings), if present and well formed.
  [[nodiscard]] std::optional<std::string_view> string(Tag tag) const {
    const auto e = find(tag);
    if (!e || (e->type != kTypeString && e->type != kTypeStringArray && e->type != kTypeI18nString) || e->count == 0 ||
        e->offset >= data_.size()) {
      return std::nullopt;
    }
    const std::string_view rest = data_.substr(e->offset);
    const size_t end = rest.find('\0');
    if (end == std::string_view::npos) {
      return std::nullopt;
    }
    return rest.substr(0, end);
  }

  [[nodiscard]] std::optional<uint32_t> int32(Tag tag) const {
    const auto e = find(tag);
    if (!e || e->type != kTypeInt32 || e->count == 0 || uint64_t{e->offset} + 4 > data_.size()) {
      return std::nullopt;
    }
    return be32(data_, e->offset);
  }

 private:
  struct Entry {
    uint32_t type;
    uint32_t offset;
    uint32_t count;
  };

  HeaderView(std::string_view index, std::string_view data, uint32_t count)
      : index_(index), data_(data), count_(count) {}

  [[nodiscard]] std::optional<Entry> find(Tag tag) const {
    for (uint32_t i = 0; i < count_; ++i) {
      const size_t at = size_t{i} * 16;
      if (be32(index_, at) == static_cast<uint32_t>(tag)) {
        return Entry{be32(index_, at + 4), be32(index_, at + 8), be32(index_, at + 12)};
      }
    }
    return std::nullopt;
  }

  std::string_view index_;
  std::string_view data_;
  uint32_t count_;
};

// "glibc-2.34-60.el9.src.rpm" -> ("glibc", "2.34-60.el9"); false when it does not have that shape.
bool split_source_rpm(std::string_view srpm, std::string& name, std::string& version_release) {
  for (const std::string_view suffix : {".src.rpm", ".nosrc.rpm"}) {
    if (ends_with(srpm, suffix)) {
      srpm.remove_suffix(suffix.size());
      const size_t rel = srpm.rfind('-');
      if (rel == std::string_view::npos || rel == 0) {
        return false;
      }
      const size_t ver = srpm.rfind('-', rel - 1);
      if (ver == std::string_view::npos || ver == 0 || ver + 1 == rel || rel + 1 == srpm.size()) {
        return false;
      }
      name = std::string(srpm.substr(0, ver));
      version_release = std::string(srpm.substr(ver + 1));
      return true;
    }
  }
  return false;
}

// One Packages row: a package, nothing for the gpg-pubkey pseudo-packages, or why the blob is unusable.
Result<std::optional<model::Package>> read_package(std::string_view blob) {
  auto header = HeaderView::open(blob);
  if (!header) {
    return tl::unexpected(header.error());
  }
  const auto name = header->string(Tag::Name);
  const auto version = header->string(Tag::Version);
  const auto release = header->string(Tag::Release);
  if (!name || !version || !release || !osdb::is_token(*name) || !osdb::is_token(*version) ||
      !osdb::is_token(*release)) {
    return fail("header without a valid NAME, VERSION and RELEASE");
  }
  if (*name == "gpg-pubkey") {
    return std::optional<model::Package>{};  // an imported signing key, not software (Trivy skips them too)
  }
  model::Package pkg;
  pkg.ecosystem = model::Ecosystem::Rpm;
  pkg.name = std::string(*name);
  const uint32_t epoch = header->int32(Tag::Epoch).value_or(0);
  const std::string epoch_prefix = epoch == 0 ? "" : std::to_string(epoch) + ":";
  pkg.version = epoch_prefix + std::string(*version) + "-" + std::string(*release);
  pkg.arch = std::string(header->string(Tag::Arch).value_or(""));
  pkg.license = std::string(header->string(Tag::License).value_or(""));
  std::string source_version;
  if (split_source_rpm(header->string(Tag::SourceRpm).value_or(""), pkg.source_name, source_version)) {
    pkg.source_version = epoch_prefix + source_version;  // a source rpm name has no epoch: the binary's applies
  } else {
    pkg.source_name = pkg.name;
    pkg.source_version = pkg.version;
  }
  return std::optional<model::Package>(std::move(pkg));
}

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalize {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

int on_progress(void* calls) {
  return ++*static_cast<int*>(calls) > kMaxProgressCalls ? 1 : 0;
}

// An in-memory, read-only view of image, locked down: no triggers, views or schema functions, no disk.
Result<Db> open_in_memory(std::string& image, int& progress_calls) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK || !db) {
    return fail("cannot open an in-memory SQLite database");
  }
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  sqlite3_progress_handler(db.get(), 1000, on_progress, &progress_calls);
  rc = sqlite3_exec(db.get(), "PRAGMA temp_store = MEMORY", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return fail(std::string("cannot configure SQLite: ") + sqlite3_errmsg(db.get()));
  }
  auto* data = reinterpret_cast<unsigned char*>(image.data());
  rc = sqlite3_deserialize(db.get(), "main", data, static_cast<sqlite3_int64>(image.size()),
                           static_cast<sqlite3_int64>(image.size()), SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK) {
    return fail(std::string("cannot load the SQLite database: ") + sqlite3_errmsg(db.get()));
  }
  return db;
}

// Reads every row of Packages; returns an error only when not one row could be read.
Result<Parsed> read_packages(sqlite3* db) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return fail(std::string("not an rpm database (cannot read table Packages): ") + sqlite3_errmsg(db));
  }
  Stmt stmt(raw);
  Parsed parsed;
  osdb::Warnings warnings(parsed.warnings);
  size_t rows = 0;
  while (true) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) {
      break;
    }
    if (rc != SQLITE_ROW) {
      if (rows == 0) {
        return fail(std::string("cannot read table Packages: ") + sqlite3_errmsg(db));
      }
      warnings.add(0, std::string("stopped reading table Packages: ") + sqlite3_errmsg(db));
      break;
    }
    ++rows;
    const sqlite3_int64 hnum = sqlite3_column_int64(stmt.get(), 0);
    const void* blob = sqlite3_column_blob(stmt.get(), 1);
    const int size = sqlite3_column_bytes(stmt.get(), 1);
    if (sqlite3_column_type(stmt.get(), 1) != SQLITE_BLOB || blob == nullptr || size <= 0) {
      warnings.add(0, "package " + std::to_string(hnum) + ": no header blob; skipped");
      continue;
    }
    auto pkg = read_package(std::string_view(static_cast<const char*>(blob), static_cast<size_t>(size)));
    if (!pkg) {
      warnings.add(0, "package " + std::to_string(hnum) + ": " + pkg.error().message + "; skipped");
    } else if (*pkg) {
      parsed.packages.push_back(std::move(**pkg));
    }
  }
  return parsed;
}

}  // namespace

Result<Parsed> parse_rpmdb_sqlite(std::string_view /*path*/, std::string_view bytes) {
  static constexpr std::string_view kMagic("SQLite format 3\0", 16);
  if (bytes.size() < 100 || bytes.substr(0, kMagic.size()) != kMagic) {
    return fail("not an SQLite database (bad header)");
  }
  try {
    // Our own copy: SQLite reads it in place, and rpm leaves databases in WAL mode (header bytes 18-19 = 2),
    // which the in-memory VFS cannot open; the -wal file is not part of the input, so read it as rollback mode.
    std::string image(bytes);
    if (image[18] == 2 || image[19] == 2) {
      image[18] = 1;
      image[19] = 1;
    }
    int progress_calls = 0;
    auto db = open_in_memory(image, progress_calls);
    if (!db) {
      return tl::unexpected(db.error());
    }
    return read_packages(db->get());
  } catch (const std::exception& e) {  // e.g. std::bad_alloc: report it, never let it escape
    return fail(std::string("cannot read the rpm database: ") + e.what());
  }
}

Result<Parsed> parse_rpmdb_unsupported(std::string_view /*path*/, std::string_view bytes) {
  Parsed parsed;
  if (bytes.empty()) {
    return parsed;
  }
  std::string format = "BerkeleyDB/NDB";
  if (bytes.substr(0, 4) == "RpmP") {
    format = "NDB";
  } else if (bytes.size() >= 16) {
    // Berkeley DB writes its metadata page in the host's byte order.
    const uint32_t magic = be32(bytes, 12);
    const uint32_t swapped = ((magic & 0xff) << 24) | ((magic & 0xff00) << 8) | ((magic >> 8) & 0xff00) | (magic >> 24);
    if (magic == 0x00061561 || swapped == 0x00061561) {
      format = "BerkeleyDB";
    }
  }
  parsed.warnings.push_back(
      {"", 0, "rpm database in " + format + " format is not supported; only the SQLite rpmdb (rpmdb.sqlite) is read"});
  return parsed;
}

}  // namespace vigil::formats
