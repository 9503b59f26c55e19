// jar/war/ear/par archives read in memory with libarchive, nested archives included (WEB-INF/lib, BOOT-INF/lib,
// ear modules). Nothing is ever written to disk; depth, entry count and decompressed bytes are all bounded.
#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "formats/java.hpp"
#include "formats/java/jar_metadata.hpp"

namespace vigil::formats {
namespace {

using java::Coordinates;

constexpr int kMaxDepth = 4;                    // outer archive is depth 0
constexpr size_t kMaxMetadataEntry = 1U << 20;  // pom.properties and MANIFEST.MF are a few KiB
constexpr uint64_t kMaxBudget = 512ULL << 20;   // decompressed bytes read over the whole file
constexpr uint64_t kMinBudget = 32ULL << 20;
constexpr uint64_t kMaxRatio = 100;        // nested jars are stored or barely compressible
constexpr uint64_t kMaxEntries = 1000000;  // headers visited over the whole file
constexpr int kMaxUnsafeWarnings = 10;

// Limits shared by an archive and everything nested in it.
struct Walk {
  uint64_t budget = 0;  // decompressed bytes still allowed
  uint64_t entries = 0;
  int unsafe_names = 0;
  bool exhausted = false;  // the bomb warning was given; stop reading data
  std::string_view path;   // the outer file, prefix of nested packages' locations
  Parsed* out = nullptr;
};

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveCloser>;

// A zip being read from a ByteSource through libarchive's callbacks; kept at a stable address because
// libarchive holds a pointer to it.
class ZipReader {
 public:
  explicit ZipReader(const ByteSource& source) : source_(source), buffer_(64 * 1024) {}

  Result<archive*> open() {
    archive_.reset(archive_read_new());
    if (!archive_) {
      return fail("libarchive allocation failed");
    }
    archive* a = archive_.get();
    archive_read_support_format_zip(a);
    archive_read_set_callback_data(a, this);
    archive_read_set_read_callback(a, &ZipReader::read);
    archive_read_set_skip_callback(a, &ZipReader::skip);
    archive_read_set_seek_callback(a, &ZipReader::seek);  // lets libarchive use the central directory
    if (archive_read_open1(a) != ARCHIVE_OK) {
      return fail(fmt::format("not a zip archive: {}", archive_error_string(a) ? archive_error_string(a) : ""));
    }
    return a;
  }

 private:
  static la_ssize_t read(archive* a, void* self_ptr, const void** out) {
    auto* self = static_cast<ZipReader*>(self_ptr);
    auto n = self->source_.read_at(self->pos_, self->buffer_);
    if (!n) {
      archive_set_error(a, EIO, "%s", n.error().message.c_str());
      return ARCHIVE_FATAL;
    }
    self->pos_ += *n;
    *out = self->buffer_.data();
    return static_cast<la_ssize_t>(*n);
  }
  // Skipping entry data costs nothing: the next read starts further on.
  static la_int64_t skip(archive* /*a*/, void* self_ptr, la_int64_t request) {
    auto* self = static_cast<ZipReader*>(self_ptr);
    const uint64_t left = self->source_.size > self->pos_ ? self->source_.size - self->pos_ : 0;
    const auto n = std::min<uint64_t>(left, request > 0 ? static_cast<uint64_t>(request) : 0);
    self->pos_ += n;
    return static_cast<la_int64_t>(n);
  }

  static la_int64_t seek(archive* /*a*/, void* self_ptr, la_int64_t offset, int whence) {
    auto* self = static_cast<ZipReader*>(self_ptr);
    const auto size = static_cast<la_int64_t>(self->source_.size);
    const la_int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? static_cast<la_int64_t>(self->pos_) : size;
    const la_int64_t target = base + offset;
    if (target < 0 || target > size) {
      return ARCHIVE_FATAL;
    }
    self->pos_ = static_cast<uint64_t>(target);
    return target;
  }

