// Shared by the registry integration tests: running tools by argv, helper scripts in their own process, a
// two-layer test image built with umoci, and pulling a whole image through an ImageSource.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/sha256.hpp"
#include "core/unique_fd.hpp"
#include "image/registry.hpp"
#include "test_support.hpp"

extern char** environ;

namespace vigil::image {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

const std::string kSupport = std::string(VIGIL_TEST_DATA) + "/../support/";

// Runs argv (no shell) and returns its exit status; output goes to log.
int run(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<char*> argv;
  for (const auto& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return 127;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A helper script in its own process, whose first stdout line is what the test needs; SIGTERM and reaped at the end.
class Helper {
 public:
  explicit Helper(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe failed");
    }
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      throw std::runtime_error("cannot start " + args[1]);
    }
    write_end.reset();
    char c = 0;
    pollfd p{read_end.get(), POLLIN, 0};
    while (::poll(&p, 1, 60000) == 1 && ::read(read_end.get(), &c, 1) == 1 && c != '\n') {
      line_.push_back(c);
    }
  }
  ~Helper() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  Helper(const Helper&) = delete;
  Helper& operator=(const Helper&) = delete;
  [[nodiscard]] const std::string& line() const { return line_; }

 private:
  pid_t pid_ = -1;
  std::string line_;
};

// A two-layer image in an OCI layout, built with umoci: tag "t".
struct TestImage {
  test::TempDir dir;
  fs::path layout;
  std::string manifest_digest;

  TestImage() : layout(dir.path() / "layout") {
    const fs::path log = dir.path() / "umoci.log";
    dir.write("a.txt", "first layer\n");
    dir.write("b.txt", "second layer\n");
    const std::string l = layout.string();
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"umoci", "init", "--layout", l},
             {"umoci", "new", "--image", l + ":t"},
             {"umoci", "insert", "--image", l + ":t", (dir.path() / "a.txt").string(), "/a.txt"},
             {"umoci", "insert", "--image", l + ":t", (dir.path() / "b.txt").string(), "/b.txt"}}) {
      if (run(args, log) != 0) {
        throw std::runtime_error("umoci failed: " + slurp(log));
      }
    }
    manifest_digest = json::parse(slurp(layout / "index.json"))["manifests"][0]["digest"];
  }
  [[nodiscard]] std::string blob(const std::string& digest) const {
    return slurp(layout / "blobs" / "sha256" / digest.substr(7));
  }
};

oci::ImageReference parse_ref(const std::string& text) {
  auto ref = oci::parse_image_reference(text);
  if (!ref) {
    throw std::runtime_error("bad reference " + text + ": " + ref.error().message);
  }
  return *ref;
}

RegistryOptions loopback_options() {
  RegistryOptions o;
  o.insecure = true;
  o.first_backoff = 1ms;
  return o;
}

// Reads the root manifest and every blob it names to the end (so size and digest are verified); the digest.
std::string pull_everything(ImageSource& source) {
  auto root = source.root_manifest();
  if (!root) {
    throw std::runtime_error(root.error().message);
  }
  auto doc = oci::parse_manifest(root->bytes, root->media_type);
  if (!doc || !doc->manifest) {
    throw std::runtime_error("root is not an image manifest");
  }
  std::vector<oci::Descriptor> blobs = {doc->manifest->config};
  blobs.insert(blobs.end(), doc->manifest->layers.begin(), doc->manifest->layers.end());
  EXPECT_EQ(blobs.size(), 3u);
  for (const auto& d : blobs) {
    auto reader = source.open_blob(d);
    if (!reader) {
      throw std::runtime_error(reader.error().message);
    }
    char buf[7];  // small reads exercise the stream's buffering
    int64_t total = 0;
    for (;;) {
      auto n = (*reader)->read(buf);
      if (!n) {
        throw std::runtime_error(n.error().message);
      }
      if (*n == 0) {
        break;
      }
      total += static_cast<int64_t>(*n);
    }
    EXPECT_EQ(total, d.size) << d.digest;
  }
  return root->digest;
}

// One docker-registry per auth mode, shared by the tests of that mode, with the test image pushed as team/app:t.
Result<std::unique_ptr<ImageSource>> open(const std::string& ref, const RegistryOptions& options) {
  return open_registry_source(parse_ref(ref), options);
}

RegistryOptions with_creds(const std::string& user, const std::string& password) {
  auto o = loopback_options();
  o.credential = oci::Credential{user, password};
  return o;
}

// An auth file without entries, so that no auth file of the machine running the tests is used.
RegistryOptions anonymous(const test::TempDir& tmp) {
  auto o = loopback_options();
  o.auth_file = tmp.write("empty-auth.json", R"({"auths":{}})").string();
  return o;
}

}  // namespace
}  // namespace vigil::image
