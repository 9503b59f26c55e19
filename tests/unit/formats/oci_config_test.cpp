// Image configs written by umoci and by docker build (BuildKit), the history-to-layer mapping, and the
// docker-archive manifest.json skopeo writes, with hostile paths refused.
#include <gtest/gtest.h>

#include "formats/oci.hpp"
#include "test_support.hpp"

namespace oci = vigil::formats::oci;
using vigil::test::read_data;

TEST(OciConfig, UmociConfig) {
  auto config = oci::parse_image_config(read_data("oci/umoci-config.json"));
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(oci::platform_string(config->platform), "linux/amd64");
  EXPECT_EQ(config->user, "1000");
  EXPECT_EQ(config->working_dir, "/app");
  ASSERT_EQ(config->env.size(), 1U);
  EXPECT_EQ(config->env[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  ASSERT_EQ(config->cmd.size(), 1U);
  EXPECT_EQ(config->cmd[0], "/bin/sh");
  EXPECT_TRUE(config->entrypoint.empty());
  ASSERT_EQ(config->labels.size(), 1U);
  EXPECT_EQ(config->labels[0].first, "org.opencontainers.image.title");
  EXPECT_EQ(config->labels[0].second, "demo");
  ASSERT_EQ(config->diff_ids.size(), 2U);
  EXPECT_EQ(config->diff_ids[1], "sha256:98e909a9a4934b4df59dce2f2a51537b935401be3e12b5fce895f774b160791b");
  ASSERT_EQ(config->history.size(), 3U);
  EXPECT_TRUE(config->history[1].empty_layer);
  // Layer 1 was made by the third history line: the ENV line in between made no layer.
  const auto* h0 = oci::history_for_layer(*config, 0);
  const auto* h1 = oci::history_for_layer(*config, 1);
  ASSERT_TRUE(h0 && h1);
  EXPECT_EQ(h0->created_by, "umoci insert");
  EXPECT_EQ(h1->created_by, "COPY f2 /etc/f2");
  EXPECT_EQ(oci::history_for_layer(*config, 2), nullptr);
}

TEST(OciConfig, DockerBuildConfigWithNullsAndBuildkitHistory) {
  auto config = oci::parse_image_config(read_data("oci/docker-build-config.json"));
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(oci::platform_string(config->platform), "linux/arm64/v8");
  EXPECT_EQ(config->created, "2024-03-01T10:12:44.123456789Z");
  EXPECT_EQ(config->user, "app");
  EXPECT_EQ(config->working_dir, "/srv");
  ASSERT_EQ(config->entrypoint.size(), 1U);
  EXPECT_EQ(config->entrypoint[0], "/usr/bin/curl");
  ASSERT_EQ(config->cmd.size(), 1U);
  EXPECT_EQ(config->env.size(), 2U);
  EXPECT_EQ(config->labels.size(), 2U);
  ASSERT_EQ(config->history.size(), 8U);
  ASSERT_EQ(config->diff_ids.size(), 4U);
  EXPECT_EQ(config->history[2].comment, "buildkit.dockerfile.v0");
  const auto* h1 = oci::history_for_layer(*config, 1);
  ASSERT_NE(h1, nullptr);
  EXPECT_EQ(h1->created_by, "RUN /bin/sh -c apk add --no-cache curl=8.5.0-r0 # buildkit");
  const auto* h3 = oci::history_for_layer(*config, 3);
  ASSERT_NE(h3, nullptr);
  EXPECT_EQ(h3->created_by, "WORKDIR /srv");
  EXPECT_EQ(oci::history_for_layer(*config, 4), nullptr);
}

TEST(OciConfig, MinimalAndEmptyHistory) {
  auto config = oci::parse_image_config(R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers",)"
                                        R"("diff_ids":[]},"config":null})");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->diff_ids.empty());
  EXPECT_EQ(oci::history_for_layer(*config, 0), nullptr);
}

TEST(OciConfig, RefusesMalformedConfigs) {
  auto error_of = [](const std::string& body) {
    auto config = oci::parse_image_config(body);
    EXPECT_FALSE(config) << body;
    return config ? std::string() : config.error().message;
  };
  EXPECT_NE(error_of("{\"os\":\"linux\"").find("invalid JSON"), std::string::npos);
  EXPECT_NE(error_of("\"linux\"").find("expected an object"), std::string::npos);
  EXPECT_NE(error_of(R"({"rootfs":{"diff_ids":["sha256:xyz"]}})").find("rootfs.diff_ids[0]"), std::string::npos);
  EXPECT_NE(error_of(R"({"rootfs":{"diff_ids":"sha256:ab"}})").find("expected an array"), std::string::npos);
  EXPECT_NE(error_of(R"({"config":{"Env":"PATH=/bin"}})").find("config.Env"), std::string::npos);
  EXPECT_NE(error_of(R"({"config":{"Env":[1]}})").find("config.Env[0]"), std::string::npos);
  EXPECT_NE(error_of(R"({"config":{"Labels":{"a":1}}})").find("config.Labels"), std::string::npos);
  EXPECT_NE(error_of(R"({"history":[{"empty_layer":"yes"}]})").find("history[0].empty_layer"), std::string::npos);
  EXPECT_NE(error_of(R"({"history":[1]})").find("history[0]"), std::string::npos);
  EXPECT_NE(error_of(R"({"os":7})").find("os is a JSON number"), std::string::npos);
  std::string env = R"({"config":{"Env":[)";
  for (int i = 0; i < 10001; ++i) {
    env += i ? ",\"A=1\"" : "\"A=1\"";
  }
  env += "]}}";
  EXPECT_NE(error_of(env).find("limit of 10000"), std::string::npos);
  EXPECT_NE(error_of("{\"pad\":\"" + std::string(8U << 20U, 'x') + "\"}").find("8 MiB"), std::string::npos);
}

TEST(DockerArchiveManifest, SkopeoManifestJson) {
  auto images = oci::parse_docker_archive_manifest(read_data("oci/skopeo-docker-archive-manifest.json"));
  ASSERT_TRUE(images) << images.error().message;
  ASSERT_EQ(images->size(), 1U);
  const auto& image = (*images)[0];
  EXPECT_EQ(image.config, "7fe6ed529c2ddd4db5c3301b616154756ea47bf86763cde3f6655f6253724db4.json");
  ASSERT_EQ(image.repo_tags.size(), 1U);
  EXPECT_EQ(image.repo_tags[0], "127.0.0.1:5000/app:1");
  ASSERT_EQ(image.layers.size(), 2U);
  EXPECT_EQ(image.layers[0], "5aa408a6a72cd4cc0a64f9a85a38fcaf7cb393ca5de8b8288b6a50062e86ee7d.tar");
}

TEST(DockerArchiveManifest, DockerSaveLayoutWithNullTags) {
  // `docker save IMAGE_ID` writes RepoTags null and layers as <id>/layer.tar.
  auto images = oci::parse_docker_archive_manifest(
      R"([{"Config":"a1b2.json","RepoTags":null,"Layers":["ee29a75f/layer.tar","94936640/layer.tar"]}])");
  ASSERT_TRUE(images) << images.error().message;
  EXPECT_TRUE((*images)[0].repo_tags.empty());
  EXPECT_EQ((*images)[0].layers[1], "94936640/layer.tar");
}

TEST(DockerArchiveManifest, RefusesHostilePaths) {
  auto error_of = [](const std::string& body) {
    auto images = oci::parse_docker_archive_manifest(body);
    EXPECT_FALSE(images) << body;
    return images ? std::string() : images.error().message;
  };
  EXPECT_NE(error_of(R"([{"Config":"c.json","Layers":["../x"]}])").find("Layers[0]"), std::string::npos);
  EXPECT_NE(error_of(R"([{"Config":"c.json","Layers":["a/../../x"]}])").find("leaves the archive"), std::string::npos);
  EXPECT_NE(error_of(R"([{"Config":"/etc/passwd","Layers":[]}])").find("absolute"), std::string::npos);
  EXPECT_NE(error_of(R"([{"Config":"c.json","Layers":["/x/layer.tar"]}])").find("absolute"), std::string::npos);
  EXPECT_NE(error_of(R"([{"Config":"c.json","Layers":["a\u0000b"]}])").find("NUL"), std::string::npos);
  EXPECT_NE(error_of(R"([{"Config":"c.json","Layers":["..\\x"]}])").find("leaves"), std::string::npos);
  EXPECT_NE(error_of(R"([{"Layers":["x"]}])").find("Config is empty"), std::string::npos);
  EXPECT_NE(error_of(R"([{"Config":"c.json","Layers":[3]}])").find("Layers[0]"), std::string::npos);
  EXPECT_NE(error_of("[]").find("no images"), std::string::npos);
  EXPECT_NE(error_of("{}").find("expected an array"), std::string::npos);
  EXPECT_NE(error_of("[{").find("invalid JSON"), std::string::npos);
}
