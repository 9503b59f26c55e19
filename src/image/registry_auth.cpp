// Registry authentication: credentials from --creds or the docker/containers auth files, Basic auth, and Bearer
// tokens from the token server a registry's challenge names (Docker token spec), cached per scope.
#include "image/registry_auth.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/strings.hpp"

namespace vigil::image::registry {
namespace {

constexpr uint64_t kMaxAuthFile = 4 << 20;
constexpr uint64_t kMaxTokenReply = 1 << 20;
constexpr uint64_t kMaxErrorBody = 64 * 1024;

std::string base64_encode(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v =
        (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) | static_cast<uint8_t>(in[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) {
      out.push_back(kAlphabet[(v >> shift) & 63]);
    }
  }
  if (i < in.size()) {
    const bool two = i + 1 < in.size();
    const uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (two ? static_cast<uint8_t>(in[i + 1]) << 8 : 0);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(two ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string basic_header(const oci::Credential& c) {
  return "Basic " + base64_encode(c.username + ":" + c.password);
}

// The file's bytes, nullopt when it does not exist; errors name the path but never the content.
Result<std::optional<std::string>> read_auth_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) {
      return std::optional<std::string>{};
    }
    return fail(fmt::format("cannot read auth file {}: {}", path, std::strerror(errno)));
  }
  std::string bytes;
  char chunk[8192];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    bytes.append(chunk, static_cast<size_t>(in.gcount()));
    if (bytes.size() > kMaxAuthFile) {
      return fail(fmt::format("auth file {} is larger than 4 MiB", path));
    }
  }
  return std::optional<std::string>{std::move(bytes)};
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

Result<std::optional<oci::Credential>> load_credential(const RegistryOptions& options, const std::string& registry) {
  if (options.credential) {
    return options.credential;
  }
  std::vector<std::string> candidates;
  if (!options.auth_file.empty()) {
    candidates.push_back(options.auth_file);
  } else {
    if (const std::string f = env("REGISTRY_AUTH_FILE"); !f.empty()) {
      candidates.push_back(f);
    }
    if (const std::string xdg = env("XDG_RUNTIME_DIR"); !xdg.empty()) {
      candidates.push_back(xdg + "/containers/auth.json");
    }
    if (const std::string home = env("HOME"); !home.empty()) {
      candidates.push_back(home + "/.docker/config.json");
    }
  }
  for (const auto& path : candidates) {
    errno = 0;
    auto bytes = read_auth_file(path);
    if (!bytes) {
      return tl::unexpected(bytes.error());
    }
    if (!*bytes) {
      if (path == options.auth_file) {
        return fail(fmt::format("auth file {} does not exist", path));
      }
      continue;
    }
    auto found = oci::find_registry_credential(**bytes, registry);
    if (!found) {
      return fail(fmt::format("auth file {}: {}", path, found.error().message));
    }
    if (*found) {
      return found;
    }
  }
  return std::optional<oci::Credential>{};
}

bool is_loopback_host(std::string_view host_port) {
  std::string host;
  if (starts_with(host_port, "[")) {
    const auto close = host_port.find(']');
    if (close == std::string_view::npos) {
      return false;
    }
    host = std::string(host_port.substr(1, close - 1));
  } else {
    const auto colon = host_port.find(':');
    host = std::string(host_port.substr(0, colon));
  }
  if (iequals(host, "localhost")) {
    return true;
  }
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

Authenticator::Authenticator(std::string host, std::string repository, std::optional<oci::Credential> credential,
                             HttpSettings settings, bool insecure)
    : host_(std::move(host)),
      repository_(std::move(repository)),
      credential_(std::move(credential)),
      settings_(std::move(settings)),
      insecure_(insecure) {}

std::string Authenticator::missing_credentials() const {
  return fmt::format(
      "{} requires authentication to pull {} (pass --creds USER:PASSWORD or log in with "
      "`docker login` / `podman login`)",
      host_, repository_);
}

std::string Authenticator::rejected_credentials() const {
  return fmt::format("authentication failed for {} (check --creds)", host_);
}

Result<Authorization> Authenticator::authorization() {
  switch (mode_) {
    case AuthKind::None: return Authorization{};
    case AuthKind::Basic: return Authorization{AuthKind::Basic, basic_header(*credential_)};
    case AuthKind::Bearer: break;
  }
  auto it = tokens_.find(scope());
  if (it == tokens_.end() || std::chrono::steady_clock::now() >= it->second.expires) {
    if (auto ok = fetch_token(); !ok) {
      return tl::unexpected(ok.error());
    }
    it = tokens_.find(scope());
  }
  return Authorization{AuthKind::Bearer, "Bearer " + it->second.value};
}

Result<void> Authenticator::on_unauthorized(std::string_view www_authenticate, AuthKind sent) {
  auto challenges = oci::parse_www_authenticate(www_authenticate);
  if (!challenges) {
    return fail(fmt::format("{} answered 401 with an unreadable challenge: {}", host_, challenges.error().message));
  }
  const oci::AuthChallenge* bearer = nullptr;
  const oci::AuthChallenge* basic = nullptr;
  for (const auto& c : *challenges) {
    if (c.scheme == "bearer" && bearer == nullptr) {
      bearer = &c;
    } else if (c.scheme == "basic" && basic == nullptr) {
      basic = &c;
    }
  }
  if (bearer != nullptr) {
    if (sent == AuthKind::Bearer) {
      // A token we just obtained was refused: the token server gave us no pull access.
      tokens_.erase(scope());
      return fail(credential_ ? rejected_credentials() : missing_credentials());
    }
    realm_ = bearer->param("realm");
    service_ = bearer->param("service");
    const std::string origin = url_origin(realm_);
    if (origin.empty()) {
      return fail(fmt::format("{} names an unusable token realm '{}'", host_, redact_url(realm_).substr(0, 200)));
    }
    const bool realm_https = starts_with(origin, "https://");
    const std::string realm_host = origin.substr(origin.find("://") + 3);
    if (!realm_https && !(insecure_ && is_loopback_host(realm_host))) {
      return fail(fmt::format("{} names a token realm over plain http ({}); refusing to send credentials there", host_,
                              redact_url(realm_)));
    }
    mode_ = AuthKind::Bearer;
    tokens_.erase(scope());
    return fetch_token();
  }
  if (basic != nullptr) {
    if (!credential_) {
      return fail(missing_credentials());
    }
    if (sent == AuthKind::Basic) {
      return fail(rejected_credentials());
    }
    mode_ = AuthKind::Basic;
    return {};
  }
  return fail(fmt::format("{} asks for an unsupported authentication scheme '{}'", host_,
                          challenges->front().scheme.substr(0, 32)));
}

Result<void> Authenticator::fetch_token() {
  std::unique_ptr<CURLU, void (*)(CURLU*)> u(curl_url(), curl_url_cleanup);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, realm_.c_str(), 0) != CURLUE_OK) {
    return fail(fmt::format("{} names an unusable token realm", host_));
  }
  auto add_query = [&u](const std::string& kv) {
    curl_url_set(u.get(), CURLUPART_QUERY, kv.c_str(), CURLU_APPENDQUERY | CURLU_URLENCODE);
  };
  if (!service_.empty()) {
    add_query("service=" + service_);
  }
  add_query("scope=" + scope());
  Request request;
  if (credential_) {
    add_query("account=" + credential_->username);
    request.authorization = basic_header(*credential_);
  }
  char* raw = nullptr;
  if (curl_url_get(u.get(), CURLUPART_URL, &raw, 0) != CURLUE_OK || raw == nullptr) {
    return fail(fmt::format("{} names an unusable token realm", host_));
  }
  request.url = raw;
  curl_free(raw);
  request.headers = {"Accept: application/json"};
  request.allow_http_redirect = insecure_;
  ++token_requests_;
  auto stream = send(settings_, request);
  if (!stream) {
    return fail("token request failed: " + stream.error().message);
  }
  const long status = (*stream)->head().status;
  if (status == 401 || status == 403) {
    return fail(credential_ ? rejected_credentials() : missing_credentials());
  }
  if (status != 200) {
    auto body = (*stream)->read_all(kMaxErrorBody);
    const std::string detail = body ? registry_error(*body) : std::string();
    return fail(fmt::format("token request to {} failed: HTTP {}{}", redact_url(request.url), status,
                            detail.empty() ? "" : " (" + detail + ")"));
  }
  auto body = (*stream)->read_all(kMaxTokenReply);
  if (!body) {
    return fail("token request failed: " + body.error().message);
  }
  auto reply = oci::parse_token_reply(*body);
  if (!reply) {
    return fail(fmt::format("unusable token reply from {}: {}", redact_url(request.url), reply.error().message));
  }
  // Renew a little before the server's deadline so a request never goes out with a token about to lapse.
  const auto lifetime = std::chrono::seconds(reply->expires_in);
  const auto margin = std::min<std::chrono::seconds>(std::chrono::seconds(10), lifetime / 4);
  tokens_[scope()] = Token{std::move(reply->token), std::chrono::steady_clock::now() + lifetime - margin};
  return {};
}

}  // namespace vigil::image::registry
