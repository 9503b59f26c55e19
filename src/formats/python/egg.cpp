// Zipped eggs (site-packages/example-21.12-py3.6.egg): a zip whose EGG-INFO/PKG-INFO holds the core metadata.
// Read in memory with libarchive; only that one entry is decompressed (capped), every other entry is skipped.
#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "formats/python.hpp"

namespace vigil::formats {
namespace {

constexpr std::string_view kPkgInfo = "EGG-INFO/PKG-INFO";
constexpr size_t kMaxPkgInfo = 1U << 20;  // real PKG-INFO files are a few KiB (the README at most)
constexpr uint64_t kMaxEntries = 100000;  // headers visited; real eggs have tens to thousands

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveCloser>;

std::string error_of(archive* a, const char* fallback) {
  const char* err = archive_error_string(a);
  return err != nullptr ? err : fallback;
}

std::string entry_name(archive_entry* entry) {
  const char* utf8 = archive_entry_pathname_utf8(entry);
  const char* raw = utf8 != nullptr ? utf8 : archive_entry_pathname(entry);
  return raw != nullptr ? std::string(raw) : std::string();
}

// The current entry's data, refused once it passes kMaxPkgInfo (whatever size the header claims).
Result<std::string> read_pkg_info(archive* a) {
  std::string data;
  char chunk[16 * 1024];
  for (;;) {
    const la_ssize_t n = archive_read_data(a, chunk, sizeof chunk);
    if (n < 0) {
      return fail(fmt::format("cannot decompress {}: {}", kPkgInfo, error_of(a, "error")));
    }
    if (n == 0) {
      return data;
    }
    if (data.size() + static_cast<size_t>(n) > kMaxPkgInfo) {
      return fail(fmt::format("{} is larger than {} MiB; not read", kPkgInfo, kMaxPkgInfo >> 20));
    }
    data.append(chunk, static_cast<size_t>(n));
  }
}

// Either the PKG-INFO text, or why there is none (as a warning); fails only when the bytes are no zip at all.
struct Found {
  std::string pkg_info;
  bool found = false;
  bool unreadable = false;  // PKG-INFO is there but could not be read: its own warning says so
  std::vector<Diagnostic> warnings;
};

Result<Found> find_pkg_info(std::string_view bytes) {
  ArchivePtr owner(archive_read_new());
  archive* a = owner.get();
  if (a == nullptr) {
    return fail("libarchive allocation failed");
  }
  archive_read_support_format_zip(a);
  // The memory reader can seek, so libarchive trusts the central directory like Python's zipimport does.
  if (archive_read_open_memory(a, bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return fail(fmt::format("not a zip archive: {}", error_of(a, "unrecognized format")));
  }
  Found out;
  archive_entry* entry = nullptr;
  uint64_t entries = 0;
  int rc = ARCHIVE_OK;
  while ((rc = archive_read_next_header(a, &entry)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
    if (++entries > kMaxEntries) {
      out.warnings.push_back({"", 0, fmt::format("more than {} archive entries; stopped reading", kMaxEntries)});
      return out;
    }
    if (archive_entry_filetype(entry) != AE_IFREG || entry_name(entry) != kPkgInfo) {
      archive_read_data_skip(a);
      continue;
    }
    auto text = read_pkg_info(a);
    if (!text) {
      out.warnings.push_back({"", 0, text.error().message});
      out.unreadable = true;
      return out;
    }
    out.pkg_info = std::move(*text);
    out.found = true;
    return out;  // the first copy wins; nothing after it is read
  }
  if (rc != ARCHIVE_EOF) {
    if (entries == 0) {
      return fail(fmt::format("not a readable zip archive: {}", error_of(a, "read error")));
    }
    out.warnings.push_back({"", 0, fmt::format("archive is damaged: {}", error_of(a, "read error"))});
  }
  return out;
}

}  // namespace

Result<Parsed> parse_egg(std::string_view path, std::string_view bytes) {
  try {
    auto found = find_pkg_info(bytes);
    if (!found) {
      return fail(found.error().message);
    }
    if (!found->found) {
      Parsed parsed;
      parsed.warnings = std::move(found->warnings);
      if (!found->unreadable) {
        parsed.warnings.push_back({"", 0, "no EGG-INFO/PKG-INFO in egg"});
      }
      return parsed;
    }
    return parse_python_metadata(path, found->pkg_info);
  } catch (const std::exception& e) {
    return fail(std::string("cannot read egg: ") + e.what());
  }
}

}  // namespace vigil::formats
