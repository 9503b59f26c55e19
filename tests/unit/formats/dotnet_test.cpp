// .NET: packages.lock.json of a multi-targeted ASP.NET Core API (net6.0, net8.0) and the deps.json of its
// net8.0 build.
#include "formats/dotnet.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.hpp"

using vigil::formats::parse_dotnet_deps_json;
using vigil::formats::parse_nuget_packages_lock;
using vigil::model::Ecosystem;
using vigil::model::Package;
using vigil::model::Relation;
using vigil::model::Scope;
using vigil::test::find;

namespace {

long count_relation(const std::vector<Package>& pkgs, Relation r) {
  return std::count_if(pkgs.begin(), pkgs.end(), [&](const Package& p) { return p.relation == r; });
}

}  // namespace

TEST(NugetLock, TwoTargetFrameworks) {
  const auto parsed =
      parse_nuget_packages_lock("packages.lock.json", vigil::test::read_data("dotnet/packages.lock.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  // 15 packages shared by both targets, 15 more for net8.0 and 9 versions only net6.0 resolves; no projects.
  ASSERT_EQ(parsed->packages.size(), 39U);
  EXPECT_EQ(count_relation(parsed->packages, Relation::Direct), 6);
  EXPECT_EQ(count_relation(parsed->packages, Relation::Unknown), 0);

  const Package* ef8 = find(parsed->packages, "Microsoft.EntityFrameworkCore.SqlServer", "8.0.0");
  const Package* ef6 = find(parsed->packages, "Microsoft.EntityFrameworkCore.SqlServer", "6.0.25");
  ASSERT_NE(ef8, nullptr);
  ASSERT_NE(ef6, nullptr);
  EXPECT_EQ(ef8->ecosystem, Ecosystem::NuGet);
  EXPECT_EQ(ef8->relation, Relation::Direct);
  EXPECT_EQ(ef8->scope, Scope::Unknown);

  const Package* json = find(parsed->packages, "Newtonsoft.Json", "13.0.3");  // CentralTransitive
  ASSERT_NE(json, nullptr);
  EXPECT_EQ(json->relation, Relation::Transitive);
  EXPECT_EQ(find(parsed->packages, "Contoso.Shop.Domain", ""), nullptr);  // "Project" entry
  EXPECT_EQ(std::count_if(parsed->packages.begin(), parsed->packages.end(),
                          [](const Package& p) { return p.name == "Serilog"; }),
            1);
}

TEST(NugetLock, DirectInOneTargetWinsAndCaseInsensitiveIds) {
  const auto parsed = parse_nuget_packages_lock("packages.lock.json", R"json({"version": 1, "dependencies": {
    "net6.0": {"Polly": {"type": "Transitive", "resolved": "8.2.0"}},
    "net8.0": {"polly": {"type": "Direct", "requested": "[8.2.0, )", "resolved": "8.2.0"}},
    "net8.0/linux-x64": {"Polly": {"type": "Transitive", "resolved": "8.2.0"}}}})json");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].name, "Polly");
  EXPECT_EQ(parsed->packages[0].relation, Relation::Direct);
}

TEST(NugetLock, MalformedInput) {
  const std::string bytes = vigil::test::read_data("dotnet/packages.lock.json");
  EXPECT_FALSE(parse_nuget_packages_lock("packages.lock.json", std::string_view(bytes).substr(0, 777)));
  EXPECT_FALSE(parse_nuget_packages_lock("packages.lock.json", "garbage\n\x00\xff"));
  EXPECT_FALSE(parse_nuget_packages_lock("packages.lock.json", "\"just a string\""));
  const auto wrong = parse_nuget_packages_lock("packages.lock.json", R"({"version": 3, "dependencies": {
    "net8.0": [1, 2], "net7.0": {"A": 5, "B": {"type": "Direct"}, "C": {"type": "Project"}}}})");
  ASSERT_TRUE(wrong);
  ASSERT_EQ(wrong->packages.size(), 1U);  // B, reported without a version
  EXPECT_EQ(wrong->packages[0].name, "B");
  EXPECT_EQ(wrong->packages[0].version, "");
  EXPECT_EQ(wrong->warnings.size(), 4U);  // version 3, net8.0 array, A number, B without "resolved"
  const auto missing = parse_nuget_packages_lock("packages.lock.json", R"({"dependencies": "x"})");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->warnings.size(), 1U);
}

TEST(DepsJson, AspNetCoreApplication) {
  const auto parsed = parse_dotnet_deps_json("app/Contoso.Shop.Api.deps.json",
                                             vigil::test::read_data("dotnet/Contoso.Shop.Api.deps.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  ASSERT_EQ(parsed->packages.size(), 30U);  // the two "project" libraries are skipped
  // The four packages the API references, and Newtonsoft.Json referenced by its Domain project.
  EXPECT_EQ(count_relation(parsed->packages, Relation::Direct), 5);
  const Package* swagger = find(parsed->packages, "Swashbuckle.AspNetCore", "6.5.0");
  ASSERT_NE(swagger, nullptr);
  EXPECT_EQ(swagger->ecosystem, Ecosystem::NuGet);
  EXPECT_EQ(swagger->relation, Relation::Direct);
  EXPECT_EQ(swagger->scope, Scope::Unknown);
  const Package* sni = find(parsed->packages, "Microsoft.Data.SqlClient.SNI.runtime", "5.1.0");
  ASSERT_NE(sni, nullptr);
  EXPECT_EQ(sni->relation, Relation::Transitive);
  EXPECT_EQ(find(parsed->packages, "Contoso.Shop.Api", "1.0.0"), nullptr);
}

TEST(DepsJson, WithoutTargetsRelationIsUnknown) {
  const auto parsed = parse_dotnet_deps_json("x.deps.json", R"({"libraries": {
    "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0": {"type": "runtimepack", "serviceable": false},
    "System.Text.Json/8.0.0": {"type": "package", "serviceable": true},
    "Broken": {"type": "package"},
    "Other/": {"type": "package"},
    "Weird/1.0": "package",
    "Ref/1.0": {"type": "reference"}}})");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].name, "System.Text.Json");
  EXPECT_EQ(parsed->packages[0].version, "8.0.0");
  EXPECT_EQ(parsed->packages[0].relation, Relation::Unknown);
  EXPECT_EQ(parsed->warnings.size(), 3U);
}

TEST(DepsJson, MalformedInput) {
  const std::string bytes = vigil::test::read_data("dotnet/Contoso.Shop.Api.deps.json");
  const auto truncated = parse_dotnet_deps_json("x.deps.json", std::string_view(bytes).substr(0, bytes.size() - 10));
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message.find("invalid JSON"), std::string::npos);
  EXPECT_FALSE(parse_dotnet_deps_json("x.deps.json", "{{{{"));
  EXPECT_FALSE(parse_dotnet_deps_json("x.deps.json", "null"));
  const auto wrong = parse_dotnet_deps_json("x.deps.json", R"({"libraries": [], "targets": 3, "runtimeTarget": "x"})");
  ASSERT_TRUE(wrong);
  EXPECT_TRUE(wrong->packages.empty());
  EXPECT_EQ(wrong->warnings.size(), 1U);
}
