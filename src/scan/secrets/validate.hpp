// Checks a secret rule can apply after its pattern matched (SecretRule::validation): entropy, character
// sets and the checksums some token formats carry. Pure functions on the candidate secret.
#pragma once

#include <cstdint>
#include <string_view>

namespace vigil::secrets {

// Shannon entropy in bits per byte of s (0 for an empty string; at most 8).
double shannon_entropy(std::string_view s);

// Number of distinct byte values in s.
int distinct_bytes(std::string_view s);

// True when every byte of s is in the set (e.g. all_of(s, "0123456789abcdef")).
bool all_of(std::string_view s, std::string_view set);
bool is_base62(std::string_view s);     // [0-9A-Za-z]
bool is_hex(std::string_view s);        // [0-9a-fA-F]
bool is_base64(std::string_view s);     // [A-Za-z0-9+/], '=' padding only at the end
bool is_base64url(std::string_view s);  // [A-Za-z0-9_-], '=' padding only at the end

// CRC32 (IEEE, as zlib) of s.
uint32_t crc32_of(std::string_view s);
// The 6-character base62 (0-9A-Za-z), zero-padded encoding GitHub and npm use for their token checksums.
void crc32_base62(uint32_t crc, char out[6]);

// GitHub's 2021 token format, also used by npm: <prefix>_ + 30 base62 random characters + 6 base62 characters of
// CRC32(random part). Accepts ghp_/gho_/ghu_/ghs_/ghr_ and npm_ tokens (any lower-case prefix ending in '_').
bool github_crc32_ok(std::string_view token);

// A JSON Web Token: three base64url parts, the header decoding to a JSON object with an "alg" member.
bool jwt_structure_ok(std::string_view token);

// Standard base64 (or base64url) decoding, whitespace not allowed; false on bad input. Writes at most max_out bytes.
bool base64_decode(std::string_view in, std::string& out, size_t max_out, bool url_alphabet);

}  // namespace vigil::secrets
