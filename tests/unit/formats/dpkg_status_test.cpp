// dpkg status parser: a real Debian 12 status file checked against dpkg-query, distroless status.d files,
// the Status states dpkg-query -W lists, multi-arch, CRLF and malformed input.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "formats/os.hpp"
#include "test_support.hpp"

using vigil::formats::parse_dpkg_status;
using vigil::formats::Parsed;
using vigil::model::Package;

namespace {

const Package* find(const Parsed& parsed, const std::string& name, const std::string& arch = "") {
  for (const auto& p : parsed.packages) {
    if (p.name == name && (arch.empty() || p.arch == arch)) {
      return &p;
    }
  }
  return nullptr;
}

std::vector<std::string> names(const Parsed& parsed) {
  std::vector<std::string> out;
  for (const auto& p : parsed.packages) {
    out.push_back(p.name);
  }
  return out;
}

}  // namespace

// The .expected file was generated once from the same status file with:
//   dpkg-query --admindir=DIR -W -f '${Package} ${Version} ${Architecture} ${source:Package} ${source:Version}\n'
TEST(DpkgStatus, RealDebian12StatusMatchesDpkgQuery) {
  const auto parsed = parse_dpkg_status("var/lib/dpkg/status", vigil::test::read_data("os/dpkg-status-debian12"));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->warnings.empty());
  std::vector<std::string> got;
  for (const auto& p : parsed->packages) {
    EXPECT_EQ(p.ecosystem, vigil::model::Ecosystem::Debian);
    got.push_back(p.name + " " + p.version + " " + p.arch + " " + p.source_name + " " + p.source_version);
  }
  std::sort(got.begin(), got.end());
  std::vector<std::string> expected;
  const std::string expected_text = vigil::test::read_data("os/dpkg-status-debian12.expected");
  for (const auto line : vigil::lines(expected_text)) {
    if (!line.empty()) {
      expected.emplace_back(line);
    }
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_GT(expected.size(), 800U);
  EXPECT_EQ(got, expected);

  const Package* bash = find(*parsed, "bash");
  ASSERT_NE(bash, nullptr);
  EXPECT_EQ(bash->version, "5.2.15-2+b8");
  EXPECT_EQ(bash->source_name, "bash");
  EXPECT_EQ(bash->source_version, "5.2.15-2");
  EXPECT_EQ(bash->arch, "amd64");
  const Package* bsdutils = find(*parsed, "bsdutils");
  ASSERT_NE(bsdutils, nullptr);
  EXPECT_EQ(bsdutils->version, "1:2.38.1-5+deb12u3");  // epoch kept as dpkg writes it
  EXPECT_EQ(bsdutils->source_name, "util-linux");
  const Package* libc = find(*parsed, "libc6");
  ASSERT_NE(libc, nullptr);
  EXPECT_EQ(libc->source_name, "glibc");
  EXPECT_EQ(libc->source_version, libc->version);  // "Source: glibc" without a version
}

TEST(DpkgStatus, DistrolessStatusDFiles) {
  for (const char* name : {"base-files", "libc6", "libssl3", "netbase", "tzdata"}) {
    const auto parsed = parse_dpkg_status(std::string("var/lib/dpkg/status.d/") + name,
                                          vigil::test::read_data(std::string("os/status.d/") + name));
    ASSERT_TRUE(parsed) << name;
    ASSERT_EQ(parsed->packages.size(), 1U) << name;  // no Status field: installed
    EXPECT_EQ(parsed->packages[0].name, name);
    EXPECT_TRUE(parsed->warnings.empty()) << name;
  }
  const auto ssl = parse_dpkg_status("var/lib/dpkg/status.d/libssl3", vigil::test::read_data("os/status.d/libssl3"));
  ASSERT_TRUE(ssl);
  EXPECT_EQ(ssl->packages[0].version, "3.0.22-1~deb12u2");
  EXPECT_EQ(ssl->packages[0].source_name, "openssl");
  EXPECT_EQ(ssl->packages[0].source_version, "3.0.22-1~deb12u2");
  const auto tz = parse_dpkg_status("var/lib/dpkg/status.d/tzdata", vigil::test::read_data("os/status.d/tzdata"));
  ASSERT_TRUE(tz);
  EXPECT_EQ(tz->packages[0].arch, "all");

  // md5sums lists sit beside the control files in newer distroless images: ignored quietly.
  const auto sums =
      parse_dpkg_status("var/lib/dpkg/status.d/libc6.md5sums", vigil::test::read_data("os/status.d/libc6.md5sums"));
  ASSERT_TRUE(sums);
  EXPECT_TRUE(sums->packages.empty());
  EXPECT_TRUE(sums->warnings.empty());
}

