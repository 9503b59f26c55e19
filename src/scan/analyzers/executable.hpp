// Analyzer for executables: reads only the ELF headers and the sections that carry
// dependency lists (Go build info, cargo-auditable), never the whole binary.
#pragma once

#include "scan/analyzer.hpp"

namespace vigil::scan {

bool wants_executable(const FileInfo& file);
void analyze_executable(FileContent& file, AnalyzerOutput& out);

}  // namespace vigil::scan
