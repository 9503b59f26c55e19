// Registry authentication (private to src/image/registry*.cpp): where credentials come from, and the answer to
// a 401 (Basic, or a Bearer token from the realm's token server, cached per scope until it expires).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "image/registry_http.hpp"
#include "image/source.hpp"

namespace vigil::image::registry {

// --creds, else the first auth file that has an entry for registry: options.auth_file (only that one when set),
// $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json, ~/.docker/config.json.
Result<std::optional<oci::Credential>> load_credential(const RegistryOptions& options, const std::string& registry);

// host[:port] or [v6]:port names a loopback address: 127.0.0.0/8, ::1, localhost.
bool is_loopback_host(std::string_view host_port);

enum class AuthKind { None, Basic, Bearer };

struct Authorization {
  AuthKind kind = AuthKind::None;
  std::string header;  // the Authorization header's value; empty for None
};

class Authenticator {
 public:
  Authenticator(std::string host, std::string repository, std::optional<oci::Credential> credential,
                HttpSettings settings, bool insecure);

  // What to send with the next registry request; fetches a new token when the cached one expired.
  Result<Authorization> authorization();
  // A request sent with `sent` got 401 with this WWW-Authenticate: set up what authorization() gives next, or
  // fail with a message for the user (never containing a secret).
  Result<void> on_unauthorized(std::string_view www_authenticate, AuthKind sent);
  // How many token requests were made (for tests and logs).
  [[nodiscard]] int token_requests() const { return token_requests_; }

 private:
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point expires;
  };
  Result<void> fetch_token();
  [[nodiscard]] std::string scope() const { return "repository:" + repository_ + ":pull"; }
  [[nodiscard]] std::string missing_credentials() const;
  [[nodiscard]] std::string rejected_credentials() const;

  std::string host_;
  std::string repository_;
  std::optional<oci::Credential> credential_;
  HttpSettings settings_;
  bool insecure_ = false;
  AuthKind mode_ = AuthKind::None;
  std::string realm_;
  std::string service_;
  std::map<std::string, Token> tokens_;  // by scope
  int token_requests_ = 0;
};

}  // namespace vigil::image::registry
