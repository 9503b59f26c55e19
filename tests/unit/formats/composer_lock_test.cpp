// composer.lock: a Laravel 10 application's lock file with production and development packages.
#include <gtest/gtest.h>

#include <algorithm>

#include "formats/php.hpp"
#include "test_support.hpp"

using vigil::formats::parse_composer_lock;
using vigil::model::Ecosystem;
using vigil::model::Package;
using vigil::model::Relation;
using vigil::model::Scope;
using vigil::test::find;

TEST(ComposerLock, LaravelApplication) {
  const auto parsed = parse_composer_lock("composer.lock", vigil::test::read_data("php/composer.lock"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  ASSERT_EQ(parsed->packages.size(), 35U);
  EXPECT_EQ(std::count_if(parsed->packages.begin(), parsed->packages.end(),
                          [](const Package& p) { return p.scope == Scope::Dev; }),
            9);

  const Package* framework = find(parsed->packages, "laravel/framework");
  ASSERT_NE(framework, nullptr);
  EXPECT_EQ(framework->version, "v10.28.0");  // kept as written, as Composer and Trivy report it
  EXPECT_EQ(framework->ecosystem, Ecosystem::Packagist);
  EXPECT_EQ(framework->scope, Scope::Prod);
  EXPECT_EQ(framework->relation, Relation::Unknown);
  EXPECT_EQ(framework->license, "MIT");
  EXPECT_TRUE(framework->location.empty());
  EXPECT_TRUE(framework->purl.empty());

  const Package* nette = find(parsed->packages, "nette/utils");
  ASSERT_NE(nette, nullptr);
  EXPECT_EQ(nette->license, "BSD-3-Clause OR GPL-2.0-only OR GPL-3.0-only");

  const Package* phpunit = find(parsed->packages, "phpunit/phpunit");
  ASSERT_NE(phpunit, nullptr);
  EXPECT_EQ(phpunit->version, "10.4.1");
  EXPECT_EQ(phpunit->scope, Scope::Dev);
  EXPECT_EQ(phpunit->license, "BSD-3-Clause");
}

TEST(ComposerLock, NoDevSectionAndStringLicense) {
  const auto parsed = parse_composer_lock(
      "composer.lock",
      R"({"packages":[{"name":"acme/old","version":"dev-main","license":"proprietary"}],"packages-dev":null})");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].version, "dev-main");
  EXPECT_EQ(parsed->packages[0].license, "proprietary");
  EXPECT_TRUE(parsed->warnings.empty());
}

TEST(ComposerLock, TruncatedJsonFails) {
  const std::string bytes = vigil::test::read_data("php/composer.lock");
  const auto parsed = parse_composer_lock("composer.lock", std::string_view(bytes).substr(0, bytes.size() / 2));
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("invalid JSON"), std::string::npos);
  EXPECT_EQ(parsed.error().message.find("composer.lock"), std::string::npos);  // the engine adds the path
}

TEST(ComposerLock, GarbageAndWrongTopLevel) {
  EXPECT_FALSE(parse_composer_lock("composer.lock", "\x01\x02 not json at all"));
  EXPECT_FALSE(parse_composer_lock("composer.lock", ""));
  EXPECT_FALSE(parse_composer_lock("composer.lock", "[1,2,3]"));
  const auto empty = parse_composer_lock("composer.lock", "{}");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->packages.empty());
  EXPECT_EQ(empty->warnings.size(), 1U);
}

TEST(ComposerLock, WrongTypesAreWarnings) {
  const auto parsed = parse_composer_lock("composer.lock", R"({
    "packages": [
      42,
      {"name": "psr/log"},
      {"version": "1.0.0"},
      {"name": "monolog/monolog", "version": "3.4.0", "license": {"MIT": true}},
      {"name": ["x"], "version": 7}
    ],
    "packages-dev": "oops"
  })");
  ASSERT_TRUE(parsed);
  // psr/log is reported without a version (with a warning); unnamed entries are skipped.
  ASSERT_EQ(parsed->packages.size(), 2U);
  EXPECT_EQ(parsed->packages[0].name, "psr/log");
  EXPECT_EQ(parsed->packages[0].version, "");
  EXPECT_EQ(parsed->packages[1].name, "monolog/monolog");
  EXPECT_EQ(parsed->packages[1].license, "");
  EXPECT_EQ(parsed->warnings.size(), 5U);  // 42, no version, no name, wrong name type, packages-dev string
}
