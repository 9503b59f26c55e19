// Analyzer for pom.xml: follows <parent><relativePath> to parent POMs inside the scan root (never out of it, never
// through a symlink) so that properties and dependencyManagement inherited from them resolve, as Trivy does.
#pragma once

#include "scan/analyzer.hpp"

namespace vigil::scan {

void analyze_maven_pom(FileContent& file, AnalyzerOutput& out);

}  // namespace vigil::scan
