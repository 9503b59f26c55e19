// ELF section reader: real files of every class and byte order (gcc, the Go linker, objcopy -O elf32-big...),
// and corrupted headers that must fail cleanly.
#include "formats/elf/elf.hpp"

#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"

namespace elf = vigil::formats::elf;

namespace {

// Overwrites bytes of a copy of `file` at offset.
std::string patched(std::string file, size_t offset, const std::string& bytes) {
  file.replace(offset, bytes.size(), bytes);
  return file;
}

}  // namespace

TEST(Elf, GoBinarySections) {
  const std::string file = vigil::test::read_data("go/hello-go");
  const auto header = elf::parse_header(file.substr(0, elf::kHeaderBytes));
  ASSERT_TRUE(header);
  EXPECT_TRUE(header->is64);
  EXPECT_FALSE(header->big_endian);
  const auto sections = elf::read_sections(file);
  ASSERT_TRUE(sections);
  const elf::Section* buildinfo = elf::find_section(*sections, ".go.buildinfo");
  ASSERT_NE(buildinfo, nullptr);
  const auto range = elf::section_range(*buildinfo, file.size());
  ASSERT_TRUE(range);
  EXPECT_EQ(file.substr(range->offset, 14), std::string("\xff Go buildinf:", 14));
  EXPECT_NE(elf::find_section(*sections, ".text"), nullptr);
  // .bss occupies no file bytes.
  const elf::Section* bss = elf::find_section(*sections, ".bss");
  ASSERT_NE(bss, nullptr);
  EXPECT_FALSE(elf::section_range(*bss, file.size()));
}

TEST(Elf, PackagesFromGoBinary) {
  const auto parsed = elf::parse_elf_packages("hello-go", vigil::test::read_data("go/hello-go"));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 1U);  // stdlib-only program, main module "(devel)"
  EXPECT_EQ(parsed->packages[0].name, "stdlib");
  EXPECT_EQ(parsed->packages[0].version, "v1.19.8");
}

TEST(Elf, EveryClassAndByteOrder) {
  for (const char* name : {"rust/ripgrep-auditable", "rust/ripgrep-elf32-big.o", "rust/ripgrep-elf64-big.o",
                           "rust/ripgrep-elf32-little.o"}) {
    SCOPED_TRACE(name);
    const auto parsed = elf::parse_elf_packages(name, vigil::test::read_data(name));
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->warnings.empty());
    EXPECT_EQ(parsed->packages.size(), 30U);
  }
  const auto be32 = elf::parse_header(vigil::test::read_data("rust/ripgrep-elf32-big.o"));
  ASSERT_TRUE(be32);
  EXPECT_FALSE(be32->is64);
  EXPECT_TRUE(be32->big_endian);
}

TEST(Elf, NotElfAndTruncated) {
  EXPECT_FALSE(elf::has_magic("#!/bin/sh\n"));
  EXPECT_FALSE(elf::parse_elf_packages("x", "#!/bin/sh\necho hi\n"));
  EXPECT_FALSE(elf::parse_elf_packages("x", ""));
  EXPECT_FALSE(elf::parse_elf_packages("x",
                                       "\x7f"
                                       "ELF"));
  const std::string file = vigil::test::read_data("rust/ripgrep-auditable");
  // The section table lies at the end of the file: cutting the file leaves it out of range.
  const auto cut = elf::parse_elf_packages("x", file.substr(0, file.size() - 100));
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().message.find("past the end"), std::string::npos);
}

TEST(Elf, HostileHeaderValues) {
  const std::string file = vigil::test::read_data("rust/ripgrep-auditable");
  // Bad class byte.
  EXPECT_FALSE(elf::parse_elf_packages("x", patched(file, 4, "\x07")));
  // e_shoff pointing far beyond the file.
  EXPECT_FALSE(elf::parse_elf_packages("x", patched(file, 40, std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8))));
  // e_shentsize too small.
  EXPECT_FALSE(elf::parse_elf_packages("x", patched(file, 58, std::string("\x04\x00", 2))));
  // e_shstrndx out of range.
  EXPECT_FALSE(elf::parse_elf_packages("x", patched(file, 62, std::string("\xf0\x00", 2))));
  // A section whose offset + size overflows: warning for that section, no crash.
  const auto sections = elf::read_sections(file);
  ASSERT_TRUE(sections);
  const auto header = elf::parse_header(file);
  ASSERT_TRUE(header);
  size_t index = 0;
  while ((*sections)[index].name != ".dep-v0") {
    ++index;
  }
  const size_t entry = header->section_table_offset + index * header->section_entry_size;
  const auto broken =
      elf::parse_elf_packages("x", patched(file, entry + 24, std::string("\xf0\xff\xff\xff\xff\xff\xff\xff", 8)));
  ASSERT_TRUE(broken);
  EXPECT_TRUE(broken->packages.empty());
  ASSERT_EQ(broken->warnings.size(), 1U);
  EXPECT_NE(broken->warnings[0].message.find("past the end"), std::string::npos);
}

TEST(Elf, CorruptSectionContentIsAWarning) {
  std::string file = vigil::test::read_data("rust/ripgrep-elf64-big.o");
  const auto sections = elf::read_sections(file);
  ASSERT_TRUE(sections);
  const auto range = elf::section_range(*elf::find_section(*sections, ".dep-v0"), file.size());
  ASSERT_TRUE(range);
  file[range->offset + 20] = static_cast<char>(file[range->offset + 20] ^ 0x5a);
  const auto parsed = elf::parse_elf_packages("x", file);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->packages.empty());
  ASSERT_EQ(parsed->warnings.size(), 1U);
  EXPECT_EQ(parsed->warnings[0].message.rfind("section .dep-v0: ", 0), 0U);
}
