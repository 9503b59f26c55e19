// OSV record parser on real advisories from golang/vulndb, PyPA and RustSec, malformed input,
// and every record of the shared crates.io archive (../shared, present in CI).
#include "formats/osv.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace osv = vigil::formats::osv;
using osv::Event;

namespace {

osv::Record must_parse(const std::string& rel) {
  auto rec = osv::parse_osv_record(vigil::test::read_data(rel));
  EXPECT_TRUE(rec) << (rec ? "" : rec.error().message);
  return rec ? *rec : osv::Record{};
}

void expect_event(const Event& e, Event::Kind kind, const std::string& version) {
  EXPECT_EQ(e.kind, kind);
  EXPECT_EQ(e.version, version);
}

}  // namespace

TEST(OsvRecord, GoSemverRangeAndAliases) {
  const auto rec = must_parse("osv/GO-2023-2046.json");
  EXPECT_EQ(rec.id, "GO-2023-2046");
  EXPECT_EQ(rec.aliases, (std::vector<std::string>{"CVE-2023-40591", "GHSA-ppjg-v974-84cm"}));
  EXPECT_EQ(rec.summary, "Unbounded memory consumption in github.com/ethereum/go-ethereum");
  EXPECT_EQ(rec.published, "0001-01-01T00:00:00Z");
  EXPECT_TRUE(rec.withdrawn.empty());
  EXPECT_TRUE(rec.severity.empty());
  EXPECT_TRUE(rec.database_severity.empty());  // database_specific has url and review_status only
  ASSERT_EQ(rec.affected.size(), 1U);
  const auto& a = rec.affected[0];
  EXPECT_EQ(a.ecosystem, "Go");
  EXPECT_EQ(a.name, "github.com/ethereum/go-ethereum");
  EXPECT_TRUE(a.purl.empty());
  EXPECT_TRUE(a.versions.empty());
  ASSERT_EQ(a.ranges.size(), 1U);
  EXPECT_EQ(a.ranges[0].type, "SEMVER");
  ASSERT_EQ(a.ranges[0].events.size(), 2U);
  expect_event(a.ranges[0].events[0], Event::Kind::Introduced, "0");
  expect_event(a.ranges[0].events[1], Event::Kind::Fixed, "1.12.1");
}

TEST(OsvRecord, PypiEcosystemRangeAndVersions) {
  const auto rec = must_parse("osv/PYSEC-2020-198.json");
  EXPECT_EQ(rec.id, "PYSEC-2020-198");
  EXPECT_EQ(rec.aliases, (std::vector<std::string>{"CVE-2014-2686"}));
  EXPECT_EQ(rec.modified, "2021-07-02T02:41:33.018970Z");
  EXPECT_EQ(rec.published, "2020-01-09T13:15:00Z");
  EXPECT_TRUE(rec.summary.empty());
  ASSERT_EQ(rec.affected.size(), 1U);
  const auto& a = rec.affected[0];
  EXPECT_EQ(a.ecosystem, "PyPI");
  EXPECT_EQ(a.name, "ansible");
  EXPECT_EQ(a.purl, "pkg:pypi/ansible");
  ASSERT_EQ(a.ranges.size(), 1U);
  EXPECT_EQ(a.ranges[0].type, "ECOSYSTEM");
  ASSERT_EQ(a.ranges[0].events.size(), 2U);
  expect_event(a.ranges[0].events[0], Event::Kind::Introduced, "0");
  expect_event(a.ranges[0].events[1], Event::Kind::Fixed, "1.5.4");
  ASSERT_EQ(a.versions.size(), 21U);
  EXPECT_EQ(a.versions.front(), "1.0");
  EXPECT_EQ(a.versions[4], "1.2.2");
  EXPECT_EQ(a.versions.back(), "1.5.3");
}

TEST(OsvRecord, PypiLastAffected) {
  const auto rec = must_parse("osv/PYSEC-2022-42969.json");
  EXPECT_EQ(rec.id, "PYSEC-2022-42969");
  ASSERT_EQ(rec.affected.size(), 1U);
  const auto& a = rec.affected[0];
  EXPECT_EQ(a.name, "py");
  ASSERT_EQ(a.ranges.size(), 1U);
  ASSERT_EQ(a.ranges[0].events.size(), 2U);
  expect_event(a.ranges[0].events[0], Event::Kind::Introduced, "0");
  expect_event(a.ranges[0].events[1], Event::Kind::LastAffected, "1.11.0");
  EXPECT_EQ(a.versions.front(), "0.8.0-alpha2");
}

