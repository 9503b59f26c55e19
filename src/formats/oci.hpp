// Container image metadata: image references, OCI/Docker manifests and indexes, image configs, `docker save`
// manifests, and the registry auth formats (WWW-Authenticate challenges, token replies, docker config.json).
// Pure parsers of untrusted bytes; each has a libFuzzer target (the *_fuzz wrappers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "formats/parsed.hpp"

namespace vigil::formats::oci {

// Media types (OCI image spec and Docker's schema 2).
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayerTar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
// The Accept header a registry client sends for manifests, every kind above.
inline constexpr std::string_view kManifestAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

// "sha256:" + 64 lowercase hex digits (the only algorithm we accept; sha512 is refused as unsupported).
bool valid_digest(std::string_view digest);

struct Platform {
  std::string os;            // "linux"
  std::string architecture;  // "amd64", "arm64"
  std::string variant;       // "v8", often empty
};
// "linux/amd64", "linux/arm64/v8"; fails on anything else.
Result<Platform> parse_platform(std::string_view text);
std::string platform_string(const Platform& p);

struct Descriptor {
  std::string media_type;
  std::string digest;                // valid_digest() holds for every parsed descriptor
  int64_t size = -1;                 // bytes; never negative once parsed
  std::optional<Platform> platform;  // index entries only
  std::string ref_name;              // annotation org.opencontainers.image.ref.name (OCI layout tags)
  std::vector<std::string> urls;     // foreign layers; never fetched
};

struct Index {  // OCI image index or Docker manifest list
  std::vector<Descriptor> manifests;
};

struct Manifest {  // OCI image manifest or Docker v2 schema 2
  Descriptor config;
  std::vector<Descriptor> layers;
};

// What a manifest document is: exactly one of index / manifest is set.
struct ManifestDocument {
  std::string media_type;  // from the document's mediaType, else from content_type
  std::optional<Index> index;
  std::optional<Manifest> manifest;
};
// content_type: the HTTP Content-Type or the descriptor's mediaType (may be empty). Schema 1 manifests, unknown
// media types, bad digests and negative sizes fail with a message saying which.
Result<ManifestDocument> parse_manifest(std::string_view bytes, std::string_view content_type);

struct HistoryEntry {
  std::string created;
  std::string created_by;  // the Dockerfile/build line, e.g. "/bin/sh -c apt-get install -y curl"
  std::string comment;
  bool empty_layer = false;  // true: this line made no layer (ENV, USER, CMD...)
};

struct ImageConfig {
  Platform platform;  // os, architecture, variant
  std::string created;
  std::string user;              // config.User; empty means root
  std::vector<std::string> env;  // "KEY=value"
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string working_dir;
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<HistoryEntry> history;
  std::vector<std::string> diff_ids;  // rootfs.diff_ids: digests of the uncompressed layers, bottom first
};
Result<ImageConfig> parse_image_config(std::string_view bytes);

// history has one entry per line of the build, layers only for the non-empty ones: this maps layer index
// (0-based, bottom first) to the history entry that created it, or nullptr when history is short.
const HistoryEntry* history_for_layer(const ImageConfig& config, size_t layer_index);

// One image of a `docker save` / skopeo docker-archive manifest.json.
struct DockerArchiveImage {
  std::string config;                  // path inside the archive, e.g. "<hex>.json"
  std::vector<std::string> repo_tags;  // "127.0.0.1:5000/app:1.0"
  std::vector<std::string> layers;     // paths inside the archive, bottom first
};
// Paths are checked: relative, no "..", no NUL.
Result<std::vector<DockerArchiveImage>> parse_docker_archive_manifest(std::string_view bytes);

// What the user typed after `vigil scan image`.
enum class Transport { Registry, OciLayout, OciArchive, DockerArchive };
struct ImageReference {
  Transport transport = Transport::Registry;
  std::string path;        // oci:/oci-archive:/docker-archive: the directory or file
  std::string registry;    // "docker.io" when none given; "127.0.0.1:5000"
  std::string repository;  // "library/alpine" for docker.io short names; "team/app"
  std::string tag;         // registry: "latest" when neither tag nor digest given; oci: the ref name, may be empty
  std::string digest;      // "sha256:..." when given with @
  // The registry's API host: "registry-1.docker.io" for docker.io, else registry.
  [[nodiscard]] std::string api_host() const;
  // Canonical text: "oci:DIR:tag", "docker-archive:FILE", "127.0.0.1:5000/team/app:1.0", ...@sha256:...
  [[nodiscard]] std::string to_string() const;
};
// Forms: oci:DIR[:tag], oci-archive:FILE[:tag], docker-archive:FILE, [host[:port]/]repo[:tag][@digest].
// A first component is a host when it has a '.' or ':' or is "localhost" (Docker's rule).
Result<ImageReference> parse_image_reference(std::string_view text);

// --- Registry auth formats (distribution spec, Docker token spec) ---

struct AuthChallenge {
  std::string scheme;                                           // lower-cased: "basic", "bearer"
  std::vector<std::pair<std::string, std::string>> params;      // keys lower-cased; quoted values unescaped
  [[nodiscard]] std::string param(std::string_view key) const;  // "" when absent
};
// RFC 7235 WWW-Authenticate value: one or more challenges, e.g. Bearer realm="https://a/token",service="reg",
// scope="repository:x:pull".
Result<std::vector<AuthChallenge>> parse_www_authenticate(std::string_view header);

struct TokenReply {
  std::string token;        // "token", else "access_token"
  int64_t expires_in = 60;  // seconds; the spec's default when absent
};
Result<TokenReply> parse_token_reply(std::string_view bytes);

struct Credential {
  std::string username;
  std::string password;  // or an identity token, when username is "<token>"
};
// auths[registry] of a docker config.json / containers auth.json: "auth" (base64 user:pass) or username+password.
// Keys may be "host", "host/v1/" or "https://host/..."; docker.io also matches "https://index.docker.io/v1/".
// Returns nullopt when the file has no entry for the registry; fails on invalid JSON.
Result<std::optional<Credential>> find_registry_credential(std::string_view config_json, std::string_view registry);

// ParseFn-shaped wrappers for the fuzzers: parse, then return an empty Parsed (or the error).
Result<Parsed> parse_manifest_fuzz(std::string_view path, std::string_view bytes);
Result<Parsed> parse_image_config_fuzz(std::string_view path, std::string_view bytes);
Result<Parsed> parse_docker_archive_manifest_fuzz(std::string_view path, std::string_view bytes);
Result<Parsed> parse_image_reference_fuzz(std::string_view path, std::string_view bytes);
Result<Parsed> parse_www_authenticate_fuzz(std::string_view path, std::string_view bytes);
Result<Parsed> parse_token_reply_fuzz(std::string_view path, std::string_view bytes);
Result<Parsed> find_registry_credential_fuzz(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats::oci
