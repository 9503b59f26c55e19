// The vulnerability DB end to end in-process: import (records, directories, zips), the atomic swap, schema
// versioning, lookups, and matching of language and OS packages (source packages, releases, alias merging).
#include "scan/vulndb/vulndb.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "scan/vulndb/match.hpp"
#include "test_support.hpp"

namespace vigil::vulndb {
namespace {

std::string db_in(const test::TempDir& dir) {
  return (dir.path() / "vuln.db").string();
}

ImportStats import(const std::string& db, const std::vector<std::string>& paths) {
  auto builder = Builder::begin(db);
  EXPECT_TRUE(builder) << builder.error().message;
  ImportStats stats;
  for (const auto& p : paths) {
    auto ok = builder->import_path(p, stats);
    EXPECT_TRUE(ok) << ok.error().message;
  }
  auto committed = builder->commit();
  EXPECT_TRUE(committed) << committed.error().message;
  return stats;
}

model::Package package(model::Ecosystem eco, std::string name, std::string version) {
  model::Package p;
  p.ecosystem = eco;
  p.name = std::move(name);
  p.version = std::move(version);
  p.location = "lock/file";
  return p;
}

model::Package deb(std::string name, std::string version, std::string source, std::string source_version) {
  auto p = package(model::Ecosystem::Debian, std::move(name), std::move(version));
  p.source_name = std::move(source);
  p.source_version = std::move(source_version);
  p.location = "var/lib/dpkg/status";
  return p;
}

std::vector<model::Vulnerability> match(const std::string& db, model::Inventory inventory) {
  auto reader = Reader::open(db);
  EXPECT_TRUE(reader) << reader.error().message;
  auto result = match_inventory(*reader, inventory);
  EXPECT_TRUE(result) << result.error().message;
  return result->vulnerabilities;
}

TEST(VulnDb, ImportsADirectoryAndCountsWithdrawn) {
  test::TempDir dir;
  const auto stats = import(db_in(dir), {test::data_path("vulndb").string()});
  EXPECT_EQ(stats.records, 9U);
  EXPECT_EQ(stats.withdrawn, 1U);
  EXPECT_EQ(stats.failed, 0U);
  auto reader = Reader::open(db_in(dir));
  ASSERT_TRUE(reader);
  auto info = reader->info();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->schema_version, kSchemaVersion);
  EXPECT_EQ(info->ecosystems.at("Debian").records, 3U);
  EXPECT_EQ(info->ecosystems.at("PyPI").records, 4U);
  EXPECT_EQ(info->ecosystems.at("PyPI").withdrawn, 1U);
  EXPECT_EQ(info->ecosystems.at("PyPI").newest_modified, "2024-01-10T00:00:00Z");
}

TEST(VulnDb, DebianMatchesOnTheSourcePackageAndMergesAliases) {
  test::TempDir dir;
  import(db_in(dir), {test::data_path("vulndb").string()});
  model::Inventory inv;
  inv.os = model::OsInfo{"debian", "12", "Debian GNU/Linux 12 (bookworm)", "etc/os-release"};
  inv.packages = {deb("libssl3", "3.0.8-1", "openssl", "3.0.8-1"), deb("openssl", "3.0.9-1", "openssl", "3.0.9-1"),
                  deb("libssl-dev", "3.0.8-1", "openssl", "")};
  const auto vulns = match(db_in(dir), inv);
  // DEBIAN-CVE-2023-0464 and DSA-5417-1 share CVE-2023-0464: one finding per package, the Debian:11 record
  // does not apply to Debian 12, and 3.0.9-1 is fixed.
  ASSERT_EQ(vulns.size(), 2U);
  EXPECT_EQ(vulns[0].package.name, "libssl-dev");  // empty source version: the binary version is used
  EXPECT_EQ(vulns[1].package.name, "libssl3");
  const auto& v = vulns[1];
  EXPECT_EQ(v.id, "DEBIAN-CVE-2023-0464");
  EXPECT_EQ(v.aliases, (std::vector<std::string>{"CVE-2023-0464", "CVE-2023-0465", "DSA-5417-1"}));
  EXPECT_EQ(v.osv_ecosystem, "Debian:12");
  EXPECT_EQ(v.fixed_versions, std::vector<std::string>{"3.0.9-1"});
  EXPECT_EQ(v.severity.rating, model::Severity::High);
  EXPECT_DOUBLE_EQ(v.severity.score, 7.5);
  EXPECT_EQ(v.severity.source, "CVSS_V3");
  EXPECT_EQ(v.locations, std::vector<std::string>{"var/lib/dpkg/status"});
}

TEST(VulnDb, UbuntuLtsAndAlpineReleasesAreKeyed) {
  test::TempDir dir;
  import(db_in(dir), {test::data_path("vulndb").string()});
  model::Inventory ubuntu;
  ubuntu.os = model::OsInfo{"ubuntu", "22.04", "Ubuntu 22.04.3 LTS", "etc/os-release"};
  ubuntu.packages = {deb("libssl3", "3.0.2-0ubuntu1.8", "openssl", "3.0.2-0ubuntu1.8")};
  const auto u = match(db_in(dir), ubuntu);
  ASSERT_EQ(u.size(), 1U);
  EXPECT_EQ(u[0].osv_ecosystem, "Ubuntu:22.04:LTS");
  EXPECT_EQ(u[0].severity.rating, model::Severity::Low);  // the record's own priority, no vector
  EXPECT_EQ(u[0].severity.source, "database");

  model::Inventory alpine;
  alpine.os = model::OsInfo{"alpine", "3.17.3", "Alpine Linux v3.17", "etc/os-release"};
  auto apk = package(model::Ecosystem::Alpine, "libcrypto3", "3.0.8-r0");
  apk.source_name = "openssl";
  apk.source_version = "3.0.8-r0";
  alpine.packages = {apk};
  const auto a = match(db_in(dir), alpine);
  ASSERT_EQ(a.size(), 1U);
  EXPECT_EQ(a[0].osv_ecosystem, "Alpine:v3.17");
  apk.version = apk.source_version = "3.0.8-r1";
  alpine.packages = {apk};
  EXPECT_TRUE(match(db_in(dir), alpine).empty());
}

TEST(VulnDb, UnknownDistroIsAWarningNotASilentPass) {
  test::TempDir dir;
  import(db_in(dir), {test::data_path("vulndb").string()});
  auto reader = Reader::open(db_in(dir));
  ASSERT_TRUE(reader);
  model::Inventory inv;
  inv.os = model::OsInfo{"gentoo", "2.14", "Gentoo", "etc/os-release"};
  auto result = match_inventory(*reader, inv);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->warnings.size(), 1U);
  EXPECT_NE(result->warnings[0].message.find("gentoo"), std::string::npos);
}

