// The PostgreSQL back end of the incidents Store (libpq), for teams that run several `vigil incidents serve`
// instances against one database. Write transactions serialise across instances on an advisory lock.
#pragma once

#include <memory>
#include <string_view>

#include "core/result.hpp"
#include "incidents/store.hpp"

namespace vigil::incidents {

// url: "postgres://user[:password]@host[:port]/dbname[?param=value...]" or "postgresql://..." (libpq's URI form).
// Connects, applies pending schema migrations under pg_advisory_lock and returns the store. Error messages never
// contain the password.
Result<std::unique_ptr<Store>> open_postgres_store(std::string_view url);

}  // namespace vigil::incidents
