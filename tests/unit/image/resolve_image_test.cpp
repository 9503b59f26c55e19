// resolve_image over an in-memory source: index -> platform -> manifest -> config, and what it refuses.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>

#include "core/sha256.hpp"
#include "image/source.hpp"

namespace vigil::image {
namespace {

class MemoryReader final : public BlobReader {
 public:
  explicit MemoryReader(std::string bytes) : bytes_(std::move(bytes)) {}
  Result<size_t> read(std::span<char> out) override {
    const size_t n = std::min(out.size(), bytes_.size() - pos_);
    std::copy_n(bytes_.data() + pos_, n, out.data());
    pos_ += n;
    return n;
  }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

// Blobs by digest; the root is whichever blob root_digest names.
class MemorySource final : public ImageSource {
 public:
  std::map<std::string, std::string> blobs;
  std::string root_digest;
  std::string root_media_type;

  oci::Descriptor add(std::string bytes, std::string_view media_type) {
    oci::Descriptor d{std::string(media_type), sha256_digest(bytes), static_cast<int64_t>(bytes.size())};
    blobs[d.digest] = std::move(bytes);
    return d;
  }
  Result<FetchedManifest> root_manifest() override {
    return FetchedManifest{blobs.at(root_digest), root_media_type, root_digest};
  }
  Result<FetchedManifest> manifest(const oci::Descriptor& d) override {
    auto bytes = read_blob(*this, d, 4 << 20);
    if (!bytes) return tl::unexpected(bytes.error());
    return FetchedManifest{*bytes, d.media_type, d.digest};
  }
  Result<std::unique_ptr<BlobReader>> open_blob(const oci::Descriptor& d) override {
    auto it = blobs.find(d.digest);
    if (it == blobs.end()) return fail("no blob " + d.digest);
    return verify_blob(std::make_unique<MemoryReader>(it->second), d);
  }
  [[nodiscard]] std::string name() const override { return "memory:test"; }
};

std::string desc_json(const oci::Descriptor& d, std::string_view extra = "") {
  return fmt::format(R"({{"mediaType":"{}","digest":"{}","size":{}{}}})", d.media_type, d.digest, d.size, extra);
}

std::string config_json(std::string_view arch, int layers) {
  std::string diff_ids;
  for (int i = 0; i < layers; ++i) {
    diff_ids += fmt::format(R"({}"{}")", i == 0 ? "" : ",", sha256_digest("layer" + std::to_string(i)));
  }
  return fmt::format(R"({{"architecture":"{}","os":"linux","config":{{"Env":["PATH=/usr/bin"],"User":"app"}},)"
                     R"("rootfs":{{"type":"layers","diff_ids":[{}]}},)"
                     R"("history":[{{"created_by":"/bin/sh -c #(nop) ADD file:abc in / "}}]}})",
                     arch, diff_ids);
}

// An image manifest for arch with `layers` layers (and as many diff_ids unless config_layers says otherwise).
oci::Descriptor add_image(MemorySource& source, std::string_view arch, int layers, int config_layers = -1) {
  const oci::Descriptor config =
      source.add(config_json(arch, config_layers < 0 ? layers : config_layers), oci::kOciConfig);
  std::string layer_list;
  for (int i = 0; i < layers; ++i) {
    const oci::Descriptor l{std::string(oci::kOciLayerGzip), sha256_digest(fmt::format("{}-{}", arch, i)), 1234};
    layer_list += (i == 0 ? "" : ",") + desc_json(l);
  }
  return source.add(fmt::format(R"({{"schemaVersion":2,"mediaType":"{}","config":{},"layers":[{}]}})",
                                oci::kOciManifest, desc_json(config), layer_list),
                    oci::kOciManifest);
}

oci::Descriptor add_index(MemorySource& source, const std::vector<std::string>& entries) {
  std::string list;
  for (const auto& e : entries) list += (list.empty() ? "" : ",") + e;
  return source.add(fmt::format(R"({{"schemaVersion":2,"mediaType":"{}","manifests":[{}]}})", oci::kOciIndex, list),
                    oci::kOciIndex);
}

std::string platform(std::string_view arch, std::string_view variant = "") {
  return variant.empty()
             ? fmt::format(R"(,"platform":{{"architecture":"{}","os":"linux"}})", arch)
             : fmt::format(R"(,"platform":{{"architecture":"{}","os":"linux","variant":"{}"}})", arch, variant);
}

void set_root(MemorySource& source, const oci::Descriptor& d) {
  source.root_digest = d.digest;
  source.root_media_type = d.media_type;
}

TEST(ResolveImage, PlainManifest) {
  MemorySource source;
  const oci::Descriptor m = add_image(source, "amd64", 3);
  set_root(source, m);
  auto image = resolve_image(source, {"linux", "amd64", ""});
  ASSERT_TRUE(image) << image.error().message;
  EXPECT_EQ(image->manifest_digest, m.digest);
  EXPECT_TRUE(image->index_digest.empty());
  EXPECT_EQ(image->manifest.layers.size(), 3U);
  EXPECT_EQ(image->config.diff_ids.size(), 3U);
  EXPECT_EQ(image->config.user, "app");
  EXPECT_EQ(image->name, "memory:test");
  EXPECT_FALSE(image->config_bytes.empty());
}

TEST(ResolveImage, IndexPicksOsArchitectureAndVariant) {
  MemorySource source;
  const oci::Descriptor amd = add_image(source, "amd64", 2);
  const oci::Descriptor v7 = add_image(source, "arm", 1);
  const oci::Descriptor v8 = add_image(source, "arm64", 4);
  const oci::Descriptor idx =
      add_index(source, {desc_json(amd, platform("amd64")), desc_json(v7, platform("arm", "v7")),
                         desc_json(v8, platform("arm64", "v8"))});
  set_root(source, idx);
  auto a = resolve_image(source, {"linux", "amd64", ""});
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->manifest_digest, amd.digest);
  EXPECT_EQ(a->index_digest, idx.digest);
  auto arm = resolve_image(source, {"linux", "arm64", ""});  // no variant asked: any variant
  ASSERT_TRUE(arm) << arm.error().message;
  EXPECT_EQ(arm->manifest.layers.size(), 4U);
  auto v6 = resolve_image(source, {"linux", "arm", "v6"});
  ASSERT_FALSE(v6);
  EXPECT_NE(v6.error().message.find("no image for linux/arm/v6"), std::string::npos) << v6.error().message;
  EXPECT_NE(v6.error().message.find("linux/amd64, linux/arm/v7, linux/arm64/v8"), std::string::npos);
  EXPECT_FALSE(resolve_image(source, {"windows", "amd64", ""}));
}

TEST(ResolveImage, SingleEntryWithoutPlatformIsTaken) {
  MemorySource source;
  const oci::Descriptor m = add_image(source, "amd64", 1);
  set_root(source, add_index(source, {desc_json(m)}));
  auto image = resolve_image(source, {"linux", "arm64", ""});
  ASSERT_TRUE(image) << image.error().message;
  EXPECT_EQ(image->manifest_digest, m.digest);
}

TEST(ResolveImage, IndexOfIndexIsFollowedOnceNotForever) {
  MemorySource source;
  const oci::Descriptor m = add_image(source, "amd64", 1);
  const oci::Descriptor inner = add_index(source, {desc_json(m, platform("amd64"))});
  const oci::Descriptor outer = add_index(source, {desc_json(inner, platform("amd64"))});
  set_root(source, outer);
  auto image = resolve_image(source, {"linux", "amd64", ""});
  ASSERT_TRUE(image) << image.error().message;
  EXPECT_EQ(image->manifest_digest, m.digest);
  EXPECT_EQ(image->index_digest, outer.digest);
  const oci::Descriptor third = add_index(source, {desc_json(outer, platform("amd64"))});
  set_root(source, third);
  auto deep = resolve_image(source, {"linux", "amd64", ""});
  ASSERT_FALSE(deep);
  EXPECT_NE(deep.error().message.find("nested too deeply"), std::string::npos) << deep.error().message;
}

TEST(ResolveImage, DiffIdCountMustMatchLayers) {
  MemorySource source;
  set_root(source, add_image(source, "amd64", 3, 2));
  auto image = resolve_image(source, {"linux", "amd64", ""});
  ASSERT_FALSE(image);
  EXPECT_NE(image.error().message.find("3 layers but the config lists 2 diff_ids"), std::string::npos)
      << image.error().message;
}

TEST(ResolveImage, TamperedManifestOrConfigFails) {
  MemorySource source;
  const oci::Descriptor m = add_image(source, "amd64", 1);
  const oci::Descriptor idx = add_index(source, {desc_json(m, platform("amd64"))});
  set_root(source, idx);
  source.blobs[m.digest].back() = ' ';  // same size, other digest
  auto image = resolve_image(source, {"linux", "amd64", ""});
  ASSERT_FALSE(image);
  EXPECT_NE(image.error().message.find(m.digest.substr(0, 19)), std::string::npos) << image.error().message;
}

TEST(ResolveImage, InvalidRootAndOversizedConfig) {
  MemorySource source;
  set_root(source, source.add("{not json", oci::kOciManifest));
  EXPECT_FALSE(resolve_image(source, {"linux", "amd64", ""}));
  const oci::Descriptor big{std::string(oci::kOciConfig), sha256_digest("x"), int64_t{64} << 20};
  const oci::Descriptor m = source.add(fmt::format(R"({{"schemaVersion":2,"mediaType":"{}","config":{},"layers":[]}})",
                                                   oci::kOciManifest, desc_json(big)),
                                       oci::kOciManifest);
  set_root(source, m);
  auto image = resolve_image(source, {"linux", "amd64", ""});
  ASSERT_FALSE(image);
  EXPECT_NE(image.error().message.find("over the limit"), std::string::npos) << image.error().message;
}

}  // namespace
}  // namespace vigil::image
