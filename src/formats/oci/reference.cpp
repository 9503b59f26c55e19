// Image references as users type them: transports (oci:, oci-archive:, docker-archive:) and registry names with
// Docker's normalisation ("alpine" -> docker.io/library/alpine:latest), checked against the distribution spec.
#include <string>

#include "core/strings.hpp"
#include "formats/oci.hpp"
#include "formats/oci/oci_json.hpp"

namespace vigil::formats::oci {
namespace {

constexpr size_t kMaxReference = 4096;
constexpr size_t kMaxNameLength = 255;  // distribution's NameTotalLengthMax (host + "/" + path)

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alnum(char c) {
  return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

// [A-Za-z0-9_][A-Za-z0-9._-]{0,127}
bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128 || !(is_alnum(tag[0]) || tag[0] == '_')) {
    return false;
  }
  for (const char c : tag) {
    if (!(is_alnum(c) || c == '_' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

// One path component: [a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*
bool valid_path_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) {
    return false;
  }
  for (size_t i = 0; i < c.size();) {
    if (is_lower_alnum(c[i])) {
      ++i;
      continue;
    }
    size_t j = i;  // a separator run, which must be followed by an alphanumeric (checked by back() above)
    while (j < c.size() && !is_lower_alnum(c[j])) {
      ++j;
    }
    const std::string_view sep = c.substr(i, j - i);
    const bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) {
      return false;
    }
    i = j;
  }
  return true;
}

// Domain components ([A-Za-z0-9] with inner '-') joined by '.', or a bracketed IPv6 address; optional :port.
bool valid_host(std::string_view host) {
  std::string_view name = host;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string_view::npos || close < 3) {
      return false;
    }
    if (host.substr(1, close - 1).find_first_not_of("0123456789abcdefABCDEF:") != std::string_view::npos) {
      return false;
    }
    name = {};
    host = host.substr(close + 1);
  } else {
    const size_t colon = host.find(':');
    name = host.substr(0, colon);
    host = colon == std::string_view::npos ? std::string_view{} : host.substr(colon);
    for (const auto label : split(name, '.')) {
      if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back())) {
        return false;
      }
      for (const char c : label) {
        if (!(is_alnum(c) || c == '-')) {
          return false;
        }
      }
    }
  }
  if (host.empty()) {
    return true;
  }
  const std::string_view port = host.substr(1);  // host is ":port" here
  if (host.front() != ':' || port.empty() || port.size() > 5) {
    return false;
  }
  return port.find_first_not_of("0123456789") == std::string_view::npos;
}

// Docker's splitDockerDomain: the first component is a host when there is a '/' after it and it has a '.' or
// ':', is "localhost", or has upper-case letters (which a repository may not).
bool first_component_is_host(std::string_view first) {
  if (first == "localhost" || first.find_first_of(".:") != std::string_view::npos) {
    return true;
  }
  return first.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos;
}

Result<ImageReference> parse_registry_reference(std::string_view text) {
  ImageReference ref;
  std::string_view rest = text;
  const size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    const std::string_view digest = rest.substr(at + 1);
    if (starts_with(digest, "sha512:") || starts_with(digest, "sha384:")) {
      return fail("digest " + detail::quoted(digest) + " uses an unsupported algorithm (only sha256 is supported)");
    }
    if (!valid_digest(digest)) {
      return fail("invalid digest " + detail::quoted(digest) + " (expected sha256: and 64 lowercase hex digits)");
    }
    ref.digest = std::string(digest);
    rest = rest.substr(0, at);
  }
  const size_t slash = rest.find('/');
  if (slash != std::string_view::npos && first_component_is_host(rest.substr(0, slash))) {
    const std::string_view host = rest.substr(0, slash);
    if (!valid_host(host)) {
      return fail("invalid registry host " + detail::quoted(host));
    }
    ref.registry = host == "index.docker.io" ? "docker.io" : std::string(host);
    rest = rest.substr(slash + 1);
  } else {
    ref.registry = "docker.io";
  }
  const size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos) {
    const std::string_view tag = rest.substr(colon + 1);
    if (!valid_tag(tag)) {
      return fail("invalid tag " + detail::quoted(tag) + " (letters, digits, '_', '.', '-'; at most 128)");
    }
    ref.tag = std::string(tag);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) {
    return fail("image reference " + detail::quoted(text) + " has no repository name");
  }
  for (const auto component : split(rest, '/')) {
    if (!valid_path_component(component)) {
      return fail("invalid repository name " + detail::quoted(rest) +
                  ": each path component must be lowercase letters and digits, separated by '.', '_', '__' or '-'");
    }
  }
  ref.repository = std::string(rest);
  if (ref.registry == "docker.io" && rest.find('/') == std::string_view::npos) {
    ref.repository = "library/" + ref.repository;
  }
  if (ref.registry.size() + 1 + ref.repository.size() > kMaxNameLength) {
    return fail("repository name is longer than 255 characters");
  }
  if (ref.tag.empty() && ref.digest.empty()) {
    ref.tag = "latest";
  }
  return ref;
}

