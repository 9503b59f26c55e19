// C/C++: Conan 1 and Conan 2 lock files, a vcpkg manifest with overrides and vcpkg's installed status database.
#include "formats/cpp.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.hpp"

using vigil::formats::parse_conan_lock;
using vigil::formats::parse_vcpkg_json;
using vigil::formats::parse_vcpkg_status;
using vigil::model::Ecosystem;
using vigil::model::Package;
using vigil::model::Relation;
using vigil::model::Scope;

namespace {

const Package* find(const std::vector<Package>& pkgs, std::string_view name, std::string_view arch = {}) {
  const auto it = std::find_if(pkgs.begin(), pkgs.end(),
                               [&](const Package& p) { return p.name == name && (arch.empty() || p.arch == arch); });
  return it == pkgs.end() ? nullptr : &*it;
}

long count_if(const std::vector<Package>& pkgs, bool (*pred)(const Package&)) {
  return std::count_if(pkgs.begin(), pkgs.end(), pred);
}

}  // namespace

TEST(ConanLock, Version1Graph) {
  const auto parsed = parse_conan_lock("conan.lock", vigil::test::read_data("cpp/conan-v1.lock"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  // 11 nodes besides the consumer; openssl and zlib appear in both the host and the build context.
  ASSERT_EQ(parsed->packages.size(), 9U);
  EXPECT_EQ(count_if(parsed->packages, [](const Package& p) { return p.relation == Relation::Direct; }), 4);

  const Package* poco = find(parsed->packages, "poco");
  ASSERT_NE(poco, nullptr);
  EXPECT_EQ(poco->version, "1.12.4");
  EXPECT_EQ(poco->ecosystem, Ecosystem::Conan);
  EXPECT_EQ(poco->relation, Relation::Direct);
  EXPECT_EQ(poco->scope, Scope::Prod);

  const Package* cmake = find(parsed->packages, "cmake");
  ASSERT_NE(cmake, nullptr);
  EXPECT_EQ(cmake->scope, Scope::Dev);
  EXPECT_EQ(cmake->relation, Relation::Direct);

  const Package* openssl = find(parsed->packages, "openssl");  // host use wins over the build-context copy
  ASSERT_NE(openssl, nullptr);
  EXPECT_EQ(openssl->version, "3.1.3");
  EXPECT_EQ(openssl->scope, Scope::Prod);
  EXPECT_EQ(openssl->relation, Relation::Transitive);

  const Package* expat = find(parsed->packages, "expat");  // "expat/2.5.0@mycompany/stable#rev"
  ASSERT_NE(expat, nullptr);
  EXPECT_EQ(expat->version, "2.5.0");
}

TEST(ConanLock, Version2Lists) {
  const auto parsed = parse_conan_lock("conan.lock", vigil::test::read_data("cpp/conan-v2.lock"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  ASSERT_EQ(parsed->packages.size(), 12U);  // 9 requires, 2 more build requires, 1 python_requires
  EXPECT_EQ(count_if(parsed->packages, [](const Package& p) { return p.scope == Scope::Dev; }), 3);
  EXPECT_EQ(count_if(parsed->packages, [](const Package& p) { return p.relation != Relation::Unknown; }), 0);

  const Package* zlib = find(parsed->packages, "zlib");  // in requires and build_requires
  ASSERT_NE(zlib, nullptr);
  EXPECT_EQ(zlib->version, "1.3");
  EXPECT_EQ(zlib->scope, Scope::Prod);
  const Package* b2 = find(parsed->packages, "b2");
  ASSERT_NE(b2, nullptr);
  EXPECT_EQ(b2->version, "4.10.1");
  EXPECT_EQ(b2->scope, Scope::Dev);
  const Package* recipes = find(parsed->packages, "mycorp-recipes");
  ASSERT_NE(recipes, nullptr);
  EXPECT_EQ(recipes->version, "1.0");
  EXPECT_EQ(recipes->scope, Scope::Dev);
  const Package* backtrace = find(parsed->packages, "libbacktrace");
  ASSERT_NE(backtrace, nullptr);
  EXPECT_EQ(backtrace->version, "cci.20210118");
}

TEST(ConanLock, MalformedInput) {
  const std::string v1 = vigil::test::read_data("cpp/conan-v1.lock");
  EXPECT_FALSE(parse_conan_lock("conan.lock", std::string_view(v1).substr(0, 300)));
  EXPECT_FALSE(parse_conan_lock("conan.lock", "[conan]\nnot json"));
  EXPECT_FALSE(parse_conan_lock("conan.lock", "true"));
  const auto wrong = parse_conan_lock("conan.lock", R"({"version": "0.5",
    "requires": ["zlib", "/1.0", "a/b/c", 7, "ok/1.0#abc"], "build_requires": {"x": 1}})");
  ASSERT_TRUE(wrong);
  ASSERT_EQ(wrong->packages.size(), 1U);
  EXPECT_EQ(wrong->packages[0].name, "ok");
  EXPECT_EQ(wrong->warnings.size(), 5U);
  const auto nodes = parse_conan_lock("conan.lock", R"({"graph_lock": {"nodes": {"0": 1, "1": [], "2": {},
    "3": {"ref": "fmt/10.1.1", "requires": "x"}}}})");
  ASSERT_TRUE(nodes);
  ASSERT_EQ(nodes->packages.size(), 1U);
  EXPECT_EQ(nodes->packages[0].relation, Relation::Transitive);
  EXPECT_EQ(nodes->packages[0].scope, Scope::Unknown);
  EXPECT_EQ(nodes->warnings.size(), 2U);
  const auto other = parse_conan_lock("conan.lock", R"({"graph_lock": []})");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->warnings.size(), 1U);
}

