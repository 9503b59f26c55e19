// The Dockerfile checks (dockerfile-add-url, dockerfile-secret-in-env, dockerfile-runs-as-root) and
// lower_dockerfile, through the real scanner on realistic Dockerfiles: exact lines and messages, close negatives.
#include <gtest/gtest.h>

#include <memory>

#include "config_support.hpp"
#include "scan/config/document.hpp"

namespace vigil::test {
namespace {

ConfigScan scan_file(const std::string& name) {
  return scan_config("Dockerfile", read_data("config/docker/" + name));
}

// ---- dockerfile-add-url ----

TEST(DockerfileAddUrl, UrlsWithoutChecksumAndUnpinnedGitFire) {
  const auto s = scan_file("add-url.Dockerfile");
  EXPECT_EQ(s.lines_of("dockerfile-add-url"), (std::vector<int>{6, 7, 8, 9}));
  EXPECT_EQ(s.messages_of("dockerfile-add-url"),
            (std::vector<std::string>{
                "ADD downloads https://github.com/krallin/tini/releases/download/v0.19.0/tini-static-muslc-amd64 "
                "without --checksum",
                "ADD downloads https://raw.githubusercontent.com/vishnubob/wait-for-it/master/wait-for-it.sh without "
                "--checksum",
                "ADD downloads https://dl.k8s.io/release/v1.30.2/bin/linux/amd64/kubectl without --checksum",
                "ADD clones https://github.com/moby/buildkit.git at v0.14.1, a branch or tag, without --checksum or a "
                "commit"}));
  EXPECT_EQ(s.of("dockerfile-add-url").front().severity, model::Severity::Medium);
}

TEST(DockerfileAddUrl, ChecksumCommitAndLocalSourcesAreSilent) {
  const auto s = scan_config("Dockerfile",
                             "FROM alpine:3.20\n"
                             "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d "
                             "https://example.com/app.tar.gz /opt/\n"
                             "ADD https://github.com/moby/buildkit.git#8d0a4c3e5b3b13e3c7c2f5d2e0f5b4c9c1a3e7d2:docs "
                             "/src/docs\n"
                             "ADD app.tar.gz /opt/app\n"
                             "COPY https-notes.txt /srv/\n"
                             "ADD ${ARTIFACT_URL} /opt/\n"
                             "USER 10001\n");
  EXPECT_EQ(s.count("dockerfile-add-url"), 0U);
}

TEST(DockerfileAddUrl, GitWithoutRefAndSshFire) {
  const auto s = scan_config("Dockerfile",
                             "FROM alpine:3.20\n"
                             "ADD git@github.com:acme/tools.git /src/tools\n"
                             "ADD git@github.com:acme/tools.git#main /src/main\n");
  EXPECT_EQ(s.messages_of("dockerfile-add-url"),
            (std::vector<std::string>{
                "ADD clones git@github.com:acme/tools.git at its default branch, without --checksum or a commit",
                "ADD clones git@github.com:acme/tools.git at main, a branch or tag, without --checksum or a commit"}));
}

// ---- dockerfile-secret-in-env ----

TEST(DockerfileSecretEnv, SecretNamesInEnvAndArgFire) {
  const auto s = scan_file("secrets.Dockerfile");
  EXPECT_EQ(s.lines_of("dockerfile-secret-in-env"), (std::vector<int>{3, 6, 9, 10}));
  EXPECT_EQ(
      s.messages_of("dockerfile-secret-in-env"),
      (std::vector<std::string>{"ARG GITHUB_TOKEN is a build argument: its value is recorded in the image history",
                                "ENV DJANGO_SECRET_KEY is stored in the image config",
                                "ENV AWS_SECRET_ACCESS_KEY is stored in the image config",
                                "ENV STRIPE_API_KEY is stored in the image config"}));
}

TEST(DockerfileSecretEnv, OfficialImageKeyFingerprintsAndUrlsAreSilent) {
  EXPECT_EQ(scan_file("python-official.Dockerfile").count("dockerfile-secret-in-env"), 0U);
  EXPECT_EQ(scan_file("go-distroless.Dockerfile").count("dockerfile-secret-in-env"), 0U);
}

TEST(DockerfileSecretEnv, NpmTokenArgInBuilderStage) {
  const auto s = scan_file("node-app.Dockerfile");
  EXPECT_EQ(s.lines_of("dockerfile-secret-in-env"), (std::vector<int>{4}));
}

TEST(DockerfileSecretEnv, KeyNeedsAKindNextToIt) {
  const auto s = scan_config("Dockerfile",
                             "FROM alpine\n"
                             "ENV PRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\" REDIS_KEY_PREFIX=app: SORT_KEY=name\n"
                             "ENV apiKey=9f8e7d6c5b4a MONKEY=banana KEYBOARD=us\n"
                             "ARG SIGNING_KEY\n"
                             "ENV NODE_GPG_KEY=4ED778F539E3634C779C87C6D7062848A1AB005C\n"
                             "USER app\n");
  EXPECT_EQ(s.messages_of("dockerfile-secret-in-env"),
            (std::vector<std::string>{"ENV PRIVATE_KEY is stored in the image config",
                                      "ENV apiKey is stored in the image config",
                                      "ARG SIGNING_KEY is a build argument: its value is recorded in the image "
                                      "history"}));
}

TEST(DockerfileSecretEnv, ManyVariablesInOneInstructionKeepTheirLines) {
  std::string text = "FROM alpine\nENV \\\n";
  for (int i = 0; i < 20000; ++i) {
    text += "    SVC" + std::to_string(i) + "_TOKEN=t0k3n-value-" + std::to_string(i) + " \\\n";
  }
  text += "    LAST=1\nUSER app\n";
  const auto s = scan_config("Dockerfile", text);
  const auto lines = s.lines_of("dockerfile-secret-in-env");
  ASSERT_EQ(lines.size(), 20000U);  // 700 KiB: under the 1 MiB instruction limit
  EXPECT_EQ(lines.front(), 3);
  EXPECT_EQ(lines.back(), 20002);
}

// ---- dockerfile-runs-as-root ----

TEST(DockerfileRunsAsRoot, NoUserInFinalStageFiresOnItsFrom) {
  const auto s = scan_file("python-official.Dockerfile");
  EXPECT_EQ(s.lines_of("dockerfile-runs-as-root"), (std::vector<int>{7}));
  EXPECT_EQ(s.messages_of("dockerfile-runs-as-root"),
            (std::vector<std::string>{"the final stage (FROM debian:bookworm-slim) sets no USER, so the container "
                                      "runs as root"}));
}

TEST(DockerfileRunsAsRoot, BackToRootFiresOnThatUser) {
  const auto s = scan_file("nginx-back-to-root.Dockerfile");
  EXPECT_EQ(s.lines_of("dockerfile-runs-as-root"), (std::vector<int>{6}));
  EXPECT_EQ(s.messages_of("dockerfile-runs-as-root"),
            (std::vector<std::string>{"USER root is the last USER of the final stage"}));
}

TEST(DockerfileRunsAsRoot, NonRootFinalStagesAreSilent) {
  for (const char* name :
       {"go-distroless.Dockerfile", "node-app.Dockerfile", "stage-chain.Dockerfile", "chainguard.Dockerfile",
        "heredoc.Dockerfile", "windows-escape.Dockerfile", "add-url.Dockerfile"}) {
    EXPECT_EQ(scan_file(name).count("dockerfile-runs-as-root"), 0U) << name;
  }
}

TEST(DockerfileRunsAsRoot, ChainguardDevVariantFires) {
  EXPECT_EQ(scan_file("chainguard-dev-final.Dockerfile").lines_of("dockerfile-runs-as-root"), (std::vector<int>{1}));
}

TEST(DockerfileRunsAsRoot, FollowsStageChains) {
  const auto chain = scan_config("Dockerfile",
                                 "FROM ubuntu:24.04 AS base\nRUN apt-get update\n"
                                 "FROM base AS app\nCOPY . /app\n"
                                 "FROM app\nCMD [\"/app/run\"]\n");
  EXPECT_EQ(chain.lines_of("dockerfile-runs-as-root"), (std::vector<int>{5}));
  EXPECT_EQ(chain.messages_of("dockerfile-runs-as-root"),
            (std::vector<std::string>{"the final stage (FROM app, built on ubuntu:24.04) sets no USER, so the "
                                      "container runs as root"}));
  const auto inherited =
      scan_config("Dockerfile", "FROM ubuntu:24.04 AS Base\nUSER 0:0\nFROM base\nCMD [\"/app/run\"]\n");
  EXPECT_EQ(inherited.messages_of("dockerfile-runs-as-root"),
            (std::vector<std::string>{"USER 0:0 of stage Base is still in effect in the final stage"}));
  EXPECT_EQ(inherited.lines_of("dockerfile-runs-as-root"), (std::vector<int>{2}));
  // A builder stage without USER does not matter when the final stage is non-root.
  EXPECT_EQ(scan_config("Dockerfile", "FROM ubuntu:24.04 AS build\nRUN make\nFROM ubuntu:24.04\nUSER ${APP_UID}\n")
                .count("dockerfile-runs-as-root"),
            0U);
}

// ---- lower_dockerfile ----

struct Lowered {
  formats::cicd::Dockerfile file;
  scan::config::Document doc;
};

std::unique_ptr<Lowered> lower(std::string_view text) {
  auto out = std::make_unique<Lowered>();
  std::vector<Diagnostic> warnings;
  auto file = formats::cicd::read_dockerfile(text, warnings);
  EXPECT_TRUE(file);
  out->file = std::move(*file);
  scan::config::lower_dockerfile(out->file, out->doc);
  return out;
}

std::vector<std::string> images(const scan::config::Document& doc) {
  std::vector<std::string> out;
  for (const auto& i : doc.images)
    out.push_back(i.where + " " + i.reference.value + " @" + std::to_string(i.reference.line));
  return out;
}

TEST(LowerDockerfile, ImagesSkipScratchAndStages) {
  const auto l = lower(
      "ARG BASE=alpine:3.20\n"
      "FROM --platform=$BUILDPLATFORM golang:1.22 AS Build\n"
      "RUN --mount=type=bind,from=ghcr.io/acme/protos:v3,target=/protos make\n"
      "FROM build AS test\n"
      "FROM scratch\n"
      "COPY --from=BUILD /out/app /app\n"
      "COPY --from=0 /etc/ssl/certs /etc/ssl/certs\n"
      "COPY --from=busybox:1.36 /bin/busybox /busybox\n"
      "FROM ${BASE}\n");
  EXPECT_EQ(images(l->doc), (std::vector<std::string>{"FROM golang:1.22 @2", "RUN --mount ghcr.io/acme/protos:v3 @3",
                                                      "COPY --from busybox:1.36 @8", "FROM ${BASE} @9"}));
}

TEST(LowerDockerfile, ManyStagesAreLookedUpByName) {
  std::string text = "FROM alpine:3.20 AS s0\n";
  for (int i = 1; i < 100000; ++i) text += "FROM s" + std::to_string(i - 1) + " AS s" + std::to_string(i) + "\n";
  text += "COPY --from=s99999 /a /a\nCOPY --from=S5 /b /b\n";
  const auto l = lower(text);
  EXPECT_EQ(images(l->doc), (std::vector<std::string>{"FROM alpine:3.20 @1"}));
}

TEST(LowerDockerfile, ScriptsOfShellFormAndShDashCRuns) {
  const auto l = lower(
      "FROM alpine\n"
      "RUN apk add --no-cache curl\n"
      "RUN [\"/bin/sh\", \"-ec\", \"curl -fsSL https://example.com/x.sh | sh\"]\n"
      "RUN [\"/usr/local/bin/migrate\", \"-c\", \"up\"]\n"
      "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
      "SHELL [\"powershell\", \"-Command\"]\n"
      "RUN iwr https://example.com/x.ps1 | iex\n");
  ASSERT_EQ(l->doc.scripts.size(), 2U);
  EXPECT_EQ(l->doc.scripts[0].where, "RUN");
  EXPECT_EQ(l->doc.scripts[0].script->text, "apk add --no-cache curl");
  EXPECT_EQ(l->doc.scripts[0].script->first_line, 2);
  EXPECT_EQ(l->doc.scripts[1].script->text, "curl -fsSL https://example.com/x.sh | sh");
  EXPECT_EQ(l->doc.scripts[1].script->line_at(10), 3);
}

}  // namespace
}  // namespace vigil::test
