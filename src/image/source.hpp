// Where an image comes from: an OCI layout, an oci-archive or docker-archive file, or a registry. Every source
// hands out manifests and blobs by descriptor, digest-verified, as streams; nothing is unpacked to disk.
// Reused by `scan image`, the curated registry's admission scan and the sandbox.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/result.hpp"
#include "formats/oci.hpp"

namespace vigil::image {

namespace oci = formats::oci;

// A blob as a stream. read() returns 0 at the end; that last read fails instead when the bytes seen differ from
// the descriptor's size or digest, so a consumer that reads to the end never trusts unverified data.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual Result<size_t> read(std::span<char> out) = 0;
};

// Wraps a raw stream of a blob: counts and hashes what passes, fails past `size` bytes or on a digest mismatch at
// the end. name is used in messages ("layer sha256:ab12...").
std::unique_ptr<BlobReader> verify_blob(std::unique_ptr<BlobReader> raw, const oci::Descriptor& expected);

struct FetchedManifest {
  std::string bytes;
  std::string media_type;  // Content-Type or the descriptor's; parse_manifest decides
  std::string digest;      // sha256 of bytes, always computed here
};

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  // The manifest or index the reference names (tag, ref name, digest, or the only image of an archive).
  // When the reference gave a digest, the bytes are checked against it.
  virtual Result<FetchedManifest> root_manifest() = 0;
  // A manifest an index points at; size and digest verified.
  virtual Result<FetchedManifest> manifest(const oci::Descriptor& descriptor) = 0;
  // A config or layer blob, verified as it streams (verify_blob).
  virtual Result<std::unique_ptr<BlobReader>> open_blob(const oci::Descriptor& descriptor) = 0;
  // For messages: "oci:/tmp/layout:1.0", "127.0.0.1:5000/app:1.0".
  [[nodiscard]] virtual std::string name() const = 0;
};

// Reads a whole blob (a config) into memory; fails when it is larger than limit.
Result<std::string> read_blob(ImageSource& source, const oci::Descriptor& descriptor, uint64_t limit);

struct RegistryOptions {
  bool insecure = false;                      // plain HTTP, allowed only to loopback addresses
  std::optional<oci::Credential> credential;  // --creds; else from the auth files below
  std::string auth_file;                      // REGISTRY_AUTH_FILE, else ~/.docker/config.json (empty: look them up)
  int max_attempts = 4;                       // per request, on connection errors, 429 and 5xx (Retry-After honoured)
  std::chrono::milliseconds first_backoff{500};
  std::string ca_file;  // extra CA bundle for self-signed registries (curl CAINFO); empty: system store
};

struct OpenOptions {
  RegistryOptions registry;
};

Result<std::unique_ptr<ImageSource>> open_image_source(const oci::ImageReference& ref, const OpenOptions& options);

// The single-platform image a reference resolves to.
struct ResolvedImage {
  std::string name;             // source name()
  std::string manifest_digest;  // of the image manifest (not of the index)
  std::string index_digest;     // when the reference named an index; else empty
  oci::Manifest manifest;
  std::string config_bytes;
  oci::ImageConfig config;
};

// Follows an index to the manifest for `platform` (os/architecture, then variant when given), reads and parses
// the config, and checks it: as many diff_ids as layers. Errors list the platforms the index offers.
Result<ResolvedImage> resolve_image(ImageSource& source, const oci::Platform& platform);

}  // namespace vigil::image
