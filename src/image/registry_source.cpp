// The registry ImageSource: OCI distribution v2 GETs of manifests (negotiated with Accept, size-bounded and
// digest-checked) and blobs (streamed straight from the socket through verify_blob, never buffered whole).
#include <fmt/format.h>

#include "core/sha256.hpp"
#include "core/strings.hpp"
#include "core/version.hpp"
#include "image/registry.hpp"
#include "image/registry_auth.hpp"
#include "image/registry_http.hpp"

namespace vigil::image {
namespace {

using registry::AuthKind;
using registry::HttpStream;

constexpr uint64_t kMaxManifest = 4 << 20;
constexpr uint64_t kMaxErrorBody = 64 * 1024;
constexpr int kMaxAuthRounds = 3;

class RawBlob final : public BlobReader {
 public:
  explicit RawBlob(std::unique_ptr<HttpStream> stream) : stream_(std::move(stream)) {}
  Result<size_t> read(std::span<char> out) override { return stream_->read(out); }

 private:
  std::unique_ptr<HttpStream> stream_;
};

class RegistrySource final : public ImageSource {
 public:
  RegistrySource(oci::ImageReference ref, std::string base, registry::HttpSettings settings,
                 registry::Authenticator auth, bool insecure)
      : ref_(std::move(ref)),
        base_(std::move(base)),
        settings_(std::move(settings)),
        auth_(std::move(auth)),
        insecure_(insecure) {}

  Result<FetchedManifest> root_manifest() override {
    const bool by_digest = !ref_.digest.empty();
    auto fetched = fetch_manifest(by_digest ? ref_.digest : ref_.tag);
    if (!fetched) {
      return fetched;
    }
    if (by_digest && fetched->digest != ref_.digest) {
      return fail(fmt::format("{}: the registry sent a manifest with digest {}, not the {} that was asked for", name(),
                              fetched->digest, ref_.digest));
    }
    return fetched;
  }

  Result<FetchedManifest> manifest(const oci::Descriptor& descriptor) override {
    if (!oci::valid_digest(descriptor.digest)) {
      return fail(fmt::format("{}: invalid manifest digest '{}'", name(), descriptor.digest.substr(0, 80)));
    }
    if (descriptor.size < 0 || static_cast<uint64_t>(descriptor.size) > kMaxManifest) {
      return fail(
          fmt::format("{}: manifest {} has size {} (the limit is 4 MiB)", name(), descriptor.digest, descriptor.size));
    }
    auto fetched = fetch_manifest(descriptor.digest);
    if (!fetched) {
      return fetched;
    }
    if (fetched->digest != descriptor.digest || fetched->bytes.size() != static_cast<uint64_t>(descriptor.size)) {
      return fail(fmt::format("{}: manifest {} does not match its descriptor (got {} bytes with digest {})", name(),
                              descriptor.digest, fetched->bytes.size(), fetched->digest));
    }
    if (fetched->media_type.empty()) {
      fetched->media_type = descriptor.media_type;
    }
    return fetched;
  }

  Result<std::unique_ptr<BlobReader>> open_blob(const oci::Descriptor& descriptor) override {
    if (!oci::valid_digest(descriptor.digest)) {
      return fail(fmt::format("{}: invalid blob digest '{}'", name(), descriptor.digest.substr(0, 80)));
    }
    auto stream = get("blobs/" + descriptor.digest, "", "blob " + descriptor.digest);
    if (!stream) {
      return tl::unexpected(stream.error());
    }
    const std::string length = (*stream)->head().header("content-length");
    if (!length.empty() && descriptor.size >= 0 && length != std::to_string(descriptor.size)) {
      return fail(fmt::format("{}: blob {} is announced with {} bytes, the descriptor says {}", name(),
                              descriptor.digest, length.substr(0, 24), descriptor.size));
    }
    return verify_blob(std::make_unique<RawBlob>(std::move(*stream)), descriptor);
  }

  [[nodiscard]] std::string name() const override { return ref_.to_string(); }

