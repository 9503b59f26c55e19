// ELF section reader (ELF32/ELF64, little and big endian) on byte buffers, every offset bounds-checked.
// Split into steps so a caller can read a large binary piecewise: header, section table, names, one section.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "formats/parsed.hpp"

namespace vigil::formats::elf {

constexpr size_t kHeaderBytes = 64;                // ELF64 header size; an ELF32 header is 52
constexpr uint64_t kMaxSectionTable = 4ULL << 20;  // 65535 entries of 64 bytes fit
constexpr uint64_t kMaxSectionNames = 1ULL << 20;  // .shstrtab is a few hundred bytes in practice

struct Header {
  bool is64 = false;
  bool big_endian = false;
  uint64_t section_table_offset = 0;  // e_shoff
  uint16_t section_entry_size = 0;    // e_shentsize
  uint16_t section_count = 0;         // e_shnum
  uint16_t names_index = 0;           // e_shstrndx
};

struct Section {
  std::string name;  // filled by assign_names()
  uint32_t name_offset = 0;
  uint32_t type = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  [[nodiscard]] bool has_file_data() const { return type != 8 /* SHT_NOBITS */ && type != 0 /* SHT_NULL */; }
};

struct Range {
  uint64_t offset = 0;
  uint64_t size = 0;
};

// True when bytes start with "\x7fELF".
bool has_magic(std::string_view bytes);
// Parses the file header from the first kHeaderBytes (or fewer, for a small ELF32 file).
Result<Header> parse_header(std::string_view bytes);
// Where the section header table is; fails if it does not fit in file_size or is implausibly large.
// An ELF with no section table (e_shoff 0 or e_shnum 0, including extended numbering) gives size 0.
Result<Range> section_table_range(const Header& header, uint64_t file_size);
// Parses the section header table (the bytes of section_table_range()); names are still empty.
Result<std::vector<Section>> parse_section_table(const Header& header, std::string_view table);
// Where the section names (.shstrtab) are, if the header names one that fits in file_size.
Result<Range> names_range(const Header& header, const std::vector<Section>& sections, uint64_t file_size);
// Sets Section::name from the bytes of names_range(); out-of-range names stay empty.
void assign_names(std::vector<Section>& sections, std::string_view names);
// Where a section's bytes are, checked against file_size; fails for sections without file data.
Result<Range> section_range(const Section& section, uint64_t file_size);
const Section* find_section(const std::vector<Section>& sections, std::string_view name);

// Whole-buffer convenience: every section, named.
Result<std::vector<Section>> read_sections(std::string_view file);

// Sections that carry a dependency list, the parser of their bytes and the most we read of them.
struct PackageSection {
  std::string_view name;
  ParseFn parse;
  uint64_t max_size;
};
std::span<const PackageSection> package_sections();

// Adds what a package section's parser returned to `into`; a parse failure becomes a warning.
void merge_section(Parsed& into, std::string_view section, Result<Parsed> parsed);

// Packages from every package section of a whole ELF file in memory (the fuzz and test entry point; the
// scan analyzer does the same reading only the pieces it needs). A non-ELF input fails.
Result<Parsed> parse_elf_packages(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats::elf