TEST(OsvRecord, RustsecWithCvssVector) {
  const auto rec = must_parse("osv/RUSTSEC-2016-0001.json");
  EXPECT_EQ(rec.id, "RUSTSEC-2016-0001");
  EXPECT_EQ(rec.aliases, (std::vector<std::string>{"CVE-2016-10931", "GHSA-34p9-f4q3-c4r7"}));
  EXPECT_EQ(rec.summary, "SSL/TLS MitM vulnerability due to insecure defaults");
  ASSERT_EQ(rec.severity.size(), 1U);
  EXPECT_EQ(rec.severity[0].type, "CVSS_V3");
  EXPECT_EQ(rec.severity[0].score, "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H");
  EXPECT_TRUE(rec.database_severity.empty());  // database_specific holds only the licence
  ASSERT_EQ(rec.affected.size(), 1U);
  const auto& a = rec.affected[0];
  EXPECT_EQ(a.ecosystem, "crates.io");
  EXPECT_EQ(a.name, "openssl");
  EXPECT_EQ(a.purl, "pkg:cargo/openssl");
  ASSERT_EQ(a.ranges.size(), 1U);
  EXPECT_EQ(a.ranges[0].type, "SEMVER");
  ASSERT_EQ(a.ranges[0].events.size(), 2U);
  expect_event(a.ranges[0].events[0], Event::Kind::Introduced, "0.0.0-0");
  expect_event(a.ranges[0].events[1], Event::Kind::Fixed, "0.9.0");
}

TEST(OsvRecord, RustsecWithdrawn) {
  const auto rec = must_parse("osv/RUSTSEC-2020-0053.json");
  EXPECT_EQ(rec.id, "RUSTSEC-2020-0053");
  EXPECT_EQ(rec.withdrawn, "2021-04-19T12:00:00Z");
  EXPECT_TRUE(rec.aliases.empty());
  EXPECT_TRUE(rec.severity.empty());
  ASSERT_EQ(rec.affected.size(), 1U);
  EXPECT_EQ(rec.affected[0].name, "dirs");
  ASSERT_EQ(rec.affected[0].ranges.size(), 1U);
  ASSERT_EQ(rec.affected[0].ranges[0].events.size(), 1U);
  expect_event(rec.affected[0].ranges[0].events[0], Event::Kind::Introduced, "0.0.0-0");
}

// GHSA-style record (shape of github/advisory-database): database_specific.severity, a GIT range, limit.
TEST(OsvRecord, DatabaseSeverityGitRangeAndLimit) {
  const auto rec = osv::parse_osv_record(R"({
    "id": "GHSA-jfh8-c2jp-5v3q", "aliases": ["CVE-2021-44228"],
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
    "affected": [{"package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.13.0"}, {"fixed": "2.15.0"}]},
                             {"type": "GIT", "repo": "https://github.com/apache/logging-log4j2",
                              "events": [{"introduced": "0"}, {"limit": "c77b3cb39312b83b053d23a2158b99ac7de44dd3"}]}]}],
    "database_specific": {"severity": "CRITICAL", "github_reviewed": true}})");
  ASSERT_TRUE(rec) << rec.error().message;
  EXPECT_EQ(rec->database_severity, "CRITICAL");
  ASSERT_EQ(rec->affected.size(), 1U);
  ASSERT_EQ(rec->affected[0].ranges.size(), 2U);
  EXPECT_EQ(rec->affected[0].ranges[1].type, "GIT");
  ASSERT_EQ(rec->affected[0].ranges[1].events.size(), 2U);
  expect_event(rec->affected[0].ranges[1].events[1], Event::Kind::Limit, "c77b3cb39312b83b053d23a2158b99ac7de44dd3");
}

TEST(OsvRecord, TruncatedJsonFails) {
  const auto bytes = vigil::test::read_data("osv/GO-2023-2046.json");
  const auto rec = osv::parse_osv_record(std::string_view(bytes).substr(0, bytes.size() / 2));
  ASSERT_FALSE(rec);
  EXPECT_NE(rec.error().message.find("invalid JSON"), std::string::npos) << rec.error().message;
}

