// open_store(): picks the back end from the URL's scheme, one row per back end.
#include "incidents/store.hpp"

#include <array>

#include "incidents/postgres_store.hpp"
#include "incidents/sqlite_store.hpp"

namespace vigil::incidents {
namespace {

struct Backend {
  std::string_view prefix;  // the URL starts with this
  bool strip_prefix;        // pass the rest (sqlite:PATH) rather than the whole URL (libpq wants the URI)
  Result<std::unique_ptr<Store>> (*open)(std::string_view);
};

constexpr std::array<Backend, 3> kBackends{{
    {"sqlite:", true, open_sqlite_store},
    {"postgres://", false, open_postgres_store},
    {"postgresql://", false, open_postgres_store},
}};

}  // namespace

Result<std::unique_ptr<Store>> open_store(std::string_view url) {
  for (const auto& b : kBackends) {
    if (url.starts_with(b.prefix)) return b.open(b.strip_prefix ? url.substr(b.prefix.size()) : url);
  }
  // The URL is not echoed: a mistyped PostgreSQL URL may carry a password.
  return fail("unsupported database URL: expected sqlite:PATH, postgres://... or postgresql://...");
}

}  // namespace vigil::incidents
