// pom.xml analyzer on real directory trees: parent POMs are read through <parent><relativePath> but never from
// outside the scan root nor through a symlink; read_beneath_root's refusals are checked one by one.
#include "scan/analyzers/maven_pom.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <string>

#include "scan/inventory.hpp"
#include "test_support.hpp"

namespace {

using vigil::model::Inventory;
using vigil::test::TempDir;

constexpr std::array kPomOnly{
    vigil::scan::Analyzer{"pom", "1", [](const vigil::scan::FileInfo& f) { return f.name == "pom.xml"; },
                          vigil::scan::analyze_maven_pom},
};

Inventory scan(const std::filesystem::path& target) {
  vigil::scan::InventoryOptions options;
  options.walk.threads = 2;
  options.analyzers = kPomOnly;
  auto inventory = vigil::scan::build_inventory(target.string(), options);
  EXPECT_TRUE(inventory) << inventory.error().message;
  return inventory ? *inventory : Inventory{};
}

// Packages and warnings of one file of the scan.
size_t packages_of(const Inventory& inv, const std::string& file) {
  return static_cast<size_t>(
      std::count_if(inv.packages.begin(), inv.packages.end(), [&](const auto& p) { return p.location == file; }));
}

std::vector<std::string> warnings_of(const Inventory& inv, const std::string& file) {
  std::vector<std::string> out;
  for (const auto& w : inv.warnings) {
    if (w.file == file) {
      out.push_back(w.message);
    }
  }
  return out;
}

bool has(const std::vector<std::string>& messages, const std::string& text) {
  return std::any_of(messages.begin(), messages.end(),
                     [&](const auto& m) { return m.find(text) != std::string::npos; });
}

const vigil::model::Package* find_at(const Inventory& inv, const std::string& name, const std::string& file) {
  for (const auto& p : inv.packages) {
    if (p.name == name && p.location == file) {
      return &p;
    }
  }
  return nullptr;
}

void copy_multimodule(const TempDir& dir, const std::string& under = {}) {
  const auto to = dir.path() / under;
  std::filesystem::create_directories(to);
  std::filesystem::copy(vigil::test::data_path("java/multimodule"), to, std::filesystem::copy_options::recursive);
}

}  // namespace

TEST(MavenPom, MultiModuleProjectResolvesThroughParentAndGrandparent) {
  TempDir dir;
  copy_multimodule(dir);
  const auto inv = scan(dir.path());
  EXPECT_EQ(inv.packages.size(), 13U);

  EXPECT_EQ(packages_of(inv, "orders-service/pom.xml"), 9U);
  const auto* slf4j = find_at(inv, "org.slf4j:slf4j-api", "orders-service/pom.xml");
  ASSERT_NE(slf4j, nullptr);
  EXPECT_EQ(slf4j->version, "2.0.11");  // company-parent, two levels up, through a directory relativePath
  EXPECT_EQ(slf4j->purl, "pkg:maven/org.slf4j/slf4j-api@2.0.11");
  EXPECT_EQ(find_at(inv, "org.springframework:spring-context", "orders-service/pom.xml")->version, "6.1.3");
  EXPECT_EQ(find_at(inv, "com.fasterxml.jackson.core:jackson-databind", "orders-service/pom.xml")->version, "2.16.2");
  EXPECT_EQ(find_at(inv, "com.example.shop:shop-common", "orders-service/pom.xml")->version, "3.2.0");
  const auto orders_warnings = warnings_of(inv, "orders-service/pom.xml");
  ASSERT_EQ(orders_warnings.size(), 1U);  // the starter is managed by spring-boot-dependencies: a repository POM
  EXPECT_TRUE(has(orders_warnings, "spring-boot-starter-web: version is managed outside this file"));

  // The root POM: its parent is the company-parent directory; it inherits that parent's junit dependency.
  EXPECT_EQ(packages_of(inv, "pom.xml"), 1U);
  EXPECT_EQ(find_at(inv, "org.junit.jupiter:junit-jupiter", "pom.xml")->version, "5.10.2");
  EXPECT_TRUE(warnings_of(inv, "pom.xml").empty());
  // company-parent's parent has <relativePath/>: a repository artifact, nothing to read, no warning.
  EXPECT_EQ(find_at(inv, "org.junit.jupiter:junit-jupiter", "company-parent/pom.xml")->version, "5.10.1");
  EXPECT_TRUE(warnings_of(inv, "company-parent/pom.xml").empty());

  // legacy-batch: ../pom.xml (default relativePath) is shop-parent, not its parent: silently not used.
  const auto legacy = warnings_of(inv, "legacy-batch/pom.xml");
  EXPECT_EQ(packages_of(inv, "legacy-batch/pom.xml"), 1U);
  ASSERT_EQ(legacy.size(), 2U);
  EXPECT_TRUE(has(legacy, "property ${jackson.version} is not defined in this file"));
  EXPECT_TRUE(has(legacy, "spring-boot-starter-batch: version is managed outside this file"));

  // escape-service: a relativePath out of the root is not read, with a warning.
  const auto escape = warnings_of(inv, "escape-service/pom.xml");
  EXPECT_EQ(packages_of(inv, "escape-service/pom.xml"), 1U);
  ASSERT_EQ(escape.size(), 2U);
  EXPECT_TRUE(has(escape, "relativePath \"../../../../../../../../etc/passwd\" leads out of the scan root; not read"));
  EXPECT_TRUE(has(escape, "property ${spring.version} is not defined in this file"));
}

