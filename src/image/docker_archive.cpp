// `docker-archive:FILE`: the `docker save` format (manifest.json, a config file, uncompressed layer tars). It has
// no OCI manifest, so one is synthesized: the config's digest is computed, and each layer's descriptor carries
// the config's diff_id as its digest, so the verified stream of a layer file is checked against its diff_id.
#include <fmt/format.h>

#include <map>

#include "core/sha256.hpp"
#include "image/local_sources.hpp"
#include "image/tar_archive.hpp"

namespace vigil::image {
namespace {

constexpr uint64_t kMaxManifestJsonBytes = 4ULL << 20;
constexpr uint64_t kMaxConfigBytes = 8ULL << 20;

std::string descriptor_json(std::string_view media_type, const std::string& digest, uint64_t size) {
  // Every value here is a constant media type or a validated digest: nothing needs escaping.
  return fmt::format(R"({{"mediaType":"{}","digest":"{}","size":{}}})", media_type, digest, size);
}

Result<oci::DockerArchiveImage> choose_image(std::vector<oci::DockerArchiveImage> images,
                                             const oci::ImageReference& ref) {
  if (images.empty()) return fail(fmt::format("{}: manifest.json lists no image", ref.path));
  if (images.size() == 1 && ref.tag.empty()) return std::move(images.front());
  std::string tags;
  for (auto& image : images) {
    for (const auto& t : image.repo_tags) {
      if (!ref.tag.empty() && (t == ref.tag || t.ends_with(":" + ref.tag))) return std::move(image);
      tags += tags.empty() ? t : ", " + t;
    }
  }
  if (!ref.tag.empty()) return fail(fmt::format("{}: no image tagged \"{}\"; tags: {}", ref.path, ref.tag, tags));
  return fail(fmt::format("{}: holds {} images; tags: {}", ref.path, images.size(), tags.empty() ? "(none)" : tags));
}

class DockerArchiveSource final : public ImageSource {
 public:
  DockerArchiveSource(std::unique_ptr<TarArchive> tar, oci::ImageReference ref)
      : tar_(std::move(tar)), ref_(std::move(ref)) {}

  Result<void> init() {
    if (tar_->find("manifest.json") == nullptr) {
      return fail(fmt::format("{}: not a docker archive (no manifest.json)", ref_.path));
    }
    auto manifest_json = tar_->read_entry("manifest.json", kMaxManifestJsonBytes);
    if (!manifest_json) return tl::unexpected(manifest_json.error());
    auto images = oci::parse_docker_archive_manifest(*manifest_json);
    if (!images) return fail(fmt::format("{}: manifest.json: {}", ref_.path, images.error().message));
    auto image = choose_image(std::move(*images), ref_);
    if (!image) return tl::unexpected(image.error());
    auto config = tar_->read_entry(image->config, kMaxConfigBytes);
    if (!config) return tl::unexpected(config.error());
    auto parsed = oci::parse_image_config(*config);
    if (!parsed) return fail(fmt::format("{}: config {}: {}", ref_.path, image->config, parsed.error().message));
    if (parsed->diff_ids.size() != image->layers.size()) {
      return fail(fmt::format("{}: manifest.json lists {} layers but the config {} diff_ids", ref_.path,
                              image->layers.size(), parsed->diff_ids.size()));
    }
    config_path_ = image->config;
    const std::string config_digest = sha256_digest(*config);
    blobs_[config_digest] = config_path_;
    std::string layers;
    for (size_t i = 0; i < image->layers.size(); ++i) {
      const std::string& diff_id = parsed->diff_ids[i];
      if (!oci::valid_digest(diff_id)) return fail(fmt::format("{}: config has an invalid diff_id", ref_.path));
      const TarArchive::Entry* entry = tar_->find(image->layers[i]);
      if (entry == nullptr) return fail(fmt::format("{}: layer file {} is missing", ref_.path, image->layers[i]));
      blobs_[diff_id] = image->layers[i];
      if (!layers.empty()) layers += ',';
      layers += descriptor_json(oci::kOciLayerTar, diff_id, entry->size);
    }
    manifest_ = fmt::format(R"({{"schemaVersion":2,"mediaType":"{}","config":{},"layers":[{}]}})", oci::kOciManifest,
                            descriptor_json(oci::kOciConfig, config_digest, config->size()), layers);
    manifest_digest_ = sha256_digest(manifest_);
    return {};
  }

  Result<FetchedManifest> root_manifest() override {
    return FetchedManifest{manifest_, std::string(oci::kOciManifest), manifest_digest_};
  }

  Result<FetchedManifest> manifest(const oci::Descriptor& descriptor) override {
    if (descriptor.digest != manifest_digest_) {
      return fail(fmt::format("{}: a docker archive has no manifest {}", ref_.path, descriptor.digest));
    }
    return root_manifest();
  }

  Result<std::unique_ptr<BlobReader>> open_blob(const oci::Descriptor& descriptor) override {
    auto it = blobs_.find(descriptor.digest);
    if (it == blobs_.end()) return fail(fmt::format("{}: no blob {} in the archive", ref_.path, descriptor.digest));
    auto raw = tar_->open_entry(it->second);
    if (!raw) return tl::unexpected(raw.error());
    return verify_blob(std::move(*raw), descriptor);
  }

  [[nodiscard]] std::string name() const override { return ref_.to_string(); }

 private:
  std::unique_ptr<TarArchive> tar_;
  oci::ImageReference ref_;
  std::string config_path_;
  std::map<std::string, std::string, std::less<>> blobs_;  // digest (config sha256 or layer diff_id) -> file
  std::string manifest_;
  std::string manifest_digest_;
};

}  // namespace

Result<std::unique_ptr<ImageSource>> open_docker_archive(const oci::ImageReference& ref) {
  auto tar = TarArchive::open(ref.path);
  if (!tar) return tl::unexpected(tar.error());
  auto source = std::make_unique<DockerArchiveSource>(std::move(*tar), ref);
  if (auto ok = source->init(); !ok) return tl::unexpected(ok.error());
  return std::unique_ptr<ImageSource>(std::move(source));
}

}  // namespace vigil::image
