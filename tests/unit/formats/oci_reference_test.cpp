// Image references: Docker's normalisation of registry names, the oci:/oci-archive:/docker-archive: transports,
// digests and platforms, and clear errors on malformed input.
#include <gtest/gtest.h>

#include "formats/oci.hpp"
#include "test_support.hpp"

namespace oci = vigil::formats::oci;
using oci::Transport;

namespace {
constexpr const char* kDigest = "sha256:e264328e5194547f750cc80b8d2def27b143b41d087a1a5662722580b7890d3a";

oci::ImageReference must_parse(std::string_view text) {
  auto ref = oci::parse_image_reference(text);
  EXPECT_TRUE(ref) << text << ": " << (ref ? "" : ref.error().message);
  return ref ? *ref : oci::ImageReference{};
}

std::string error_of(std::string_view text) {
  auto ref = oci::parse_image_reference(text);
  EXPECT_FALSE(ref) << text << " parsed as " << (ref ? ref->to_string() : "");
  return ref ? "" : ref.error().message;
}
}  // namespace

TEST(OciDigest, ValidAndInvalid) {
  EXPECT_TRUE(oci::valid_digest(kDigest));
  EXPECT_FALSE(oci::valid_digest("sha256:xyz"));
  EXPECT_FALSE(oci::valid_digest("sha256:E264328E5194547F750CC80B8D2DEF27B143B41D087A1A5662722580B7890D3A"));
  EXPECT_FALSE(oci::valid_digest("sha512:e264328e5194547f750cc80b8d2def27b143b41d087a1a5662722580b7890d3a"));
  EXPECT_FALSE(oci::valid_digest(std::string(kDigest) + "0"));
  EXPECT_FALSE(oci::valid_digest(""));
}

TEST(OciPlatform, ParseAndPrint) {
  auto p = oci::parse_platform("linux/arm64/v8");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->os, "linux");
  EXPECT_EQ(p->architecture, "arm64");
  EXPECT_EQ(p->variant, "v8");
  EXPECT_EQ(oci::platform_string(*p), "linux/arm64/v8");
  auto amd = oci::parse_platform("linux/amd64");
  ASSERT_TRUE(amd);
  EXPECT_EQ(oci::platform_string(*amd), "linux/amd64");
  EXPECT_FALSE(oci::parse_platform("linux"));
  EXPECT_FALSE(oci::parse_platform("linux//v8"));
  EXPECT_FALSE(oci::parse_platform("linux/amd64/v8/x"));
  EXPECT_FALSE(oci::parse_platform("linux/am d64"));
}

TEST(OciReference, DockerHubShortNames) {
  auto r = must_parse("alpine");
  EXPECT_EQ(r.transport, Transport::Registry);
  EXPECT_EQ(r.registry, "docker.io");
  EXPECT_EQ(r.repository, "library/alpine");
  EXPECT_EQ(r.tag, "latest");
  EXPECT_EQ(r.digest, "");
  EXPECT_EQ(r.api_host(), "registry-1.docker.io");
  EXPECT_EQ(r.to_string(), "docker.io/library/alpine:latest");

  r = must_parse("alpine:3.19");
  EXPECT_EQ(r.to_string(), "docker.io/library/alpine:3.19");
  r = must_parse("bitnami/redis:7.2");
  EXPECT_EQ(r.repository, "bitnami/redis");
  EXPECT_EQ(r.registry, "docker.io");
  r = must_parse("docker.io/alpine");
  EXPECT_EQ(r.repository, "library/alpine");
  r = must_parse("index.docker.io/library/debian:bookworm-slim");
  EXPECT_EQ(r.registry, "docker.io");
  EXPECT_EQ(r.tag, "bookworm-slim");
  r = must_parse("docker://alpine:3.19");
  EXPECT_EQ(r.to_string(), "docker.io/library/alpine:3.19");
}

TEST(OciReference, HostsPortsAndDigests) {
  auto r = must_parse("127.0.0.1:5000/app");
  EXPECT_EQ(r.registry, "127.0.0.1:5000");
  EXPECT_EQ(r.repository, "app");
  EXPECT_EQ(r.tag, "latest");
  EXPECT_EQ(r.api_host(), "127.0.0.1:5000");
  EXPECT_EQ(r.to_string(), "127.0.0.1:5000/app:latest");

  r = must_parse("localhost/app");
  EXPECT_EQ(r.registry, "localhost");
  EXPECT_EQ(r.repository, "app");

  r = must_parse(std::string("ghcr.io/org/team/tool@") + kDigest);
  EXPECT_EQ(r.registry, "ghcr.io");
  EXPECT_EQ(r.repository, "org/team/tool");
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.digest, kDigest);
  EXPECT_EQ(r.to_string(), std::string("ghcr.io/org/team/tool@") + kDigest);

  r = must_parse(std::string("localhost:5000/team/app:1.0@") + kDigest);
  EXPECT_EQ(r.tag, "1.0");
  EXPECT_EQ(r.digest, kDigest);
  EXPECT_EQ(r.to_string(), std::string("localhost:5000/team/app:1.0@") + kDigest);

  r = must_parse("[::1]:5000/app:v2");
  EXPECT_EQ(r.registry, "[::1]:5000");
  EXPECT_EQ(r.tag, "v2");

  r = must_parse("quay.io/prometheus/node-exporter:v1.7.0");
  EXPECT_EQ(r.repository, "prometheus/node-exporter");
  r = must_parse("registry.example.com/a__b/c-d.e_f/g---h:x");
  EXPECT_EQ(r.repository, "a__b/c-d.e_f/g---h");
}

