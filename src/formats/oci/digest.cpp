// Content digests and platform strings ("linux/arm64/v8") of the OCI image spec.
#include <string>

#include "core/strings.hpp"
#include "formats/oci.hpp"
#include "formats/oci/oci_json.hpp"

namespace vigil::formats::oci {
namespace {

// Platform parts are short identifiers (GOOS/GOARCH/variant): letters, digits, '.', '_', '-'.
bool valid_platform_part(std::string_view s) {
  if (s.empty() || s.size() > 64) {
    return false;
  }
  for (const char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool valid_digest(std::string_view digest) {
  constexpr std::string_view kPrefix = "sha256:";
  if (digest.size() != kPrefix.size() + 64 || !starts_with(digest, kPrefix)) {
    return false;
  }
  for (const char c : digest.substr(kPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

Result<Platform> parse_platform(std::string_view text) {
  const auto parts = split(text, '/');
  if (parts.size() < 2 || parts.size() > 3) {
    return fail("platform " + detail::quoted(text) + " is not OS/ARCH or OS/ARCH/VARIANT (e.g. linux/amd64)");
  }
  for (const auto part : parts) {
    if (!valid_platform_part(part)) {
      return fail("platform " + detail::quoted(text) + " has an empty or invalid part");
    }
  }
  Platform p;
  p.os = std::string(parts[0]);
  p.architecture = std::string(parts[1]);
  if (parts.size() == 3) {
    p.variant = std::string(parts[2]);
  }
  return p;
}

std::string platform_string(const Platform& p) {
  std::string out = p.os + "/" + p.architecture;
  if (!p.variant.empty()) {
    out += "/" + p.variant;
  }
  return out;
}

}  // namespace vigil::formats::oci