TEST(MavenPom, ParentOutsideTheScanRootIsNotReadEvenWhenItExists) {
  TempDir dir;
  copy_multimodule(dir);
  // Scanning only orders-service: ../pom.xml exists but is above the root (a default relativePath: no warning).
  const auto module = scan(dir.path() / "orders-service");
  EXPECT_EQ(module.packages.size(), 2U);
  EXPECT_EQ(warnings_of(module, "pom.xml").size(), 7U);
  EXPECT_FALSE(has(warnings_of(module, "pom.xml"), "scan root"));
  // Scanning the file alone: the same, its directory is the root.
  const auto single = scan(dir.path() / "orders-service" / "pom.xml");
  EXPECT_EQ(single.packages.size(), 2U);
  EXPECT_EQ(single.warnings.size(), 7U);
  // An explicit relativePath to an existing parent above the root: refused with a warning.
  dir.write("app/svc/pom.xml",
            "<project><parent><groupId>com.example.shop</groupId><artifactId>shop-parent</artifactId>"
            "<version>3.2.0</version><relativePath>../../pom.xml</relativePath></parent>"
            "<artifactId>svc</artifactId><dependencies><dependency><groupId>org.springframework"
            "</groupId><artifactId>spring-core</artifactId><version>${spring.version}</version>"
            "</dependency></dependencies></project>");
  const auto app = scan(dir.path() / "app");
  EXPECT_TRUE(app.packages.empty());
  EXPECT_TRUE(has(warnings_of(app, "svc/pom.xml"), "leads out of the scan root"));
  const auto whole = scan(dir.path());  // from one level up the same parent is inside: resolved
  EXPECT_EQ(find_at(whole, "org.springframework:spring-core", "app/svc/pom.xml")->version, "6.1.3");
}

TEST(MavenPom, SymlinkedParentIsNotFollowed) {
  TempDir outside;
  copy_multimodule(outside);
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "orders-service");
  std::filesystem::copy_file(outside.path() / "orders-service" / "pom.xml", dir.path() / "orders-service" / "pom.xml");
  std::filesystem::create_symlink(outside.path() / "pom.xml", dir.path() / "pom.xml");
  auto inv = scan(dir.path());
  EXPECT_EQ(inv.packages.size(), 2U);  // what orders-service resolves alone
  EXPECT_TRUE(has(warnings_of(inv, "orders-service/pom.xml"), "pom.xml: is a symbolic link; not followed"));

  // A symlinked directory on the way is refused too (RESOLVE_NO_SYMLINKS), even when it stays inside the root.
  TempDir linked;
  copy_multimodule(linked, "real");
  std::filesystem::create_directory_symlink(linked.path() / "real", linked.path() / "shop");
  linked.write("svc/pom.xml",
               "<project><parent><groupId>com.example.shop</groupId><artifactId>shop-parent"
               "</artifactId><version>3.2.0</version><relativePath>../shop</relativePath></parent>"
               "<artifactId>svc</artifactId></project>");
  inv = scan(linked.path());
  EXPECT_TRUE(has(warnings_of(inv, "svc/pom.xml"), "parent POM com.example.shop:shop-parent:3.2.0 not read: shop: "));
  EXPECT_EQ(packages_of(inv, "svc/pom.xml"), 0U);
}

