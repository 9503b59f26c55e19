// The local image sources (oci:, oci-archive:, docker-archive:) on the standard test image that
// tests/support/oci_images.py builds with umoci and exports with skopeo: the three forms agree, every blob
// verifies, tampering and symlinks are refused, tags and platforms are chosen as documented.
#include "image/local_sources.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/sha256.hpp"
#include "core/unique_fd.hpp"
#include "image/layer_reader.hpp"
#include "image/source.hpp"
#include "test_support.hpp"

namespace vigil::image {
namespace {

namespace fs = std::filesystem;

const oci::Platform kAmd64{"linux", "amd64", ""};

int run_argv(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Built once per build tree (the script skips the build when it is current); a lock keeps parallel test
// processes from building it at the same time.
const fs::path& fixture() {
  static const fs::path dir = [] {
    const fs::path root = fs::path(VIGIL_BINARY).parent_path() / "test-fixtures";
    fs::create_directories(root);
    UniqueFd lock(::open((root / "oci-images.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!lock.valid() || ::flock(lock.get(), LOCK_EX) != 0) throw std::runtime_error("cannot lock the fixture");
    const fs::path out = root / "oci-images";
    const fs::path script = fs::path(VIGIL_TEST_DATA).parent_path() / "support" / "oci_images.py";
    if (run_argv({"/usr/bin/python3", script.string(), "build", out.string(), "--export"}) != 0) {
      throw std::runtime_error("oci_images.py build failed");
    }
    return out;
  }();
  return dir;
}

oci::ImageReference make_ref(oci::Transport transport, const fs::path& path, std::string tag = {}) {
  oci::ImageReference ref;
  ref.transport = transport;
  ref.path = path.string();
  ref.tag = std::move(tag);
  return ref;
}

std::unique_ptr<ImageSource> open_ok(const oci::ImageReference& ref) {
  auto source = open_image_source(ref, {});
  if (!source) ADD_FAILURE() << source.error().message;
  return source ? std::move(*source) : nullptr;
}

// Reads a blob to its end (where it is verified); the byte count, or the error.
Result<uint64_t> drain(ImageSource& source, const oci::Descriptor& d) {
  auto reader = source.open_blob(d);
  if (!reader) return tl::unexpected(reader.error());
  std::array<char, 8192> buf{};
  uint64_t total = 0;
  while (true) {
    auto n = (*reader)->read(buf);
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return total;
    total += *n;
  }
}

fs::path copy_layout(const test::TempDir& tmp) {
  const fs::path dst = tmp.path() / "layout";
  fs::copy(fixture() / "layout", dst, fs::copy_options::recursive);
  return dst;
}

fs::path blob_path(const fs::path& layout, const std::string& digest) {
  return layout / "blobs" / "sha256" / digest.substr(7);
}

ResolvedImage resolve_ok(ImageSource& source, const oci::Platform& p = kAmd64) {
  auto resolved = resolve_image(source, p);
  if (!resolved) {
    ADD_FAILURE() << resolved.error().message;
    return {};
  }
  return std::move(*resolved);
}

TEST(LocalSources, ThreeFormsGiveTheSameImage) {
  auto layout = open_ok(make_ref(oci::Transport::OciLayout, fixture() / "layout", "layered"));
  auto archive = open_ok(make_ref(oci::Transport::OciArchive, fixture() / "image.oci.tar", "layered"));
  auto docker = open_ok(make_ref(oci::Transport::DockerArchive, fixture() / "image.docker.tar"));
  ASSERT_TRUE(layout && archive && docker);
  const ResolvedImage a = resolve_ok(*layout);
  const ResolvedImage b = resolve_ok(*archive);
  const ResolvedImage c = resolve_ok(*docker);
  ASSERT_EQ(a.manifest.layers.size(), 5U);
  EXPECT_EQ(a.manifest_digest, b.manifest_digest);
  EXPECT_EQ(a.config_bytes, b.config_bytes);
  EXPECT_EQ(a.config_bytes, c.config_bytes);  // skopeo keeps the config as it is
  EXPECT_EQ(a.manifest.config.digest, c.manifest.config.digest);
  EXPECT_EQ(a.config.diff_ids, c.config.diff_ids);
  ASSERT_EQ(c.manifest.layers.size(), 5U);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(a.manifest.layers[i].digest, b.manifest.layers[i].digest);
    EXPECT_EQ(c.manifest.layers[i].digest, c.config.diff_ids[i]) << "docker-archive layer " << i;
    EXPECT_EQ(c.manifest.layers[i].media_type, oci::kOciLayerTar);
  }
  EXPECT_TRUE(a.index_digest.empty());
  EXPECT_EQ(a.config.working_dir, "/app");
  EXPECT_TRUE(a.config.user.empty());
  ASSERT_NE(oci::history_for_layer(a.config, 2), nullptr);
  EXPECT_EQ(oci::history_for_layer(a.config, 2)->created_by, "COPY config/.env /app/config/.env # buildkit");
}

TEST(LocalSources, EveryBlobReadsToTheEndAndVerifies) {
  for (const auto& ref : {make_ref(oci::Transport::OciLayout, fixture() / "layout", "layered"),
                          make_ref(oci::Transport::OciArchive, fixture() / "image.oci.tar", "layered"),
                          make_ref(oci::Transport::DockerArchive, fixture() / "image.docker.tar")}) {
    auto source = open_ok(ref);
    ASSERT_TRUE(source);
    const ResolvedImage image = resolve_ok(*source);
    ASSERT_FALSE(image.manifest.layers.empty()) << ref.path;
    for (const auto& layer : image.manifest.layers) {
      auto n = drain(*source, layer);
      ASSERT_TRUE(n) << ref.path << ": " << n.error().message;
      EXPECT_EQ(*n, static_cast<uint64_t>(layer.size));
    }
    auto config = drain(*source, image.manifest.config);
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(*config, image.config_bytes.size());
  }
}

TEST(LocalSources, LayersCarryTheWhiteoutsTheFixtureWrote) {
  auto source = open_ok(make_ref(oci::Transport::OciArchive, fixture() / "image.oci.tar", "layered"));
  ASSERT_TRUE(source);
  const ResolvedImage image = resolve_ok(*source);
  ASSERT_EQ(image.manifest.layers.size(), 5U);
  std::set<std::string> deleted;
  std::set<std::string> opaque;
  for (size_t i = 3; i < 5; ++i) {
    auto blob = source->open_blob(image.manifest.layers[i]);
    ASSERT_TRUE(blob) << blob.error().message;
    auto reader = LayerReader::open(std::move(*blob), image.config.diff_ids[i]);
    ASSERT_TRUE(reader) << reader.error().message;
    while (true) {
      auto entry = (*reader)->next();
      ASSERT_TRUE(entry) << entry.error().message;
      if (!*entry) break;
      if ((*entry)->whiteout == Whiteout::Delete) deleted.insert((*entry)->path);
      if ((*entry)->whiteout == Whiteout::Opaque) opaque.insert((*entry)->path);
    }
  }
  EXPECT_EQ(deleted, std::set<std::string>{"app/config/.env"});
  EXPECT_EQ(opaque, std::set<std::string>{"opt/tool"});
}

TEST(LocalSources, ReferenceTextOpensEachForm) {
  for (const std::string& text :
       {"oci:" + (fixture() / "layout").string() + ":onbase", "oci-archive:" + (fixture() / "image.oci.tar").string(),
        "docker-archive:" + (fixture() / "image.docker.tar").string()}) {
    auto ref = oci::parse_image_reference(text);
    ASSERT_TRUE(ref) << text << ": " << ref.error().message;
    auto source = open_ok(*ref);
    ASSERT_TRUE(source) << text;
    const ResolvedImage image = resolve_ok(*source);
    EXPECT_EQ(image.manifest.layers.size(), text.starts_with("oci:") ? 3U : 5U) << text;
    EXPECT_FALSE(image.name.empty());
  }
}

TEST(LocalSources, TamperedLayerFailsNamingItsDigest) {
  test::TempDir tmp;
  const fs::path layout = copy_layout(tmp);
  auto clean = open_ok(make_ref(oci::Transport::OciLayout, layout, "layered"));
  ASSERT_TRUE(clean);
  const ResolvedImage image = resolve_ok(*clean);
  ASSERT_EQ(image.manifest.layers.size(), 5U);
  const oci::Descriptor& layer = image.manifest.layers[1];
  {
    std::fstream f(blob_path(layout, layer.digest), std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(40);
    char c = 0;
    f.get(c);
    f.seekp(40);
    f.put(static_cast<char>(c ^ 0x20));
  }
  auto n = drain(*clean, layer);
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().message.find(layer.digest.substr(0, 19)), std::string::npos) << n.error().message;
  EXPECT_NE(n.error().message.find("digest"), std::string::npos) << n.error().message;
  // A blob that grew: more bytes than the descriptor gives fail before the end.
  std::ofstream(blob_path(layout, layer.digest), std::ios::app | std::ios::binary) << "extra";
  auto grown = drain(*clean, layer);
  ASSERT_FALSE(grown);
  EXPECT_NE(grown.error().message.find("more than"), std::string::npos) << grown.error().message;
}

TEST(LocalSources, TamperedConfigFailsResolve) {
  test::TempDir tmp;
  const fs::path layout = copy_layout(tmp);
  auto source = open_ok(make_ref(oci::Transport::OciLayout, layout, "layered"));
  ASSERT_TRUE(source);
  const std::string config_digest = resolve_ok(*source).manifest.config.digest;
  std::fstream f(blob_path(layout, config_digest), std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(2);
  f.put('X');
  f.close();
  auto resolved = resolve_image(*source, kAmd64);
  ASSERT_FALSE(resolved);
  EXPECT_NE(resolved.error().message.find(config_digest.substr(0, 19)), std::string::npos) << resolved.error().message;
}

TEST(LocalSources, MissingTagListsTheAvailableOnes) {
  auto source = open_image_source(make_ref(oci::Transport::OciLayout, fixture() / "layout", "nope"), {});
  ASSERT_FALSE(source);
  EXPECT_NE(source.error().message.find("\"nope\""), std::string::npos) << source.error().message;
  EXPECT_NE(source.error().message.find("layered"), std::string::npos) << source.error().message;
  EXPECT_NE(source.error().message.find("onbase"), std::string::npos) << source.error().message;
  // No tag on a layout of two images: ambiguous, the tags are listed too.
  auto untagged = open_image_source(make_ref(oci::Transport::OciLayout, fixture() / "layout"), {});
  ASSERT_FALSE(untagged);
  EXPECT_NE(untagged.error().message.find("layered, onbase"), std::string::npos) << untagged.error().message;
  // The archive holds one image: no tag needed.
  auto single = open_image_source(make_ref(oci::Transport::OciArchive, fixture() / "image.oci.tar"), {});
  EXPECT_TRUE(single) << single.error().message;
}

// Writes a blob into the layout and returns its descriptor.
oci::Descriptor add_blob(const fs::path& layout, const std::string& bytes, std::string media_type) {
  oci::Descriptor d;
  d.media_type = std::move(media_type);
  d.digest = sha256_digest(bytes);
  d.size = static_cast<int64_t>(bytes.size());
  std::ofstream(blob_path(layout, d.digest), std::ios::binary) << bytes;
  return d;
}

std::string entry_json(const oci::Descriptor& d, std::string_view platform) {
  return fmt::format(R"({{"mediaType":"{}","digest":"{}","size":{},"platform":{}}})", d.media_type, d.digest, d.size,
                     platform);
}

TEST(LocalSources, MultiArchIndexPicksByPlatform) {
  test::TempDir tmp;
  const fs::path layout = copy_layout(tmp);
  auto plain = open_ok(make_ref(oci::Transport::OciLayout, layout, "layered"));
  auto onbase_source = open_ok(make_ref(oci::Transport::OciLayout, layout, "onbase"));
  ASSERT_TRUE(plain && onbase_source);
  const std::string amd64_digest = resolve_ok(*plain).manifest_digest;
  const std::string arm64_digest = resolve_ok(*onbase_source).manifest_digest;
  auto amd64 = plain->root_manifest();
  auto arm64 = onbase_source->root_manifest();
  ASSERT_TRUE(amd64 && arm64);
  const oci::Descriptor m1{std::string(oci::kOciManifest), amd64_digest, static_cast<int64_t>(amd64->bytes.size())};
  const oci::Descriptor m2{std::string(oci::kOciManifest), arm64_digest, static_cast<int64_t>(arm64->bytes.size())};
  const std::string entries = entry_json(m1, R"({"architecture":"amd64","os":"linux"})") + "," +
                              entry_json(m1, R"({"architecture":"arm","os":"linux","variant":"v7"})") + "," +
                              entry_json(m2, R"({"architecture":"arm64","os":"linux","variant":"v8"})");
  const std::string index =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)" + entries + "]}";
  const oci::Descriptor idx = add_blob(layout, index, std::string(oci::kOciIndex));
  std::ofstream(layout / "index.json") << R"({"schemaVersion":2,"manifests":[{"mediaType":")" << oci::kOciIndex
                                       << R"(","digest":")" << idx.digest << R"(","size":)" << idx.size
                                       << R"(,"annotations":{"org.opencontainers.image.ref.name":"multi"}}]})";

