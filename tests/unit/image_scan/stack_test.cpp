// Layer scans and stacking on layers built like real images: packages that survive, the layer that introduced
// each, whiteouts and opaque directories, secrets deleted in a later layer, neighbours read from memory.
#include <gtest/gtest.h>

#include <algorithm>

#include "image_support.hpp"
#include "scan/image/image_scan.hpp"
#include "scan/image/layer_cache.hpp"
#include "scan/image/layer_scan.hpp"
#include "test_support.hpp"

namespace vigil::scan {
namespace {

using image_layers::LayerFindings;
using test::TarEntry;

constexpr std::string_view kToken = "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";

std::string dpkg_entry(std::string_view name, std::string_view version, std::string_view source = {}) {
  std::string s = "Package: " + std::string(name) + "\nStatus: install ok installed\nPriority: required\n";
  if (!source.empty()) s += "Source: " + std::string(source) + "\n";
  s += "Architecture: amd64\nVersion: " + std::string(version) + "\nDescription: test package\n\n";
  return s;
}

class LayerStack : public ::testing::Test {
 protected:
  void SetUp() override {
    secrets::ScannerOptions options;
    options.cache_dir.clear();
    auto scanner = secrets::SecretScanner::create(secrets::all_secret_rules(), options);
    ASSERT_TRUE(scanner) << scanner.error().message;
    scanner_ = std::move(*scanner);
    options_.analyzers = all_analyzers();
    options_.file_scanners = {scanner_.get()};
  }

  LayerFindings scan(const std::vector<TarEntry>& entries) {
    const std::string tar = test::make_tar(entries, test::Compression::Gzip);
    auto reader = test::open_layer(tar);
    EXPECT_TRUE(reader);
    auto found = image_layers::scan_layer(**reader, options_);
    EXPECT_TRUE(found) << found.error().message;
    return found ? std::move(*found) : LayerFindings{};
  }

  model::Inventory stack(const std::vector<LayerFindings>& layers) {
    refs_.clear();
    for (size_t i = 0; i < layers.size(); ++i) {
      auto ref = std::make_shared<model::LayerRef>();
      ref->index = static_cast<int>(i);
      ref->diff_id = "sha256:layer" + std::to_string(i);
      refs_.push_back(ref);
    }
    return stack_layers(layers, refs_);
  }

