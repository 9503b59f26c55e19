// OCI indexes and manifests written by umoci and skopeo, Docker manifest lists and schema 2 manifests as Docker
// Hub serves them, and the documents we refuse (schema 1, bad digests, negative sizes, invalid JSON).
#include <gtest/gtest.h>

#include "formats/oci.hpp"
#include "test_support.hpp"

namespace oci = vigil::formats::oci;
using vigil::test::read_data;

TEST(OciManifest, UmociIndexWithRefName) {
  auto doc = oci::parse_manifest(read_data("oci/umoci-index.json"), "");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->media_type, oci::kOciIndex);  // inferred from "manifests": umoci writes no mediaType
  ASSERT_TRUE(doc->index);
  EXPECT_FALSE(doc->manifest);
  ASSERT_EQ(doc->index->manifests.size(), 1U);
  const auto& d = doc->index->manifests[0];
  EXPECT_EQ(d.media_type, oci::kOciManifest);
  EXPECT_EQ(d.digest, "sha256:e264328e5194547f750cc80b8d2def27b143b41d087a1a5662722580b7890d3a");
  EXPECT_EQ(d.size, 497);
  EXPECT_EQ(d.ref_name, "t");
  EXPECT_FALSE(d.platform);
}

TEST(OciManifest, UmociImageManifest) {
  const auto bytes = read_data("oci/umoci-manifest.json");
  auto doc = oci::parse_manifest(bytes, oci::kOciManifest);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->media_type, oci::kOciManifest);
  ASSERT_TRUE(doc->manifest);
  EXPECT_EQ(doc->manifest->config.media_type, oci::kOciConfig);
  EXPECT_EQ(doc->manifest->config.digest, "sha256:7fe6ed529c2ddd4db5c3301b616154756ea47bf86763cde3f6655f6253724db4");
  EXPECT_EQ(doc->manifest->config.size, 725);
  ASSERT_EQ(doc->manifest->layers.size(), 2U);
  EXPECT_EQ(doc->manifest->layers[0].media_type, oci::kOciLayerGzip);
  EXPECT_EQ(doc->manifest->layers[0].size, 94);
  EXPECT_EQ(doc->manifest->layers[1].digest, "sha256:908c27f563767862f3dd9c7248d9e775edb41848730c58b378bbfa2eaa62a728");
  // Without a content type the "layers" key says what it is.
  auto inferred = oci::parse_manifest(bytes, "");
  ASSERT_TRUE(inferred);
  EXPECT_EQ(inferred->media_type, oci::kOciManifest);
}

TEST(OciManifest, SkopeoDockerV2Schema2) {
  auto doc = oci::parse_manifest(read_data("oci/skopeo-v2s2-manifest.json"), "application/json");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->media_type, oci::kDockerManifest);
  ASSERT_TRUE(doc->manifest);
  EXPECT_EQ(doc->manifest->config.media_type, oci::kDockerConfig);
  ASSERT_EQ(doc->manifest->layers.size(), 2U);
  EXPECT_EQ(doc->manifest->layers[1].media_type, oci::kDockerLayerGzip);
  EXPECT_EQ(doc->manifest->layers[1].size, 99);
}

TEST(OciManifest, DockerHubManifestListWithPlatforms) {
  auto doc = oci::parse_manifest(read_data("oci/dockerhub-alpine-manifest-list.json"),
                                 "application/vnd.docker.distribution.manifest.list.v2+json");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->media_type, oci::kDockerManifestList);
  ASSERT_TRUE(doc->index);
  ASSERT_EQ(doc->index->manifests.size(), 7U);
  const auto& amd64 = doc->index->manifests[0];
  ASSERT_TRUE(amd64.platform);
  EXPECT_EQ(oci::platform_string(*amd64.platform), "linux/amd64");
  EXPECT_EQ(amd64.media_type, oci::kDockerManifest);
  EXPECT_EQ(amd64.size, 528);
  ASSERT_TRUE(doc->index->manifests[3].platform);
  EXPECT_EQ(oci::platform_string(*doc->index->manifests[3].platform), "linux/arm64/v8");
  EXPECT_EQ(doc->index->manifests[1].platform->variant, "v6");
}

TEST(OciManifest, DockerHubV2Schema2AndContentTypeParameters) {
  auto doc = oci::parse_manifest(read_data("oci/dockerhub-alpine-v2s2-manifest.json"), "");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->media_type, oci::kDockerManifest);
  ASSERT_EQ(doc->manifest->layers.size(), 1U);
  EXPECT_EQ(doc->manifest->layers[0].size, 3408729);
  // No mediaType in the body: the Content-Type decides, parameters and case ignored.
  const std::string body =
      R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
      R"("digest":"sha256:e264328e5194547f750cc80b8d2def27b143b41d087a1a5662722580b7890d3a","size":1,)"
      R"("platform":{"os":"linux","architecture":"amd64"}}]})";
  auto list = oci::parse_manifest(body, "Application/vnd.docker.distribution.manifest.list.v2+json; charset=utf-8");
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->media_type, oci::kDockerManifestList);
}

