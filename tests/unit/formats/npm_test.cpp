// npm, yarn and pnpm lockfiles and installed package.json, on files written by the real tools (npm 6 and 11,
// yarn 1.22 and 4.5, pnpm 8 and 9) for one project: express, lodash (+ an alias), a workspace, dev and optional deps.
#include "formats/npm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "test_support.hpp"

namespace vigil::formats {
namespace {

using model::Relation;
using model::Scope;
using vigil::test::find;

size_t count_named(const Parsed& p, std::string_view name) {
  return static_cast<size_t>(
      std::count_if(p.packages.begin(), p.packages.end(), [&](const model::Package& x) { return x.name == name; }));
}

void expect_pkg(const Parsed& p, std::string_view name, std::string_view version, Scope scope, Relation relation) {
  const model::Package* pkg = find(p, name, version);
  ASSERT_NE(pkg, nullptr) << name << "@" << version;
  EXPECT_EQ(pkg->scope, scope) << name;
  EXPECT_EQ(pkg->relation, relation) << name;
  EXPECT_EQ(pkg->ecosystem, model::Ecosystem::Npm);
  EXPECT_TRUE(pkg->purl.empty());
  EXPECT_TRUE(pkg->location.empty());
}

TEST(NpmPackageLock, V3FromNpm11) {
  const auto parsed = parse_npm_package_lock("package-lock.json", test::read_data("npm/package-lock-v3.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  EXPECT_EQ(parsed->packages.size(), 102U);
  expect_pkg(*parsed, "express", "4.22.3", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "@sindresorhus/slugify", "1.1.2", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "@sindresorhus/transliterate", "0.1.2", Scope::Prod, Relation::Transitive);
  expect_pkg(*parsed, "typescript", "5.9.3", Scope::Dev, Relation::Direct);
  expect_pkg(*parsed, "@types/node", "26.6.6", Scope::Dev, Relation::Transitive);
  expect_pkg(*parsed, "fsevents", "2.3.3", Scope::Prod, Relation::Direct);
  // Nested duplicates: the hoisted copy and the one under the package that needs another version.
  expect_pkg(*parsed, "escape-string-regexp", "4.0.0", Scope::Prod, Relation::Transitive);
  expect_pkg(*parsed, "escape-string-regexp", "2.0.0", Scope::Prod, Relation::Transitive);
  expect_pkg(*parsed, "ms", "2.0.0", Scope::Prod, Relation::Transitive);
  // Alias "old-lodash": "npm:lodash@4.17.20" is lodash.
  expect_pkg(*parsed, "lodash", "4.17.20", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "lodash", "4.18.1", Scope::Prod, Relation::Direct);
  EXPECT_EQ(count_named(*parsed, "old-lodash"), 0U);
  // Workspace: the link is skipped, the folder entry is the package; its own deps are direct for it.
  expect_pkg(*parsed, "@acme/util", "0.2.0", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "semver", "6.3.2", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "semver", "7.8.6", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "ms", "2.1.3", Scope::Prod, Relation::Direct);  // hoisted dependency of the workspace
  EXPECT_EQ(count_named(*parsed, "acme-web"), 0U);
  EXPECT_EQ(find(*parsed, "express", "4.22.3")->license, "MIT");
  EXPECT_EQ(find(*parsed, "typescript", "5.9.3")->license, "Apache-2.0");
}

TEST(NpmPackageLock, V2ReadsPackagesMapLikeV3) {
  const auto v2 = parse_npm_package_lock("package-lock.json", test::read_data("npm/package-lock-v2.json"));
  const auto v3 = parse_npm_package_lock("package-lock.json", test::read_data("npm/package-lock-v3.json"));
  ASSERT_TRUE(v2 && v3);
  EXPECT_EQ(v2->packages.size(), v3->packages.size());
  expect_pkg(*v2, "@types/express", "4.17.25", Scope::Dev, Relation::Direct);
}

TEST(NpmPackageLock, V1FromNpm6) {
  const auto parsed = parse_npm_package_lock("npm-shrinkwrap.json", test::read_data("npm/package-lock-v1.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  EXPECT_EQ(parsed->packages.size(), 100U);
  expect_pkg(*parsed, "express", "4.22.3", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "chalk", "4.1.2", Scope::Dev, Relation::Direct);
  expect_pkg(*parsed, "lodash", "4.17.20", Scope::Prod, Relation::Direct);                  // alias
  expect_pkg(*parsed, "escape-string-regexp", "2.0.0", Scope::Prod, Relation::Transitive);  // nested
  expect_pkg(*parsed, "body-parser", "1.20.9", Scope::Prod, Relation::Unknown);             // required by express
}

TEST(NpmPackageLock, HandWrittenEdgeCases) {
  const auto parsed = parse_npm_package_lock("package-lock.json", R"({
    "lockfileVersion": 3,
    "packages": {
      "": {"name": "x", "dependencies": {"a": "^1"}, "devDependencies": {"b": "^1"}},
      "node_modules/a": {"version": "1.0.0", "license": {"type": "BSD-3-Clause"}},
      "node_modules/b": {"version": "2.0.0", "devOptional": true},
      "node_modules/b/node_modules/c": {"version": "3.0.0", "dev": true},
      "node_modules/noversion": {"resolved": "https://x"},
      "node_modules/bundled": {"inBundle": true},
      "node_modules/weird": 42
    }
  })");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 3U);
  expect_pkg(*parsed, "a", "1.0.0", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "b", "2.0.0", Scope::Dev, Relation::Direct);
  expect_pkg(*parsed, "c", "3.0.0", Scope::Dev, Relation::Transitive);
  EXPECT_EQ(find(*parsed, "a", "1.0.0")->license, "BSD-3-Clause");
  ASSERT_EQ(parsed->warnings.size(), 2U);  // noversion and weird; the bundled leftover is silent
  EXPECT_NE(parsed->warnings[0].message.find("node_modules/noversion"), std::string::npos);
}

TEST(NpmPackageLock, MalformedInput) {
  EXPECT_FALSE(parse_npm_package_lock("p", ""));
  EXPECT_FALSE(parse_npm_package_lock("p", "[1,2]"));
  const auto truncated = test::read_data("npm/package-lock-v3.json").substr(0, 5000);
  const auto bad = parse_npm_package_lock("p", truncated);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("invalid JSON"), std::string::npos);
  // Wrong types everywhere are warnings or ignored, never a crash.
  const auto typed = parse_npm_package_lock("p", R"({"packages": {"": 1, "node_modules/a": {"version": 7,
      "dev": "yes", "name": []}}, "dependencies": 3})");
  ASSERT_TRUE(typed);
  EXPECT_TRUE(typed->packages.empty());
  EXPECT_EQ(typed->warnings.size(), 1U);
  const auto empty = parse_npm_package_lock("p", "{}");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->warnings.size(), 1U);
}