TEST(OsvRecord, TopLevelArrayFails) {
  const auto rec = osv::parse_osv_record(R"([{"id": "GO-2023-2046"}])");
  ASSERT_FALSE(rec);
  EXPECT_EQ(rec.error().message, "OSV record is a JSON array, expected an object");
}

TEST(OsvRecord, MissingOrNonStringIdFails) {
  for (const char* bytes : {R"({"summary": "no id", "affected": []})", R"({"id": 42})", R"({"id": ""})"}) {
    const auto rec = osv::parse_osv_record(bytes);
    ASSERT_FALSE(rec) << bytes;
    EXPECT_EQ(rec.error().message, "OSV record has no \"id\" string");
  }
}

TEST(OsvRecord, WrongTypesAreSkipped) {
  const auto rec = osv::parse_osv_record(R"({
    "id": "PYSEC-0000-1", "aliases": "CVE-1", "summary": 7, "severity": [{"type": "CVSS_V3"}, 3],
    "database_specific": "HIGH",
    "affected": [42, {"package": "x", "versions": ["1.0", 2, null, "1.1"],
                      "ranges": [{"type": "ECOSYSTEM",
                                  "events": [{"introduced": 0}, "fixed", {"fixed": "1.2"}, {"unknown": "3"}, {}]},
                                 {"type": 5, "events": {"introduced": "0"}}]}]})");
  ASSERT_TRUE(rec) << rec.error().message;
  EXPECT_TRUE(rec->aliases.empty());
  EXPECT_TRUE(rec->summary.empty());
  EXPECT_TRUE(rec->severity.empty());
  EXPECT_TRUE(rec->database_severity.empty());
  ASSERT_EQ(rec->affected.size(), 1U);
  const auto& a = rec->affected[0];
  EXPECT_TRUE(a.name.empty());
  EXPECT_EQ(a.versions, (std::vector<std::string>{"1.0", "1.1"}));
  ASSERT_EQ(a.ranges.size(), 2U);
  ASSERT_EQ(a.ranges[0].events.size(), 1U);
  expect_event(a.ranges[0].events[0], Event::Kind::Fixed, "1.2");
  EXPECT_TRUE(a.ranges[1].type.empty());
  EXPECT_TRUE(a.ranges[1].events.empty());
}

TEST(OsvRecord, FuzzWrapperReturnsEmptyParsedOrError) {
  const auto ok = osv::parse_osv_fuzz("GO-2023-2046.json", vigil::test::read_data("osv/GO-2023-2046.json"));
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->packages.empty());
  EXPECT_FALSE(osv::parse_osv_fuzz("x.json", "{"));
}

// Every record of the shared crates.io archive. ../shared is always there in CI, so a missing zip fails.
TEST(OsvRecord, EveryCratesIoRecordParses) {
  const auto zip = (std::filesystem::path(VIGIL_TEST_DATA).parent_path().parent_path().parent_path() /
                    "shared/data/osv/crates.io.zip")
                       .lexically_normal();
  ASSERT_TRUE(std::filesystem::exists(zip)) << "missing " << zip;
  std::unique_ptr<archive, decltype(&archive_read_free)> ar(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(ar.get());
  ASSERT_EQ(archive_read_open_filename(ar.get(), zip.c_str(), 1 << 16), ARCHIVE_OK) << archive_error_string(ar.get());
  int records = 0;
  archive_entry* entry = nullptr;
  while (archive_read_next_header(ar.get(), &entry) == ARCHIVE_OK) {
    const std::string name = archive_entry_pathname(entry);
    std::string bytes(static_cast<std::size_t>(archive_entry_size(entry)), '\0');
    ASSERT_EQ(archive_read_data(ar.get(), bytes.data(), bytes.size()), static_cast<la_ssize_t>(bytes.size())) << name;
    const auto rec = osv::parse_osv_record(bytes);
    ASSERT_TRUE(rec) << name << ": " << rec.error().message;
    EXPECT_EQ(rec->id + ".json", name);
    EXPECT_FALSE(rec->affected.empty()) << name;
    ++records;
  }
  EXPECT_EQ(records, 1206);
}
