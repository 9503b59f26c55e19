// Layer cache: SQLite in WAL mode (readers never block the one writer; busy_timeout covers writer races between
// processes) holding one compact binary record per layer key.
#include "scan/image/layer_cache.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/sha256.hpp"
#include "scan/secrets/scanner.hpp"
#include "scan/vulndb/sqlite.hpp"

namespace vigil::scan::image_layers {
namespace {

// Bump when LayerFindings, the layer scan or this encoding change meaning.
constexpr uint32_t kFormatVersion = 1;
constexpr uint64_t kMaxCount = 100'000'000;  // sanity bound for any decoded count

class Encoder {
 public:
  void u64(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7F) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  bool u64(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return false;
      const auto byte = static_cast<unsigned char>(in_[pos_++]);
      v |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  bool count(uint64_t& n) { return u64(n) && n <= kMaxCount && n <= in_.size() - pos_ + 1; }
  template <class T>
  bool integer(T& v) {
    uint64_t raw = 0;
    if (!u64(raw)) return false;
    v = static_cast<T>(raw);
    return true;
  }
  bool str(std::string& s) {
    uint64_t n = 0;
    if (!u64(n) || n > in_.size() - pos_) return false;
    s.assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  [[nodiscard]] bool at_end() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

void encode_package(Encoder& e, const model::Package& p) {
  e.str(p.name);
  e.str(p.version);
  e.u64(static_cast<uint64_t>(p.ecosystem));
  e.str(p.location);
  e.u64(static_cast<uint64_t>(p.scope));
  e.u64(static_cast<uint64_t>(p.relation));
  e.str(p.source_name);
  e.str(p.source_version);
  e.str(p.arch);
  e.str(p.license);
}

bool decode_package(Decoder& d, model::Package& p) {
  return d.str(p.name) && d.str(p.version) && d.integer(p.ecosystem) && d.str(p.location) && d.integer(p.scope) &&
         d.integer(p.relation) && d.str(p.source_name) && d.str(p.source_version) && d.str(p.arch) && d.str(p.license);
}

void encode_secret(Encoder& e, const model::SecretFinding& s) {
  e.str(s.rule);
  e.str(s.title);
  e.u64(static_cast<uint64_t>(s.severity));
  e.str(s.path);
  e.u64(static_cast<uint64_t>(s.line));
  e.u64(static_cast<uint64_t>(s.column));
  e.str(s.redacted);
  e.str(s.fingerprint);
}

bool decode_secret(Decoder& d, model::SecretFinding& s) {
  return d.str(s.rule) && d.str(s.title) && d.integer(s.severity) && d.str(s.path) && d.integer(s.line) &&
         d.integer(s.column) && d.str(s.redacted) && d.str(s.fingerprint);
}

template <class T, class Fn>
void encode_list(Encoder& e, const std::vector<T>& items, Fn fn) {
  e.u64(items.size());
  for (const auto& item : items) fn(e, item);
}

template <class T, class Fn>
bool decode_list(Decoder& d, std::vector<T>& items, Fn fn) {
  uint64_t n = 0;
  if (!d.count(n)) return false;
  items.clear();  // grown as items decode, so a corrupt count cannot allocate ahead of the bytes
  for (uint64_t i = 0; i < n; ++i) {
    T item{};
    if (!fn(d, item)) return false;
    items.push_back(std::move(item));
  }
  return true;
}

}  // namespace

std::string default_layer_cache_path() {
  const std::string dir = secrets::default_cache_dir();
  return dir.empty() ? std::string() : dir + "/layers.db";
}

std::string layer_cache_key(std::string_view diff_id, const LayerScanOptions& options) {
  Sha256 h;
  h.update(fmt::format("vigil-layer/{}\n{}\n", kFormatVersion, diff_id));
  for (const auto& a : options.analyzers) h.update(fmt::format("analyzer {} {}\n", a.name, a.version));
  for (const FileScanner* s : options.file_scanners) h.update(fmt::format("scanner {}\n", s->cache_key()));
  return h.hex();
}

std::string encode_findings(const LayerFindings& f) {
  Encoder e;
  e.u64(kFormatVersion);
  encode_list(e, f.packages, encode_package);
  encode_list(e, f.os, [](Encoder& en, const model::OsInfo& os) {
    en.str(os.family);
    en.str(os.version);
    en.str(os.name);
    en.str(os.location);
  });
  encode_list(e, f.secrets, encode_secret);
  encode_list(e, f.warnings, [](Encoder& en, const Diagnostic& w) {
    en.str(w.file);
    en.u64(static_cast<uint64_t>(w.line));
    en.str(w.message);
  });
  encode_list(e, f.whiteouts, [](Encoder& en, const std::string& s) { en.str(s); });
  encode_list(e, f.opaque_dirs, [](Encoder& en, const std::string& s) { en.str(s); });
  encode_list(e, f.written, [](Encoder& en, uint64_t h) { en.u64(h); });
  encode_list(e, f.written_non_dirs, [](Encoder& en, uint64_t h) { en.u64(h); });
  e.u64(f.files);
  return e.take();
}

Result<LayerFindings> decode_findings(std::string_view bytes) {
  Decoder d(bytes);
  LayerFindings f;
  uint64_t version = 0;
  const bool ok =
      d.u64(version) && version == kFormatVersion && decode_list(d, f.packages, decode_package) &&
      decode_list(d, f.os,
                  [](Decoder& de, model::OsInfo& os) {
                    return de.str(os.family) && de.str(os.version) && de.str(os.name) && de.str(os.location);
                  }) &&
      decode_list(d, f.secrets, decode_secret) &&
      decode_list(
          d, f.warnings,
          [](Decoder& de, Diagnostic& w) { return de.str(w.file) && de.integer(w.line) && de.str(w.message); }) &&
      decode_list(d, f.whiteouts, [](Decoder& de, std::string& s) { return de.str(s); }) &&
      decode_list(d, f.opaque_dirs, [](Decoder& de, std::string& s) { return de.str(s); }) &&
      decode_list(d, f.written, [](Decoder& de, uint64_t& h) { return de.u64(h); }) &&
      decode_list(d, f.written_non_dirs, [](Decoder& de, uint64_t& h) { return de.u64(h); }) && d.u64(f.files) &&
      d.at_end();
  if (!ok) return fail("corrupt layer cache record");
  return f;
}

struct LayerCache::Impl {
  vulndb::sql::Db db;
};

LayerCache::LayerCache(std::unique_ptr<Impl> impl, std::string path) : impl_(std::move(impl)), path_(std::move(path)) {}
LayerCache::LayerCache(LayerCache&&) noexcept = default;
LayerCache& LayerCache::operator=(LayerCache&&) noexcept = default;
LayerCache::~LayerCache() = default;

Result<LayerCache> LayerCache::open(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    const std::string dir = path.substr(0, slash);
    // Parents first (mkdir -p), each private to the user: cached results name files and secrets' locations.
    for (size_t pos = 1; pos != std::string::npos;) {
      pos = dir.find('/', pos + 1);
      const std::string part = dir.substr(0, pos);
      if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
        return fail(fmt::format("layer cache {}: cannot create {}: {}", path, part, std::strerror(errno)));
      }
    }
  }
  auto db = vulndb::sql::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
  if (!db) return fail(fmt::format("layer cache {}: {}", path, db.error().message));
  sqlite3_busy_timeout(db->get(), 10000);
  auto setup = vulndb::sql::exec(db->get(),
                                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                 "CREATE TABLE IF NOT EXISTS layers (key TEXT PRIMARY KEY, data BLOB NOT NULL,"
                                 " stored TEXT NOT NULL DEFAULT (datetime('now'))) WITHOUT ROWID;");
  if (!setup) return fail(fmt::format("layer cache {}: {}", path, setup.error().message));
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  return LayerCache(std::move(impl), path);
}

std::optional<LayerFindings> LayerCache::get(const std::string& key) {
  auto stmt = vulndb::sql::Stmt::prepare(impl_->db.get(), "SELECT data FROM layers WHERE key = ?1");
  if (!stmt) return std::nullopt;
  stmt->bind(1, key);
  auto row = stmt->step();
  if (!row || !*row) return std::nullopt;
  auto decoded = decode_findings(stmt->text(0));
  stmt->reset();
  if (!decoded) return std::nullopt;
  return std::move(*decoded);
}

Result<void> LayerCache::put(const std::string& key, const LayerFindings& findings) {
  const std::string data = encode_findings(findings);
  auto stmt = vulndb::sql::Stmt::prepare(impl_->db.get(), "INSERT OR REPLACE INTO layers (key, data) VALUES (?1, ?2)");
  if (!stmt) return fail(fmt::format("layer cache {}: {}", path_, stmt.error().message));
  stmt->bind(1, key).bind(2, std::string_view(data));
  if (auto done = stmt->run(); !done) return fail(fmt::format("layer cache {}: {}", path_, done.error().message));
  return {};
}

}  // namespace vigil::scan::image_layers
