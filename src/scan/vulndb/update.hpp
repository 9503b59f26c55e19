// `vigil db update`: fetch osv.dev's per-ecosystem archives (or a mirror's) and rebuild the DB from those that
// changed, keeping the rest; conditional requests make an unchanged feed cost one round trip per ecosystem.
#pragma once

#include <string>
#include <vector>

#include "core/http_client.hpp"
#include "core/result.hpp"

namespace vigil::vulndb {

inline constexpr const char* kDefaultBaseUrl = "https://osv-vulnerabilities.storage.googleapis.com";

// Fetched when neither --ecosystem nor the DB names any: the language ecosystems Vigil inventories and the
// distros it matches (Debian, Ubuntu and Alpine archives hold every release).
std::vector<std::string> default_ecosystems();

struct UpdateOptions {
  std::string base_url = kDefaultBaseUrl;
  std::vector<std::string> ecosystems;  // empty: the DB's sources, else default_ecosystems()
  http::FetchOptions fetch;
  bool quiet = false;
};

struct UpdateReport {
  std::vector<std::string> lines;  // one human-readable line per ecosystem
  size_t downloaded = 0;
  size_t not_modified = 0;
};

Result<UpdateReport> update_db(const std::string& db_path, const UpdateOptions& options);

// The source name an imported path is recorded under: "PyPI.zip" and ".../PyPI/all.zip" -> "PyPI".
std::string ecosystem_of_input(const std::string& path);

}  // namespace vigil::vulndb