  std::unique_ptr<secrets::SecretScanner> scanner_;
  image_layers::LayerScanOptions options_;
  std::vector<model::LayerPtr> refs_;
};

TEST_F(LayerStack, FinalViewAndAttribution) {
  std::vector<LayerFindings> layers;
  layers.push_back(scan({
      {"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"},
      {"var/lib/dpkg/status",
       dpkg_entry("base-files", "12.4+deb12u5") + dpkg_entry("libc6", "2.36-9+deb12u4", "glibc")},
      {"app/requirements.txt", "jinja2==2.10\n"},
  }));
  layers.push_back(scan({
      {"app/config/.env", "GITHUB_TOKEN=" + std::string(kToken) + "\n"},
      {"opt/tool/package-lock.json",
       R"({"name":"tool","lockfileVersion":3,"packages":{"":{"name":"tool"},"node_modules/lodash":{"version":"4.17.15"}}})"},
  }));
  layers.push_back(scan({
      {"app/config/.wh..env", ""},
      {"var/lib/dpkg/status", dpkg_entry("base-files", "12.4+deb12u5") +
                                  dpkg_entry("libc6", "2.36-9+deb12u4", "glibc") +
                                  dpkg_entry("curl", "7.88.1-10+deb12u5")},
  }));
  layers.push_back(scan({{"opt/tool/.wh..wh..opq", ""}, {"opt/tool/README.md", "# tool\n"}}));

  const auto inv = stack(layers);
  ASSERT_TRUE(inv.os);
  EXPECT_EQ(inv.os->family, "debian");
  const auto* base = test::find(inv.packages, "base-files");
  const auto* curl = test::find(inv.packages, "curl");
  const auto* jinja = test::find(inv.packages, "jinja2");
  ASSERT_TRUE(base && curl && jinja);
  EXPECT_EQ(base->layer->index, 0);  // listed in layers 0 and 2: introduced by 0
  EXPECT_EQ(curl->layer->index, 2);
  EXPECT_EQ(jinja->layer->index, 0);
  EXPECT_EQ(base->purl, "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12");
  EXPECT_EQ(test::find(inv.packages, "lodash"), nullptr);  // its directory went opaque in layer 3
  EXPECT_EQ(inv.packages.size(), 4U);

  ASSERT_EQ(inv.secrets.size(), 1U);
  EXPECT_EQ(inv.secrets[0].path, "app/config/.env");
  EXPECT_EQ(inv.secrets[0].layer->index, 1);
  EXPECT_EQ(inv.secrets[0].deleted_in_layer, 2);
}

TEST_F(LayerStack, PackageChangedInALaterLayerIsAttributedThere) {
  std::vector<LayerFindings> layers;
  layers.push_back(scan({{"var/lib/dpkg/status", dpkg_entry("curl", "7.88.1-10")}}));
  layers.push_back(scan({{"var/lib/dpkg/status", dpkg_entry("curl", "7.88.1-10+deb12u5")}}));
  layers.push_back(scan({{"srv/other", "x"}}));
  const auto inv = stack(layers);
  ASSERT_EQ(inv.packages.size(), 1U);
  EXPECT_EQ(inv.packages[0].version, "7.88.1-10+deb12u5");
  EXPECT_EQ(inv.packages[0].layer->index, 1);
}

TEST_F(LayerStack, DeletedThenReaddedRestartsAttribution) {
  std::vector<LayerFindings> layers;
  layers.push_back(scan({{"app/requirements.txt", "flask==0.12\n"}}));
  layers.push_back(scan({{"app/.wh.requirements.txt", ""}}));
  layers.push_back(scan({{"app/requirements.txt", "flask==0.12\n"}}));
  const auto inv = stack(layers);
  ASSERT_EQ(inv.packages.size(), 1U);
  EXPECT_EQ(inv.packages[0].layer->index, 2);
}

TEST_F(LayerStack, ParentReplacedByAFileOrDeletedHidesChildren) {
  std::vector<LayerFindings> layers;
  layers.push_back(scan({{"srv/a/requirements.txt", "flask==0.12\n"},
                         {"srv/b/requirements.txt", "requests==2.19.1\n"},
                         {"srv/c/requirements.txt", "urllib3==1.24.1\n"}}));
  layers.push_back(scan({{"srv/a", "", 'l', "/elsewhere"}, {"srv/.wh.b", ""}, {"srv/c", "", 'd', "", 0755}}));
  const auto inv = stack(layers);
  ASSERT_EQ(inv.packages.size(), 1U);  // a: parent now a symlink; b: parent deleted; c: a directory entry hides nothing
  EXPECT_EQ(inv.packages[0].name, "urllib3");
  EXPECT_EQ(inv.packages[0].layer->index, 0);
}

TEST_F(LayerStack, RootOpaqueHidesEverythingBelow) {
  std::vector<LayerFindings> layers;
  layers.push_back(scan({{"app/requirements.txt", "flask==0.12\n"}}));
  layers.push_back(scan({{".wh..wh..opq", ""}, {"app2/requirements.txt", "requests==2.19.1\n"}}));
  const auto inv = stack(layers);
  ASSERT_EQ(inv.packages.size(), 1U);
  EXPECT_EQ(inv.packages[0].name, "requests");
}

TEST_F(LayerStack, GoSumIsReadBesideGoModWhicheverComesFirst) {
  const std::string mod = "module example.com/app\n\ngo 1.21\n\nrequire golang.org/x/text v0.3.0\n";
  const std::string sum =
      "golang.org/x/text v0.3.0 h1:g61tztE5qeGQ89tm6NTjjM9VPIm088od1l6aSorWRWg=\n"
      "golang.org/x/text v0.3.0/go.mod h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=\n";
  for (bool sum_first : {true, false}) {
    std::vector<TarEntry> entries{{"src/go.mod", mod}};
    entries.insert(sum_first ? entries.begin() : entries.end(), TarEntry{"src/go.sum", sum});
    const auto found = scan(entries);
    const auto* text = test::find(found.packages, "golang.org/x/text", "v0.3.0");
    ASSERT_NE(text, nullptr) << "sum first: " << sum_first;
    EXPECT_EQ(text->location, "src/go.mod");
  }
}

TEST_F(LayerStack, LargeFilesOnlyScannersWantAreStreamed) {
  // 12 MiB of log lines (over the 8 MiB streaming threshold) with a token near 1 MiB and one at the very end.
  std::string log;
  const std::string line = "2026-11-27T06:00:00Z INFO request served in 12 ms path=/api/v1/items\n";
  while (log.size() < (1U << 20)) log += line;
  log += "token=" + std::string(kToken) + "\n";
  const size_t first_line = static_cast<size_t>(std::count(log.begin(), log.end(), '\n'));
  while (log.size() < (12U << 20)) log += line;
  log += "export GITHUB_TOKEN=" + std::string(kToken) + "\n";
  const size_t last_line = static_cast<size_t>(std::count(log.begin(), log.end(), '\n'));
  const auto found = scan({{"var/log/app/big.log", log}, {"app/requirements.txt", "flask==0.12\n"}});
  ASSERT_EQ(found.secrets.size(), 2U);
  EXPECT_EQ(found.secrets[0].line, static_cast<int>(first_line));
  EXPECT_EQ(found.secrets[1].line, static_cast<int>(last_line));
  EXPECT_EQ(found.packages.size(), 1U);  // the entry after the streamed one is read as usual
}

TEST_F(LayerStack, CacheRecordRoundTripsAndRejectsCorruption) {
  const auto found = scan({
      {"var/lib/dpkg/status", dpkg_entry("libc6", "2.36-9+deb12u4", "glibc")},
      {"app/.env", "GITHUB_TOKEN=" + std::string(kToken) + "\n"},
      {"gone/.wh.file", ""},
      {"opt/x/.wh..wh..opq", ""},
  });
  const std::string encoded = image_layers::encode_findings(found);
  auto decoded = image_layers::decode_findings(encoded);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(image_layers::encode_findings(*decoded), encoded);
  ASSERT_EQ(decoded->packages.size(), 1U);
  EXPECT_EQ(decoded->packages[0].source_name, "glibc");
  ASSERT_EQ(decoded->secrets.size(), 1U);
  EXPECT_EQ(decoded->secrets[0].rule, found.secrets[0].rule);
  EXPECT_EQ(decoded->whiteouts, std::vector<std::string>{"gone/file"});
  EXPECT_EQ(decoded->opaque_dirs, std::vector<std::string>{"opt/x"});
  EXPECT_EQ(decoded->written, found.written);
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    EXPECT_FALSE(image_layers::decode_findings(encoded.substr(0, cut))) << "prefix of " << cut << " bytes";
  }
  EXPECT_FALSE(image_layers::decode_findings(encoded + "x"));
}

TEST_F(LayerStack, CacheIsSharedBetweenConnections) {
  const test::TempDir dir;
  const std::string path = (dir.path() / "sub" / "layers.db").string();
  const auto found = scan({{"var/lib/dpkg/status", dpkg_entry("libc6", "2.36-9+deb12u4", "glibc")}});
  const std::string key = image_layers::layer_cache_key("sha256:abc", options_);
  EXPECT_EQ(key.size(), 64U);
  EXPECT_NE(key, image_layers::layer_cache_key("sha256:abd", options_));
  auto writer = image_layers::LayerCache::open(path);
  ASSERT_TRUE(writer) << writer.error().message;
  auto reader = image_layers::LayerCache::open(path);
  ASSERT_TRUE(reader);
  EXPECT_FALSE(reader->get(key));
  ASSERT_TRUE(writer->put(key, found));
  auto hit = reader->get(key);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->packages.size(), 1U);
}

}  // namespace
}  // namespace vigil::scan