TEST(NpmPackageLock, DeepV1NestingIsBounded) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) {
    deep += R"({"a":{"version":"1.0.0","dependencies":)";
  }
  deep += "{}";
  for (int i = 0; i < 5000; ++i) {
    deep += "}}";
  }
  const auto parsed = parse_npm_package_lock("p", R"({"dependencies":)" + deep + "}");
  ASSERT_TRUE(parsed || !parsed);  // simdjson's own depth limit may refuse it; either way no crash
}

TEST(YarnLock, V1FromYarn1) {
  const auto parsed = parse_yarn_lock("yarn.lock", test::read_data("npm/yarn-v1.lock"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  EXPECT_EQ(parsed->packages.size(), 101U);
  expect_pkg(*parsed, "@sindresorhus/slugify", "1.1.2", Scope::Unknown, Relation::Unknown);
  expect_pkg(*parsed, "@types/node", "26.6.6", Scope::Unknown, Relation::Unknown);
  expect_pkg(*parsed, "lodash", "4.17.20", Scope::Unknown, Relation::Unknown);  // "old-lodash@npm:lodash@4.17.20"
  expect_pkg(*parsed, "lodash", "4.18.1", Scope::Unknown, Relation::Unknown);
  expect_pkg(*parsed, "semver", "6.3.2", Scope::Unknown, Relation::Unknown);
  EXPECT_EQ(count_named(*parsed, "old-lodash"), 0U);
}

TEST(YarnLock, BerryFromYarn4) {
  const auto parsed = parse_yarn_lock("yarn.lock", test::read_data("npm/yarn-berry.lock"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  EXPECT_EQ(count_named(*parsed, "acme-web"), 0U);    // workspace:.
  EXPECT_EQ(count_named(*parsed, "@acme/util"), 0U);  // workspace:packages/util
  EXPECT_EQ(count_named(*parsed, "typescript"), 1U);  // npm: entry and its patch: are one package
  EXPECT_EQ(count_named(*parsed, "__metadata"), 0U);
  expect_pkg(*parsed, "typescript", "5.9.3", Scope::Unknown, Relation::Unknown);
  expect_pkg(*parsed, "fsevents", "2.3.3", Scope::Unknown, Relation::Unknown);
  expect_pkg(*parsed, "lodash", "4.17.20", Scope::Unknown, Relation::Unknown);
  expect_pkg(*parsed, "@sindresorhus/transliterate", "0.1.2", Scope::Unknown, Relation::Unknown);
}

TEST(YarnLock, QuotedKeysPatchesAndBadLines) {
  const auto parsed = parse_yarn_lock("yarn.lock", R"(# yarn lockfile v1

"@babel/core@^7.0.0", "@babel/core@^7.12.3":
  version "7.23.2"
  dependencies:
    "@babel/code-frame" "^7.22.13"

local@link:../local:
  version "0.0.0"

garbage line without colon
nover@^1.0.0:
  resolved "https://x"

"left-pad@patch:left-pad@npm%3A1.3.0#~/.yarn/patches/left-pad.patch::locator=app%40workspace%3A.":
  version: 1.3.0
  resolution: "left-pad@patch:left-pad@npm%3A1.3.0#~/.yarn/patches/left-pad.patch::version=1.3.0&hash=1"

"ws-patch@patch:ws-patch@workspace%3Apackages/x#p.patch":
  version: 0.0.0-use.local
  resolution: "ws-patch@patch:ws-patch@workspace%3Apackages/x#p.patch::locator=a"
)");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 2U);
  EXPECT_NE(find(*parsed, "@babel/core", "7.23.2"), nullptr);
  EXPECT_NE(find(*parsed, "left-pad", "1.3.0"), nullptr);
  ASSERT_EQ(parsed->warnings.size(), 2U);
  EXPECT_EQ(parsed->warnings[0].line, 11);
  EXPECT_EQ(parsed->warnings[1].line, 12);
}

TEST(YarnLock, MalformedInputNeverCrashes) {
  for (const std::string_view input :
       {std::string_view(""), std::string_view(":\n  version\n"), std::string_view("\"\\"),
        std::string_view("a@:\n  version \"\n"), std::string_view("x@patch:%zz%4:\n  resolution: \"x@patch:%4\"\n")}) {
    const auto parsed = parse_yarn_lock("yarn.lock", input);
    EXPECT_TRUE(parsed);
  }
  const auto truncated = parse_yarn_lock("yarn.lock", test::read_data("npm/yarn-v1.lock").substr(0, 400));
  ASSERT_TRUE(truncated);
  EXPECT_EQ(truncated->packages.size(), 1U);
}

TEST(PnpmLock, V6FromPnpm8) {
  const auto parsed = parse_pnpm_lock("pnpm-lock.yaml", test::read_data("npm/pnpm-lock-v6.yaml"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  EXPECT_EQ(parsed->packages.size(), 101U);
  expect_pkg(*parsed, "express", "4.22.3", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "typescript", "5.9.3", Scope::Dev, Relation::Direct);
  expect_pkg(*parsed, "@types/send", "1.2.1", Scope::Dev, Relation::Transitive);
  expect_pkg(*parsed, "lodash", "4.17.20", Scope::Prod, Relation::Direct);  // alias
  expect_pkg(*parsed, "semver", "6.3.2", Scope::Prod, Relation::Direct);    // workspace packages/util
  expect_pkg(*parsed, "fsevents", "2.3.3", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "body-parser", "1.20.9", Scope::Prod, Relation::Transitive);
}

TEST(PnpmLock, V9FromPnpm9) {
  const auto parsed = parse_pnpm_lock("pnpm-lock.yaml", test::read_data("npm/pnpm-lock-v9.yaml"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  EXPECT_EQ(parsed->packages.size(), 101U);
  expect_pkg(*parsed, "express", "4.22.3", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "chalk", "4.1.2", Scope::Dev, Relation::Direct);
  expect_pkg(*parsed, "has-flag", "4.0.0", Scope::Dev, Relation::Transitive);  // reached only from chalk
  expect_pkg(*parsed, "lodash", "4.17.20", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "ms", "2.1.3", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "body-parser", "1.20.9", Scope::Prod, Relation::Transitive);
}

TEST(PnpmLock, PeerSuffixesAndOldFormats) {
  const auto v9 = parse_pnpm_lock("pnpm-lock.yaml", R"(lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      react-dom:
        specifier: ^18.2.0
        version: 18.2.0(react@18.2.0)
      react:
        specifier: ^18.2.0
        version: 18.2.0
packages:
  react-dom@18.2.0:
    resolution: {integrity: sha512-x}
    peerDependencies:
      react: ^18.2.0
  react@18.2.0:
    resolution: {integrity: sha512-y}
snapshots:
  react-dom@18.2.0(react@18.2.0):
    dependencies:
      react: 18.2.0
  react@18.2.0: {}
)");
  ASSERT_TRUE(v9) << v9.error().message;
  ASSERT_EQ(v9->packages.size(), 2U);
  expect_pkg(*v9, "react-dom", "18.2.0", Scope::Prod, Relation::Direct);
  const auto v5 = parse_pnpm_lock("pnpm-lock.yaml", R"(lockfileVersion: 5.4
specifiers:
  '@testing-library/react': ^14.0.0
devDependencies:
  '@testing-library/react': 14.0.0_react@18.2.0
packages:
  /@testing-library/react/14.0.0_react@18.2.0:
    resolution: {integrity: sha512-z}
    dev: true
  /string_decoder/1.3.0:
    resolution: {integrity: sha512-w}
    dev: false
)");
  ASSERT_TRUE(v5) << v5.error().message;
  ASSERT_EQ(v5->packages.size(), 2U);
  expect_pkg(*v5, "@testing-library/react", "14.0.0", Scope::Dev, Relation::Direct);
  expect_pkg(*v5, "string_decoder", "1.3.0", Scope::Prod, Relation::Transitive);
}

TEST(PnpmLock, MalformedInput) {
  EXPECT_FALSE(parse_pnpm_lock("p", "lockfileVersion: '9.0'\npackages: [unclosed\n"));
  EXPECT_FALSE(parse_pnpm_lock("p", "- just\n- a list\n"));
  EXPECT_FALSE(parse_pnpm_lock("p", std::string(100000, '[')));
  EXPECT_FALSE(parse_pnpm_lock("p", "a: " + std::string(5000, '{')));
  std::string dashes;
  for (int i = 0; i < 3000; ++i) {
    dashes += "- ";
  }
  EXPECT_FALSE(parse_pnpm_lock("p", dashes + "x\n"));
  // Closing brackets hidden in quoted scalars must not let real nesting through.
  EXPECT_FALSE(parse_pnpm_lock("p", "a: [\"" + std::string(3000, ']') + "\", " + std::string(3000, '[')));
  const auto typed = parse_pnpm_lock("p", "lockfileVersion: 9\npackages:\n  foo: 3\n  '@x': {}\nimporters: 7\n");
  ASSERT_TRUE(typed);
  EXPECT_TRUE(typed->packages.empty());
  EXPECT_EQ(typed->warnings.size(), 2U);
}

// 10k entries: guards against quadratic behaviour (each parser should take well under a second).
TEST(NpmLockfiles, TenThousandEntries) {
  std::string npm = R"({"lockfileVersion":3,"packages":{"":{"dependencies":{"p0":"1"}})";
  std::string yarn = "# yarn lockfile v1\n\n";
  std::string pnpm =
      "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      p0:\n        specifier: ^1\n"
      "        version: 1.0.0\npackages:\n";
  std::string snapshots = "snapshots:\n";
  for (int i = 0; i < 10000; ++i) {
    const std::string n = "p" + std::to_string(i);
    npm += ",\"node_modules/" + n + "\":{\"version\":\"1.0.0\",\"license\":\"MIT\"}";
    yarn += n + "@^1.0.0:\n  version \"1.0.0\"\n  resolved \"https://r/" + n + ".tgz\"\n\n";
    pnpm += "  " + n + "@1.0.0:\n    resolution: {integrity: sha512-x}\n";
    snapshots += "  " + n + "@1.0.0:\n    dependencies:\n      p" + std::to_string(i + 1) + ": 1.0.0\n";
  }
  npm += "}}";
  const auto a = parse_npm_package_lock("p", npm);
  const auto b = parse_yarn_lock("p", yarn);
  const auto c = parse_pnpm_lock("p", pnpm + snapshots);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->packages.size(), 10000U);
  EXPECT_EQ(b->packages.size(), 10000U);
  ASSERT_EQ(c->packages.size(), 10000U);
  expect_pkg(*c, "p9999", "1.0.0", Scope::Prod, Relation::Transitive);  // reached through a 10k-long chain
}

TEST(NodePackageJson, RealManifests) {
  const auto semver = parse_node_package_json("node_modules/semver/package.json",
                                              test::read_data("npm/node_modules/semver-package.json"));
  ASSERT_TRUE(semver);
  ASSERT_EQ(semver->packages.size(), 1U);
  EXPECT_EQ(semver->packages[0].name, "semver");
  EXPECT_EQ(semver->packages[0].version, "7.8.5");
  EXPECT_EQ(semver->packages[0].license, "ISC");
  const auto scoped = parse_node_package_json("node_modules/@npmcli/arborist/package.json",
                                              test::read_data("npm/node_modules/npmcli-arborist-package.json"));
  ASSERT_TRUE(scoped && scoped->packages.size() == 1U);
  EXPECT_EQ(scoped->packages[0].name, "@npmcli/arborist");
  EXPECT_EQ(scoped->packages[0].version, "9.9.1");
  const auto old = parse_node_package_json("node_modules/qrcode-terminal/package.json",
                                           test::read_data("npm/node_modules/qrcode-terminal-package.json"));
  ASSERT_TRUE(old && old->packages.size() == 1U);
  EXPECT_EQ(old->packages[0].license, "Apache 2.0");  // deprecated "licenses": [{"type": ...}]
}

TEST(NodePackageJson, LicenseObjectAndMissingFields) {
  const auto obj = parse_node_package_json("p", R"({"name":"a","version":"1.0.0","license":{"type":"MIT"}})");
  ASSERT_TRUE(obj && obj->packages.size() == 1U);
  EXPECT_EQ(obj->packages[0].license, "MIT");
  const auto no_version = parse_node_package_json("p", R"({"name":"a","private":true})");
  ASSERT_TRUE(no_version);
  EXPECT_TRUE(no_version->packages.empty());
  ASSERT_EQ(no_version->warnings.size(), 1U);
  const auto no_name = parse_node_package_json("p", R"({"version":"1.0.0"})");
  ASSERT_TRUE(no_name);
  EXPECT_TRUE(no_name->packages.empty());
  EXPECT_EQ(no_name->warnings.size(), 1U);
  EXPECT_FALSE(parse_node_package_json("p", R"({"name": "a", "version": )"));
  EXPECT_FALSE(parse_node_package_json("p", "\"just a string\""));
}

}  // namespace
}  // namespace vigil::formats
