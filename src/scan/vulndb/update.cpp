// Downloads changed OSV archives and rebuilds the DB from them (see update.hpp).
#include "scan/vulndb/update.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/strings.hpp"
#include "core/unique_fd.hpp"
#include "scan/vulndb/vulndb.hpp"

namespace vigil::vulndb {
namespace {

struct Download {
  std::string ecosystem;
  std::string url;
  std::string origin;  // url without credentials: what the DB stores and messages show
  UniqueFd file;
  http::FetchResult result;
};

// Ecosystem names hold spaces ("Rocky Linux") and other characters a URL path must escape.
std::string url_component(std::string_view s) {
  std::string out;
  for (const unsigned char c : s) {
    if ((std::isalnum(c) != 0) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// A mirror's URL may carry "user:token@": curl sends it, but the DB (shown by `db info`) and messages must not.
std::string without_userinfo(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return url;
  }
  const size_t host = scheme_end + 3;
  const size_t authority_end = std::min(url.find_first_of("/?#", host), url.size());
  const size_t at = url.rfind('@', authority_end - 1);
  return at == std::string::npos || at < host ? url : url.substr(0, host) + url.substr(at + 1);
}

// An unlinked temporary file in the DB's directory: nothing to clean up after a crash.
Result<UniqueFd> temp_file(const std::string& db_path) {
  std::string dir(dir_name(db_path));
  if (dir.empty()) {
    dir = starts_with(db_path, "/") ? "/" : ".";
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return fail(fmt::format("cannot create a temporary file in {}: {}", dir, std::strerror(errno)));
  }
  return fd;
}

std::vector<SourceInfo> previous_sources(const std::string& db_path) {
  if (::access(db_path.c_str(), F_OK) != 0) {
    return {};
  }
  auto reader = Reader::open(db_path);
  if (!reader) {
    return {};  // another schema or not a DB: everything is fetched afresh
  }
  auto sources = reader->sources();
  return sources ? std::move(*sources) : std::vector<SourceInfo>{};
}

std::string human_bytes(uint64_t bytes) {
  return bytes >= (1u << 20) ? fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20))
                             : fmt::format("{} KiB", (bytes + 1023) / 1024);
}

}  // namespace

std::vector<std::string> default_ecosystems() {
  return {"npm",       "PyPI",   "Go",     "crates.io", "Maven",       "RubyGems", "NuGet",
          "Packagist", "Debian", "Ubuntu", "Alpine",    "Rocky Linux", "AlmaLinux"};
}

std::string ecosystem_of_input(const std::string& path) {
  // "advisories/" and "." name the directory itself, not an empty or "." file name.
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  p = (ec ? std::filesystem::path(path) : p).lexically_normal();
  if (!p.has_filename() && p.has_parent_path()) {
    p = p.parent_path();
  }
  if (p.filename() == "all.zip" && p.has_parent_path()) {
    return p.parent_path().filename().string();
  }
  // Only a file's extension goes: a directory named "crates.io" is the crates.io data.
  const std::string extension = to_lower(p.extension().string());
  return extension == ".zip" || extension == ".json" ? p.stem().string() : p.filename().string();
}

Result<UpdateReport> update_db(const std::string& db_path, const UpdateOptions& options) {
  const auto previous = previous_sources(db_path);
  std::vector<std::string> ecosystems = options.ecosystems;
  if (ecosystems.empty()) {
    for (const auto& s : previous) {
      if (starts_with(s.origin, "http://") || starts_with(s.origin, "https://")) {
        ecosystems.push_back(s.ecosystem);
      }
    }
  }
  if (ecosystems.empty()) {
    ecosystems = default_ecosystems();
  }
  UpdateReport report;
  std::vector<Download> downloads;
  std::string base = options.base_url;
  while (ends_with(base, "/")) {
    base.pop_back();
  }
  for (const auto& eco : ecosystems) {
    Download d{eco, fmt::format("{}/{}/all.zip", base, url_component(eco)), {}, {}, {}};
    d.origin = without_userinfo(d.url);
    http::Validators validators;
    for (const auto& s : previous) {
      if (s.ecosystem == eco && s.origin == d.origin) {
        validators = {s.etag, s.last_modified};
      }
    }
    auto file = temp_file(db_path);
    if (!file) {
      return tl::unexpected(file.error());
    }
    d.file = std::move(*file);
    auto fetched = http::fetch_to_fd(d.url, d.file.get(), validators, options.fetch);
    if (!fetched) {
      return fail(fmt::format("{}: {}", eco, fetched.error().message));
    }
    d.result = std::move(*fetched);
    if (d.result.not_modified) {
      ++report.not_modified;
      report.lines.push_back(fmt::format("{:<12} not modified since the last update", eco));
      continue;
    }
    ++report.downloaded;
    downloads.push_back(std::move(d));
  }
  if (downloads.empty()) {
    report.lines.push_back(fmt::format("{}: up to date", db_path));
    return report;
  }
  auto builder = Builder::begin(db_path);
  if (!builder) {
    return tl::unexpected(builder.error());
  }
  for (auto& d : downloads) {
    ImportStats stats;
    if (::lseek(d.file.get(), 0, SEEK_SET) != 0) {
      return fail(fmt::format("{}: cannot rewind the download: {}", d.ecosystem, std::strerror(errno)));
    }
    if (auto ok = builder->remove_ecosystem(d.ecosystem); !ok) {
      return tl::unexpected(ok.error());
    }
    if (auto ok = builder->import_zip_fd(d.file.get(), d.origin, stats); !ok) {
      return tl::unexpected(ok.error());
    }
    if (stats.records == 0) {
      return fail(fmt::format("{}: the archive holds no OSV records", d.origin));
    }
    SourceInfo source{d.ecosystem,        d.origin, "", d.result.validators.etag, d.result.validators.last_modified,
                      d.result.sha256_hex};
    if (auto ok = builder->set_source(source); !ok) {
      return tl::unexpected(ok.error());
    }
    report.lines.push_back(fmt::format("{:<12} {} records ({} downloaded, {} unreadable)", d.ecosystem, stats.records,
                                       human_bytes(d.result.bytes), stats.failed));
  }
  if (auto ok = builder->commit(); !ok) {
    return tl::unexpected(ok.error());
  }
  return report;
}

}  // namespace vigil::vulndb
