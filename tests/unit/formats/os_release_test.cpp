// os-release and its fallbacks, on real files from Debian, Alpine, Ubuntu and Rocky.
#include <gtest/gtest.h>

#include "formats/os.hpp"
#include "test_support.hpp"

using vigil::formats::parse_os_release;

TEST(OsRelease, DebianFromRealFile) {
  const auto bytes = vigil::test::read_data("os/debian12-os-release");
  const auto parsed = parse_os_release("etc/os-release", bytes);
  ASSERT_TRUE(parsed);
  ASSERT_TRUE(parsed->os);
  EXPECT_EQ(parsed->os->family, "debian");
  EXPECT_EQ(parsed->os->version, "12");
  EXPECT_EQ(parsed->os->name, "Debian GNU/Linux 12 (bookworm)");
}

TEST(OsRelease, AlpineQuotedAndUnquoted) {
  const auto parsed = parse_os_release("etc/os-release",
                                       "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n"
                                       "PRETTY_NAME=\"Alpine Linux v3.19\"\n");
  ASSERT_TRUE(parsed && parsed->os);
  EXPECT_EQ(parsed->os->family, "alpine");
  EXPECT_EQ(parsed->os->version, "3.19.1");
}

TEST(OsRelease, UbuntuCommentsAndCrLf) {
  const auto parsed = parse_os_release("usr/lib/os-release", "# comment\r\nID=ubuntu\r\nVERSION_ID=\"22.04\"\r\n");
  ASSERT_TRUE(parsed && parsed->os);
  EXPECT_EQ(parsed->os->family, "ubuntu");
  EXPECT_EQ(parsed->os->version, "22.04");
}

TEST(OsRelease, MissingIdIsAWarningNotAnOs) {
  const auto parsed = parse_os_release("etc/os-release", "NAME=whatever\n");
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->os);
  ASSERT_EQ(parsed->warnings.size(), 1U);
}

TEST(OsRelease, Fallbacks) {
  auto alpine = parse_os_release("etc/alpine-release", "3.18.4\n");
  ASSERT_TRUE(alpine && alpine->os);
  EXPECT_EQ(alpine->os->family, "alpine");
  EXPECT_EQ(alpine->os->version, "3.18.4");
  auto debian = parse_os_release("etc/debian_version", "12.5\n");
  ASSERT_TRUE(debian && debian->os);
  EXPECT_EQ(debian->os->family, "debian");
  EXPECT_EQ(debian->os->version, "12.5");
  auto rocky = parse_os_release("etc/redhat-release", "Rocky Linux release 9.3 (Blue Onyx)\n");
  ASSERT_TRUE(rocky && rocky->os);
  EXPECT_EQ(rocky->os->family, "rocky");
  EXPECT_EQ(rocky->os->version, "9.3");
}
