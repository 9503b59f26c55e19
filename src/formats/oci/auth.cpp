// Registry auth formats: RFC 7235 WWW-Authenticate challenges, Docker token-server replies and the credentials
// of a docker config.json / containers auth.json. Pure parsers of untrusted bytes; no secret is ever put in an
// error message.
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "core/strings.hpp"
#include "formats/json_read.hpp"
#include "formats/oci.hpp"

namespace vigil::formats::oci {
namespace {

constexpr size_t kMaxHeader = 16 * 1024;
constexpr size_t kMaxChallenges = 32;
constexpr size_t kMaxParams = 64;
constexpr size_t kMaxTokenReply = 1 << 20;
constexpr size_t kMaxConfigFile = 4 << 20;
constexpr size_t kMaxAuthEntries = 10'000;
constexpr int64_t kDefaultExpiry = 60;
constexpr int64_t kMaxExpiry = 366LL * 24 * 3600;

// RFC 7230 tchar.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 7235 token68: base64-ish characters followed by '=' padding.
bool is_token68_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~+/").find(c) != std::string_view::npos;
}

class ChallengeParser {
 public:
  explicit ChallengeParser(std::string_view text) : s_(text) {}

  Result<std::vector<AuthChallenge>> run() {
    std::vector<AuthChallenge> out;
    skip_separators();
    while (pos_ < s_.size()) {
      if (out.size() >= kMaxChallenges) {
        return fail("too many challenges in WWW-Authenticate");
      }
      AuthChallenge challenge;
      challenge.scheme = to_lower(token());
      if (challenge.scheme.empty()) {
        return error("expected an auth scheme");
      }
      if (auto ok = params(challenge); !ok) {
        return tl::unexpected(ok.error());
      }
      out.push_back(std::move(challenge));
      skip_separators();
    }
    if (out.empty()) {
      return fail("empty WWW-Authenticate header");
    }
    return out;
  }

 private:
  tl::unexpected<Error> error(std::string_view what) const {
    return fail("invalid WWW-Authenticate at byte " + std::to_string(pos_) + ": " + std::string(what));
  }

  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) {
      ++pos_;
    }
  }
  void skip_separators() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == ',')) {
      ++pos_;
    }
  }
  std::string_view token() {
    const size_t start = pos_;
    while (pos_ < s_.size() && is_tchar(s_[pos_])) {
      ++pos_;
    }
    return s_.substr(start, pos_ - start);
  }

  Result<std::string> quoted() {
    std::string value;
    ++pos_;  // opening quote
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') {
        return value;
      }
      if (c == '\\') {
        if (pos_ >= s_.size()) {
          break;
        }
        value.push_back(s_[pos_++]);
      } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
        return error("control character in a quoted string");
      } else {
        value.push_back(c);
      }
    }
    return error("unterminated quoted string");
  }

  // A token68 credential ("Negotiate abc=="): stored as one parameter with an empty key.
  bool try_token68(AuthChallenge& challenge) {
    size_t end = pos_;
    while (end < s_.size() && is_token68_char(s_[end])) {
      ++end;
    }
    if (end == pos_) {
      return false;
    }
    size_t value_end = end;
    while (value_end < s_.size() && s_[value_end] == '=') {
      ++value_end;
    }
    size_t after = value_end;
    while (after < s_.size() && (s_[after] == ' ' || s_[after] == '\t')) {
      ++after;
    }
    if (after < s_.size() && s_[after] != ',') {
      return false;
    }
    challenge.params.emplace_back("", std::string(s_.substr(pos_, value_end - pos_)));
    pos_ = value_end;
    return true;
  }

  // auth-params after the scheme, up to the next challenge (a token not followed by '=') or the end.
  Result<void> params(AuthChallenge& challenge) {
    const size_t before = pos_;
    skip_ws();
    if (pos_ == before || pos_ >= s_.size() || s_[pos_] == ',') {
      return {};  // scheme alone
    }
    if (try_token68(challenge)) {
      return {};
    }
    while (pos_ < s_.size()) {
      skip_separators();
      const size_t param_start = pos_;
      const std::string_view key = token();
      if (key.empty()) {
        return pos_ >= s_.size() ? Result<void>{} : error("expected a parameter name");
      }
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '=') {
        pos_ = param_start;  // the next challenge's scheme
        return {};
      }
      ++pos_;
      skip_ws();
      std::string value;
      if (pos_ < s_.size() && s_[pos_] == '"') {
        auto q = quoted();
        if (!q) {
          return tl::unexpected(q.error());
        }
        value = std::move(*q);
      } else {
        value = std::string(token());
      }
      if (challenge.params.size() >= kMaxParams) {
        return fail("too many parameters in a WWW-Authenticate challenge");
      }
      challenge.params.emplace_back(to_lower(key), std::move(value));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] != ',') {
        return error("expected ',' between parameters");
      }
    }
    return {};
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// A bearer token goes into a header line: only visible ASCII, or it could inject headers.
bool header_safe(std::string_view token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Standard base64 with optional padding; nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view in) {
  while (!in.empty() && in.back() == '=') {
    in.remove_suffix(1);
  }
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    const int v = base64_value(c);
    if (v < 0) {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 6) {
    return std::nullopt;  // a lone trailing character cannot encode a byte
  }
  return out;
}

// "https://index.docker.io/v1/" -> "index.docker.io"; "host:5000/ns" -> "host:5000".
std::string key_host(std::string_view key) {
  key = trim(key);
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (key.size() >= scheme.size() && iequals(key.substr(0, scheme.size()), scheme)) {
      key.remove_prefix(scheme.size());
      break;
    }
  }
  return to_lower(key.substr(0, key.find('/')));
}

