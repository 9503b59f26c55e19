// ELF section reader: header, section table and section names, following the System V gABI layouts.
// Every offset read from the file is checked against the buffer or the file size before use.
#include "formats/elf/elf.hpp"

#include <fmt/format.h>

#include <array>

#include "formats/go.hpp"
#include "formats/rust.hpp"

namespace vigil::formats::elf {
namespace {

constexpr size_t kHeader32 = 52;
constexpr size_t kEntry32 = 40;
constexpr size_t kEntry64 = 64;
constexpr uint16_t kSectionIndexExtended = 0xffff;  // SHN_XINDEX: real index lives in section 0

// Reads an N-byte unsigned integer at data[off]; the caller has checked off + N <= data.size().
template <class T>
T read_int(std::string_view data, size_t off, bool big_endian) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    const auto byte = static_cast<T>(static_cast<uint8_t>(data[off + (big_endian ? i : sizeof(T) - 1 - i)]));
    value = static_cast<T>((value << 8) | byte);
  }
  return value;
}

bool fits(uint64_t offset, uint64_t size, uint64_t file_size) {
  return offset <= file_size && size <= file_size - offset;
}

constexpr std::array kPackageSections{
    PackageSection{".go.buildinfo", parse_go_buildinfo, 16ULL << 20},
    PackageSection{".dep-v0", parse_cargo_auditable, 16ULL << 20},
};

}  // namespace

bool has_magic(std::string_view bytes) {
  return bytes.size() >= 4 && bytes.substr(0, 4) ==
                                  "\x7f"
                                  "ELF";
}

Result<Header> parse_header(std::string_view bytes) {
  if (!has_magic(bytes)) {
    return fail("not an ELF file");
  }
  if (bytes.size() < 6) {
    return fail("ELF header truncated");
  }
  Header h;
  const auto cls = static_cast<uint8_t>(bytes[4]);
  const auto data = static_cast<uint8_t>(bytes[5]);
  if ((cls != 1 && cls != 2) || (data != 1 && data != 2)) {
    return fail(fmt::format("unknown ELF class {} or data encoding {}", cls, data));
  }
  h.is64 = cls == 2;
  h.big_endian = data == 2;
  if (bytes.size() < (h.is64 ? kHeaderBytes : kHeader32)) {
    return fail("ELF header truncated");
  }
  const bool be = h.big_endian;
  if (h.is64) {
    h.section_table_offset = read_int<uint64_t>(bytes, 40, be);
    h.section_entry_size = read_int<uint16_t>(bytes, 58, be);
    h.section_count = read_int<uint16_t>(bytes, 60, be);
    h.names_index = read_int<uint16_t>(bytes, 62, be);
  } else {
    h.section_table_offset = read_int<uint32_t>(bytes, 32, be);
    h.section_entry_size = read_int<uint16_t>(bytes, 46, be);
    h.section_count = read_int<uint16_t>(bytes, 48, be);
    h.names_index = read_int<uint16_t>(bytes, 50, be);
  }
  return h;
}

Result<Range> section_table_range(const Header& header, uint64_t file_size) {
  if (header.section_table_offset == 0 || header.section_count == 0) {
    return Range{};  // no sections, or more than 65279 of them (extended numbering): nothing we look for
  }
  if (header.section_entry_size < (header.is64 ? kEntry64 : kEntry32)) {
    return fail(fmt::format("ELF section header entry size {} is too small", header.section_entry_size));
  }
  const uint64_t size = uint64_t{header.section_count} * header.section_entry_size;
  if (size > kMaxSectionTable) {
    return fail(fmt::format("ELF section table of {} bytes is implausibly large", size));
  }
  if (!fits(header.section_table_offset, size, file_size)) {
    return fail(
        fmt::format("ELF section table at offset {} runs past the end of the file", header.section_table_offset));
  }
  return Range{header.section_table_offset, size};
}