TEST(OciManifest, MediaTypeInBodyWinsOverContentType) {
  auto doc = oci::parse_manifest(read_data("oci/skopeo-v2s2-manifest.json"), oci::kOciIndex);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->media_type, oci::kDockerManifest);
  EXPECT_TRUE(doc->manifest);
}

TEST(OciManifest, ForeignLayerUrls) {
  const std::string body =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":)"
      R"("application/vnd.oci.image.config.v1+json","digest":"sha256:7fe6ed529c2ddd4db5c3301b616154756ea47bf86763cde3f6655f6253724db4","size":725},)"
      R"("layers":[{"mediaType":"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip","size":1000,)"
      R"("digest":"sha256:908c27f563767862f3dd9c7248d9e775edb41848730c58b378bbfa2eaa62a728",)"
      R"("urls":["https://mcr.microsoft.com/v2/windows/blobs/sha256:908c"]}]})";
  auto doc = oci::parse_manifest(body, "");
  ASSERT_TRUE(doc) << doc.error().message;
  ASSERT_EQ(doc->manifest->layers[0].urls.size(), 1U);
  EXPECT_EQ(doc->manifest->layers[0].urls[0], "https://mcr.microsoft.com/v2/windows/blobs/sha256:908c");
}

namespace {
std::string manifest_error(const std::string& body, std::string_view content_type = "") {
  auto doc = oci::parse_manifest(body, content_type);
  EXPECT_FALSE(doc) << body;
  return doc ? "" : doc.error().message;
}

std::string with_layer(std::string_view digest, std::string_view size) {
  return std::string(R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json",)") +
         R"("digest":"sha256:7fe6ed529c2ddd4db5c3301b616154756ea47bf86763cde3f6655f6253724db4","size":725},)" +
         R"("layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" + std::string(digest) +
         R"(","size":)" + std::string(size) + "}]}";
}
}  // namespace

TEST(OciManifest, RefusesMalformedDocuments) {
  EXPECT_NE(manifest_error(read_data("oci/schema1-manifest.json")).find("schema 1"), std::string::npos);
  EXPECT_NE(manifest_error("{\"fsLayers\":[]}").find("schema 1"), std::string::npos);
  EXPECT_NE(manifest_error("{}", "application/vnd.docker.distribution.manifest.v1+prettyjws").find("schema 1"),
            std::string::npos);
  EXPECT_NE(manifest_error("{\"schemaVersion\":2,\"layers\":").find("invalid JSON"), std::string::npos);
  EXPECT_NE(manifest_error("[1,2]").find("expected an object"), std::string::npos);
  EXPECT_NE(manifest_error(with_layer("sha256:xyz", "1")).find("layers[0].digest"), std::string::npos);
  EXPECT_NE(manifest_error(with_layer("sha256:908C27F563767862F3DD9C7248D9E775EDB41848730C58B378BBFA2EAA62A728", "1"))
                .find("not a valid digest"),
            std::string::npos);
  const std::string sha512 = "sha512:" + std::string(128, 'a');
  EXPECT_NE(manifest_error(with_layer(sha512, "1")).find("unsupported algorithm"), std::string::npos);
  const std::string good = "sha256:908c27f563767862f3dd9c7248d9e775edb41848730c58b378bbfa2eaa62a728";
  EXPECT_NE(manifest_error(with_layer(good, "-5")).find("negative"), std::string::npos);
  EXPECT_NE(manifest_error(with_layer(good, "1.5")).find("not an integer"), std::string::npos);
  EXPECT_NE(manifest_error(with_layer(good, "\"12\"")).find("not an integer"), std::string::npos);
  EXPECT_FALSE(manifest_error(with_layer(good, "99999999999999999999")).empty());
  EXPECT_NE(manifest_error(with_layer(good, "18446744073709551615")).find("not an integer"), std::string::npos);
  EXPECT_NE(manifest_error("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.artifact.manifest.v1+json\"}")
                .find("unsupported manifest media type"),
            std::string::npos);
  EXPECT_NE(manifest_error("{\"schemaVersion\":3,\"layers\":[]}").find("schemaVersion"), std::string::npos);
  EXPECT_NE(manifest_error("{\"schemaVersion\":2}").find("neither"), std::string::npos);
  EXPECT_NE(manifest_error("{\"schemaVersion\":2,\"layers\":[]}").find("config"), std::string::npos);
  EXPECT_NE(manifest_error("{\"manifests\":{}}").find("expected an array"), std::string::npos);
  EXPECT_NE(manifest_error("{\"manifests\":[{\"digest\":\"" + good + "\",\"size\":1,\"platform\":\"linux\"}]}")
                .find("platform"),
            std::string::npos);
}

TEST(OciManifest, EnforcesLimits) {
  std::string many = R"({"schemaVersion":2,"manifests":[)";
  for (int i = 0; i < 1001; ++i) {
    many += std::string(i ? "," : "") +
            R"({"digest":"sha256:908c27f563767862f3dd9c7248d9e775edb41848730c58b378bbfa2eaa62a728","size":1})";
  }
  many += "]}";
  EXPECT_NE(manifest_error(many).find("limit of 1000"), std::string::npos);
  const std::string huge = "{\"pad\":\"" + std::string(4U << 20U, 'x') + "\"}";
  EXPECT_NE(manifest_error(huge).find("4 MiB"), std::string::npos);
}
