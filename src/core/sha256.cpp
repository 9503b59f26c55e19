// SHA-256 over OpenSSL's EVP interface (uses the CPU's SHA extensions when present).
#include "core/sha256.hpp"

#include <openssl/evp.h>

#include <array>

namespace vigil {

struct Sha256::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = md != nullptr && EVP_DigestInit_ex(md, EVP_sha256(), nullptr) == 1;
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::string_view bytes) {
  ctx_->ok = ctx_->ok && EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size()) == 1;
}

std::string Sha256::hex() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (!ctx_->ok || EVP_DigestFinal_ex(ctx_->md, out.data(), &len) != 1) {
    return {};  // never equal to a real digest, so a failed hash never verifies
  }
  ctx_->ok = false;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(len * 2, '0');
  for (unsigned int i = 0; i < len; ++i) {
    hex[2 * i] = kHex[out[i] >> 4];
    hex[2 * i + 1] = kHex[out[i] & 0xF];
  }
  return hex;
}

std::string sha256_digest(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.digest();
}

}  // namespace vigil
