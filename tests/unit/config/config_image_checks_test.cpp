// image-not-pinned and image-registry-not-allowed: on Dockerfiles through the real scanner, and on the images of
// any other document kind (the checks only read Document::images).
// (Named config_image_checks_test: tests/unit/image_scan/image_checks_test.cpp already owns that target name.)
#include <gtest/gtest.h>

#include "config_support.hpp"
#include "scan/config/checks.hpp"

namespace vigil::test {
namespace {

using scan::config::ConfigOptions;

std::vector<std::string> messages(const std::vector<model::Misconfiguration>& found) {
  std::vector<std::string> out;
  for (const auto& m : found) out.push_back(m.message);
  return out;
}

// Runs one check on a document of the given kind holding these images.
std::vector<model::Misconfiguration> run_on_images(std::string_view check_id, scan::config::DocumentKind kind,
                                                   const std::vector<scan::config::ImageUse>& images,
                                                   const ConfigOptions& options) {
  scan::config::Document doc{kind, "ci.yml", &options};
  doc.images = images;
  std::vector<model::Misconfiguration> out;
  scan::config::Findings findings(doc, out);
  const auto* check = scan::config::find_config_check(check_id);
  EXPECT_NE(check, nullptr);
  if (check != nullptr) check->run(*check, doc, findings);
  return out;
}

// ---- image-not-pinned ----

TEST(ImageNotPinned, DockerfileBasesWithoutDigest) {
  const auto go = scan_config("Dockerfile", read_data("config/docker/go-distroless.Dockerfile"));
  // golang:${GO_VERSION}-bookworm (line 4) cannot be judged; the distroless base can.
  EXPECT_EQ(go.lines_of("image-not-pinned"), (std::vector<int>{16}));
  EXPECT_EQ(messages(go.of("image-not-pinned")),
            (std::vector<std::string>{"FROM gcr.io/distroless/static-debian12:nonroot has no digest"}));
  // node:20-alpine@sha256:... (line 8) is pinned; the builder stage's node:20-alpine is not.
  const auto node = scan_config("Dockerfile", read_data("config/docker/node-app.Dockerfile"));
  EXPECT_EQ(node.lines_of("image-not-pinned"), (std::vector<int>{1}));
  EXPECT_EQ(messages(node.of("image-not-pinned")), (std::vector<std::string>{"FROM node:20-alpine has no digest"}));
}

TEST(ImageNotPinned, UntaggedCopyFromAndBadDigests) {
  const auto s =
      scan_config("Dockerfile",
                  "FROM ubuntu\n"
                  "COPY --from=busybox:1.36 /bin/busybox /bin/\n"
                  "COPY --from=localhost:5000/tools /bin/tool /bin/\n"
                  "FROM alpine:3.20@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5\n"
                  "FROM alpine@sha256:0A4EAA0EECF5F8C050E5BBA433F58C052BE7587EE8AF3E8B3910EF9AB5FBE9F5\n"
                  "FROM alpine@sha256:0a4eaa0e\n"
                  "FROM scratch\n"
                  "USER 1000\n");
  EXPECT_EQ(s.lines_of("image-not-pinned"), (std::vector<int>{1, 2, 3, 5, 6}));
  EXPECT_EQ(messages(s.of("image-not-pinned")),
            (std::vector<std::string>{
                "FROM ubuntu has no digest and no tag: it is whatever :latest is at the time",
                "COPY --from busybox:1.36 has no digest",
                "COPY --from localhost:5000/tools has no digest and no tag: it is whatever :latest is at the time",
                "FROM alpine@sha256:0A4EAA0EECF5F8C050E5BBA433F58C052BE7587EE8AF3E8B3910EF9AB5FBE9F5 has no valid "
                "digest (sha256: and 64 lower-case hex digits)",
                "FROM alpine@sha256:0a4eaa0e has no valid digest (sha256: and 64 lower-case hex digits)"}));
  EXPECT_EQ(s.of("image-not-pinned").front().severity, model::Severity::Low);
}

TEST(ImageNotPinned, AnyDocumentKindsImages) {
  const ConfigOptions options;
  const auto found = run_on_images("image-not-pinned", scan::config::DocumentKind::GitlabCi,
                                   {{{"postgres:16", 12}, "service"},
                                    {{"registry.gitlab.com/acme/ci-images/node@sha256:"
                                      "9c5e7a1f3b2d4c6e8a0b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f",
                                      4},
                                     "image"},
                                    {{"$CI_REGISTRY_IMAGE/builder:$CI_COMMIT_SHA", 20}, "job build image"}},
                                   options);
  EXPECT_EQ(messages(found), (std::vector<std::string>{"service postgres:16 has no digest"}));
  EXPECT_EQ(found.at(0).line, 12);
  EXPECT_EQ(found.at(0).path, "ci.yml");
}

// ---- image-registry-not-allowed ----

const ConfigOptions kInternal{{"registry.internal", "ghcr.io/acme"}, false};

TEST(ImageRegistry, OffWithoutAnAllowlist) {
  const auto s = scan_config("Dockerfile", read_data("config/docker/node-app.Dockerfile"));
  EXPECT_EQ(s.count("image-registry-not-allowed"), 0U);
}

TEST(ImageRegistry, PublicImagesOutsideTheAllowlistFire) {
  const auto s = scan_config("Dockerfile", read_data("config/docker/go-distroless.Dockerfile"), kInternal);
  EXPECT_EQ(s.lines_of("image-registry-not-allowed"), (std::vector<int>{16}));
  EXPECT_EQ(messages(s.of("image-registry-not-allowed")),
            (std::vector<std::string>{"FROM gcr.io/distroless/static-debian12:nonroot comes from "
                                      "gcr.io/distroless/static-debian12, outside the allowed registries "
                                      "(registry.internal, ghcr.io/acme)"}));
  const auto node = scan_config("Dockerfile", read_data("config/docker/node-app.Dockerfile"), kInternal);
  EXPECT_EQ(node.lines_of("image-registry-not-allowed"), (std::vector<int>{1, 8}));
  EXPECT_EQ(node.of("image-registry-not-allowed").front().message,
            "FROM node:20-alpine comes from docker.io/library/node, outside the allowed registries "
            "(registry.internal, ghcr.io/acme)");
}

TEST(ImageRegistry, RegistryAndPathPrefixes) {
  const auto s = scan_config("Dockerfile",
                             "FROM registry.internal/base/python:3.12-slim AS build\n"
                             "FROM ghcr.io/acme/runtime:2.4.1\n"
                             "COPY --from=ghcr.io/acme:1 /a /a\n"
                             "COPY --from=ghcr.io/acme-labs/tools:1 /b /b\n"
                             "COPY --from=ghcr.io/evil/acme/tools:1 /c /c\n"
                             "COPY --from=REGISTRY.INTERNAL/tools:1 /d /d\n"
                             "COPY --from=${REGISTRY}/tools:1 /e /e\n"
                             "USER 1000\n",
                             kInternal);
  // ghcr.io/acme:1 is repository "acme" itself; acme-labs and evil/acme are not under acme/.
  EXPECT_EQ(s.lines_of("image-registry-not-allowed"), (std::vector<int>{4, 5}));
}

TEST(ImageRegistry, DockerHubUnderAnyOfItsNames) {
  const ConfigOptions hub{{"docker.io/library"}, false};
  const auto found = run_on_images("image-registry-not-allowed", scan::config::DocumentKind::GithubWorkflow,
                                   {{{"node:20", 3}, "job build container"},
                                    {{"index.docker.io/library/redis:7", 4}, "service redis"},
                                    {{"docker://registry-1.docker.io/library/alpine:3.20", 5}, "step 2"},
                                    {{"bitnami/postgresql:16", 6}, "service db"}},
                                   hub);
  EXPECT_EQ(messages(found),
            (std::vector<std::string>{"service db bitnami/postgresql:16 comes from docker.io/bitnami/postgresql, "
                                      "outside the allowed registries (docker.io/library)"}));
}

TEST(ImageRegistry, UnreadableReferenceCannotBeChecked) {
  const auto found = run_on_images("image-registry-not-allowed", scan::config::DocumentKind::Dockerfile,
                                   {{{"Node:20", 1}, "FROM"}}, kInternal);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].message.rfind("FROM Node:20 is not an image reference vigil can read, so its registry cannot "
                                   "be checked (",
                                   0),
            0U)
      << found[0].message;
}

}  // namespace
}  // namespace vigil::test
