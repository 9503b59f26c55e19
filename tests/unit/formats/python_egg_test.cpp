// Zipped eggs: real eggs from CPython's and setuptools' test data, an egg without PKG-INFO, a PKG-INFO that
// inflates past the cap, truncated and non-zip input.
#include <gtest/gtest.h>

#include <string>

#include "formats/python.hpp"
#include "test_support.hpp"

namespace vigil::formats {
namespace {

TEST(PythonEgg, CpythonExampleEgg) {
  const auto parsed = parse_egg("lib/python3.6/site-packages/example-21.12-py3.6.egg",
                                test::read_data("python/egg/example-21.12-py3.6.egg"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->packages.size(), 1U);
  const model::Package& p = parsed->packages[0];
  EXPECT_EQ(p.name, "example");
  EXPECT_EQ(p.version, "21.12");
  EXPECT_EQ(p.ecosystem, model::Ecosystem::PyPI);
  EXPECT_EQ(p.license, "Apache Software License");
  EXPECT_TRUE(p.location.empty());
  EXPECT_TRUE(p.purl.empty());
  EXPECT_TRUE(parsed->warnings.empty());
}

TEST(PythonEgg, SetuptoolsZippedEgg) {
  const auto parsed = parse_egg("site-packages/my_test_package-1.0-py3.7.egg",
                                test::read_data("python/egg/my_test_package-1.0-py3.7.egg"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].name, "my-test-package");
  EXPECT_EQ(parsed->packages[0].version, "1.0");
  EXPECT_EQ(parsed->packages[0].ecosystem, model::Ecosystem::PyPI);
  EXPECT_EQ(parsed->packages[0].license, "");  // "License: UNKNOWN"
  EXPECT_TRUE(parsed->warnings.empty());
}

TEST(PythonEgg, ZipWithoutPkgInfoWarns) {
  const auto parsed = parse_egg("no-pkg-info-1.0-py3.6.egg", test::read_data("python/egg/no-pkg-info-1.0-py3.6.egg"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->packages.empty());
  ASSERT_EQ(parsed->warnings.size(), 1U);
  EXPECT_EQ(parsed->warnings[0].message, "no EGG-INFO/PKG-INFO in egg");
}

TEST(PythonEgg, OversizedPkgInfoIsNotRead) {
  // 2 MiB of PKG-INFO deflated to 2 KiB: refused at the 1 MiB cap, no package.
  const auto parsed =
      parse_egg("huge-pkg-info-1.0-py3.6.egg", test::read_data("python/egg/huge-pkg-info-1.0-py3.6.egg"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->packages.empty());
  ASSERT_EQ(parsed->warnings.size(), 1U);
  EXPECT_EQ(parsed->warnings[0].message, "EGG-INFO/PKG-INFO is larger than 1 MiB; not read");
}

TEST(PythonEgg, NotAZipFails) {
  for (const std::string& bytes : {test::read_data("python/egg/not-a-zip.egg"), std::string(),
                                   std::string("PK\x03\x04", 4), std::string(4096, '\0')}) {
    const auto parsed = parse_egg("x.egg", bytes);
    ASSERT_FALSE(parsed) << bytes.size();
    EXPECT_TRUE(parsed.error().message.starts_with("not a")) << parsed.error().message;
  }
  const auto text = parse_egg("x.egg", test::read_data("python/egg/not-a-zip.egg"));
  ASSERT_FALSE(text);
  EXPECT_TRUE(text.error().message.starts_with("not a zip archive: ")) << text.error().message;
}

TEST(PythonEgg, TruncatedEggNeverCrashes) {
  // Every prefix of a real egg: either the package, a warning, or an error; never a crash or a wrong package.
  const std::string egg = test::read_data("python/egg/example-21.12-py3.6.egg");
  for (size_t n = 0; n < egg.size(); ++n) {
    const auto parsed = parse_egg("x.egg", std::string_view(egg).substr(0, n));
    if (!parsed) {
      EXPECT_FALSE(parsed.error().message.empty());
      continue;
    }
    for (const auto& p : parsed->packages) {
      EXPECT_EQ(p.name, "example") << n;
      EXPECT_EQ(p.version, "21.12") << n;
    }
    EXPECT_TRUE(!parsed->packages.empty() || !parsed->warnings.empty()) << n;
  }
}

TEST(PythonEgg, TruncatedAfterPkgInfoStillReadsIt) {
  // PKG-INFO is the first entry setuptools writes; a cut central directory does not lose it.
  const std::string egg = test::read_data("python/egg/example-21.12-py3.6.egg");
  const auto parsed = parse_egg("x.egg", std::string_view(egg).substr(0, egg.size() / 2));
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].name, "example");
}

}  // namespace
}  // namespace vigil::formats
