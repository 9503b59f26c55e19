// What every image source shares: the verifying blob stream, whole-blob reads, resolving a reference to one
// platform's manifest and config, and the choice of source by transport.
#include "image/source.hpp"

#include <fmt/format.h>

#include <array>

#include "core/sha256.hpp"
#include "image/local_sources.hpp"
#include "image/registry.hpp"

namespace vigil::image {
namespace {

constexpr uint64_t kMaxConfigBytes = 8ULL << 20;
constexpr int kMaxIndexDepth = 2;  // an index may point at one more index (OCI layout tag -> multi-arch index)

// "sha256:abcd1234ef56…": enough to recognise a blob in a message.
std::string short_digest(std::string_view digest) {
  constexpr size_t kShown = 7 + 12;
  if (digest.size() <= kShown) return std::string(digest);
  return std::string(digest.substr(0, kShown)) + "…";
}

class VerifyingReader final : public BlobReader {
 public:
  VerifyingReader(std::unique_ptr<BlobReader> raw, const oci::Descriptor& expected)
      : raw_(std::move(raw)), digest_(expected.digest), size_(expected.size) {}

  Result<size_t> read(std::span<char> out) override {
    if (!error_.empty()) return fail(error_);
    if (done_) return size_t{0};
    auto n = raw_->read(out);
    if (!n) return stop(n.error().message);
    if (*n == 0) return finish();
    seen_ += *n;
    if (size_ >= 0 && seen_ > static_cast<uint64_t>(size_)) {
      return stop(fmt::format("more than the {} bytes its descriptor gives", size_));
    }
    hash_.update(std::string_view(out.data(), *n));
    return *n;
  }

 private:
  Result<size_t> stop(const std::string& why) {
    error_ = fmt::format("blob {}: {}", short_digest(digest_), why);
    return fail(error_);
  }

  Result<size_t> finish() {
    if (size_ >= 0 && seen_ != static_cast<uint64_t>(size_)) {
      return stop(fmt::format("{} bytes instead of the {} its descriptor gives", seen_, size_));
    }
    const std::string actual = hash_.digest();
    if (actual != digest_) return stop(fmt::format("content has digest {} (corrupt or tampered)", actual));
    done_ = true;
    return size_t{0};
  }

  std::unique_ptr<BlobReader> raw_;
  std::string digest_;
  int64_t size_;
  uint64_t seen_ = 0;
  Sha256 hash_;
  std::string error_;  // sticky: a failed blob stays failed
  bool done_ = false;
};

std::string platforms_offered(const oci::Index& index) {
  std::string out;
  for (const auto& d : index.manifests) {
    if (!out.empty()) out += ", ";
    out += d.platform ? oci::platform_string(*d.platform) : std::string("(no platform)");
  }
  return out.empty() ? std::string("none") : out;
}

bool platform_matches(const oci::Platform& have, const oci::Platform& want) {
  return have.os == want.os && have.architecture == want.architecture &&
         (want.variant.empty() || have.variant == want.variant);
}

Result<oci::Descriptor> pick_platform(const oci::Index& index, const oci::Platform& platform) {
  if (index.manifests.size() == 1 && !index.manifests.front().platform) return index.manifests.front();
  for (const auto& d : index.manifests) {
    if (d.platform && platform_matches(*d.platform, platform)) return d;
  }
  return fail(fmt::format("no image for {} in the index; it offers: {}", oci::platform_string(platform),
                          platforms_offered(index)));
}

// Follows indexes from the root to one image manifest.
Result<std::pair<FetchedManifest, oci::Manifest>> find_manifest(ImageSource& source, FetchedManifest root,
                                                                const oci::Platform& platform,
                                                                std::string& index_digest) {
  FetchedManifest current = std::move(root);
  for (int depth = 0;; ++depth) {
    auto doc = oci::parse_manifest(current.bytes, current.media_type);
    if (!doc) return fail(fmt::format("manifest {}: {}", short_digest(current.digest), doc.error().message));
    if (doc->manifest) return std::make_pair(std::move(current), std::move(*doc->manifest));
    if (!doc->index) return fail(fmt::format("manifest {}: neither an image nor an index", current.digest));
    if (depth >= kMaxIndexDepth) return fail("indexes nested too deeply");
    if (index_digest.empty()) index_digest = current.digest;
    auto chosen = pick_platform(*doc->index, platform);
    if (!chosen) return tl::unexpected(chosen.error());
    auto next = source.manifest(*chosen);
    if (!next) return tl::unexpected(next.error());
    current = std::move(*next);
  }
}

}  // namespace

std::unique_ptr<BlobReader> verify_blob(std::unique_ptr<BlobReader> raw, const oci::Descriptor& expected) {
  return std::make_unique<VerifyingReader>(std::move(raw), expected);
}

Result<std::string> read_blob(ImageSource& source, const oci::Descriptor& descriptor, uint64_t limit) {
  if (descriptor.size >= 0 && static_cast<uint64_t>(descriptor.size) > limit) {
    return fail(fmt::format("blob {}: {} bytes, over the limit of {}", short_digest(descriptor.digest), descriptor.size,
                            limit));
  }
  auto reader = source.open_blob(descriptor);
  if (!reader) return tl::unexpected(reader.error());
  std::string out;
  if (descriptor.size > 0) out.reserve(static_cast<size_t>(descriptor.size));
  std::array<char, 1 << 16> chunk{};
  while (true) {
    auto n = (*reader)->read(chunk);
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return out;
    if (out.size() + *n > limit) {
      return fail(fmt::format("blob {}: over the limit of {} bytes", short_digest(descriptor.digest), limit));
    }
    out.append(chunk.data(), *n);
  }
}

Result<std::unique_ptr<ImageSource>> open_image_source(const oci::ImageReference& ref, const OpenOptions& options) {
  switch (ref.transport) {
    case oci::Transport::OciLayout: return open_oci_layout(ref);
    case oci::Transport::OciArchive: return open_oci_archive(ref);
    case oci::Transport::DockerArchive: return open_docker_archive(ref);
    case oci::Transport::Registry: return open_registry_source(ref, options.registry);
  }
  return fail("unknown image transport");
}

Result<ResolvedImage> resolve_image(ImageSource& source, const oci::Platform& platform) {
  auto root = source.root_manifest();
  if (!root) return tl::unexpected(root.error());
  ResolvedImage out;
  out.name = source.name();
  auto found = find_manifest(source, std::move(*root), platform, out.index_digest);
  if (!found) return fail(fmt::format("{}: {}", out.name, found.error().message));
  out.manifest_digest = found->first.digest;
  out.manifest = std::move(found->second);
  auto config_bytes = read_blob(source, out.manifest.config, kMaxConfigBytes);
  if (!config_bytes) return fail(fmt::format("{}: config: {}", out.name, config_bytes.error().message));
  auto config = oci::parse_image_config(*config_bytes);
  if (!config) {
    return fail(
        fmt::format("{}: config {}: {}", out.name, short_digest(out.manifest.config.digest), config.error().message));
  }
  if (config->diff_ids.size() != out.manifest.layers.size()) {
    return fail(fmt::format("{}: the manifest has {} layers but the config lists {} diff_ids", out.name,
                            out.manifest.layers.size(), config->diff_ids.size()));
  }
  out.config_bytes = std::move(*config_bytes);
  out.config = std::move(*config);
  return out;
}

}  // namespace vigil::image
