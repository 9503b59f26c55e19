// Analyzer for jar/war/ear/par archives: reads the outer archive by offset (64 KiB at a time), so a
// 100 MB jar does not cost 100 MB of memory; nested archives are read in memory within the parser's budget.
#pragma once

#include "scan/analyzer.hpp"

namespace vigil::scan {

void analyze_java_archive(FileContent& file, AnalyzerOutput& out);

}  // namespace vigil::scan
