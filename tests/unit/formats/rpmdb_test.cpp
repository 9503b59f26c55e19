// rpm databases: a real SQLite rpmdb written by rpm 4.18 (tests/data/os/make-rpmdb.sh) checked against rpm -qa,
// hostile header blobs in a database built here, corrupt SQLite files, and the BerkeleyDB / NDB warning.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "formats/os.hpp"
#include "test_support.hpp"

using vigil::formats::parse_rpmdb_sqlite;
using vigil::formats::parse_rpmdb_unsupported;
using vigil::formats::Parsed;
using vigil::model::Package;
using vigil::test::find;

namespace {

void put_be32(std::string& out, uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

// Builds an RPM header blob: string tags (type 6) and an optional EPOCH (type 4).
std::string header_blob(const std::map<uint32_t, std::string>& strings, std::optional<uint32_t> epoch = {}) {
  std::string index;
  std::string data;
  for (const auto& [tag, value] : strings) {
    put_be32(index, tag);
    put_be32(index, 6);
    put_be32(index, static_cast<uint32_t>(data.size()));
    put_be32(index, 1);
    data += value;
    data += '\0';
  }
  if (epoch) {
    while (data.size() % 4 != 0) {
      data += '\0';
    }
    put_be32(index, 1003);
    put_be32(index, 4);
    put_be32(index, static_cast<uint32_t>(data.size()));
    put_be32(index, 1);
    put_be32(data, *epoch);
  }
  std::string blob;
  put_be32(blob, static_cast<uint32_t>(index.size() / 16));
  put_be32(blob, static_cast<uint32_t>(data.size()));
  return blob + index + data;
}

// An rpmdb.sqlite image with the given blobs as rows of Packages, made with SQLite itself.
std::string make_rpmdb(const std::vector<std::string>& blobs) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  for (const auto& blob : blobs) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &stmt, nullptr);
    sqlite3_bind_blob(stmt, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
  }
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(db, "main", &size, 0);
  std::string image(reinterpret_cast<const char*>(bytes), static_cast<size_t>(size));
  sqlite3_free(bytes);
  sqlite3_close(db);
  return image;
}

}  // namespace

// rpmdb.sqlite.expected is what `rpm --dbpath DIR -qa --qf '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH}
// %{SOURCERPM} %{LICENSE}\n'` printed for the same database.
TEST(RpmdbSqlite, RealDatabaseMatchesRpmQa) {
  const auto parsed = parse_rpmdb_sqlite("var/lib/rpm/rpmdb.sqlite", vigil::test::read_data("os/rpmdb.sqlite"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  const std::string expected_text = vigil::test::read_data("os/rpmdb.sqlite.expected");
  size_t expected_count = 0;
  for (const auto line : vigil::lines(expected_text)) {
    const auto f = vigil::split(line, ' ');
    if (f.size() < 5 || f[0] == "gpg-pubkey") {
      continue;  // the imported signing key: not a package
    }
    ++expected_count;
    const Package* p = find(*parsed, std::string(f[0]));
    ASSERT_NE(p, nullptr) << line;
    std::string version(f[1]);
    if (vigil::starts_with(version, "0:")) {
      version = version.substr(2);
    }
    EXPECT_EQ(p->version, version);
    EXPECT_EQ(p->arch, f[2]);
    EXPECT_EQ(p->license, line.substr(f[0].size() + f[1].size() + f[2].size() + f[3].size() + 4));
    EXPECT_EQ(p->ecosystem, vigil::model::Ecosystem::Rpm);
  }
  EXPECT_EQ(expected_count, 4U);
  EXPECT_EQ(parsed->packages.size(), expected_count);
  EXPECT_EQ(find(*parsed, "gpg-pubkey"), nullptr);

  const Package* hello = find(*parsed, "vigil-hello");
  ASSERT_NE(hello, nullptr);
  EXPECT_EQ(hello->version, "2:1.4.2-3.el9");
  EXPECT_EQ(hello->source_name, "vigil-hello");
  EXPECT_EQ(hello->source_version, "2:1.4.2-3.el9");
  const Package* libs = find(*parsed, "vigil-hello-libs");
  ASSERT_NE(libs, nullptr);
  EXPECT_EQ(libs->source_name, "vigil-hello");
  EXPECT_EQ(libs->license, "MIT AND BSD-3-Clause");
  const Package* data = find(*parsed, "vigil-data");
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->version, "2023.10-1.fc39");  // Epoch: 0 is not written
  EXPECT_EQ(data->arch, "noarch");
  EXPECT_EQ(data->source_version, "2023.10-1.fc39");
  EXPECT_EQ(find(*parsed, "vigil-tools")->version, "0.9~rc1-7");
}

TEST(RpmdbSqlite, HostileHeaderBlobsAreSkippedWithWarnings) {
  const std::string good = header_blob({{1000, "openssl-libs"},
                                        {1001, "3.0.7"},
                                        {1002, "25.el9_3"},
                                        {1022, "x86_64"},
                                        {1014, "ASL 2.0"},
                                        {1044, "openssl-3.0.7-25.el9_3.src.rpm"}},
                                       1);
  std::string bad_offset = header_blob({{1000, "x"}, {1001, "1"}, {1002, "1"}});
  bad_offset[8 + 8 + 3] = 0x7f;  // NAME's offset far outside the data store
  std::string no_nul = header_blob({{1000, "zzz"}});
  no_nul.back() = 'z';  // the last string runs off the end of the data store
  std::string huge = header_blob({{1000, "x"}});
  huge[0] = 0x7f;  // il = 0x7f000001
  std::string truncated = good.substr(0, good.size() - 3);
  const std::string odd_srpm = header_blob({{1000, "kernel"}, {1001, "5.14.0"}, {1002, "362.el9"}, {1044, "weird"}});
  const std::string pubkey = header_blob({{1000, "gpg-pubkey"}, {1001, "fd431d51"}, {1002, "4ae0493b"}});
  const std::string image = make_rpmdb({good, bad_offset, no_nul, huge, truncated, "", odd_srpm, pubkey, "\x01"});

  const auto parsed = parse_rpmdb_sqlite("var/lib/rpm/rpmdb.sqlite", image);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->packages.size(), 2U);
  const Package& ssl = parsed->packages[0];
  EXPECT_EQ(ssl.name, "openssl-libs");
  EXPECT_EQ(ssl.version, "1:3.0.7-25.el9_3");
  EXPECT_EQ(ssl.source_name, "openssl");
  EXPECT_EQ(ssl.source_version, "1:3.0.7-25.el9_3");
  EXPECT_EQ(ssl.license, "ASL 2.0");
  const Package& kernel = parsed->packages[1];
  EXPECT_EQ(kernel.version, "5.14.0-362.el9");
  EXPECT_EQ(kernel.source_name, "kernel");  // unparsable SOURCERPM: the package is its own source
  EXPECT_TRUE(kernel.arch.empty());
  ASSERT_EQ(parsed->warnings.size(), 6U);  // rows 2, 3, 4, 5, 6 and 9
  EXPECT_NE(parsed->warnings[0].message.find("package 2:"), std::string::npos);
  EXPECT_NE(parsed->warnings[2].message.find("invalid size"), std::string::npos);
  EXPECT_NE(parsed->warnings[3].message.find("truncated"), std::string::npos);
}

