// Java archives through formats::parse_jar_source over the file's read_at().
#include "scan/analyzers/java_archive.hpp"

#include "formats/java.hpp"

namespace vigil::scan {

void analyze_java_archive(FileContent& file, AnalyzerOutput& out) {
  const formats::ByteSource source{
      file.info().size, [&file](uint64_t offset, std::span<char> buffer) { return file.read_at(offset, buffer); }};
  add_parsed(formats::parse_jar_source(file.info().path, source), file, out);
}

}  // namespace vigil::scan
