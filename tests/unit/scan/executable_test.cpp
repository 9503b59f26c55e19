// Executable analyzer on real binaries: a stripped stdlib-only Go program (go build -ldflags="-s -w") and a
// gcc-built C program carrying a cargo-auditable .dep-v0 section (objcopy --add-section).
#include "scan/analyzers/executable.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/strings.hpp"
#include "test_support.hpp"

using vigil::scan::AnalyzerOutput;
using vigil::scan::FileContent;
using vigil::scan::FileInfo;

namespace {

// Runs the analyzer on a file the way the walker would hand it over.
AnalyzerOutput analyze(const std::filesystem::path& file, const std::string& rel) {
  const FileInfo info{rel, vigil::base_name(rel), std::filesystem::file_size(file), true};
  std::string buffer;
  FileContent content(info, vigil::UniqueFd(::open(file.c_str(), O_RDONLY | O_CLOEXEC)), AT_FDCWD, AT_FDCWD, buffer);
  AnalyzerOutput out;
  vigil::scan::analyze_executable(content, out);
  EXPECT_TRUE(buffer.empty()) << "the analyzer must not read the whole file";
  return out;
}

}  // namespace

TEST(ExecutableAnalyzer, WantsOnlyExecutablesOfSomeSize) {
  EXPECT_TRUE(vigil::scan::wants_executable(FileInfo{"usr/bin/x", "x", 4096, true}));
  EXPECT_FALSE(vigil::scan::wants_executable(FileInfo{"usr/lib/x.so", "x.so", 4096, false}));
  EXPECT_FALSE(vigil::scan::wants_executable(FileInfo{"usr/bin/tiny", "tiny", 100, true}));
}

TEST(ExecutableAnalyzer, GoBinary) {
  const auto out = analyze(vigil::test::data_path("go/hello-go"), "usr/local/bin/hello-go");
  EXPECT_TRUE(out.warnings.empty());
  ASSERT_EQ(out.packages.size(), 1U);
  EXPECT_EQ(out.packages[0].name, "stdlib");
  EXPECT_EQ(out.packages[0].version, "v1.19.8");
  EXPECT_EQ(out.packages[0].ecosystem, vigil::model::Ecosystem::Go);
}

TEST(ExecutableAnalyzer, CargoAuditableBinary) {
  const auto out = analyze(vigil::test::data_path("rust/ripgrep-auditable"), "usr/bin/rg");
  EXPECT_TRUE(out.warnings.empty());
  ASSERT_EQ(out.packages.size(), 30U);
  for (const auto& p : out.packages) {
    EXPECT_EQ(p.ecosystem, vigil::model::Ecosystem::CratesIo);
  }
}

TEST(ExecutableAnalyzer, NonElfIsSilent) {
  vigil::test::TempDir dir;
  const auto script = dir.write("run.sh", "#!/bin/sh\n" + std::string(2000, '#') + "\n");
  const auto out = analyze(script, "run.sh");
  EXPECT_TRUE(out.packages.empty());
  EXPECT_TRUE(out.warnings.empty());
}

TEST(ExecutableAnalyzer, TruncatedBinaryIsAWarning) {
  vigil::test::TempDir dir;
  const std::string bytes = vigil::test::read_data("rust/ripgrep-auditable");
  const auto cut = dir.write("rg", bytes.substr(0, bytes.size() - 200));
  const auto out = analyze(cut, "usr/bin/rg");
  EXPECT_TRUE(out.packages.empty());
  ASSERT_EQ(out.warnings.size(), 1U);
  EXPECT_EQ(out.warnings[0].file, "usr/bin/rg");
  EXPECT_NE(out.warnings[0].message.find("past the end"), std::string::npos);
}

TEST(ExecutableAnalyzer, FileShrankAfterStat) {
  // The walker's size says more than the file holds: reads come up short and are reported, not trusted.
  vigil::test::TempDir dir;
  const std::string bytes = vigil::test::read_data("go/hello-go");
  const auto cut = dir.write("hello", bytes.substr(0, 4096));
  const FileInfo info{"hello", "hello", bytes.size(), true};
  std::string buffer;
  FileContent content(info, vigil::UniqueFd(::open(cut.c_str(), O_RDONLY | O_CLOEXEC)), AT_FDCWD, AT_FDCWD, buffer);
  AnalyzerOutput out;
  vigil::scan::analyze_executable(content, out);
  EXPECT_TRUE(out.packages.empty());
  ASSERT_EQ(out.warnings.size(), 1U);
  EXPECT_NE(out.warnings[0].message.find("file ended"), std::string::npos);
}
