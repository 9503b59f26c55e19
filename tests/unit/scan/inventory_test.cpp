// The inventory engine and walker on real directory trees: every file once, no escapes, stable output.
#include "scan/inventory.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <filesystem>

#include "formats/os.hpp"
#include "test_support.hpp"

namespace {

using vigil::scan::AnalyzerOutput;
using vigil::scan::FileContent;
using vigil::scan::FileInfo;

std::atomic<int> g_reads{0};

// Test analyzer: every file named "pkg" holds "name version"; two analyzers want it.
void read_pkg(FileContent& file, AnalyzerOutput& out) {
  auto bytes = file.bytes();
  ASSERT_TRUE(bytes);
  ++g_reads;
  const std::string text(*bytes);
  const auto space = text.find(' ');
  vigil::model::Package pkg;
  pkg.name = text.substr(0, space);
  pkg.version = text.substr(space + 1);
  pkg.ecosystem = vigil::model::Ecosystem::Npm;
  out.packages.push_back(pkg);
}

void count_size(FileContent& file, AnalyzerOutput& out) {
  auto bytes = file.bytes();  // served from the cache filled by read_pkg
  ASSERT_TRUE(bytes);
  if (bytes->empty()) {
    out.warnings.push_back({"", 0, "empty pkg file"});
  }
}

constexpr std::array kTestAnalyzers{
    vigil::scan::Analyzer{"pkg", "1", [](const FileInfo& f) { return f.name == "pkg"; }, read_pkg},
    vigil::scan::Analyzer{"pkg-size", "1", [](const FileInfo& f) { return f.name == "pkg"; }, count_size},
    vigil::scan::Analyzer{"os", "1",
                          [](const FileInfo& f) { return f.name == "os-release" || f.name == "debian_version"; },
                          vigil::scan::analyze_bytes<vigil::formats::parse_os_release>},
};

vigil::scan::InventoryOptions options(unsigned threads) {
  vigil::scan::InventoryOptions o;
  o.walk.threads = threads;
  o.analyzers = kTestAnalyzers;
  return o;
}

}  // namespace

TEST(Inventory, FindsEveryWantedFileOnceWithRelativeLocations) {
  vigil::test::TempDir dir;
  for (int i = 0; i < 50; ++i) {
    dir.write("a/b" + std::to_string(i % 7) + "/c" + std::to_string(i) + "/pkg",
              "p" + std::to_string(i) + " 1.0." + std::to_string(i));
  }
  dir.write("a/other.txt", "ignored");
  g_reads = 0;
  auto inv = vigil::scan::build_inventory(dir.path().string(), options(4));
  ASSERT_TRUE(inv) << inv.error().message;
  EXPECT_EQ(inv->packages.size(), 50U);
  EXPECT_EQ(g_reads.load(), 50);  // two analyzers, one read each file
  for (const auto& pkg : inv->packages) {
    EXPECT_FALSE(pkg.location.empty());
    EXPECT_NE(pkg.location.front(), '/');
    EXPECT_TRUE(pkg.location.ends_with("/pkg"));
    EXPECT_TRUE(pkg.purl.starts_with("pkg:npm/p"));
  }
}

TEST(Inventory, SameResultWithOneOrManyThreads) {
  vigil::test::TempDir dir;
  for (int i = 0; i < 200; ++i) {
    dir.write("d" + std::to_string(i % 13) + "/e" + std::to_string(i) + "/pkg",
              "n" + std::to_string(i) + " 2." + std::to_string(i));
  }
  auto one = vigil::scan::build_inventory(dir.path().string(), options(1));
  auto many = vigil::scan::build_inventory(dir.path().string(), options(8));
  ASSERT_TRUE(one && many);
  ASSERT_EQ(one->packages.size(), 200U);
  ASSERT_EQ(one->packages.size(), many->packages.size());
  for (size_t i = 0; i < one->packages.size(); ++i) {
    EXPECT_EQ(one->packages[i].name, many->packages[i].name);
    EXPECT_EQ(one->packages[i].location, many->packages[i].location);
  }
}

TEST(Inventory, NeverFollowsSymlinksOutOfTheRoot) {
  vigil::test::TempDir outside;
  outside.write("secret/pkg", "outside 6.6.6");
  vigil::test::TempDir dir;
  dir.write("inside/pkg", "inside 1.0");
  std::filesystem::create_directory_symlink(outside.path() / "secret", dir.path() / "linked-dir");
  std::filesystem::create_symlink(outside.path() / "secret" / "pkg", dir.path() / "inside" / "linked-file-pkg");
  std::filesystem::create_directories(dir.path() / "x");
  std::filesystem::create_symlink(outside.path() / "secret" / "pkg", dir.path() / "x" / "pkg");
  auto inv = vigil::scan::build_inventory(dir.path().string(), options(2));
  ASSERT_TRUE(inv);
  ASSERT_EQ(inv->packages.size(), 1U);
  EXPECT_EQ(inv->packages[0].name, "inside");
}

TEST(Inventory, FifoWithAWantedNameIsNotOpened) {
  vigil::test::TempDir dir;
  ASSERT_EQ(::mkfifo((dir.path() / "pkg").c_str(), 0600), 0);
  dir.write("ok/pkg", "ok 1");
  auto inv = vigil::scan::build_inventory(dir.path().string(), options(2));  // would hang if the FIFO were read
  ASSERT_TRUE(inv);
  ASSERT_EQ(inv->packages.size(), 1U);
}

TEST(Inventory, SkipPathsAreNotEntered) {
  vigil::test::TempDir dir;
  dir.write("proc/1/pkg", "proc 1");
  dir.write("usr/pkg", "usr 1");
  auto o = options(2);
  o.walk = vigil::scan::rootfs_walk_options();
  auto inv = vigil::scan::build_inventory(dir.path().string(), o);
  ASSERT_TRUE(inv);
  ASSERT_EQ(inv->packages.size(), 1U);
  EXPECT_EQ(inv->packages[0].name, "usr");
}

TEST(Inventory, OsReleaseWinsOverFallbackAndDistroQualifiesPurls) {
  vigil::test::TempDir dir;
  dir.write("etc/debian_version", "11.9\n");
  dir.write("etc/os-release", vigil::test::read_data("os/debian12-os-release"));
  auto inv = vigil::scan::build_inventory(dir.path().string(), options(2));
  ASSERT_TRUE(inv && inv->os);
  EXPECT_EQ(inv->os->version, "12");
  EXPECT_EQ(inv->os->location, "etc/os-release");
}

TEST(Inventory, AnalyzerWarningsNameTheFile) {
  vigil::test::TempDir dir;
  dir.write("empty/pkg", "");
  auto inv = vigil::scan::build_inventory(dir.path().string(), options(1));
  ASSERT_TRUE(inv);
  ASSERT_EQ(inv->warnings.size(), 1U);
  EXPECT_EQ(inv->warnings[0].file, "empty/pkg");
}

TEST(Inventory, SingleFileTarget) {
  vigil::test::TempDir dir;
  const auto file = dir.write("pkg", "single 3.1");
  auto inv = vigil::scan::build_inventory(file.string(), options(1));
  ASSERT_TRUE(inv);
  ASSERT_EQ(inv->packages.size(), 1U);
  EXPECT_EQ(inv->packages[0].location, "pkg");
}

TEST(Inventory, MissingTargetIsAnErrorNamingIt) {
  auto inv = vigil::scan::build_inventory("/nonexistent/vigil-test", options(1));
  ASSERT_FALSE(inv);
  EXPECT_NE(inv.error().message.find("/nonexistent/vigil-test"), std::string::npos);
}