TEST(VulnDb, PyPINamesAreNormalizedAndWithdrawnRecordsNeverMatch) {
  test::TempDir dir;
  import(db_in(dir), {test::data_path("vulndb").string()});
  model::Inventory inv;
  inv.packages = {package(model::Ecosystem::PyPI, "zope_interface", "7.1.1"),
                  package(model::Ecosystem::PyPI, "Requests", "2.30.0"),
                  package(model::Ecosystem::PyPI, "requests", "2.30.0")};
  inv.packages[2].location = "other/requirements.txt";
  const auto vulns = match(db_in(dir), inv);
  ASSERT_EQ(vulns.size(), 3U);
  // GHSA-j8r2-6x86-q33q and PYSEC-2023-74 are one vulnerability; the withdrawn record is absent.
  for (const auto& v : vulns) {
    EXPECT_NE(v.id, "GHSA-withdrawn-0001");
  }
  EXPECT_EQ(vulns[0].id, "PYSEC-2023-74");
  EXPECT_EQ(vulns[0].aliases, (std::vector<std::string>{"CVE-2023-32681", "GHSA-j8r2-6x86-q33q"}));
  EXPECT_EQ(vulns[0].severity.rating, model::Severity::Medium);  // 6.1 from the GHSA's vector
  EXPECT_EQ(vulns[2].id, "GHSA-xxxx-norm-0001");
}