bool is_docker_hub(std::string_view host) {
  return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}

bool key_matches(std::string_view key, std::string_view registry) {
  const std::string host = key_host(key);
  const std::string wanted = to_lower(registry);
  return host == wanted || (is_docker_hub(host) && is_docker_hub(wanted));
}

Result<std::optional<Credential>> credential_from_entry(json::element entry, std::string_view registry) {
  json::object obj;
  if (entry.get_object().get(obj)) {
    return fail("auths entry for " + std::string(registry) + " is not an object");
  }
  const std::string_view auth = json::string_field(obj, "auth");
  if (!auth.empty()) {
    auto decoded = base64_decode(trim(auth));
    const size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos || colon == 0) {
      return fail("auths entry for " + std::string(registry) +
                  " has an invalid \"auth\" value (expected base64 of "
                  "user:password)");
    }
    return Credential{decoded->substr(0, colon), decoded->substr(colon + 1)};
  }
  const std::string_view identity = json::string_field(obj, "identitytoken");
  if (!identity.empty()) {
    return Credential{"<token>", std::string(identity)};
  }
  const std::string_view user = json::string_field(obj, "username");
  const std::string_view pass = json::string_field(obj, "password");
  if (!user.empty() && !pass.empty()) {
    return Credential{std::string(user), std::string(pass)};
  }
  return std::optional<Credential>{};  // e.g. {} left by `docker login` with a credential helper
}

}  // namespace

std::string AuthChallenge::param(std::string_view key) const {
  for (const auto& [k, v] : params) {
    if (iequals(k, key)) {
      return v;
    }
  }
  return {};
}

Result<std::vector<AuthChallenge>> parse_www_authenticate(std::string_view header) {
  if (header.size() > kMaxHeader) {
    return fail("WWW-Authenticate header longer than " + std::to_string(kMaxHeader) + " bytes");
  }
  return ChallengeParser(header).run();
}

Result<TokenReply> parse_token_reply(std::string_view bytes) {
  if (bytes.size() > kMaxTokenReply) {
    return fail("token reply larger than 1 MiB");
  }
  simdjson::dom::parser parser;
  auto root = json::parse_object(parser, bytes, "token reply");
  if (!root) {
    return tl::unexpected(root.error());
  }
  TokenReply reply;
  std::string_view token = json::string_field(*root, "token");
  if (token.empty()) {
    token = json::string_field(*root, "access_token");
  }
  if (token.empty()) {
    return fail("token reply has neither \"token\" nor \"access_token\"");
  }
  if (!header_safe(token)) {
    return fail("token in the reply has characters not allowed in an HTTP header");
  }
  reply.token = std::string(token);
  double seconds = 0;
  int64_t whole = 0;
  if (!(*root)["expires_in"].get_int64().get(whole)) {
    reply.expires_in = whole;
  } else if (!(*root)["expires_in"].get_double().get(seconds) && std::isfinite(seconds) && std::fabs(seconds) < 1e12) {
    reply.expires_in = static_cast<int64_t>(seconds);
  }
  // The token spec: a missing or nonsensical lifetime means the default of 60 seconds.
  if (reply.expires_in <= 0) {
    reply.expires_in = kDefaultExpiry;
  }
  reply.expires_in = std::min(reply.expires_in, kMaxExpiry);
  return reply;
}

Result<std::optional<Credential>> find_registry_credential(std::string_view config_json, std::string_view registry) {
  if (config_json.size() > kMaxConfigFile) {
    return fail("auth file larger than 4 MiB");
  }
  simdjson::dom::parser parser;
  auto root = json::parse_object(parser, config_json, "auth file");
  if (!root) {
    return tl::unexpected(root.error());
  }
  json::object auths;
  if ((*root)["auths"].get_object().get(auths)) {
    return std::optional<Credential>{};
  }
  // An exact key wins over an alias ("docker.io" over "https://index.docker.io/v1/").
  std::optional<json::element> exact;
  std::optional<json::element> alias;
  size_t seen = 0;
  for (const auto field : auths) {
    if (++seen > kMaxAuthEntries) {
      return fail("auth file has more than 10000 entries");
    }
    if (iequals(trim(field.key), registry)) {
      exact = field.value;
      break;
    }
    if (!alias && key_matches(field.key, registry)) {
      alias = field.value;
    }
  }
  if (exact) {
    return credential_from_entry(*exact, registry);
  }
  if (alias) {
    return credential_from_entry(*alias, registry);
  }
  return std::optional<Credential>{};
}

Result<Parsed> parse_www_authenticate_fuzz(std::string_view /*path*/, std::string_view bytes) {
  auto r = parse_www_authenticate(bytes);
  if (!r) {
    return tl::unexpected(r.error());
  }
  for (const auto& c : *r) {
    (void)c.param("realm");
  }
  return Parsed{};
}

Result<Parsed> parse_token_reply_fuzz(std::string_view /*path*/, std::string_view bytes) {
  auto r = parse_token_reply(bytes);
  if (!r) {
    return tl::unexpected(r.error());
  }
  return Parsed{};
}

Result<Parsed> find_registry_credential_fuzz(std::string_view /*path*/, std::string_view bytes) {
  for (const std::string_view registry : {"docker.io", "127.0.0.1:5000"}) {
    auto r = find_registry_credential(bytes, registry);
    if (!r) {
      return tl::unexpected(r.error());
    }
  }
  return Parsed{};
}

}  // namespace vigil::formats::oci
