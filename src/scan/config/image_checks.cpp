// Checks on the container images any document names (Dockerfile FROM, CI job containers and services): a digest
// pin, and an optional registry allowlist. References holding ${VARS} are skipped: what they become is unknown.
#include <fmt/format.h>

#include <algorithm>

#include "core/strings.hpp"
#include "formats/oci.hpp"
#include "scan/config/checks.hpp"

namespace vigil::scan::config {
namespace {

bool variable(std::string_view ref) {
  return ref.find('$') != std::string_view::npos;
}

// "name@sha256:<64 hex>" (a tag may come before the @).
bool pinned(std::string_view ref) {
  const size_t at = ref.rfind('@');
  return at != std::string_view::npos && formats::oci::valid_digest(ref.substr(at + 1));
}

// A tag after the last '/': "localhost:5000/app" has none.
bool tagged(std::string_view ref) {
  const size_t slash = ref.rfind('/');
  return ref.find(':', slash == std::string_view::npos ? 0 : slash) != std::string_view::npos;
}

// Docker Hub has three names.
std::string canonical_registry(std::string_view registry) {
  std::string r = to_lower(registry);
  if (r == "index.docker.io" || r == "registry-1.docker.io") return "docker.io";
  return r;
}

// An allowlist entry "registry" or "registry/path": the registry, and the repository prefix (may be empty).
bool allowed_by(const formats::oci::ImageReference& ref, std::string_view entry) {
  entry = trim(entry);
  while (!entry.empty() && entry.back() == '/') entry.remove_suffix(1);
  const size_t slash = entry.find('/');
  const std::string_view registry = entry.substr(0, slash);
  if (registry.empty() || canonical_registry(registry) != canonical_registry(ref.registry)) return false;
  if (slash == std::string_view::npos) return true;
  const std::string_view prefix = entry.substr(slash + 1);
  return ref.repository == prefix || starts_with(ref.repository, std::string(prefix) + "/");
}

std::string allowlist_text(const std::vector<std::string>& allowed) {
  std::string out;
  for (const auto& a : allowed) out += (out.empty() ? "" : ", ") + a;
  return out;
}

}  // namespace

void check_image_not_pinned(const ConfigCheck& check, const Document& doc, Findings& out) {
  for (const auto& image : doc.images) {
    const std::string& ref = image.reference.value;
    if (ref.empty() || variable(ref) || pinned(ref)) continue;
    std::string message;
    if (ref.find('@') != std::string::npos) {
      message = fmt::format("{} {} has no valid digest (sha256: and 64 lower-case hex digits)", image.where, ref);
    } else if (tagged(ref)) {
      message = fmt::format("{} {} has no digest", image.where, ref);
    } else {
      message = fmt::format("{} {} has no digest and no tag: it is whatever :latest is at the time", image.where, ref);
    }
    out.add(check, image.reference.line, std::move(message));
  }
}

void check_image_registry(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (doc.options == nullptr || doc.options->allowed_registries.empty()) return;
  const auto& allowed = doc.options->allowed_registries;
  for (const auto& image : doc.images) {
    const std::string& ref = image.reference.value;
    if (ref.empty() || variable(ref)) continue;
    const auto parsed = formats::oci::parse_image_reference(ref);
    if (!parsed || parsed->transport != formats::oci::Transport::Registry) {
      out.add(check, image.reference.line,
              fmt::format("{} {} is not an image reference vigil can read, so its registry cannot be checked ({})",
                          image.where, ref, parsed ? "not a registry reference" : parsed.error().message));
      continue;
    }
    if (std::any_of(allowed.begin(), allowed.end(), [&](const auto& e) { return allowed_by(*parsed, e); })) continue;
    out.add(check, image.reference.line,
            fmt::format("{} {} comes from {}/{}, outside the allowed registries ({})", image.where, ref,
                        canonical_registry(parsed->registry), parsed->repository, allowlist_text(allowed)));
  }
}

}  // namespace vigil::scan::config
