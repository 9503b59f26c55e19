// open_registry_source against tests/support/http_server.py serving a registry layout from a directory: the
// faults a real registry does not make (503/429 with Retry-After, cut-off bodies, lying digests, redirects to
// another origin that must not receive our credentials). Loopback only; nothing depends on timing.
#include <gtest/gtest.h>

#include "integration/image/registry_test_support.hpp"

namespace vigil::image {
namespace {

// --- a static "registry" (tests/support/http_server.py) for faults a real registry does not make ---

class StaticRegistry : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      image_ = new TestImage();
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    delete image_;
    image_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(image_, nullptr) << "cannot build the test image: " << error_;
    const std::string manifest = image_->blob(image_->manifest_digest);
    const fs::path repo = fs::path("root/v2/team/app");
    tmp_.write((repo / "manifests/t").string(), manifest);
    tmp_.write((repo / "manifests" / image_->manifest_digest).string(), manifest);
    auto doc = oci::parse_manifest(manifest, oci::kOciManifest);
    ASSERT_TRUE(doc && doc->manifest);
    manifest_ = *doc->manifest;
    for (const auto& d : blobs()) {
      tmp_.write((repo / "blobs" / d.digest).string(), image_->blob(d.digest));
    }
    control({});
    server_ = start_server("root");
  }

  std::unique_ptr<Helper> start_server(const std::string& root) {
    auto server = std::make_unique<Helper>(std::vector<std::string>{
        "/usr/bin/python3", kSupport + "http_server.py", "--root", (tmp_.path() / root).string(), "--log",
        (tmp_.path() / (root + ".jsonl")).string(), "--control", (tmp_.path() / (root + "-control.json")).string()});
    if (server->line().empty()) {
      throw std::runtime_error("http_server.py printed no port");
    }
    return server;
  }
  [[nodiscard]] std::vector<oci::Descriptor> blobs() const {
    std::vector<oci::Descriptor> out = {manifest_.config};
    out.insert(out.end(), manifest_.layers.begin(), manifest_.layers.end());
    return out;
  }
  void control(json overrides) {
    overrides["/v2/team/app/manifests/t"]["content_type"] = oci::kOciManifest;
    tmp_.write("root-control.json", overrides.dump());
  }
  [[nodiscard]] std::string host(const Helper& server) const { return "127.0.0.1:" + server.line(); }
  [[nodiscard]] std::string ref(const std::string& suffix = ":t") const {
    return host(*server_) + "/team/app" + suffix;
  }
  [[nodiscard]] std::vector<json> requests(const std::string& root = "root") const {
    std::vector<json> out;
    std::ifstream in(tmp_.path() / (root + ".jsonl"));
    for (std::string line; std::getline(in, line);) {
      out.push_back(json::parse(line));
    }
    return out;
  }
  [[nodiscard]] int count(const std::string& path) const {
    int n = 0;
    for (const auto& r : requests()) {
      n += r["path"] == path ? 1 : 0;
    }
    return n;
  }

  static TestImage* image_;
  static std::string error_;
  test::TempDir tmp_;
  oci::Manifest manifest_;
  std::unique_ptr<Helper> server_;
};
TestImage* StaticRegistry::image_ = nullptr;
std::string StaticRegistry::error_;

TEST_F(StaticRegistry, SendsUserAgentAndAcceptAndReadsContentType) {
  auto source = open(ref(), anonymous(tmp_));
  ASSERT_TRUE(source);
  EXPECT_EQ(pull_everything(**source), image_->manifest_digest);
  const auto log = requests();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0]["headers"]["accept"], oci::kManifestAccept);
  EXPECT_EQ(log[0]["headers"]["user-agent"].get<std::string>().rfind("vigil/", 0), 0u);
  EXPECT_FALSE(log[1]["headers"].contains("authorization"));
}

TEST_F(StaticRegistry, RetriesServiceUnavailableAndTooManyRequests) {
  const std::string blob = "/v2/team/app/blobs/" + manifest_.layers[0].digest;
  control({{"/v2/team/app/manifests/t", {{"fail_first", 2}, {"retry_after", 0}}},
           {blob, {{"fail_first", 1}, {"fail_status", 429}}}});
  auto source = open(ref(), anonymous(tmp_));
  ASSERT_TRUE(source);
  EXPECT_EQ(pull_everything(**source), image_->manifest_digest);
  EXPECT_EQ(count("/v2/team/app/manifests/t"), 3);
  EXPECT_EQ(count(blob), 2);
}

TEST_F(StaticRegistry, GivesUpAfterMaxAttempts) {
  control({{"/v2/team/app/manifests/t", {{"fail_first", 100}, {"fail_status", 502}}}});
  auto o = anonymous(tmp_);
  o.max_attempts = 3;
  auto source = open(ref(), o);
  ASSERT_TRUE(source);
  auto root = (*source)->root_manifest();
  ASSERT_FALSE(root);
  EXPECT_NE(root.error().message.find("HTTP 502"), std::string::npos) << root.error().message;
  EXPECT_EQ(count("/v2/team/app/manifests/t"), 3);
}

