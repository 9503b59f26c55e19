// LayerReader on real tar streams written by libarchive: compression, whiteouts, name checks, hostile entries,
// diff_id verification and the decompression-bomb limit.
#include "image/layer_reader.hpp"

#include <gtest/gtest.h>

#include "image_support.hpp"

namespace vigil::image {
namespace {

using test::Compression;
using test::make_tar;
using test::TarEntry;

const std::vector<TarEntry> kLayer{
    {"etc", "", 'd', "", 0755},
    {"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
    {"./usr/bin/tool", "#!/bin/sh\necho hi\n", 'f', "", 0755},
    {"usr/bin/tool-link", "", 'l', "tool"},
    {"app/.wh.secret.env", ""},
    {"opt/tool/.wh..wh..opq", ""},
};

TEST(NormalizeEntryPath, CleansAndRefuses) {
  EXPECT_EQ(normalize_entry_path("./etc//passwd"), "etc/passwd");
  EXPECT_EQ(normalize_entry_path("/usr/./lib/"), "usr/lib");
  EXPECT_EQ(normalize_entry_path("../etc/passwd"), std::nullopt);
  EXPECT_EQ(normalize_entry_path("a/b/../../../x"), std::nullopt);
  EXPECT_EQ(normalize_entry_path("./"), std::nullopt);
  EXPECT_EQ(normalize_entry_path(std::string_view("a\0b", 3)), std::nullopt);
}

class EveryCompression : public ::testing::TestWithParam<Compression> {};

TEST_P(EveryCompression, ReadsEntriesWhiteoutsAndData) {
  const std::string plain = make_tar(kLayer);
  auto reader = test::open_layer(make_tar(kLayer, GetParam()), test::digest_of(plain));
  ASSERT_TRUE(reader) << reader.error().message;
  std::vector<LayerEntry> entries;
  std::string tool;
  while (true) {
    auto e = (*reader)->next();
    ASSERT_TRUE(e) << e.error().message;
    if (!*e) break;
    if ((*e)->path == "usr/bin/tool") {
      std::array<char, 5> chunk{};
      while (auto n = (*reader)->read(chunk)) {
        if (*n == 0) break;
        tool.append(chunk.data(), *n);
      }
    }
    entries.push_back(std::move(**e));
  }
  ASSERT_EQ(entries.size(), 6U);
  EXPECT_EQ(entries[0].type, EntryType::Directory);
  EXPECT_EQ(entries[1].path, "etc/os-release");
  EXPECT_EQ(entries[1].size, 26U);
  EXPECT_EQ(entries[2].path, "usr/bin/tool");  // "./" stripped
  EXPECT_EQ(entries[2].mode & 0111U, 0111U);
  EXPECT_EQ(tool, "#!/bin/sh\necho hi\n");
  EXPECT_EQ(entries[3].type, EntryType::Symlink);
  EXPECT_EQ(entries[3].link_target, "tool");
  EXPECT_EQ(entries[4].whiteout, Whiteout::Delete);
  EXPECT_EQ(entries[4].path, "app/secret.env");
  EXPECT_EQ(entries[5].whiteout, Whiteout::Opaque);
  EXPECT_EQ(entries[5].path, "opt/tool");
  EXPECT_EQ((*reader)->uncompressed_bytes(), plain.size());
}

INSTANTIATE_TEST_SUITE_P(Layers, EveryCompression,
                         ::testing::Values(Compression::None, Compression::Gzip, Compression::Zstd));

TEST(LayerReader, WrongDiffIdFailsAtTheEnd) {
  auto reader = test::open_layer(make_tar(kLayer, Compression::Gzip), test::digest_of("something else"));
  ASSERT_TRUE(reader);
  auto entries = test::read_entries(**reader);
  ASSERT_FALSE(entries);
  EXPECT_NE(entries.error().message.find("does not match its diff_id"), std::string::npos) << entries.error().message;
}

TEST(LayerReader, HostileNamesAreSkippedWithWarnings) {
  const std::string tar = make_tar({
      {"../../etc/cron.d/evil", "* * * * * root sh\n"},
      {"/etc/passwd", "root::0:0::/root:/bin/sh\n"},  // absolute: made relative, kept inside
      {"a/../../escape", "x"},
      {"app/.wh...", ""},
      {"dev/null", "", 'c'},
      {"run/fifo", "", 'p'},
      {"etc/shadow-link", "", 'l', "/etc/shadow"},
      {"etc/hard", "", 'h', "../../outside"},
  });
  auto reader = test::open_layer(tar, test::digest_of(tar));
  ASSERT_TRUE(reader);
  auto entries = test::read_entries(**reader);
  ASSERT_TRUE(entries) << entries.error().message;
  std::vector<std::string> paths;
  for (const auto& e : *entries) paths.push_back(e.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"etc/passwd", "dev/null", "run/fifo", "etc/shadow-link", "etc/hard"}));
  EXPECT_EQ((*entries)[1].type, EntryType::Other);
  EXPECT_EQ((*entries)[3].type, EntryType::Symlink);
  EXPECT_EQ((*entries)[4].type, EntryType::Hardlink);
  const auto warnings = (*reader)->take_warnings();
  ASSERT_EQ(warnings.size(), 3U);
  EXPECT_EQ(warnings[0].file, "../../etc/cron.d/evil");
  EXPECT_NE(warnings[2].message.find("whiteout"), std::string::npos);
}

TEST(LayerReader, DecompressionBombStopsAtTheLimit) {
  const std::string zeros(8U << 20, '\0');
  const std::string bomb = make_tar({{"big.bin", zeros}}, Compression::Gzip);
  ASSERT_LT(bomb.size(), 64U << 10);  // 8 MiB of zeros compress to a few KiB
  LayerLimits limits;
  limits.max_uncompressed_bytes = 1U << 20;
  auto reader = test::open_layer(bomb, "", limits);
  ASSERT_TRUE(reader);
  auto entries = test::read_entries(**reader);
  ASSERT_FALSE(entries);
  EXPECT_NE(entries.error().message.find("decompression bomb"), std::string::npos) << entries.error().message;
}

TEST(LayerReader, TooManyEntriesIsAnError) {
  std::vector<TarEntry> many;
  for (int i = 0; i < 50; ++i) many.push_back({"f" + std::to_string(i), "x"});
  LayerLimits limits;
  limits.max_entries = 10;
  auto reader = test::open_layer(make_tar(many), "", limits);
  ASSERT_TRUE(reader);
  auto entries = test::read_entries(**reader);
  ASSERT_FALSE(entries);
  EXPECT_NE(entries.error().message.find("more than 10 entries"), std::string::npos);
}

TEST(LayerReader, TruncatedAndGarbageStreamsFail) {
  const std::string tar = make_tar(kLayer, Compression::Gzip);
  auto truncated = test::open_layer(tar.substr(0, tar.size() / 2));
  EXPECT_TRUE(!truncated || !test::read_entries(**truncated));
  auto garbage = test::open_layer(std::string(4096, 'Z'));
  EXPECT_TRUE(!garbage || !test::read_entries(**garbage));
}

}  // namespace
}  // namespace vigil::image