TEST(VulnDb, OneFindingPerDistinctPackageWithEveryLocation) {
  test::TempDir dir;
  import(db_in(dir), {test::data_path("vulndb").string()});
  model::Inventory inv;
  inv.packages = {package(model::Ecosystem::PyPI, "requests", "2.30.0"),
                  package(model::Ecosystem::PyPI, "requests", "2.30.0")};
  inv.packages[1].location = "b/requirements.txt";
  const auto vulns = match(db_in(dir), inv);
  ASSERT_EQ(vulns.size(), 1U);
  EXPECT_EQ(vulns[0].locations, (std::vector<std::string>{"lock/file", "b/requirements.txt"}));
}

TEST(VulnDb, ImageFindingNamesTheLowestLayerWithThePackage) {
  test::TempDir dir;
  import(db_in(dir), {test::data_path("vulndb").string()});
  model::Inventory inv;
  inv.packages = {package(model::Ecosystem::PyPI, "requests", "2.30.0"),
                  package(model::Ecosystem::PyPI, "requests", "2.30.0")};
  auto upper = std::make_shared<model::LayerRef>();
  upper->index = 6;
  auto lower = std::make_shared<model::LayerRef>();
  lower->index = 3;
  inv.packages[0].location = "opt/bin/requirements.txt";  // sorts first, but sits in the upper layer
  inv.packages[0].layer = upper;
  inv.packages[1].location = "srv/requirements.txt";
  inv.packages[1].layer = lower;
  const auto vulns = match(db_in(dir), inv);
  ASSERT_EQ(vulns.size(), 1U);
  ASSERT_TRUE(vulns[0].package.layer);
  EXPECT_EQ(vulns[0].package.layer->index, 3);
  EXPECT_EQ(vulns[0].locations.size(), 2U);
}

TEST(VulnDb, NewerRecordWinsAndOlderIsKept) {
  test::TempDir dir;
  import(db_in(dir), {test::data_path("vulndb").string()});
  const auto newer = dir.write("GHSA-j8r2-6x86-q33q.json",
                               R"({"id":"GHSA-j8r2-6x86-q33q","modified":"2025-01-01T00:00:00Z","affected":[
      {"package":{"ecosystem":"PyPI","name":"requests"},"ranges":[{"type":"ECOSYSTEM","events":[
      {"introduced":"2.3.0"},{"fixed":"2.30.1"}]}]}]})");
  auto stats = import(db_in(dir), {newer.string()});
  EXPECT_EQ(stats.records, 1U);
  const auto older = dir.write("old/GHSA-j8r2-6x86-q33q.json",
                               R"({"id":"GHSA-j8r2-6x86-q33q","modified":"2020-01-01T00:00:00Z","affected":[]})");
  stats = import(db_in(dir), {older.string()});
  EXPECT_EQ(stats.unchanged, 1U);
  model::Inventory inv;
  inv.packages = {package(model::Ecosystem::PyPI, "requests", "2.30.0")};
  const auto vulns = match(db_in(dir), inv);
  ASSERT_EQ(vulns.size(), 1U);
  // The GHSA now says fixed in 2.30.1, PYSEC still 2.31.0: both fixes are offered.
  EXPECT_EQ(vulns[0].fixed_versions, (std::vector<std::string>{"2.30.1", "2.31.0"}));
}

