// Analyzer for go.mod, with go.sum beside it when go.mod is older than Go 1.17 (it then lists
// only direct dependencies, and go.sum is where the indirect ones are recorded).
#pragma once

#include "scan/analyzer.hpp"

namespace vigil::scan {

void analyze_go_module(FileContent& file, AnalyzerOutput& out);

}  // namespace vigil::scan