  const ByteSource& source_;
  std::vector<char> buffer_;
  uint64_t pos_ = 0;
  ArchivePtr archive_;
};

std::string entry_name(archive_entry* entry) {
  const char* utf8 = archive_entry_pathname_utf8(entry);
  const char* raw = utf8 != nullptr ? utf8 : archive_entry_pathname(entry);
  return raw != nullptr ? std::string(raw) : std::string();
}

// Reads the current entry's data, at most `limit` bytes, charged to the walk's budget.
Result<std::string> read_data(archive* a, uint64_t limit, Walk& walk) {
  std::string data;
  char chunk[64 * 1024];
  for (;;) {
    const la_ssize_t n = archive_read_data(a, chunk, sizeof chunk);
    if (n < 0) {
      return fail(fmt::format("cannot decompress: {}", archive_error_string(a) ? archive_error_string(a) : "error"));
    }
    if (n == 0) {
      return data;
    }
    const auto size = static_cast<uint64_t>(n);
    if (size > walk.budget) {
      walk.budget = 0;
      return fail("decompressed size exceeds the budget for this file");
    }
    walk.budget -= size;
    if (data.size() + size > limit) {
      return fail(fmt::format("entry is larger than {} MiB", limit >> 20));
    }
    data.append(chunk, static_cast<size_t>(n));
  }
}

// location is relative to the outer file: empty for the file itself (the engine fills it in).
model::Package java_package(const Coordinates& c, const std::string& location, std::string_view path) {
  model::Package pkg;
  pkg.name = c.name();
  pkg.version = c.version;
  pkg.ecosystem = model::Ecosystem::Maven;
  if (!location.empty()) {
    pkg.location = fmt::format("{}!/{}", path, location);
  }
  return pkg;
}

void warn(Walk& walk, const std::string& where, const std::string& message) {
  walk.out->warnings.push_back({"", 0, where.empty() ? message : fmt::format("{}: {}", where, message)});
}

void scan_archive(const ByteSource& source, const std::string& location, std::string_view file_name, int depth,
                  Walk& walk);

// What one archive says about itself, gathered over its entries and turned into packages at the end.
struct Identity {
  std::vector<Coordinates> poms;
  std::string manifest;
};

void visit_nested(archive* a, const std::string& name, const std::string& location, int depth, Walk& walk) {
  const std::string nested_location = location.empty() ? name : fmt::format("{}!/{}", location, name);
  if (depth + 1 > kMaxDepth) {
    warn(walk, nested_location, fmt::format("archive nested deeper than {} levels; not read", kMaxDepth));
    return;
  }
  auto data = read_data(a, kMaxBudget, walk);
  if (!data) {
    if (walk.budget == 0 && !walk.exhausted) {
      walk.exhausted = true;
      warn(walk, nested_location, "decompressed size exceeds the limit for this archive (zip bomb?); stopped reading");
    } else if (!walk.exhausted) {
      warn(walk, nested_location, data.error().message);
    }
    return;
  }
  scan_archive(ByteSource::of(*data), nested_location, base_name(name), depth + 1, walk);
}

void visit_entry(archive* a, archive_entry* entry, const std::string& location, int depth, Identity& id, Walk& walk) {
  const std::string name = entry_name(entry);
  if (java::unsafe_entry_name(name) && ++walk.unsafe_names <= kMaxUnsafeWarnings) {
    warn(walk, location, fmt::format("archive entry with an unsafe path \"{}\" (not extracted)", name.substr(0, 200)));
  }
  if (archive_entry_filetype(entry) != AE_IFREG || walk.exhausted) {
    return;
  }
  std::string group;
  std::string artifact;
  if (java::is_pom_properties(name, &group, &artifact)) {
    auto text = read_data(a, kMaxMetadataEntry, walk);
    if (text) {
      id.poms.push_back(java::parse_pom_properties(*text, group, artifact));
    } else {
      warn(walk, location, fmt::format("{}: {}", name, text.error().message));
    }
  } else if (name == "META-INF/MANIFEST.MF") {
    auto text = read_data(a, kMaxMetadataEntry, walk);
    if (text) {
      id.manifest = std::move(*text);
    }
  } else if (java::is_nested_archive(name)) {
    visit_nested(a, name, location, depth, walk);
  }
}

// Packages for the archive itself: every pom.properties (shaded jars carry several), else the manifest,
// else the file name.
void emit_identity(const Identity& id, const std::string& location, std::string_view file_name, Walk& walk) {
  std::set<std::string> seen;
  for (const auto& c : id.poms) {
    if (!seen.insert(c.name() + "@" + c.version).second) {
      continue;
    }
    if (c.version.empty()) {
      warn(walk, location, fmt::format("pom.properties of {} has no version", c.name()));
    }
    walk.out->packages.push_back(java_package(c, location, walk.path));
  }
  if (!id.poms.empty()) {
    return;
  }
  if (auto c = java::parse_manifest(id.manifest)) {
    walk.out->packages.push_back(java_package(*c, location, walk.path));
  } else if (auto f = java::parse_file_name(file_name)) {
    walk.out->packages.push_back(java_package(*f, location, walk.path));
  }
}

// location: "" for the file itself, "WEB-INF/lib/x.jar" or "lib/a.war!/WEB-INF/lib/x.jar" when nested.
void scan_archive(const ByteSource& source, const std::string& location, std::string_view file_name, int depth,
                  Walk& walk) {
  ZipReader reader(source);
  auto a = reader.open();
  if (!a) {
    warn(walk, location, a.error().message);
    return;
  }
  Identity id;
  archive_entry* entry = nullptr;
  int rc = ARCHIVE_OK;
  while ((rc = archive_read_next_header(*a, &entry)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
    if (++walk.entries > kMaxEntries) {
      warn(walk, location, fmt::format("more than {} archive entries; stopped reading", kMaxEntries));
      return;
    }
    visit_entry(*a, entry, location, depth, id, walk);
  }
  if (rc != ARCHIVE_EOF) {
    const char* err = archive_error_string(*a);
    warn(walk, location, fmt::format("archive is damaged: {}", err ? err : "read error"));
  }
  emit_identity(id, location, file_name, walk);
}

}  // namespace

Result<Parsed> parse_jar_source(std::string_view path, const ByteSource& source) {
  {
    // A file that is not a zip at all is an error, not a warning: check the first header before walking.
    ZipReader reader(source);
    auto a = reader.open();
    if (!a) {
      return fail(a.error().message);
    }
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(*a, &entry);
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN && rc != ARCHIVE_EOF) {
      const char* err = archive_error_string(*a);
      return fail(fmt::format("not a readable zip archive: {}", err ? err : "read error"));
    }
  }
  Parsed parsed;
  Walk walk;
  walk.out = &parsed;
  walk.path = path;
  walk.budget = std::min(kMaxBudget, std::max(kMinBudget, kMaxRatio * source.size));
  scan_archive(source, "", base_name(path), 0, walk);
  if (walk.unsafe_names > kMaxUnsafeWarnings) {
    parsed.warnings.push_back(
        {"", 0, fmt::format("{} more archive entries with unsafe paths", walk.unsafe_names - kMaxUnsafeWarnings)});
  }
  return parsed;
}

Result<Parsed> parse_jar(std::string_view path, std::string_view bytes) {
  return parse_jar_source(path, ByteSource::of(bytes));
}

}  // namespace vigil::formats
