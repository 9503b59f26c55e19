// The log follower on real files: start at the end or the start, partial lines, rotation by rename, truncation,
// over-long lines, and a file that appears later.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "incidents/flood/follower.hpp"
#include "test_support.hpp"

namespace vigil::incidents::flood {
namespace {

void append(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::app) << text;
}

std::vector<std::string> poll_lines(LogFollower& f) {
  std::vector<std::string> lines;
  for (int i = 0; i < 3; ++i) {  // a rotation needs a poll that finds the end of the old file
    auto n = f.poll([&](std::string_view line) { lines.emplace_back(line); });
    EXPECT_TRUE(n) << n.error().message;
  }
  return lines;
}

using Lines = std::vector<std::string>;

TEST(FloodFollower, StartsAtTheEndByDefaultAndWaitsForWholeLines) {
  test::TempDir dir;
  const auto log = dir.write("access.log", "old 1\nold 2\n");
  LogFollower f(FollowerOptions{log.string()});
  EXPECT_EQ(poll_lines(f), Lines{});
  append(log, "new 1\nnew 2 part");
  EXPECT_EQ(poll_lines(f), Lines({"new 1"}));
  append(log, "ial\n\n");
  EXPECT_EQ(poll_lines(f), Lines({"new 2 partial", ""}));
  EXPECT_EQ(f.stats().lines, 3U);
}

TEST(FloodFollower, FromStartReadsExistingContentInSmallBlocks) {
  test::TempDir dir;
  std::string content;
  for (int i = 0; i < 1000; ++i) content += "line " + std::to_string(i) + "\n";
  const auto log = dir.write("access.log", content);
  FollowerOptions options{log.string(), true};
  options.block_bytes = 4096;
  LogFollower f(options);
  Lines lines;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(f.poll([&](std::string_view line) { lines.emplace_back(line); }));
  }
  ASSERT_EQ(lines.size(), 1000U);
  EXPECT_EQ(lines.front(), "line 0");
  EXPECT_EQ(lines.back(), "line 999");
  EXPECT_EQ(f.stats().bytes, content.size());
}

TEST(FloodFollower, RotationByRenameFinishesTheOldFileThenReadsTheNewOne) {
  test::TempDir dir;
  const auto log = dir.write("access.log", "");
  LogFollower f(FollowerOptions{log.string()});
  EXPECT_EQ(poll_lines(f), Lines{});
  append(log, "a1\n");
  EXPECT_EQ(poll_lines(f), Lines({"a1"}));
  std::ofstream writer(log, std::ios::binary | std::ios::app);  // the server's still-open descriptor
  std::filesystem::rename(log, dir.path() / "access.log.1");
  writer << "a2\na3 without end" << std::flush;  // written to the old file after the rename
  append(log, "b1\nb2\n");                       // the new file at the path
  EXPECT_EQ(poll_lines(f), Lines({"a2", "a3 without end", "b1", "b2"}));
  EXPECT_EQ(f.stats().rotations, 1U);
  append(log, "b3\n");
  EXPECT_EQ(poll_lines(f), Lines({"b3"}));
}

TEST(FloodFollower, TruncationStartsAgainAtZero) {
  test::TempDir dir;
  const auto log = dir.write("access.log", "");
  LogFollower f(FollowerOptions{log.string()});
  EXPECT_EQ(poll_lines(f), Lines{});  // opened at its end
  append(log, "first line that is long\nsecond\n");
  EXPECT_EQ(poll_lines(f).size(), 2U);
  std::filesystem::resize_file(log, 0);  // copytruncate
  EXPECT_EQ(poll_lines(f), Lines{});
  append(log, "after\n");
  EXPECT_EQ(poll_lines(f), Lines({"after"}));
  EXPECT_EQ(f.stats().truncations, 1U);
}

TEST(FloodFollower, OverlongLinesAreSkippedAndCounted) {
  test::TempDir dir;
  const auto log = dir.write("access.log", "");
  FollowerOptions options{log.string()};
  options.block_bytes = 16384;
  LogFollower f(options);
  EXPECT_EQ(poll_lines(f), Lines{});
  append(log, "before\n" + std::string(200000, 'x') + "\nafter\n" + std::string(70000, 'y'));
  EXPECT_EQ(poll_lines(f), Lines({"before", "after"}));
  append(log, "yyy\nlast\n");
  EXPECT_EQ(poll_lines(f), Lines({"last"}));
  EXPECT_EQ(f.stats().long_lines, 2U);
}

TEST(FloodFollower, AFileThatAppearsLaterIsReadFromItsStart) {
  test::TempDir dir;
  const auto log = dir.path() / "later.log";
  LogFollower f(FollowerOptions{log.string()});
  EXPECT_EQ(poll_lines(f), Lines{});
  EXPECT_FALSE(f.is_open());
  append(log, "x1\nx2\n");
  EXPECT_EQ(poll_lines(f), Lines({"x1", "x2"}));
}

}  // namespace
}  // namespace vigil::incidents::flood