TEST(VcpkgJson, OnlyOverridesAreInventoried) {
  const auto parsed = parse_vcpkg_json("vcpkg.json", vigil::test::read_data("cpp/vcpkg.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->packages.size(), 5U);
  const Package* openssl = find(parsed->packages, "openssl");
  ASSERT_NE(openssl, nullptr);
  EXPECT_EQ(openssl->version, "3.2.1#2");
  EXPECT_EQ(openssl->ecosystem, Ecosystem::Vcpkg);
  EXPECT_EQ(openssl->relation, Relation::Direct);
  EXPECT_EQ(openssl->scope, Scope::Prod);
  const Package* zlib = find(parsed->packages, "zlib");
  ASSERT_NE(zlib, nullptr);
  EXPECT_EQ(zlib->version, "1.3.1");  // port-version 0 is not spelled
  const Package* cmake = find(parsed->packages, "vcpkg-cmake");
  ASSERT_NE(cmake, nullptr);
  EXPECT_EQ(cmake->version, "2023-05-04");
  EXPECT_EQ(cmake->scope, Scope::Dev);                       // "host": true
  const Package* abseil = find(parsed->packages, "abseil");  // overridden, not named in dependencies
  ASSERT_NE(abseil, nullptr);
  EXPECT_EQ(abseil->relation, Relation::Unknown);
  EXPECT_EQ(abseil->scope, Scope::Unknown);
  EXPECT_EQ(find(parsed->packages, "sensor-gateway"), nullptr);  // the manifest's own project

  ASSERT_EQ(parsed->warnings.size(), 1U);
  const std::string& w = parsed->warnings[0].message;
  EXPECT_NE(w.find("vcpkg.json lists 6 dependencies without versions"), std::string::npos) << w;
  EXPECT_NE(w.find("boost-asio, curl, gtest, nlohmann-json, protobuf, spdlog (version>= 1.12.0 is only a minimum)"),
            std::string::npos)
      << w;
  EXPECT_NE(w.find("vcpkg_installed/vcpkg/status"), std::string::npos);
}

TEST(VcpkgJson, MalformedInput) {
  const std::string bytes = vigil::test::read_data("cpp/vcpkg.json");
  EXPECT_FALSE(parse_vcpkg_json("vcpkg.json", std::string_view(bytes).substr(0, bytes.size() / 3)));
  EXPECT_FALSE(parse_vcpkg_json("vcpkg.json", "name: x\n"));
  EXPECT_FALSE(parse_vcpkg_json("vcpkg.json", "[\"fmt\"]"));
  const auto wrong = parse_vcpkg_json("vcpkg.json", R"({"dependencies": [1, {"host": true}, "fmt"],
    "overrides": [{"name": "zlib"}, "fmt", {"version": "1"}, {"name": "fmt", "version": "10.2.1", "port-version": -1},
                  {"name": "fmt", "version": "9.0.0"}]})");
  ASSERT_TRUE(wrong);
  ASSERT_EQ(wrong->packages.size(), 1U);  // the first override of fmt; a second one is ignored
  EXPECT_EQ(wrong->packages[0].version, "10.2.1");
  EXPECT_EQ(wrong->warnings.size(), 5U);  // two unnamed dependencies, three unusable overrides
  const auto types = parse_vcpkg_json("vcpkg.json", R"({"dependencies": "fmt", "overrides": {}})");
  ASSERT_TRUE(types);
  EXPECT_EQ(types->warnings.size(), 2U);
  const auto none = parse_vcpkg_json("vcpkg.json", R"({"name": "empty"})");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->packages.empty());
  EXPECT_TRUE(none->warnings.empty());
}

