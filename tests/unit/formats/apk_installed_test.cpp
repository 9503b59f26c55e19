// apk installed database: an Alpine 3.19 base image's lib/apk/db/installed, CRLF and malformed input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formats/os.hpp"
#include "test_support.hpp"

using vigil::formats::parse_apk_installed;
using vigil::formats::Parsed;
using vigil::model::Package;
using vigil::test::find;

TEST(ApkInstalled, Alpine319BaseImage) {
  const auto parsed = parse_apk_installed("lib/apk/db/installed", vigil::test::read_data("os/apk-installed-alpine319"));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->warnings.empty());
  std::vector<std::string> names;
  for (const auto& p : parsed->packages) {
    names.push_back(p.name);
    EXPECT_EQ(p.ecosystem, vigil::model::Ecosystem::Alpine);
    EXPECT_EQ(p.arch, "x86_64");
    EXPECT_EQ(p.source_version, p.version);
    EXPECT_FALSE(p.license.empty()) << p.name;
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"musl", "busybox", "alpine-baselayout", "alpine-baselayout-data", "alpine-keys",
                                      "ca-certificates-bundle", "libcrypto3", "libssl3", "zlib", "apk-tools",
                                      "busybox-binsh", "scanelf", "musl-utils", "libc-utils", "ssl_client"}));
  const Package* musl = find(*parsed, "musl");
  ASSERT_NE(musl, nullptr);
  EXPECT_EQ(musl->version, "1.2.4_git20230717-r4");
  EXPECT_EQ(musl->source_name, "musl");
  EXPECT_EQ(musl->license, "MIT");
  const Package* crypto = find(*parsed, "libcrypto3");
  ASSERT_NE(crypto, nullptr);
  EXPECT_EQ(crypto->version, "3.1.4-r5");
  EXPECT_EQ(crypto->source_name, "openssl");
  EXPECT_EQ(crypto->license, "Apache-2.0");
  const Package* scanelf = find(*parsed, "scanelf");
  ASSERT_NE(scanelf, nullptr);
  EXPECT_EQ(scanelf->source_name, "pax-utils");
  EXPECT_EQ(find(*parsed, "ca-certificates-bundle")->license, "MPL-2.0 AND MIT");
  EXPECT_EQ(find(*parsed, "ssl_client")->source_name, "busybox");
}

TEST(ApkInstalled, CrLfNoTrailingBlankLineAndMissingOrigin) {
  const auto parsed = parse_apk_installed("lib/apk/db/installed",
                                          "C:Q1abc=\r\nP:zlib\r\nV:1.3.1-r0\r\nA:aarch64\r\nL:Zlib\r\n\r\n"
                                          "P:wolfi-baselayout\r\nV:20230201-r7\r\nA:x86_64");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->warnings.empty());
  ASSERT_EQ(parsed->packages.size(), 2U);
  EXPECT_EQ(parsed->packages[0].arch, "aarch64");
  EXPECT_EQ(parsed->packages[0].source_name, "zlib");  // no o: line: the package is its own origin
  EXPECT_EQ(parsed->packages[1].name, "wolfi-baselayout");
  EXPECT_EQ(parsed->packages[1].version, "20230201-r7");
  EXPECT_TRUE(parsed->packages[1].license.empty());
}

TEST(ApkInstalled, MalformedEntriesWarnWithLineNumbers) {
  const std::string text =
      "P:musl\nV:1.2.4-r0\n\n"               // lines 1-2: fine
      "V:9.9\nA:x86_64\n\n"                  // line 4: no P:
      "P:noversion\nA:x86_64\n\n"            // line 7: no V:
      "P:bad\nthis is not a field\nV:1\n\n"  // line 11: not K:value; entry still read
      "P:musl\nV:1.2.5-r0\n";                // line 14: duplicate
  const auto parsed = parse_apk_installed("lib/apk/db/installed", text);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 2U);
  EXPECT_EQ(parsed->packages[0].version, "1.2.4-r0");
  EXPECT_EQ(parsed->packages[1].name, "bad");
  std::vector<int> lines;
  for (const auto& w : parsed->warnings) {
    lines.push_back(w.line);
  }
  EXPECT_EQ(lines, (std::vector<int>{4, 7, 11, 14}));
}

TEST(ApkInstalled, GarbageDoesNotCrash) {
  std::string garbage;
  unsigned state = 777;
  for (int i = 0; i < 100000; ++i) {
    state = state * 1103515245U + 12345U;
    garbage += static_cast<char>(((state >> 16) % 255) + 1);
  }
  const auto parsed = parse_apk_installed("lib/apk/db/installed", garbage);
  ASSERT_TRUE(parsed);
  EXPECT_LE(parsed->warnings.size(), 101U);
  EXPECT_FALSE(parse_apk_installed("lib/apk/db/installed", std::string("P:a\0V:1", 7)));
  const auto empty = parse_apk_installed("lib/apk/db/installed", "\n\n");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->packages.empty());
  EXPECT_TRUE(empty->warnings.empty());
}
