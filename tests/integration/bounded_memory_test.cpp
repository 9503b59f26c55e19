// Memory stays bounded on hostile trees: 10 GiB sparse files with wanted names and many files.
// Runs the real binary and reads its peak RSS from wait4(); no timing is asserted.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_support.hpp"

extern char** environ;

namespace {

// ASan's shadow memory and quarantine add a fixed overhead to every process.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kOverheadKib = 256 * 1024;
#else
constexpr long kOverheadKib = 0;
#endif

struct RunResult {
  int exit_code = -1;
  long max_rss_kib = 0;
};

RunResult run_vigil(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string binary = VIGIL_BINARY;
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  RunResult result;
  if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
    return result;
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.max_rss_kib = usage.ru_maxrss;
  return result;
}

void make_sparse(const std::filesystem::path& path, off_t size, bool executable) {
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, executable ? 0755 : 0644);
  ASSERT_GE(fd, 0);
  // An ELF-looking start so the executable analyzer parses the header of the sparse file.
  const char elf[] =
      "\x7f"
      "ELF\x02\x01\x01";
  ASSERT_EQ(::write(fd, elf, sizeof elf - 1), static_cast<ssize_t>(sizeof elf - 1));
  ASSERT_EQ(::ftruncate(fd, size), 0);
  ::close(fd);
}

}  // namespace

TEST(BoundedMemory, TenGibSparseFilesWithWantedNames) {
  vigil::test::TempDir dir;
  const off_t ten_gib = 10LL << 30;
  make_sparse(dir.path() / "huge.jar", ten_gib, false);
  make_sparse(dir.path() / "package-lock.json", ten_gib, false);
  make_sparse(dir.path() / "huge-binary", ten_gib, true);
  const auto result = run_vigil({"scan", "fs", dir.path().string(), "-f", "json", "--scanners", "none"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_LT(result.max_rss_kib, 128 * 1024 + kOverheadKib) << "peak RSS " << result.max_rss_kib << " KiB";
}

TEST(BoundedMemory, ManySmallFiles) {
  vigil::test::TempDir dir;
  for (int d = 0; d < 100; ++d) {
    const auto sub = dir.path() / ("d" + std::to_string(d));
    std::filesystem::create_directories(sub);
    for (int f = 0; f < 100; ++f) {
      const int fd = ::open((sub / ("f" + std::to_string(f) + ".txt")).c_str(), O_CREAT | O_WRONLY, 0644);
      ASSERT_GE(fd, 0);
      ::close(fd);
    }
  }
  const auto result = run_vigil({"scan", "fs", dir.path().string(), "-f", "json", "--scanners", "none"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_LT(result.max_rss_kib, 64 * 1024 + kOverheadKib) << "peak RSS " << result.max_rss_kib << " KiB";
}
