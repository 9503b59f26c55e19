// Gemfile.lock: a Rails 7.1 application with GIT, PATH and GEM sources and platform-specific gems.
#include <gtest/gtest.h>

#include <algorithm>

#include "formats/ruby.hpp"
#include "test_support.hpp"

using vigil::formats::parse_gemfile_lock;
using vigil::model::Ecosystem;
using vigil::model::Package;
using vigil::model::Relation;
using vigil::model::Scope;
using vigil::test::find;

TEST(GemfileLock, RailsApplication) {
  const auto parsed = parse_gemfile_lock("Gemfile.lock", vigil::test::read_data("ruby/Gemfile.lock"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  ASSERT_EQ(parsed->packages.size(), 70U);  // 72 specs, nokogiri listed for three platforms
  EXPECT_EQ(std::count_if(parsed->packages.begin(), parsed->packages.end(),
                          [](const Package& p) { return p.relation == Relation::Direct; }),
            7);

  const Package* rails = find(parsed->packages, "rails");
  ASSERT_NE(rails, nullptr);
  EXPECT_EQ(rails->version, "7.1.2");
  EXPECT_EQ(rails->ecosystem, Ecosystem::RubyGems);
  EXPECT_EQ(rails->relation, Relation::Direct);
  EXPECT_EQ(rails->scope, Scope::Unknown);

  const Package* nokogiri = find(parsed->packages, "nokogiri");
  ASSERT_NE(nokogiri, nullptr);
  EXPECT_EQ(nokogiri->version, "1.15.5");
  EXPECT_EQ(nokogiri->relation, Relation::Transitive);

  const Package* devise = find(parsed->packages, "devise");  // GIT source, "devise!" in DEPENDENCIES
  ASSERT_NE(devise, nullptr);
  EXPECT_EQ(devise->version, "4.9.3");
  EXPECT_EQ(devise->relation, Relation::Direct);

  const Package* billing = find(parsed->packages, "billing");  // PATH source
  ASSERT_NE(billing, nullptr);
  EXPECT_EQ(billing->version, "0.1.0");
  EXPECT_EQ(billing->relation, Relation::Direct);

  // Requirement lines (6 spaces) are not packages: "bundler (>= 1.15.0)" only appears as one.
  EXPECT_EQ(find(parsed->packages, "bundler"), nullptr);
  EXPECT_EQ(find(parsed->packages, "tzinfo-data"), nullptr);  // a dependency not installed on these platforms
}

TEST(GemfileLock, CrLfAndJavaPlatform) {
  const auto parsed =
      parse_gemfile_lock("Gemfile.lock",
                         "GEM\r\n  remote: https://rubygems.org/\r\n  specs:\r\n    jruby-openssl (0.14.2-java)\r\n"
                         "    rake (13.1.0)\r\n\r\nPLATFORMS\r\n  java\r\n\r\nDEPENDENCIES\r\n  rake\r\n");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 2U);
  EXPECT_EQ(parsed->packages[0].name, "jruby-openssl");
  EXPECT_EQ(parsed->packages[0].version, "0.14.2");
  EXPECT_EQ(parsed->packages[0].relation, Relation::Transitive);
  EXPECT_EQ(parsed->packages[1].relation, Relation::Direct);
}

TEST(GemfileLock, NoDependenciesSectionLeavesRelationUnknown) {
  const auto parsed = parse_gemfile_lock("Gemfile.lock", "GEM\n  specs:\n    rake (13.1.0)\n");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].relation, Relation::Unknown);
}

TEST(GemfileLock, TruncatedFileKeepsWhatWasRead) {
  const std::string bytes = vigil::test::read_data("ruby/Gemfile.lock");
  const size_t cut = bytes.find("    mail (2.8.1)");
  ASSERT_NE(cut, std::string::npos);
  const auto parsed = parse_gemfile_lock("Gemfile.lock", std::string_view(bytes).substr(0, cut + 11));
  ASSERT_TRUE(parsed);
  EXPECT_NE(find(parsed->packages, "loofah"), nullptr);
  EXPECT_EQ(find(parsed->packages, "mail"), nullptr);
  ASSERT_EQ(parsed->warnings.size(), 1U);  // "mail (2.8" cannot be read
  EXPECT_GT(parsed->warnings[0].line, 100);
}

TEST(GemfileLock, GarbageFailsAndBadSpecsWarn) {
  EXPECT_FALSE(parse_gemfile_lock("Gemfile.lock",
                                  "\x7f"
                                  "ELF\x02\x01\x01 garbage"));
  EXPECT_FALSE(parse_gemfile_lock("Gemfile.lock", ""));
  const auto parsed = parse_gemfile_lock("Gemfile.lock",
                                         "GEM\n  specs:\n    no-version\n    ()\n    x ()\n    two words (1.0)\n"
                                         "    ok (1.0)\n");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].name, "ok");
  EXPECT_EQ(parsed->warnings.size(), 4U);
  EXPECT_EQ(parsed->warnings[0].line, 3);
}
