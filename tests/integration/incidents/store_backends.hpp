// The Store back ends every incidents integration test runs against: one row per back end. A row opens (or
// re-opens) the store kept under a scratch directory the test owns; calling open twice with the same directory
// must see the same data (the migration tests rely on it).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "incidents/store.hpp"
#include "support/postgres_cluster.hpp"

namespace vigil::incidents::testing {

struct BackendFactory {
  std::string name;  // test name suffix: letters, digits and '_' only
  std::function<Result<std::unique_ptr<Store>>(const std::filesystem::path& scratch)> open;
  // Why this back end cannot run here ("" when it can); the test is skipped with this message.
  std::function<std::string()> unavailable = [] { return std::string(); };
};

inline std::vector<BackendFactory> store_backends() {
  return {
      {"sqlite",
       [](const std::filesystem::path& scratch) {
         return open_store("sqlite:" + (scratch / "incidents.db").string());
       }},
      // A database per scratch directory in the binary's throw-away cluster (support/postgres_cluster.hpp), so
      // opening twice sees the same data. Never "unavailable": without PostgreSQL binaries (or root / a non-root
      // user to run them) these tests fail with a message saying so, as integration tests should.
      {"postgres",
       [](const std::filesystem::path& scratch) -> Result<std::unique_ptr<Store>> {
         static std::mutex mutex;
         static std::map<std::filesystem::path, std::string> urls;
         std::lock_guard lock(mutex);
         std::string& url = urls[scratch];
         if (url.empty()) {
           auto fresh = vigil::test::fresh_postgres_database();
           if (!fresh) return tl::unexpected(fresh.error());
           url = *fresh;
         }
         return open_store(url);
       }},
  };
}

}  // namespace vigil::incidents::testing
