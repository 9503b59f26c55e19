// Incremental SHA-256 (OpenSSL EVP) for content digests: blobs, layers, manifests.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace vigil {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void update(std::string_view bytes);
  // 64 lowercase hex digits; the object is spent afterwards (create a new one to hash again).
  std::string hex();
  // "sha256:" + hex(): the OCI digest form.
  std::string digest() { return "sha256:" + hex(); }

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// One-shot: "sha256:<hex>" of bytes.
std::string sha256_digest(std::string_view bytes);

}  // namespace vigil
