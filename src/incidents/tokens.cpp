// API token creation and authentication (see tokens.hpp).
#include "incidents/tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <chrono>
#include <mutex>
#include <unordered_map>

#include "core/sha256.hpp"

namespace vigil::incidents {
namespace {

constexpr std::string_view kPrefix = "vgl_";
constexpr size_t kSecretBytes = 32;
constexpr size_t kSecretChars = 43;  // base64url of 32 bytes, unpadded
constexpr size_t kMaxName = 256;
constexpr auto kCacheTtl = std::chrono::seconds(30);
constexpr size_t kMaxCached = 4096;

std::string base64url(const unsigned char* data, size_t n) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 8U) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> static_cast<unsigned>(bits)) & 0x3FU];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << static_cast<unsigned>(6 - bits)) & 0x3FU];
  return out;
}

bool base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex();
}

struct Parsed {
  int64_t id;
  std::string_view secret;
};

std::optional<Parsed> parse_token(std::string_view text) {
  if (!text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  const size_t sep = text.find('_');
  if (sep == std::string_view::npos || sep == 0 || sep > 18) return std::nullopt;
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + sep, id);
  if (ec != std::errc{} || end != text.data() + sep || id <= 0) return std::nullopt;
  const std::string_view secret = text.substr(sep + 1);
  if (secret.size() != kSecretChars) return std::nullopt;
  for (const char c : secret) {
    if (!base64url_char(c)) return std::nullopt;
  }
  return Parsed{id, secret};
}

// Good tokens seen recently, by sha256 of the whole token text (so the cache holds no secrets).
class TokenCache {
 public:
  std::optional<Token> get(const std::string& key) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (std::chrono::steady_clock::now() >= it->second.expires) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.token;
  }
  void put(const std::string& key, const Token& token) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= kMaxCached) entries_.clear();  // crude, but bounded; refills on the next requests
    entries_[key] = Entry{token, std::chrono::steady_clock::now() + kCacheTtl};
  }
  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }

 private:
  struct Entry {
    Token token;
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

TokenCache& cache() {
  static TokenCache instance;
  return instance;
}

}  // namespace

Result<std::string> create_token(Store& store, Role role, std::string name, int64_t now_ns) {
  if (name.size() > kMaxName) return fail("token name: longer than 256 bytes");
  std::array<unsigned char, kSecretBytes> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return fail("token: the system random generator failed");
  }
  const std::string secret = base64url(random.data(), random.size());
  OPENSSL_cleanse(random.data(), random.size());
  const Token token{.name = std::move(name), .role = role, .created_ns = now_ns};
  auto id = store.insert_token(token, sha256_hex(secret));
  if (!id) return tl::unexpected(id.error());
  return std::string(kPrefix) + std::to_string(*id) + "_" + secret;
}

Result<std::optional<Token>> authenticate(Store& store, std::string_view bearer) {
  const auto parsed = parse_token(bearer);
  if (!parsed) return std::optional<Token>{};
  // The cache key includes the store's address: two stores in one process (tests) do not share entries.
  const std::string key = sha256_hex(bearer) + "@" + std::to_string(reinterpret_cast<uintptr_t>(&store));
  if (auto hit = cache().get(key)) return hit;
  auto stored = store.token(parsed->id);
  if (!stored) return tl::unexpected(stored.error());
  if (!*stored) return std::optional<Token>{};
  const std::string presented = sha256_hex(parsed->secret);
  const std::string& expected = (*stored)->secret_sha256_hex;
  if (expected.size() != presented.size() || CRYPTO_memcmp(expected.data(), presented.data(), presented.size()) != 0) {
    return std::optional<Token>{};
  }
  cache().put(key, (*stored)->token);
  return std::optional<Token>((*stored)->token);
}

void clear_token_cache() {
  cache().clear();
}

}  // namespace vigil::incidents
