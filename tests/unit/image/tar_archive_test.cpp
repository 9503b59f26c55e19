// TarArchive: index of normalised names, unsafe names left out, entries streamed in place (plain and gzip tars),
// limits, and truncated archives.
#include "image/tar_archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <array>
#include <filesystem>

#include "test_support.hpp"

namespace vigil::image {
namespace {

struct Item {
  std::string name;
  std::string data;
  mode_t type = AE_IFREG;
};

// Writes a pax tar (gzip-compressed when asked) the way libarchive-based tools do.
std::filesystem::path write_tar(const test::TempDir& dir, const std::string& name, const std::vector<Item>& items,
                                bool gzip = false) {
  const auto path = dir.path() / name;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (gzip) archive_write_add_filter_gzip(a);
  EXPECT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  for (const auto& item : items) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, item.name.c_str());
    archive_entry_set_filetype(e, item.type);
    archive_entry_set_perm(e, 0644);
    if (item.type == AE_IFLNK) archive_entry_set_symlink(e, item.data.c_str());
    archive_entry_set_size(e, item.type == AE_IFREG ? static_cast<la_int64_t>(item.data.size()) : 0);
    archive_write_header(a, e);
    if (item.type == AE_IFREG) archive_write_data(a, item.data.data(), item.data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return path;
}

std::vector<Item> sample() {
  return {
      {"./", "", AE_IFDIR},
      {"./manifest.json", R"([{"Config":"c.json","RepoTags":["a:1"],"Layers":["l1/layer.tar"]}])"},
      {"./big.bin", std::string(3 << 20, 'b')},  // skipped over (a seek) to reach what follows
      {"l1/layer.tar", "layer bytes"},
      {"l1//c.json", "{}"},
      {"link", "../../etc/passwd", AE_IFLNK},
      {"../escape.json", "evil"},
      {"/abs/path.json", "evil"},
      {"dup.txt", "first"},
      {"dup.txt", "second"},
  };
}

TEST(TarArchive, IndexesNormalisedNamesAndLeavesUnsafeOnesOut) {
  test::TempDir dir;
  auto tar = TarArchive::open(write_tar(dir, "a.tar", sample()));
  ASSERT_TRUE(tar) << tar.error().message;
  const std::vector<std::string> expected{"big.bin", "dup.txt", "l1/c.json", "l1/layer.tar", "manifest.json"};
  EXPECT_EQ((*tar)->names(), expected);
  EXPECT_EQ((*tar)->skipped_names(), 2U);
  EXPECT_NE((*tar)->find("./manifest.json"), nullptr);
  EXPECT_NE((*tar)->find("l1/./c.json"), nullptr);
  EXPECT_EQ((*tar)->find("../escape.json"), nullptr);
  EXPECT_EQ((*tar)->find("/abs/path.json"), nullptr);
  EXPECT_EQ((*tar)->find("link"), nullptr) << "symlinks are not files";
  ASSERT_NE((*tar)->find("big.bin"), nullptr);
  EXPECT_EQ((*tar)->find("big.bin")->size, 3U << 20);
}

TEST(TarArchive, ReadsEntriesInPlaceInAnyOrder) {
  test::TempDir dir;
  for (const bool gzip : {false, true}) {
    auto tar = TarArchive::open(write_tar(dir, gzip ? "a.tar.gz" : "a.tar", sample(), gzip));
    ASSERT_TRUE(tar) << tar.error().message;
    auto layer = (*tar)->read_entry("l1/layer.tar", 1024);
    ASSERT_TRUE(layer) << layer.error().message;
    EXPECT_EQ(*layer, "layer bytes");
    auto manifest = (*tar)->read_entry("manifest.json", 1024);
    ASSERT_TRUE(manifest) << manifest.error().message;
    EXPECT_EQ(manifest->front(), '[');
    auto dup = (*tar)->read_entry("dup.txt", 1024);
    ASSERT_TRUE(dup);
    EXPECT_EQ(*dup, "second") << "the later entry wins, as on extraction";
    auto big = (*tar)->open_entry("big.bin");
    ASSERT_TRUE(big);
    std::array<char, 1 << 16> buf{};
    uint64_t total = 0;
    while (true) {
      auto n = (*big)->read(buf);
      ASSERT_TRUE(n) << n.error().message;
      if (*n == 0) break;
      total += *n;
    }
    EXPECT_EQ(total, 3U << 20);
  }
}

TEST(TarArchive, LimitsAndMissingFiles) {
  test::TempDir dir;
  const auto path = write_tar(dir, "a.tar", sample());
  auto tar = TarArchive::open(path);
  ASSERT_TRUE(tar);
  auto big = (*tar)->read_entry("big.bin", 1 << 20);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("over the limit"), std::string::npos);
  auto missing = (*tar)->read_entry("nope.json", 10);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no file nope.json"), std::string::npos);
  EXPECT_FALSE((*tar)->open_entry("../escape.json"));
  auto few = TarArchive::open(path, TarLimits{.max_entries = 3});
  ASSERT_FALSE(few);
  EXPECT_NE(few.error().message.find("more than 3 entries"), std::string::npos);
}

TEST(TarArchive, RejectsWhatIsNotATar) {
  test::TempDir dir;
  EXPECT_FALSE(TarArchive::open((dir.path() / "absent.tar").string()));
  EXPECT_FALSE(TarArchive::open(dir.path().string())) << "a directory";
  EXPECT_FALSE(TarArchive::open(dir.write("junk.tar", std::string(2048, 'x')).string()));
}

TEST(TarArchive, TruncatedArchiveFailsInsteadOfReadingShort) {
  test::TempDir dir;
  const auto path = write_tar(dir, "a.tar", {{"first.txt", "hello"}, {"data.bin", std::string(100000, 'd')}});
  std::filesystem::resize_file(path, 512 * 2 + 512 + 50000);  // cut in the middle of data.bin
  auto tar = TarArchive::open(path.string());
  if (!tar) {
    SUCCEED() << "refused at open: " << tar.error().message;
    return;
  }
  auto data = (*tar)->read_entry("data.bin", 1 << 20);
  EXPECT_FALSE(data) << "read " << (data ? data->size() : 0) << " bytes";
}

}  // namespace
}  // namespace vigil::image
