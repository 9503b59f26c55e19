// Executable analyzer: finds the dependency lists compilers embed in ELF binaries (Go build info,
// cargo-auditable) by reading the header, the section table, the section names and those sections only.
#include "scan/analyzers/executable.hpp"

#include <fmt/format.h>

#include <string>

#include "formats/elf/elf.hpp"

namespace vigil::scan {
namespace {

namespace elf = formats::elf;

// Smaller files cannot hold an ELF header, a section table and a dependency list.
constexpr uint64_t kMinSize = 1024;

Result<std::string> read_range(const FileContent& file, elf::Range range) {
  std::string out(static_cast<size_t>(range.size), '\0');
  auto n = file.read_at(range.offset, out);
  if (!n) {
    return fail(n.error().message);
  }
  if (*n != out.size()) {
    return fail(fmt::format("file ended at byte {} while reading {} bytes at offset {}", range.offset + *n, range.size,
                            range.offset));
  }
  return out;
}

// The named section table of the file, or an error to report (a non-ELF file gives an empty list).
Result<std::vector<elf::Section>> read_section_table(const FileContent& file) {
  std::string head(elf::kHeaderBytes, '\0');
  auto n = file.read_at(0, head);
  if (!n) {
    return fail(n.error().message);
  }
  head.resize(*n);
  if (!elf::has_magic(head)) {
    return std::vector<elf::Section>{};  // scripts and other executables: nothing to say
  }
  const uint64_t size = file.info().size;
  auto header = elf::parse_header(head);
  auto table_range = header ? elf::section_table_range(*header, size) : tl::unexpected(header.error());
  auto table = table_range ? read_range(file, *table_range) : tl::unexpected(table_range.error());
  if (!table) {
    return fail(table.error().message);
  }
  auto sections = elf::parse_section_table(*header, *table);
  if (!sections || sections->empty()) {
    return sections;
  }
  auto names_range = elf::names_range(*header, *sections, size);
  auto names = names_range ? read_range(file, *names_range) : tl::unexpected(names_range.error());
  if (!names) {
    return fail(names.error().message);
  }
  elf::assign_names(*sections, *names);
  return sections;
}

}  // namespace

bool wants_executable(const FileInfo& file) {
  return file.executable && file.size >= kMinSize;
}

void analyze_executable(FileContent& file, AnalyzerOutput& out) {
  const std::string path(file.info().path);
  auto sections = read_section_table(file);
  if (!sections) {
    out.warnings.push_back({path, 0, sections.error().message});
    return;
  }
  formats::Parsed parsed;
  for (const auto& wanted : elf::package_sections()) {
    const elf::Section* s = elf::find_section(*sections, wanted.name);
    if (s == nullptr) {
      continue;
    }
    auto range = elf::section_range(*s, file.info().size);
    if (range && range->size > wanted.max_size) {
      range = fail(fmt::format("section {} is too large ({} bytes)", s->name, s->size));
    }
    auto bytes = range ? read_range(file, *range) : tl::unexpected(range.error());
    if (!bytes) {
      parsed.warnings.push_back({"", 0, bytes.error().message});
      continue;
    }
    elf::merge_section(parsed, wanted.name, wanted.parse(file.info().path, *bytes));
  }
  for (auto& pkg : parsed.packages) {
    out.packages.push_back(std::move(pkg));
  }
  for (auto& w : parsed.warnings) {
    if (w.file.empty()) {
      w.file = path;
    }
    out.warnings.push_back(std::move(w));
  }
}

}  // namespace vigil::scan