TEST(VcpkgStatus, InstalledTree) {
  const auto parsed = parse_vcpkg_status("vcpkg_installed/vcpkg/status", vigil::test::read_data("cpp/status"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  // 24 paragraphs: 5 features of curl and protobuf, libpng purged, fmt 10.1.0 replaced by 10.1.1.
  ASSERT_EQ(parsed->packages.size(), 15U);
  EXPECT_EQ(count_if(parsed->packages, [](const Package& p) { return p.name == "curl"; }), 1);
  const Package* curl = find(parsed->packages, "curl");
  ASSERT_NE(curl, nullptr);
  EXPECT_EQ(curl->version, "8.6.0#1");
  EXPECT_EQ(curl->arch, "x64-linux");
  EXPECT_EQ(curl->ecosystem, Ecosystem::Vcpkg);
  EXPECT_EQ(curl->relation, Relation::Unknown);
  const Package* openssl = find(parsed->packages, "openssl");  // its Description has a continuation line
  ASSERT_NE(openssl, nullptr);
  EXPECT_EQ(openssl->version, "3.2.1#2");
  const Package* fmt = find(parsed->packages, "fmt");
  ASSERT_NE(fmt, nullptr);
  EXPECT_EQ(fmt->version, "10.1.1");
  EXPECT_EQ(find(parsed->packages, "libpng"), nullptr);
  EXPECT_NE(find(parsed->packages, "protobuf", "arm64-linux"), nullptr);
  EXPECT_NE(find(parsed->packages, "protobuf", "x64-linux"), nullptr);
}

TEST(VcpkgStatus, MalformedInput) {
  EXPECT_FALSE(parse_vcpkg_status("vcpkg/status", "just some words\nwithout fields\n"));
  const auto empty = parse_vcpkg_status("vcpkg/status", "");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->packages.empty());
  const std::string bytes = vigil::test::read_data("cpp/status");
  const size_t cut = bytes.find("Version: 1.59.0");  // truncated in the middle of nghttp2's paragraph
  ASSERT_NE(cut, std::string::npos);
  const auto truncated = parse_vcpkg_status("vcpkg/status", std::string_view(bytes).substr(0, cut + 9));
  ASSERT_TRUE(truncated);
  EXPECT_EQ(truncated->packages.size(), 6U);  // nghttp2 has no Status yet: not reported
  const auto odd = parse_vcpkg_status("vcpkg/status",
                                      "Version: 1.0\nStatus: install ok installed\n\n"
                                      "Package: nover\nArchitecture: x64-linux\nStatus: install ok installed\n\n"
                                      "Package: half\nStatus: deinstall ok installed\n");
  ASSERT_TRUE(odd);
  ASSERT_EQ(odd->packages.size(), 1U);
  EXPECT_EQ(odd->packages[0].name, "nover");
  ASSERT_EQ(odd->warnings.size(), 2U);
  EXPECT_EQ(odd->warnings[0].line, 1);
  EXPECT_EQ(odd->warnings[1].line, 4);
}