 private:
  Result<FetchedManifest> fetch_manifest(const std::string& reference) {
    auto stream = get("manifests/" + reference, std::string(oci::kManifestAccept), "manifest " + reference);
    if (!stream) {
      return tl::unexpected(stream.error());
    }
    auto bytes = (*stream)->read_all(kMaxManifest);
    if (!bytes) {
      return fail(fmt::format("{}: manifest {}: {}", name(), reference, bytes.error().message));
    }
    FetchedManifest out;
    out.digest = sha256_digest(*bytes);
    out.bytes = std::move(*bytes);
    const std::string content_type = (*stream)->head().header("content-type");
    out.media_type = std::string(trim(std::string_view(content_type).substr(0, content_type.find(';'))));
    // A registry states the digest of what it serves; for a tag, that is our only cross-check.
    const std::string stated = std::string(trim((*stream)->head().header("docker-content-digest")));
    if (!stated.empty() && oci::valid_digest(stated) && stated != out.digest) {
      return fail(fmt::format("{}: manifest {} has digest {}, but the registry says {}", name(), reference, out.digest,
                              stated));
    }
    return out;
  }

  // GET base/v2/REPO/<path> with authentication; returns the stream of a 200 or an error for anything else.
  Result<std::unique_ptr<HttpStream>> get(const std::string& path, const std::string& accept, const std::string& what) {
    registry::Request request;
    request.url = base_ + ref_.repository + "/" + path;
    if (!accept.empty()) {
      request.headers.push_back("Accept: " + accept);
    }
    request.allow_http_redirect = insecure_;
    for (int round = 0;; ++round) {
      auto auth = auth_.authorization();
      if (!auth) {
        return fail(name() + ": " + auth.error().message);
      }
      request.authorization = auth->header;
      auto stream = registry::send(settings_, request);
      if (!stream) {
        return fail(fmt::format("{}: {}: {}", name(), what, stream.error().message));
      }
      const long status = (*stream)->head().status;
      if (status == 200) {
        return stream;
      }
      if (status == 401 && round < kMaxAuthRounds) {
        const std::string challenge = (*stream)->head().header("www-authenticate");
        if (challenge.empty()) {
          return fail(fmt::format("{}: {}: HTTP 401 without a WWW-Authenticate challenge", name(), what));
        }
        if (auto ok = auth_.on_unauthorized(challenge, auth->kind); !ok) {
          return fail(name() + ": " + ok.error().message);
        }
        continue;
      }
      return fail(status_error(**stream, what));
    }
  }

  std::string status_error(HttpStream& stream, const std::string& what) const {
    const registry::HttpHead& head = stream.head();
    auto body = stream.read_all(kMaxErrorBody);
    const std::string detail = body ? registry::registry_error(*body) : std::string();
    std::string message = fmt::format("{}: {}: HTTP {}", name(), what, head.status);
    if (!head.reason.empty()) {
      message += " " + head.reason;
    }
    if (!detail.empty()) {
      message += " (" + detail + ")";
    }
    if (head.status == 404) {
      message += ": not found in the registry";
    } else if (head.status == 401 || head.status == 403) {
      message += ": access denied (check --creds)";
    }
    return message;
  }

  oci::ImageReference ref_;
  std::string base_;  // "https://host/v2/"
  registry::HttpSettings settings_;
  registry::Authenticator auth_;
  bool insecure_;
};

}  // namespace

Result<std::unique_ptr<ImageSource>> open_registry_source(const oci::ImageReference& ref,
                                                          const RegistryOptions& options) {
  if (ref.transport != oci::Transport::Registry) {
    return fail("not a registry reference: " + ref.to_string());
  }
  const std::string host = ref.api_host();
  if (options.insecure && !registry::is_loopback_host(host)) {
    return fail(
        fmt::format("--insecure (plain HTTP) is allowed only for a registry on a loopback address "
                    "(127.0.0.0/8, ::1, localhost), not {}",
                    host));
  }
  if (!ref.digest.empty() && !oci::valid_digest(ref.digest)) {
    return fail(fmt::format("{}: invalid digest '{}'", ref.to_string(), ref.digest.substr(0, 80)));
  }
  auto credential = registry::load_credential(options, ref.registry);
  if (!credential) {
    return tl::unexpected(credential.error());
  }
  registry::HttpSettings settings;
  settings.user_agent = std::string("vigil/") + kVersion;
  settings.ca_file = options.ca_file;
  settings.max_attempts = options.max_attempts;
  settings.first_backoff = options.first_backoff;
  const std::string base = std::string(options.insecure ? "http://" : "https://") + host + "/v2/";
  registry::Authenticator auth(host, ref.repository, std::move(*credential), settings, options.insecure);
  return std::make_unique<RegistrySource>(ref, base, settings, std::move(auth), options.insecure);
}

}  // namespace vigil::image