TEST(VulnDb, FailedImportLeavesTheOldDbUntouchedAndNoTempFile) {
  test::TempDir dir;
  import(db_in(dir), {test::data_path("vulndb").string()});
  const auto before = std::filesystem::file_size(db_in(dir));
  const auto bad = dir.write("bad.json", "{\"id\": \"X\", \"affected\": [");
  {
    auto builder = Builder::begin(db_in(dir));
    ASSERT_TRUE(builder);
    ImportStats stats;
    auto ok = builder->import_path(bad.string(), stats);
    ASSERT_FALSE(ok);
    EXPECT_NE(ok.error().message.find("bad.json"), std::string::npos) << ok.error().message;
  }  // destroyed without commit
  EXPECT_EQ(std::filesystem::file_size(db_in(dir)), before);
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++files;
  }
  EXPECT_EQ(files, 2U);  // vuln.db and bad.json: no vuln.db.tmp-* left behind
}

TEST(VulnDb, ReaderKeepsItsSnapshotWhileAWriterSwapsTheFile) {
  test::TempDir dir;
  import(db_in(dir), {test::data_path("vulndb/PYSEC-2023-74.json").string()});
  auto reader = Reader::open(db_in(dir));
  ASSERT_TRUE(reader);
  import(db_in(dir), {test::data_path("vulndb").string()});
  std::vector<AffectedRow> rows;
  ASSERT_TRUE(reader->lookup("debian:12", "openssl", rows));
  EXPECT_TRUE(rows.empty());  // the old file, still open, has no Debian records
  auto fresh = Reader::open(db_in(dir));
  ASSERT_TRUE(fresh);
  ASSERT_TRUE(fresh->lookup("debian:12", "openssl", rows));
  EXPECT_EQ(rows.size(), 2U);
}

TEST(VulnDb, RejectsOtherSchemaVersionsAndNonDbFiles) {
  test::TempDir dir;
  const auto junk = dir.write("junk.db", "this is not sqlite");
  auto r = Reader::open(junk.string());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("junk.db"), std::string::npos);
  import(db_in(dir), {test::data_path("vulndb/PYSEC-2023-74.json").string()});
  {
    auto db = sql::open(db_in(dir), SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(db);
    ASSERT_TRUE(sql::exec(db->get(), "UPDATE meta SET value = '999' WHERE key = 'schema_version'"));
  }
  auto old = Reader::open(db_in(dir));
  ASSERT_FALSE(old);
  EXPECT_NE(old.error().message.find("schema version 999"), std::string::npos) << old.error().message;
  // A builder starts afresh instead of mixing layouts.
  import(db_in(dir), {test::data_path("vulndb/GHSA-j8r2-6x86-q33q.json").string()});
  auto rebuilt = Reader::open(db_in(dir));
  ASSERT_TRUE(rebuilt);
  EXPECT_EQ(rebuilt->info()->ecosystems.at("PyPI").records, 1U);
}

TEST(VulnDb, ZipArchivesAndHostileEntries) {
  test::TempDir dir;
  const auto zip = (dir.path() / "all.zip").string();
  {
    std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
    archive_write_set_format_zip(a.get());
    ASSERT_EQ(archive_write_open_filename(a.get(), zip.c_str()), ARCHIVE_OK);
    const auto add = [&](const std::string& name, const std::string& body) {
      archive_entry* e = archive_entry_new();
      archive_entry_set_pathname(e, name.c_str());
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_size(e, static_cast<la_int64_t>(body.size()));
      archive_write_header(a.get(), e);
      archive_write_data(a.get(), body.data(), body.size());
      archive_entry_free(e);
    };
    add("PYSEC-2023-74.json", test::read_data("vulndb/PYSEC-2023-74.json"));
    add("../../etc/evil.json", test::read_data("vulndb/GHSA-j8r2-6x86-q33q.json"));  // names are never paths here
    add("broken.json", "{not json");
    add("README.txt", "ignored");
  }
  const auto stats = import(db_in(dir), {zip});
  EXPECT_EQ(stats.records, 2U);
  EXPECT_EQ(stats.failed, 1U);
  ASSERT_EQ(stats.warnings.size(), 1U);
  EXPECT_NE(stats.warnings[0].file.find("all.zip!broken.json"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists("/etc/evil.json"));
}

}  // namespace
}  // namespace vigil::vulndb
