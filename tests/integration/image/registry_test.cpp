// open_registry_source against a real docker-registry (tests/support/oci_registry.py: anonymous, htpasswd and
// token auth) with an image built by umoci and pushed by skopeo. Loopback only; nothing depends on timing.
#include <gtest/gtest.h>

#include "integration/image/registry_test_support.hpp"

namespace vigil::image {
namespace {

class RegistryEnv {
 public:
  explicit RegistryEnv(const std::string& mode) {
    helper_ =
        std::make_unique<Helper>(std::vector<std::string>{"/usr/bin/python3", kSupport + "oci_registry.py", "--mode",
                                                          mode, "--push", image_.layout.string(), "t", "team/app"});
    if (helper_->line().empty()) {
      throw std::runtime_error("oci_registry.py printed nothing (is docker-registry installed?)");
    }
    info_ = json::parse(helper_->line());
    if (info_.contains("error")) {
      throw std::runtime_error("oci_registry.py: " + info_["error"].get<std::string>());
    }
  }
  [[nodiscard]] std::string host() const { return "127.0.0.1:" + std::to_string(info_["port"].get<int>()); }
  [[nodiscard]] const TestImage& image() const { return image_; }
  [[nodiscard]] std::vector<json> token_requests() const {
    std::vector<json> out;
    std::ifstream in(info_["token_log"].get<std::string>());
    for (std::string line; std::getline(in, line);) {
      out.push_back(json::parse(line));
    }
    return out;
  }

 private:
  TestImage image_;
  std::unique_ptr<Helper> helper_;
  json info_;
};

// --- anonymous registry ---

class AnonymousRegistry : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { start("none"); }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  // A missing docker-registry, umoci or skopeo fails every test of the suite with the reason (never a skip).
  static void start(const std::string& mode) {
    try {
      env_ = new RegistryEnv(mode);
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }
  void SetUp() override { ASSERT_NE(env_, nullptr) << "cannot start the test registry: " << error_; }

  static RegistryEnv* env_;
  static std::string error_;
  test::TempDir tmp_;
};
RegistryEnv* AnonymousRegistry::env_ = nullptr;
std::string AnonymousRegistry::error_;

TEST_F(AnonymousRegistry, PullsByTagAndByDigest) {
  auto by_tag = open(env_->host() + "/team/app:t", anonymous(tmp_));
  ASSERT_TRUE(by_tag) << by_tag.error().message;
  EXPECT_EQ((*by_tag)->name(), env_->host() + "/team/app:t");
  EXPECT_EQ(pull_everything(**by_tag), env_->image().manifest_digest);

  auto by_digest = open(env_->host() + "/team/app@" + env_->image().manifest_digest, anonymous(tmp_));
  ASSERT_TRUE(by_digest) << by_digest.error().message;
  EXPECT_EQ(pull_everything(**by_digest), env_->image().manifest_digest);
}

TEST_F(AnonymousRegistry, ConfigIsReadAndParsed) {
  auto source = open(env_->host() + "/team/app:t", anonymous(tmp_));
  ASSERT_TRUE(source);
  auto root = (*source)->root_manifest();
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(root->media_type, oci::kOciManifest);
  auto doc = oci::parse_manifest(root->bytes, root->media_type);
  ASSERT_TRUE(doc && doc->manifest);
  auto config = read_blob(**source, doc->manifest->config, 1 << 20);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(sha256_digest(*config), doc->manifest->config.digest);
  auto parsed = oci::parse_image_config(*config);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->diff_ids.size(), 2u);
}

TEST_F(AnonymousRegistry, UnknownDigestAndTagFail) {
  const std::string other = sha256_digest("not the manifest");
  auto source = open(env_->host() + "/team/app@" + other, anonymous(tmp_));
  ASSERT_TRUE(source);
  auto root = (*source)->root_manifest();
  ASSERT_FALSE(root);
  EXPECT_NE(root.error().message.find("HTTP 404"), std::string::npos) << root.error().message;
  EXPECT_NE(root.error().message.find("MANIFEST_UNKNOWN"), std::string::npos) << root.error().message;

  auto missing = open(env_->host() + "/team/app:nope", anonymous(tmp_));
  ASSERT_TRUE(missing);
  auto none = (*missing)->root_manifest();
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("not found"), std::string::npos) << none.error().message;
}

TEST_F(AnonymousRegistry, BlobOfTheWrongSizeFailsVerification) {
  auto source = open(env_->host() + "/team/app:t", anonymous(tmp_));
  ASSERT_TRUE(source);
  auto root = (*source)->root_manifest();
  ASSERT_TRUE(root);
  auto doc = oci::parse_manifest(root->bytes, root->media_type);
  ASSERT_TRUE(doc && doc->manifest);
  oci::Descriptor wrong = doc->manifest->config;
  wrong.size += 1;
  auto reader = (*source)->open_blob(wrong);
  ASSERT_FALSE(reader);  // Content-Length already disagrees with the descriptor
  EXPECT_NE(reader.error().message.find("descriptor says"), std::string::npos) << reader.error().message;
}