TEST_F(StaticRegistry, FailureMidBodyIsAnErrorAndNotRetried) {
  const std::string blob = "/v2/team/app/blobs/" + manifest_.layers[1].digest;
  control({{blob, {{"truncate_first", 1}}}});
  auto source = open(ref(), anonymous(tmp_));
  ASSERT_TRUE(source);
  auto reader = (*source)->open_blob(manifest_.layers[1]);
  ASSERT_TRUE(reader) << reader.error().message;
  char buf[4096];
  Result<size_t> n;
  do {
    n = (*reader)->read(buf);
  } while (n && *n > 0);
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().message.find("connection failed after"), std::string::npos) << n.error().message;
  EXPECT_EQ(count(blob), 1);
}

TEST_F(StaticRegistry, TagWhoseDigestHeaderDisagreesFails) {
  control({{"/v2/team/app/manifests/t", {{"headers", {{"Docker-Content-Digest", sha256_digest("other")}}}}}});
  auto source = open(ref(), anonymous(tmp_));
  ASSERT_TRUE(source);
  auto root = (*source)->root_manifest();
  ASSERT_FALSE(root);
  EXPECT_NE(root.error().message.find("but the registry says " + sha256_digest("other")), std::string::npos)
      << root.error().message;
}

TEST_F(StaticRegistry, PinnedDigestMismatchFails) {
  // The registry answers the digest a manifest other than the one named (a tampering mirror).
  const std::string pinned = manifest_.layers[0].digest;
  tmp_.write("root/v2/team/app/manifests/" + pinned, image_->blob(image_->manifest_digest));
  auto source = open(ref("@" + pinned), anonymous(tmp_));
  ASSERT_TRUE(source);
  auto root = (*source)->root_manifest();
  ASSERT_FALSE(root);
  EXPECT_NE(root.error().message.find("not the " + pinned + " that was asked for"), std::string::npos)
      << root.error().message;
}

TEST_F(StaticRegistry, ManifestByDescriptorChecksSize) {
  auto source = open(ref(), anonymous(tmp_));
  ASSERT_TRUE(source);
  oci::Descriptor d{std::string(oci::kOciManifest), image_->manifest_digest,
                    static_cast<int64_t>(image_->blob(image_->manifest_digest).size())};
  auto ok = (*source)->manifest(d);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->digest, image_->manifest_digest);
  d.size -= 1;
  EXPECT_FALSE((*source)->manifest(d));
}

TEST_F(StaticRegistry, LargeBlobStreamsThroughAPausedTransfer) {
  // 6 MiB, read in small pieces: curl is paused and resumed many times while the digest is checked at the end.
  std::string big(6 << 20, '\0');
  uint32_t x = 12345;
  for (auto& c : big) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  const oci::Descriptor d{std::string(oci::kOciLayerTar), sha256_digest(big), static_cast<int64_t>(big.size())};
  tmp_.write("root/v2/team/app/blobs/" + d.digest, big);
  auto source = open(ref(), anonymous(tmp_));
  ASSERT_TRUE(source);
  auto reader = (*source)->open_blob(d);
  ASSERT_TRUE(reader) << reader.error().message;
  Sha256 hash;
  char buf[1000];
  for (;;) {
    auto n = (*reader)->read(buf);
    ASSERT_TRUE(n) << n.error().message;
    if (*n == 0) {
      break;
    }
    hash.update(std::string_view(buf, *n));
  }
  EXPECT_EQ(hash.digest(), d.digest);
}

TEST_F(StaticRegistry, CredentialsAreNotForwardedToAnotherOriginOnRedirect) {
  // The registry wants Basic user:pass and sends blobs to "storage" (another server, another origin).
  auto storage = start_server("storage");
  const std::string blob = "/v2/team/app/blobs/" + manifest_.layers[0].digest;
  tmp_.write("storage" + blob, image_->blob(manifest_.layers[0].digest));
  control({{"*", {{"require_authorization", "Basic dXNlcjpwYXNz"}}},
           {blob, {{"redirect", "http://" + host(*storage) + blob}}}});
  auto source = open(ref(), with_creds("user", "pass"));
  ASSERT_TRUE(source);
  EXPECT_EQ(pull_everything(**source), image_->manifest_digest);
  const auto stored = requests("storage");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0]["path"], blob);
  EXPECT_FALSE(stored[0]["headers"].contains("authorization"));
  int authorized = 0;
  for (const auto& r : requests()) {
    authorized += r["headers"].contains("authorization") ? 1 : 0;
  }
  EXPECT_EQ(authorized, 4);  // manifest + 3 blobs after the first 401
}

}  // namespace
}  // namespace vigil::image