  auto source = open_ok(make_ref(oci::Transport::OciLayout, layout, "multi"));
  ASSERT_TRUE(source);
  const ResolvedImage on_amd64 = resolve_ok(*source, kAmd64);
  EXPECT_EQ(on_amd64.manifest_digest, amd64_digest);
  EXPECT_EQ(on_amd64.index_digest, idx.digest);
  EXPECT_EQ(resolve_ok(*source, {"linux", "arm", "v7"}).manifest_digest, amd64_digest);
  EXPECT_EQ(resolve_ok(*source, {"linux", "arm64", ""}).manifest_digest, arm64_digest);
  EXPECT_EQ(resolve_ok(*source, {"linux", "arm64", "v8"}).manifest.layers.size(), 3U);
  auto none = resolve_image(*source, {"linux", "s390x", ""});
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("linux/amd64, linux/arm/v7, linux/arm64/v8"), std::string::npos)
      << none.error().message;
  auto wrong_variant = resolve_image(*source, {"linux", "arm", "v6"});
  EXPECT_FALSE(wrong_variant);

  // The same entries directly in index.json, without names: index.json itself is the multi-platform image.
  std::ofstream(layout / "index.json", std::ios::trunc) << index;
  auto direct = open_ok(make_ref(oci::Transport::OciLayout, layout));
  ASSERT_TRUE(direct);
  EXPECT_EQ(resolve_ok(*direct, {"linux", "arm64", ""}).manifest_digest, arm64_digest);
}