TEST(RpmdbSqlite, NotAnRpmdbOrCorrupt) {
  EXPECT_FALSE(parse_rpmdb_sqlite("var/lib/rpm/rpmdb.sqlite", ""));
  EXPECT_FALSE(parse_rpmdb_sqlite("var/lib/rpm/rpmdb.sqlite", "not a database at all"));
  EXPECT_FALSE(
      parse_rpmdb_sqlite("var/lib/rpm/rpmdb.sqlite", std::string("SQLite format 3\0", 16) + std::string(200, '\xff')));
  // A valid SQLite file without the Packages table.
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE Other (x)", nullptr, nullptr, nullptr);
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(db, "main", &size, 0);
  const std::string other(reinterpret_cast<const char*>(bytes), static_cast<size_t>(size));
  sqlite3_free(bytes);
  sqlite3_close(db);
  const auto no_table = parse_rpmdb_sqlite("var/lib/rpm/rpmdb.sqlite", other);
  ASSERT_FALSE(no_table);
  EXPECT_NE(no_table.error().message.find("Packages"), std::string::npos);

  // Truncations and byte flips of the real database: any outcome but a crash.
  const std::string real = vigil::test::read_data("os/rpmdb.sqlite");
  for (const size_t cut : {100UL, 4096UL, 8192UL, real.size() / 2, real.size() - 1}) {
    (void)parse_rpmdb_sqlite("var/lib/rpm/rpmdb.sqlite", real.substr(0, cut));
  }
  unsigned state = 99;
  for (int round = 0; round < 50; ++round) {
    std::string copy = real;
    for (int i = 0; i < 20; ++i) {
      state = state * 1103515245U + 12345U;
      copy[100 + (state >> 8) % (copy.size() - 100)] = static_cast<char>(state >> 24);
    }
    (void)parse_rpmdb_sqlite("var/lib/rpm/rpmdb.sqlite", copy);
  }
}

TEST(RpmdbUnsupported, NamesTheFormat) {
  std::string bdb(4096, '\0');  // hash metadata page, little-endian as x86 writes it
  bdb[12] = 0x61;
  bdb[13] = 0x15;
  bdb[14] = 0x06;
  const auto b = parse_rpmdb_unsupported("var/lib/rpm/Packages", bdb);
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->packages.empty());
  ASSERT_EQ(b->warnings.size(), 1U);
  EXPECT_EQ(b->warnings[0].message,
            "rpm database in BerkeleyDB format is not supported; only the SQLite rpmdb (rpmdb.sqlite) is read");

  std::string bdb_be(4096, '\0');
  bdb_be[13] = 0x06;
  bdb_be[14] = 0x15;
  bdb_be[15] = 0x61;
  EXPECT_NE(parse_rpmdb_unsupported("var/lib/rpm/Packages", bdb_be)->warnings[0].message.find("BerkeleyDB format"),
            std::string::npos);

  const auto n = parse_rpmdb_unsupported("usr/lib/sysimage/rpm/Packages.db", std::string("RpmP\0\0\0\0", 8));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->warnings[0].message,
            "rpm database in NDB format is not supported; only the SQLite rpmdb (rpmdb.sqlite) is read");

  const auto unknown = parse_rpmdb_unsupported("var/lib/rpm/Packages", "??");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->warnings[0].message,
            "rpm database in BerkeleyDB/NDB format is not supported; only the SQLite rpmdb (rpmdb.sqlite) is read");
}