// oci:DIR[:tag] and oci-archive:FILE[:tag]: the tag follows the last ':' only when it is a valid tag, so
// "oci:/tmp/x" has none and "oci:./a:b:v1" is ("./a:b", "v1").
Result<ImageReference> parse_layout_reference(Transport transport, std::string_view rest, std::string_view what) {
  ImageReference ref;
  ref.transport = transport;
  const size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && colon > 0 && valid_tag(rest.substr(colon + 1))) {
    ref.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) {
    return fail(std::string(what) + " reference has no path (expected " + std::string(what) + "PATH[:tag])");
  }
  ref.path = std::string(rest);
  return ref;
}

}  // namespace

std::string ImageReference::api_host() const {
  return registry == "docker.io" ? "registry-1.docker.io" : registry;
}

std::string ImageReference::to_string() const {
  switch (transport) {
    case Transport::OciLayout: return "oci:" + path + (tag.empty() ? "" : ":" + tag);
    case Transport::OciArchive: return "oci-archive:" + path + (tag.empty() ? "" : ":" + tag);
    case Transport::DockerArchive: return "docker-archive:" + path;
    case Transport::Registry: break;
  }
  // A host named like one of our transports ("oci:5000") would read back as that transport.
  const std::string_view host_name = std::string_view(registry).substr(0, registry.find(':'));
  const bool ambiguous = host_name == "oci" || host_name == "oci-archive" || host_name == "docker-archive";
  std::string out = (ambiguous ? "docker://" : "") + registry + "/" + repository;
  if (!tag.empty()) {
    out += ":" + tag;
  }
  if (!digest.empty()) {
    out += "@" + digest;
  }
  return out;
}

Result<ImageReference> parse_image_reference(std::string_view text) {
  if (text.empty()) {
    return fail("empty image reference");
  }
  if (text.size() > kMaxReference) {
    return fail("image reference is longer than 4096 bytes");
  }
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return fail("image reference contains a control character");
    }
  }
  if (starts_with(text, "oci:")) {
    return parse_layout_reference(Transport::OciLayout, text.substr(4), "oci:");
  }
  if (starts_with(text, "oci-archive:")) {
    return parse_layout_reference(Transport::OciArchive, text.substr(12), "oci-archive:");
  }
  if (starts_with(text, "docker-archive:")) {
    ImageReference ref;
    ref.transport = Transport::DockerArchive;
    ref.path = std::string(text.substr(15));
    if (ref.path.empty()) {
      return fail("docker-archive: reference has no path (expected docker-archive:FILE)");
    }
    return ref;
  }
  if (starts_with(text, "docker://")) {  // skopeo's spelling of a registry reference
    text = text.substr(9);
  }
  return parse_registry_reference(text);
}

Result<Parsed> parse_image_reference_fuzz(std::string_view /*path*/, std::string_view bytes) {
  auto ref = parse_image_reference(bytes);
  if (!ref) {
    return tl::unexpected(ref.error());
  }
  // The canonical text must parse back to the same reference; a mismatch is a bug worth a crash report.
  const auto again = parse_image_reference(ref->to_string());
  if (!again || again->transport != ref->transport || again->path != ref->path || again->registry != ref->registry ||
      again->repository != ref->repository || again->tag != ref->tag || again->digest != ref->digest ||
      (ref->transport == Transport::Registry && (ref->api_host().empty() || ref->repository.empty()))) {
    __builtin_trap();
  }
  return Parsed{};
}

}  // namespace vigil::formats::oci