Result<std::vector<Section>> parse_section_table(const Header& header, std::string_view table) {
  const size_t entry = header.section_entry_size;
  if (entry < (header.is64 ? kEntry64 : kEntry32) || table.size() / entry < header.section_count) {
    return fail("ELF section table truncated");
  }
  const bool be = header.big_endian;
  std::vector<Section> sections;
  sections.reserve(header.section_count);
  for (size_t i = 0; i < header.section_count; ++i) {
    const std::string_view e = table.substr(i * entry, entry);
    Section s;
    s.name_offset = read_int<uint32_t>(e, 0, be);
    s.type = read_int<uint32_t>(e, 4, be);
    if (header.is64) {
      s.offset = read_int<uint64_t>(e, 24, be);
      s.size = read_int<uint64_t>(e, 32, be);
    } else {
      s.offset = read_int<uint32_t>(e, 16, be);
      s.size = read_int<uint32_t>(e, 20, be);
    }
    sections.push_back(std::move(s));
  }
  return sections;
}

Result<Range> names_range(const Header& header, const std::vector<Section>& sections, uint64_t file_size) {
  if (header.names_index == 0 || header.names_index == kSectionIndexExtended) {
    return fail("ELF file has no section name table");
  }
  if (header.names_index >= sections.size()) {
    return fail(fmt::format("ELF section name table index {} is out of range", header.names_index));
  }
  const Section& names = sections[header.names_index];
  if (names.size > kMaxSectionNames) {
    return fail(fmt::format("ELF section name table of {} bytes is implausibly large", names.size));
  }
  return section_range(names, file_size);
}

void assign_names(std::vector<Section>& sections, std::string_view names) {
  for (auto& s : sections) {
    if (s.name_offset >= names.size()) {
      continue;
    }
    const std::string_view rest = names.substr(s.name_offset);
    s.name = std::string(rest.substr(0, rest.find('\0')));
  }
}

Result<Range> section_range(const Section& section, uint64_t file_size) {
  if (!section.has_file_data()) {
    return fail(fmt::format("ELF section {} has no data in the file", section.name));
  }
  if (!fits(section.offset, section.size, file_size)) {
    return fail(fmt::format("ELF section {} at offset {} runs past the end of the file", section.name, section.offset));
  }
  return Range{section.offset, section.size};
}

const Section* find_section(const std::vector<Section>& sections, std::string_view name) {
  for (const auto& s : sections) {
    if (s.name == name) {
      return &s;
    }
  }
  return nullptr;
}

Result<std::vector<Section>> read_sections(std::string_view file) {
  auto header = parse_header(file.substr(0, kHeaderBytes));
  if (!header) {
    return fail(header.error().message);
  }
  auto table = section_table_range(*header, file.size());
  if (!table) {
    return fail(table.error().message);
  }
  auto sections = parse_section_table(*header, file.substr(table->offset, table->size));
  if (!sections || sections->empty()) {
    return sections;
  }
  auto names = names_range(*header, *sections, file.size());
  if (!names) {
    return fail(names.error().message);
  }
  assign_names(*sections, file.substr(names->offset, names->size));
  return sections;
}

std::span<const PackageSection> package_sections() {
  return kPackageSections;
}

void merge_section(Parsed& into, std::string_view section, Result<Parsed> parsed) {
  if (!parsed) {
    into.warnings.push_back({"", 0, fmt::format("section {}: {}", section, parsed.error().message)});
    return;
  }
  for (auto& p : parsed->packages) {
    into.packages.push_back(std::move(p));
  }
  for (auto& w : parsed->warnings) {
    w.message = fmt::format("section {}: {}", section, w.message);
    into.warnings.push_back(std::move(w));
  }
}

Result<Parsed> parse_elf_packages(std::string_view path, std::string_view bytes) {
  auto sections = read_sections(bytes);
  if (!sections) {
    return fail(sections.error().message);
  }
  Parsed parsed;
  for (const auto& wanted : package_sections()) {
    const Section* s = find_section(*sections, wanted.name);
    if (s == nullptr) {
      continue;
    }
    auto range = section_range(*s, bytes.size());
    if (!range || range->size > wanted.max_size) {
      parsed.warnings.push_back(
          {"", 0, range ? fmt::format("section {} is too large ({} bytes)", s->name, s->size) : range.error().message});
      continue;
    }
    merge_section(parsed, wanted.name, wanted.parse(path, bytes.substr(range->offset, range->size)));
  }
  return parsed;
}

}  // namespace vigil::formats::elf
