// Reads OSV data as osv.dev publishes it (all.zip archives, directories of records, single records) into a
// Builder. Archives are streamed with libarchive; each entry is bounded in size.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "core/strings.hpp"
#include "scan/vulndb/vulndb.hpp"

namespace vigil::vulndb {
namespace {

// The largest real OSV record is a few MB (long PyPI version lists); anything bigger is hostile.
constexpr int64_t kMaxRecordBytes = int64_t{32} << 20;
constexpr size_t kMaxEntries = size_t{20} << 20;

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

// One record's bytes -> the builder; an unreadable record is a warning, not a failed import.
Result<void> add_bytes(Builder& builder, std::string_view where, std::string_view bytes, ImportStats& stats) {
  auto rec = formats::osv::parse_osv_record(bytes);
  if (!rec) {
    ++stats.failed;
    stats.warnings.push_back({std::string(where), 0, rec.error().message});
    return {};
  }
  return builder.add_record(*rec, stats);
}

Result<void> import_archive(Builder& builder, archive* a, const std::string& name, ImportStats& stats,
                            const ProgressFn& progress) {
  archive_entry* entry = nullptr;
  std::string bytes;
  size_t entries = 0;
  for (;;) {
    const int rc = archive_read_next_header(a, &entry);
    if (rc == ARCHIVE_EOF) {
      return {};
    }
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return fail(fmt::format("{}: not a readable zip archive: {}", name, archive_error_string(a)));
    }
    if (++entries > kMaxEntries) {
      return fail(fmt::format("{}: more than {} entries", name, kMaxEntries));
    }
    const char* path = archive_entry_pathname(entry);
    const std::string where = fmt::format("{}!{}", name, path == nullptr ? "?" : path);
    if (archive_entry_filetype(entry) != AE_IFREG || path == nullptr || !ends_with(path, ".json")) {
      continue;
    }
    if (archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) > kMaxRecordBytes) {
      ++stats.failed;
      stats.warnings.push_back({where, 0, "record larger than 32 MiB, skipped"});
      continue;
    }
    bytes.clear();
    char buf[65536];
    la_ssize_t n = 0;
    bool too_big = false;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
      if (static_cast<int64_t>(bytes.size()) + n > kMaxRecordBytes) {
        too_big = true;  // sizes in zip headers can lie: the cap holds on what is actually inflated
        break;
      }
      bytes.append(buf, static_cast<size_t>(n));
    }
    if (n < 0) {
      return fail(fmt::format("{}: {}", where, archive_error_string(a)));
    }
    if (too_big) {
      ++stats.failed;
      stats.warnings.push_back({where, 0, "record larger than 32 MiB, skipped"});
      continue;
    }
    if (auto ok = add_bytes(builder, where, bytes, stats); !ok) {
      return ok;
    }
    if (progress && entries % 1024 == 0) {
      progress(stats.records + stats.unchanged + stats.failed);
    }
  }
}

ArchivePtr new_zip_reader() {
  ArchivePtr a(archive_read_new());
  archive_read_support_format_zip(a.get());
  return a;
}

Result<std::string> read_small_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  }
  std::string bytes;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes.append(buf, static_cast<size_t>(in.gcount()));
    if (static_cast<int64_t>(bytes.size()) > kMaxRecordBytes) {
      return fail(fmt::format("{}: record larger than 32 MiB", path.string()));
    }
  }
  return bytes;
}

Result<void> import_file(Builder& builder, const std::filesystem::path& path, ImportStats& stats) {
  auto bytes = read_small_file(path);
  if (!bytes) {
    ++stats.failed;
    stats.warnings.push_back({path.string(), 0, bytes.error().message});
    return {};
  }
  return add_bytes(builder, path.string(), *bytes, stats);
}

// Every *.json under dir, sorted for a deterministic import; symlinks are not followed.
Result<void> import_directory(Builder& builder, const std::string& dir, ImportStats& stats,
                              const ProgressFn& progress) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec) && it->path().extension() == ".json") {
      files.push_back(it->path());
    }
  }
  if (ec) {
    return fail(fmt::format("{}: cannot read directory: {}", dir, ec.message()));
  }
  std::sort(files.begin(), files.end());
  for (size_t i = 0; i < files.size(); ++i) {
    if (auto ok = import_file(builder, files[i], stats); !ok) {
      return ok;
    }
    if (progress && i % 1024 == 0) {
      progress(i);
    }
  }
  return {};
}

}  // namespace

Result<void> Builder::import_zip_fd(int fd, const std::string& name, ImportStats& stats, const ProgressFn& progress) {
  ArchivePtr a = new_zip_reader();
  if (archive_read_open_fd(a.get(), fd, 1 << 16) != ARCHIVE_OK) {
    return fail(fmt::format("{}: not a readable zip archive: {}", name, archive_error_string(a.get())));
  }
  return import_archive(*this, a.get(), name, stats, progress);
}

Result<void> Builder::import_path(const std::string& path, ImportStats& stats, const ProgressFn& progress) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    return fail(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) {
    return import_directory(*this, path, stats, progress);
  }
  if (ends_with(to_lower(path), ".json")) {
    // A record named on the command line must be valid: unlike one odd entry among thousands, it is the input.
    auto bytes = read_small_file(path);
    if (!bytes) {
      return tl::unexpected(bytes.error());
    }
    auto rec = formats::osv::parse_osv_record(*bytes);
    if (!rec) {
      return fail(fmt::format("{}: {}", path, rec.error().message));
    }
    return add_record(*rec, stats);
  }
  ArchivePtr a = new_zip_reader();
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return fail(fmt::format("{}: not a readable zip archive: {}", path, archive_error_string(a.get())));
  }
  return import_archive(*this, a.get(), path, stats, progress);
}

}  // namespace vigil::vulndb