TEST(DpkgStatus, StatusDFileWithSeveralParagraphs) {
  const std::string text =
      vigil::test::read_data("os/status.d/libc6") + "\n" + vigil::test::read_data("os/status.d/libssl3");
  const auto parsed = parse_dpkg_status("var/lib/dpkg/status.d/libssl3", text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(names(*parsed), (std::vector<std::string>{"libc6", "libssl3"}));
}

// Verified with dpkg-query --admindir on a crafted status file: -W lists every state except not-installed.
TEST(DpkgStatus, ListsWhatDpkgQueryWLists) {
  const std::string text =
      "Package: a-installed\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n\n"
      "Package: b-config-files\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 2.0-1\n"
      "Config-Version: 2.0-1\nConffiles:\n /etc/b 0123\n\n"
      "Package: c-half-installed\nStatus: install reinstreq half-installed\nArchitecture: amd64\nVersion: 3.0-1\n\n"
      "Package: d-unpacked\nStatus: install ok unpacked\nArchitecture: amd64\nVersion: 4.0-1\n\n"
      "Package: e-not-installed\nStatus: purge ok not-installed\nArchitecture: amd64\n\n"
      "Package: f-half-configured\nStatus: install ok half-configured\nArchitecture: amd64\nVersion: 6.0-1\n\n"
      "Package: i-hold\nStatus: hold ok installed\nArchitecture: amd64\nVersion: 9.0-1\n\n"
      "Package: k-not-installed-with-version\nStatus: install ok not-installed\nArchitecture: amd64\nVersion: 11\n\n"
      "Package: m-purge-config\nStatus: purge ok config-files\nArchitecture: amd64\nVersion: 13.0-1\n";
  const auto parsed = parse_dpkg_status("var/lib/dpkg/status", text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(names(*parsed), (std::vector<std::string>{"a-installed", "b-config-files", "c-half-installed", "d-unpacked",
                                                      "f-half-configured", "i-hold", "m-purge-config"}));
  EXPECT_TRUE(parsed->warnings.empty());
}

TEST(DpkgStatus, MultiArchCrLfContinuationsAndSourceVersion) {
  const std::string text =
      "Package: libc6\r\nStatus: install ok installed\r\nArchitecture: amd64\r\nMulti-Arch: same\r\n"
      "Source: glibc\r\nVersion: 2.36-9+deb12u4\r\nDescription: GNU C Library: Shared libraries\r\n"
      " Contains the standard libraries.\r\n .\r\n More text: with a colon\r\n\r\n"
      "Package: libc6\r\nStatus: install ok installed\r\nArchitecture: i386\r\nMulti-Arch: same\r\n"
      "Source: glibc\r\nVersion: 2.36-9+deb12u4\r\n\r\n\r\n"
      "package: libpam-modules\r\nstatus: install ok installed\r\narchitecture: amd64\r\n"
      "source: pam (1.5.2-6)\r\nversion: 1.5.2-6+deb12u1\r\n";
  const auto parsed = parse_dpkg_status("var/lib/dpkg/status", text);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->warnings.empty());
  ASSERT_EQ(parsed->packages.size(), 3U);
  ASSERT_NE(find(*parsed, "libc6", "amd64"), nullptr);
  ASSERT_NE(find(*parsed, "libc6", "i386"), nullptr);
  EXPECT_EQ(find(*parsed, "libc6", "i386")->version, "2.36-9+deb12u4");
  const Package* pam = find(*parsed, "libpam-modules");
  ASSERT_NE(pam, nullptr);
  EXPECT_EQ(pam->source_name, "pam");
  EXPECT_EQ(pam->source_version, "1.5.2-6");
  EXPECT_EQ(pam->version, "1.5.2-6+deb12u1");
}

TEST(DpkgStatus, MalformedParagraphsWarnWithLineNumbers) {
  const std::string text =
      "Package: good\nStatus: install ok installed\nVersion: 1.0\n\n"  // lines 1-3
      "Status: install ok installed\nVersion: 2.0\n\n"                 // line 5: no Package
      "Package: noversion\nStatus: install ok installed\n\n"           // line 8: no Version
      "Package: nostatus\nVersion: 3\n\n"                              // line 11: no Status in a status file
      "Package: weird\nStatus: installed\nVersion: 4\n\n"              // line 14: malformed Status
      "this line has no colon\nPackage: dup\nStatus: install ok installed\nVersion: 5\n\n"  // line 18
      "Package: good\nStatus: install ok installed\nVersion: 1.1\n";                        // line 23: duplicate
  const auto parsed = parse_dpkg_status("var/lib/dpkg/status", text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(names(*parsed), (std::vector<std::string>{"good", "dup"}));
  EXPECT_EQ(find(*parsed, "good")->version, "1.0");
  std::vector<int> lines;
  for (const auto& w : parsed->warnings) {
    lines.push_back(w.line);
  }
  EXPECT_EQ(lines, (std::vector<int>{5, 8, 11, 14, 18, 23}));
  EXPECT_NE(parsed->warnings[0].message.find("without a Package"), std::string::npos);
  EXPECT_NE(parsed->warnings[1].message.find("no Version"), std::string::npos);
}

TEST(DpkgStatus, BinaryGarbageDoesNotCrash) {
  std::string garbage;
  unsigned state = 12345;
  for (int i = 0; i < 200000; ++i) {
    state = state * 1103515245U + 12345U;
    garbage += static_cast<char>(((state >> 16) % 255) + 1);  // no NUL: goes through the line reader
  }
  const auto parsed = parse_dpkg_status("var/lib/dpkg/status", garbage);
  ASSERT_TRUE(parsed);
  EXPECT_LE(parsed->warnings.size(), 101U);  // capped
  EXPECT_FALSE(parse_dpkg_status("var/lib/dpkg/status", std::string("Package: x\0\x01\x02", 14)));
  const auto empty = parse_dpkg_status("var/lib/dpkg/status", "");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->packages.empty());
}