TEST(OciReference, LayoutAndArchiveTransports) {
  auto r = must_parse("oci:/tmp/layout:t");
  EXPECT_EQ(r.transport, Transport::OciLayout);
  EXPECT_EQ(r.path, "/tmp/layout");
  EXPECT_EQ(r.tag, "t");
  EXPECT_EQ(r.to_string(), "oci:/tmp/layout:t");

  r = must_parse("oci:/tmp/x");
  EXPECT_EQ(r.path, "/tmp/x");
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.to_string(), "oci:/tmp/x");

  r = must_parse("oci:./dir:with:colons:v1.2");  // split on the last ':' only
  EXPECT_EQ(r.path, "./dir:with:colons");
  EXPECT_EQ(r.tag, "v1.2");

  r = must_parse("oci:/tmp/x:not/a/tag");  // what follows is no valid tag: all of it is the path
  EXPECT_EQ(r.path, "/tmp/x:not/a/tag");
  EXPECT_EQ(r.tag, "");

  r = must_parse("oci::t");  // the directory part may not be empty, so nothing is split off
  EXPECT_EQ(r.path, ":t");
  EXPECT_EQ(r.tag, "");

  r = must_parse("oci-archive:/srv/img.tar:latest");
  EXPECT_EQ(r.transport, Transport::OciArchive);
  EXPECT_EQ(r.path, "/srv/img.tar");
  EXPECT_EQ(r.tag, "latest");
  EXPECT_EQ(r.to_string(), "oci-archive:/srv/img.tar:latest");

  r = must_parse("docker-archive:/tmp/a.tar");
  EXPECT_EQ(r.transport, Transport::DockerArchive);
  EXPECT_EQ(r.path, "/tmp/a.tar");
  EXPECT_EQ(r.to_string(), "docker-archive:/tmp/a.tar");
}

TEST(OciReference, SeedFilesParse) {
  for (const char* file :
       {"ref-short-name.txt", "ref-host-port.txt", "ref-digest.txt", "ref-oci-layout.txt", "ref-docker-archive.txt"}) {
    const auto text = vigil::test::read_data(std::string("oci/") + file);
    auto r = oci::parse_image_reference(text);
    ASSERT_TRUE(r) << file;
    auto again = oci::parse_image_reference(r->to_string());
    ASSERT_TRUE(again) << file;
    EXPECT_EQ(again->to_string(), r->to_string());
  }
  EXPECT_EQ(must_parse(vigil::test::read_data("oci/ref-host-port.txt")).to_string(), "127.0.0.1:5000/team/app:1.0");
}

TEST(OciReference, ClearErrors) {
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("Alpine").find("repository name"), std::string::npos);
  EXPECT_NE(error_of("docker.io/Library/alpine").find("repository name"), std::string::npos);
  EXPECT_NE(error_of("alpine:").find("invalid tag"), std::string::npos);
  EXPECT_NE(error_of("alpine:-bad").find("invalid tag"), std::string::npos);
  EXPECT_NE(error_of("alpine:" + std::string(129, 'a')).find("invalid tag"), std::string::npos);
  EXPECT_NE(error_of("alpine@sha256:xyz").find("invalid digest"), std::string::npos);
  EXPECT_NE(error_of("alpine@sha256:E264328E5194547F750CC80B8D2DEF27B143B41D087A1A5662722580B7890D3A").find("digest"),
            std::string::npos);
  EXPECT_NE(error_of("alpine@sha512:" + std::string(128, 'a')).find("unsupported"), std::string::npos);
  EXPECT_NE(error_of("host:99999x/app").find("registry host"), std::string::npos);
  EXPECT_NE(error_of("localhost:5000/").find("no repository"), std::string::npos);
  error_of("a//b");
  error_of("a/b/../c");
  error_of("my..app");
  error_of("my-app-");
  error_of("app\n");
  error_of("oci:");
  error_of("oci-archive:");
  error_of("docker-archive:");
  EXPECT_NE(error_of("registry.example.com/" + std::string(250, 'a')).find("255"), std::string::npos);
  // Hostile text is quoted and escaped in messages, never echoed raw.
  const auto msg = error_of("alpine:\x1b[31mred");
  EXPECT_EQ(msg.find('\x1b'), std::string::npos);
}