TEST(RegistryOptionsTest, InsecureIsRefusedForNonLoopbackHosts) {
  RegistryOptions o;
  o.insecure = true;
  for (const std::string ref : {"registry.example.com/app:1", "10.0.0.1:5000/app:1", "docker.io/library/alpine"}) {
    auto source = open(ref, o);
    ASSERT_FALSE(source) << ref;
    EXPECT_NE(source.error().message.find("loopback"), std::string::npos) << source.error().message;
  }
  for (const std::string ref : {"localhost:5000/app:1", "127.0.0.2:5000/app:1", "[::1]:5000/app:1"}) {
    auto source = open(ref, o);
    EXPECT_TRUE(source) << ref << ": " << source.error().message;
  }
}

// --- htpasswd (Basic) registry ---

class BasicRegistry : public AnonymousRegistry {
 protected:
  static void SetUpTestSuite() { start("basic"); }
};

TEST_F(BasicRegistry, PullsWithCreds) {
  auto source = open(env_->host() + "/team/app:t", with_creds("user", "pass"));
  ASSERT_TRUE(source) << source.error().message;
  EXPECT_EQ(pull_everything(**source), env_->image().manifest_digest);
}

TEST_F(BasicRegistry, PullsWithCredsFromADockerConfigFile) {
  auto o = loopback_options();
  o.auth_file =
      tmp_.write("config.json", R"({"auths":{")" + env_->host() + R"(":{"auth":"dXNlcjpwYXNz"}},"credsStore":""})")
          .string();
  auto source = open(env_->host() + "/team/app:t", o);
  ASSERT_TRUE(source) << source.error().message;
  EXPECT_EQ(pull_everything(**source), env_->image().manifest_digest);
}

TEST_F(BasicRegistry, WrongPasswordFailsWithoutEchoingIt) {
  auto source = open(env_->host() + "/team/app:t", with_creds("user", "s3cret-wrong"));
  ASSERT_TRUE(source);
  auto root = (*source)->root_manifest();
  ASSERT_FALSE(root);
  EXPECT_NE(root.error().message.find("authentication failed for " + env_->host() + " (check --creds)"),
            std::string::npos)
      << root.error().message;
  EXPECT_EQ(root.error().message.find("s3cret-wrong"), std::string::npos);
}

TEST_F(BasicRegistry, NoCredsFailsClearly) {
  auto source = open(env_->host() + "/team/app:t", anonymous(tmp_));
  ASSERT_TRUE(source);
  auto root = (*source)->root_manifest();
  ASSERT_FALSE(root);
  EXPECT_NE(root.error().message.find("requires authentication"), std::string::npos) << root.error().message;
}

// --- token (Bearer) registry ---

class TokenRegistry : public AnonymousRegistry {
 protected:
  static void SetUpTestSuite() { start("token"); }
};

TEST_F(TokenRegistry, PullsWithCredsAndReusesTheToken) {
  const size_t before = env_->token_requests().size();
  auto source = open(env_->host() + "/team/app:t", with_creds("user", "pass"));
  ASSERT_TRUE(source) << source.error().message;
  EXPECT_EQ(pull_everything(**source), env_->image().manifest_digest);  // 4 registry requests
  auto again = (*source)->root_manifest();
  ASSERT_TRUE(again) << again.error().message;
  const auto requests = env_->token_requests();
  ASSERT_EQ(requests.size(), before + 1);  // one token for the manifest and all blobs
  const json& r = requests.back();
  EXPECT_EQ(r["account"], "user");
  EXPECT_EQ(r["scope"], json::array({"repository:team/app:pull"}));
  EXPECT_EQ(r["service"], "vigil-test-registry");
  EXPECT_TRUE(r["authorized"].get<bool>());
}

TEST_F(TokenRegistry, PullsWithCredsFromAnAuthFile) {
  auto o = loopback_options();
  o.auth_file =
      tmp_.write("auth.json", R"({"auths":{"http://)" + env_->host() + R"(/v1/":{"auth":"dXNlcjpwYXNz"}}})").string();
  auto source = open(env_->host() + "/team/app:t", o);
  ASSERT_TRUE(source) << source.error().message;
  EXPECT_EQ(pull_everything(**source), env_->image().manifest_digest);
}

TEST_F(TokenRegistry, WrongPasswordFails) {
  auto source = open(env_->host() + "/team/app:t", with_creds("user", "s3cret-wrong"));
  ASSERT_TRUE(source);
  auto root = (*source)->root_manifest();
  ASSERT_FALSE(root);
  EXPECT_NE(root.error().message.find("authentication failed for " + env_->host() + " (check --creds)"),
            std::string::npos)
      << root.error().message;
  EXPECT_EQ(root.error().message.find("s3cret-wrong"), std::string::npos);
}

TEST_F(TokenRegistry, AnonymousGetsNoAccess) {
  auto source = open(env_->host() + "/team/app:t", anonymous(tmp_));
  ASSERT_TRUE(source);
  auto root = (*source)->root_manifest();
  ASSERT_FALSE(root);
  EXPECT_NE(root.error().message.find("requires authentication"), std::string::npos) << root.error().message;
}

}  // namespace
}  // namespace vigil::image
