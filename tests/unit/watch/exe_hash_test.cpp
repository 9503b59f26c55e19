// The executable hash cache: hashes through PROC/PID/exe, falls back on the path once the process is gone, and
// reads a program once until its file changes.
#include "watch/exe_hash.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "core/sha256.hpp"
#include "test_support.hpp"

namespace vigil::watch {
namespace {

TEST(ExeHashCache, HashesOnceUntilTheFileChanges) {
  test::TempDir dir;
  dir.write("bin/tool", "#!/bin/sh\necho one\n");
  const auto tool = dir.path() / "bin/tool";
  std::filesystem::create_directories(dir.path() / "proc/42");
  std::filesystem::create_symlink(tool, dir.path() / "proc/42/exe");
  ExeHashCache cache((dir.path() / "proc").string());
  const std::string first = cache.sha256(42);
  EXPECT_EQ("sha256:" + first, sha256_digest("#!/bin/sh\necho one\n"));
  EXPECT_EQ(cache.sha256(42), first);
  EXPECT_EQ(cache.hashed(), 1U);  // the second call was a cache hit
  dir.write("bin/tool", "#!/bin/sh\necho two, longer\n");
  const std::string second = cache.sha256(42);
  EXPECT_EQ("sha256:" + second, sha256_digest("#!/bin/sh\necho two, longer\n"));
  EXPECT_EQ(cache.hashed(), 2U);
}

TEST(ExeHashCache, FallsBackOnThePathAndGivesUpQuietly) {
  test::TempDir dir;
  dir.write("bin/gone", "payload");
  ExeHashCache cache((dir.path() / "proc").string());
  EXPECT_EQ("sha256:" + cache.sha256(7, (dir.path() / "bin/gone").string()), sha256_digest("payload"));
  EXPECT_EQ(cache.sha256(7), "");                                 // no such process, no path
  EXPECT_EQ(cache.sha256(7, "relative/path"), "");                // only absolute paths
  EXPECT_EQ(cache.sha256(7, (dir.path() / "bin").string()), "");  // a directory is not a program
  ExeHashCache small((dir.path() / "proc").string(), 16, 3);
  EXPECT_EQ(small.sha256(7, (dir.path() / "bin/gone").string()), "");  // over max_bytes
}

}  // namespace
}  // namespace vigil::watch
