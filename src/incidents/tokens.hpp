// API tokens: "vgl_<id>_<secret>" where secret is 43 base64url characters (32 random bytes). The store keeps only
// sha256(secret); authenticate() compares in constant time and caches good tokens briefly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "incidents/model.hpp"
#include "incidents/store.hpp"

namespace vigil::incidents {

// Creates and stores a token; the returned text is shown once and never stored or logged.
Result<std::string> create_token(Store& store, Role role, std::string name, int64_t now_ns);

// The token a bearer string names, if it is well formed, exists and its secret matches; nullopt otherwise. Errors
// are store failures only. Successful lookups are cached for 30 s (keyed by the whole token's sha256).
Result<std::optional<Token>> authenticate(Store& store, std::string_view bearer);

// Forgets cached lookups (tests; after tokens change outside this process the cache expires by itself).
void clear_token_cache();

}  // namespace vigil::incidents
