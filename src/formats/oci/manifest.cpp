// OCI image indexes and manifests, Docker manifest lists and schema 2 manifests: the documents a registry or an
// OCI layout serves. Schema 1 (signed, deprecated since 2019) is refused rather than half-understood.
#include <string>

#include "core/strings.hpp"
#include "formats/oci.hpp"
#include "formats/oci/oci_json.hpp"

namespace vigil::formats::oci {
namespace {

constexpr size_t kMaxManifestBytes = 4U << 20U;
constexpr size_t kMaxEntries = 1000;  // index entries, and layers of one manifest
constexpr size_t kMaxUrls = 64;
constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";

bool is_schema1_type(std::string_view t) {
  return t == "application/vnd.docker.distribution.manifest.v1+json" ||
         t == "application/vnd.docker.distribution.manifest.v1+prettyjws";
}
bool is_index_type(std::string_view t) {
  return t == kOciIndex || t == kDockerManifestList;
}
bool is_manifest_type(std::string_view t) {
  return t == kOciManifest || t == kDockerManifest;
}

// "application/vnd.oci.image.index.v1+json; charset=utf-8" -> lower-cased type without parameters.
std::string bare_media_type(std::string_view content_type) {
  return to_lower(trim(content_type.substr(0, content_type.find(';'))));
}

Result<Platform> read_platform(json::element e, const std::string& where) {
  json::object obj;
  if (e.get_object().get(obj)) {
    return fail(where + "platform is a JSON " + std::string(json::type_name(e)) + ", expected an object");
  }
  Platform p;
  const std::string prefix = where + "platform.";
  auto ok = detail::read_string(obj, "os", prefix, p.os);
  if (ok) {
    ok = detail::read_string(obj, "architecture", prefix, p.architecture);
  }
  if (ok) {
    ok = detail::read_string(obj, "variant", prefix, p.variant);
  }
  if (!ok) {
    return tl::unexpected(ok.error());
  }
  return p;
}

Result<void> read_size(json::object obj, const std::string& where, int64_t& out) {
  json::element e;
  if (obj["size"].get(e)) {
    return fail(where + "size is missing");
  }
  int64_t size = 0;
  if (e.get_int64().get(size)) {
    return fail(where + "size is not an integer (" + std::string(json::type_name(e)) + " or out of range)");
  }
  if (size < 0) {
    return fail(where + "size is negative (" + std::to_string(size) + ")");
  }
  out = size;
  return {};
}

// where: "manifests[3]." style prefix for messages.
Result<Descriptor> read_descriptor(json::element e, const std::string& where) {
  json::object obj;
  if (e.get_object().get(obj)) {
    return fail(where + " is a JSON " + std::string(json::type_name(e)) + ", expected an object");
  }
  const std::string prefix = where + ".";
  Descriptor d;
  if (auto ok = detail::read_string(obj, "mediaType", prefix, d.media_type); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = detail::read_string(obj, "digest", prefix, d.digest); !ok) {
    return tl::unexpected(ok.error());
  }
  if (!valid_digest(d.digest)) {
    return fail(prefix + "digest " + detail::quoted(d.digest) +
                (starts_with(d.digest, "sha512:") ? " uses an unsupported algorithm (only sha256 is supported)"
                                                  : " is not a valid digest (sha256: and 64 lowercase hex digits)"));
  }
  if (auto ok = read_size(obj, prefix, d.size); !ok) {
    return tl::unexpected(ok.error());
  }
  json::element platform;
  if (!obj["platform"].get(platform) && !platform.is_null()) {
    auto p = read_platform(platform, prefix);
    if (!p) {
      return tl::unexpected(p.error());
    }
    d.platform = std::move(*p);
  }
  json::object annotations;
  if (!obj["annotations"].get_object().get(annotations)) {
    if (auto ok = detail::read_string(annotations, kRefNameAnnotation, prefix + "annotations.", d.ref_name); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  if (auto ok = detail::read_string_array(obj, "urls", prefix, kMaxUrls, d.urls); !ok) {
    return tl::unexpected(ok.error());
  }
  return d;
}

// The array under key, at most kMaxEntries descriptors.
Result<std::vector<Descriptor>> read_descriptors(json::object root, std::string_view key) {
  json::element e;
  if (root[key].get(e)) {
    return fail(std::string("\"") + std::string(key) + "\" is missing");
  }
  json::array arr;
  if (e.get_array().get(arr)) {
    return fail(std::string(key) + " is a JSON " + std::string(json::type_name(e)) + ", expected an array");
  }
  if (arr.size() > kMaxEntries) {
    return fail(std::string(key) + " has " + std::to_string(arr.size()) + " entries, more than the limit of 1000");
  }
  std::vector<Descriptor> out;
  out.reserve(arr.size());
  for (json::element item : arr) {
    auto d = read_descriptor(item, std::string(key) + "[" + std::to_string(out.size()) + "]");
    if (!d) {
      return tl::unexpected(d.error());
    }
    out.push_back(std::move(*d));
  }
  return out;
}

// mediaType in the document wins, then the transport's content type, then the shape of the document.
Result<std::string> document_media_type(json::object root, std::string_view content_type) {
  std::string declared;
  if (auto ok = detail::read_string(root, "mediaType", "", declared); !ok) {
    return tl::unexpected(ok.error());
  }
  const std::string from_transport = bare_media_type(content_type);
  if (declared.empty() &&
      (is_index_type(from_transport) || is_manifest_type(from_transport) || is_schema1_type(from_transport))) {
    declared = from_transport;
  }
  if (declared.empty()) {
    if (json::has_field(root, "fsLayers") || json::has_field(root, "signatures")) {
      declared = "application/vnd.docker.distribution.manifest.v1+json";
    } else if (json::has_field(root, "manifests")) {
      declared = std::string(kOciIndex);
    } else if (json::has_field(root, "layers")) {
      declared = std::string(kOciManifest);
    } else {
      return fail("not an image manifest or index: no mediaType and neither \"manifests\" nor \"layers\"");
    }
  }
  return declared;
}

Result<void> check_schema_version(json::object root) {
  json::element e;
  if (root["schemaVersion"].get(e)) {
    return {};  // required by the specs, but its absence tells us nothing the media type does not
  }
  int64_t version = 0;
  if (e.get_int64().get(version)) {
    return fail("schemaVersion is a JSON " + std::string(json::type_name(e)) + ", expected a number");
  }
  if (version == 1) {
    return fail("Docker schema 1 manifests are not supported (deprecated; push the image again with a current client)");
  }
  if (version != 2) {
    return fail("unsupported schemaVersion " + std::to_string(version) + " (expected 2)");
  }
  return {};
}

}  // namespace

Result<ManifestDocument> parse_manifest(std::string_view bytes, std::string_view content_type) {
  if (bytes.size() > kMaxManifestBytes) {
    return fail("manifest is " + std::to_string(bytes.size()) + " bytes, more than the limit of 4 MiB");
  }
  simdjson::dom::parser parser;
  auto root = json::parse_object(parser, bytes, "manifest");
  if (!root) {
    return tl::unexpected(root.error());
  }
  if (auto ok = check_schema_version(*root); !ok) {
    return tl::unexpected(ok.error());
  }
  auto media_type = document_media_type(*root, content_type);
  if (!media_type) {
    return tl::unexpected(media_type.error());
  }
  ManifestDocument doc;
  doc.media_type = std::move(*media_type);
  if (is_schema1_type(doc.media_type)) {
    return fail("Docker schema 1 manifests are not supported (deprecated; push the image again with a current client)");
  }
  if (is_index_type(doc.media_type)) {
    auto manifests = read_descriptors(*root, "manifests");
    if (!manifests) {
      return tl::unexpected(manifests.error());
    }
    doc.index = Index{std::move(*manifests)};
    return doc;
  }
  if (!is_manifest_type(doc.media_type)) {
    return fail("unsupported manifest media type " + detail::quoted(doc.media_type));
  }
  json::element config;
  if ((*root)["config"].get(config)) {
    return fail("\"config\" is missing");
  }
  auto config_descriptor = read_descriptor(config, "config");
  if (!config_descriptor) {
    return tl::unexpected(config_descriptor.error());
  }
  auto layers = read_descriptors(*root, "layers");
  if (!layers) {
    return tl::unexpected(layers.error());
  }
  doc.manifest = Manifest{std::move(*config_descriptor), std::move(*layers)};
  return doc;
}

Result<Parsed> parse_manifest_fuzz(std::string_view /*path*/, std::string_view bytes) {
  // The content type varies with the input so that every branch of the media type choice is reached.
  const std::string_view types[] = {
      "", kOciIndex, kOciManifest, kDockerManifestList, kDockerManifest, "application/json"};
  const std::string_view content_type = types[bytes.empty() ? 0 : static_cast<unsigned char>(bytes[0]) % 6];
  auto doc = parse_manifest(bytes, content_type);
  if (!doc) {
    return tl::unexpected(doc.error());
  }
  if (doc->index.has_value() == doc->manifest.has_value()) {
    __builtin_trap();  // exactly one must be set
  }
  return Parsed{};
}

}  // namespace vigil::formats::oci
