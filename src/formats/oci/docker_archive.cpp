// manifest.json of a `docker save` / skopeo docker-archive tarball: per image, its config file, tags and layer
// files. The paths name members of the archive, so they are checked before anyone opens them.
#include <string>

#include "core/strings.hpp"
#include "formats/oci.hpp"
#include "formats/oci/oci_json.hpp"

namespace vigil::formats::oci {
namespace {

constexpr size_t kMaxArchiveManifestBytes = 4U << 20U;
constexpr size_t kMaxImages = 1000;
constexpr size_t kMaxLayers = 1000;
constexpr size_t kMaxTags = 1000;

// Relative, no "..", no NUL, nothing empty: a member path that cannot name anything outside the archive.
Result<void> check_member_path(std::string_view path, const std::string& where) {
  if (path.empty()) {
    return fail(where + " is empty");
  }
  if (path.find('\0') != std::string_view::npos) {
    return fail(where + " contains a NUL byte");
  }
  if (path.front() == '/' || path.front() == '\\') {
    return fail(where + " " + detail::quoted(path) + " is an absolute path");
  }
  for (const auto component : split(path, '/')) {
    if (component == ".." || component.find('\\') != std::string_view::npos) {
      return fail(where + " " + detail::quoted(path) + " leaves the archive (\"..\" or '\\\\' in the path)");
    }
  }
  return {};
}

Result<DockerArchiveImage> read_image(json::element e, const std::string& where) {
  json::object obj;
  if (e.get_object().get(obj)) {
    return fail(where + " is a JSON " + std::string(json::type_name(e)) + ", expected an object");
  }
  DockerArchiveImage image;
  const std::string prefix = where + ".";
  auto ok = detail::read_string(obj, "Config", prefix, image.config);
  if (ok) ok = detail::read_string_array(obj, "RepoTags", prefix, kMaxTags, image.repo_tags);
  if (ok) ok = detail::read_string_array(obj, "Layers", prefix, kMaxLayers, image.layers);
  if (ok) ok = check_member_path(image.config, prefix + "Config");
  for (size_t i = 0; ok && i < image.layers.size(); ++i) {
    ok = check_member_path(image.layers[i], prefix + "Layers[" + std::to_string(i) + "]");
  }
  if (!ok) {
    return tl::unexpected(ok.error());
  }
  return image;
}

}  // namespace

Result<std::vector<DockerArchiveImage>> parse_docker_archive_manifest(std::string_view bytes) {
  if (bytes.size() > kMaxArchiveManifestBytes) {
    return fail("manifest.json is " + std::to_string(bytes.size()) + " bytes, more than the limit of 4 MiB");
  }
  simdjson::dom::parser parser;
  auto doc = json::parse(parser, bytes);
  if (!doc) {
    return tl::unexpected(doc.error());
  }
  json::array arr;
  if (doc->get_array().get(arr)) {
    return fail("manifest.json is a JSON " + std::string(json::type_name(*doc)) + ", expected an array of images");
  }
  if (arr.size() > kMaxImages) {
    return fail("manifest.json lists " + std::to_string(arr.size()) + " images, more than the limit of 1000");
  }
  std::vector<DockerArchiveImage> images;
  for (json::element item : arr) {
    auto image = read_image(item, "[" + std::to_string(images.size()) + "]");
    if (!image) {
      return tl::unexpected(image.error());
    }
    images.push_back(std::move(*image));
  }
  if (images.empty()) {
    return fail("manifest.json lists no images");
  }
  return images;
}

Result<Parsed> parse_docker_archive_manifest_fuzz(std::string_view /*path*/, std::string_view bytes) {
  auto images = parse_docker_archive_manifest(bytes);
  if (!images) {
    return tl::unexpected(images.error());
  }
  return Parsed{};
}

}  // namespace vigil::formats::oci