TEST(LocalSources, SymlinkedBlobIsRefused) {
  test::TempDir tmp;
  const fs::path layout = copy_layout(tmp);
  auto source = open_ok(make_ref(oci::Transport::OciLayout, layout, "layered"));
  ASSERT_TRUE(source);
  const ResolvedImage image = resolve_ok(*source);
  ASSERT_EQ(image.manifest.layers.size(), 5U);
  const oci::Descriptor layer = image.manifest.layers[2];
  // Same bytes outside the layout: only the symlink makes it wrong.
  const fs::path outside = tmp.path() / "outside-blob";
  fs::copy_file(blob_path(layout, layer.digest), outside);
  fs::remove(blob_path(layout, layer.digest));
  fs::create_symlink(outside, blob_path(layout, layer.digest));
  auto n = drain(*source, layer);
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().message.find("symlink"), std::string::npos) << n.error().message;
  // A symlinked blobs directory is refused as well.
  const fs::path moved = tmp.path() / "blobs-elsewhere";
  fs::rename(layout / "blobs", moved);
  fs::create_symlink(moved, layout / "blobs");
  auto via_dir = drain(*source, image.manifest.layers[0]);
  ASSERT_FALSE(via_dir);
  EXPECT_NE(via_dir.error().message.find("symlink"), std::string::npos) << via_dir.error().message;
}

TEST(LocalSources, NotALayoutOrArchive) {
  test::TempDir tmp;
  tmp.write("index.json", "{}");
  auto no_marker = open_image_source(make_ref(oci::Transport::OciLayout, tmp.path()), {});
  ASSERT_FALSE(no_marker);
  EXPECT_NE(no_marker.error().message.find("oci-layout"), std::string::npos) << no_marker.error().message;
  const fs::path junk = tmp.write("junk.tar", std::string(3000, 'x'));
  EXPECT_FALSE(open_image_source(make_ref(oci::Transport::OciArchive, junk), {}));
  EXPECT_FALSE(open_image_source(make_ref(oci::Transport::DockerArchive, junk), {}));
  // An OCI archive is not a docker archive (no manifest.json).
  auto wrong = open_image_source(make_ref(oci::Transport::DockerArchive, fixture() / "image.oci.tar"), {});
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("manifest.json"), std::string::npos) << wrong.error().message;
}

}  // namespace
}  // namespace vigil::image