TEST(MavenPom, LoopsAndLongChainsStop) {
  TempDir dir;
  dir.write("a/pom.xml",
            "<project><parent><groupId>g</groupId><artifactId>b</artifactId><version>1</version>"
            "<relativePath>../b</relativePath></parent><artifactId>a</artifactId></project>");
  dir.write("b/pom.xml",
            "<project><parent><groupId>g</groupId><artifactId>a</artifactId><version>1</version>"
            "<relativePath>../a</relativePath></parent><artifactId>b</artifactId></project>");
  auto inv = scan(dir.path());
  EXPECT_TRUE(has(warnings_of(inv, "a/pom.xml"), "parent POM chain loops back to a/pom.xml"));
  EXPECT_TRUE(has(warnings_of(inv, "b/pom.xml"), "parent POM chain loops back to b/pom.xml"));

  // l0/pom.xml is the child of l1/pom.xml ... of l11/pom.xml; only 8 parents are read.
  TempDir deep;
  for (int i = 0; i <= 11; ++i) {
    const std::string n = std::to_string(i);
    const std::string next = std::to_string(i + 1);
    std::string body = "<properties><v" + n + ">" + n + "</v" + n + "></properties>";
    if (i == 0) {
      body +=
          "<dependencies><dependency><groupId>x</groupId><artifactId>a</artifactId><version>${v8}</version>"
          "</dependency><dependency><groupId>x</groupId><artifactId>b</artifactId><version>${v9}</version>"
          "</dependency></dependencies>";
    }
    deep.write("l" + n + "/pom.xml", "<project><parent><groupId>g</groupId><artifactId>l" + next +
                                         "</artifactId><version>1</version><relativePath>../l" + next +
                                         "/pom.xml</relativePath></parent><artifactId>l" + n + "</artifactId>" + body +
                                         "</project>");
  }
  inv = scan(deep.path());
  const auto* a = find_at(inv, "x:a", "l0/pom.xml");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->version, "8");
  EXPECT_EQ(find_at(inv, "x:b", "l0/pom.xml"), nullptr);
  EXPECT_TRUE(
      has(warnings_of(inv, "l0/pom.xml"), "parent POM chain is longer than 8; g:l9:1 and farther are not read"));
}

TEST(MavenPom, ReadBeneathRootRefusals) {
  TempDir dir;
  dir.write("sub/ok.xml", "<project/>");
  dir.write("big.xml", std::string(2048, 'x'));
  std::filesystem::create_symlink(dir.path() / "sub" / "ok.xml", dir.path() / "link.xml");
  ASSERT_EQ(::mkfifo((dir.path() / "fifo").c_str(), 0600), 0);
  vigil::UniqueFd root(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(root.valid());
  const auto ok = dir.path() / "sub" / "ok.xml";
  const vigil::scan::FileInfo info{"sub/ok.xml", "ok.xml", 10, false};
  std::string buffer;
  const vigil::scan::FileContent content(info, vigil::UniqueFd(::open(ok.c_str(), O_RDONLY | O_CLOEXEC)), AT_FDCWD,
                                         root.get(), buffer);
  auto read = content.read_beneath_root("sub/../sub/ok.xml", 1024);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, "<project/>");
  const auto refused = [&](const std::string& path, uint64_t limit) {
    errno = 0;
    const auto r = content.read_beneath_root(path, limit);
    EXPECT_FALSE(r) << path;
    return errno;
  };
  EXPECT_EQ(refused("../etc/passwd", 1024), EXDEV);
  EXPECT_EQ(refused("/etc/passwd", 1024), EXDEV);
  EXPECT_EQ(refused("link.xml", 1024), ELOOP);
  EXPECT_EQ(refused("sub", 1024), EISDIR);
  EXPECT_EQ(refused("big.xml", 1024), EFBIG);
  EXPECT_EQ(refused("fifo", 1024), EINVAL);  // never opened for reading: no blocking, no device side effects
  EXPECT_EQ(refused("missing.xml", 1024), ENOENT);
}
