// The analyzer extension point: which files an analyzer wants and what it makes of them.
// Every analyzer is one row of the table in analyzers/table.cpp.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/result.hpp"
#include "formats/parsed.hpp"
#include "model/misconfiguration.hpp"
#include "model/package.hpp"
#include "model/secret.hpp"
#include "scan/file_content.hpp"

namespace vigil::scan {

// Where analyzers put what they found; the engine sets Package::location and merges outputs.
struct AnalyzerOutput {
  std::vector<model::Package> packages;
  std::optional<model::OsInfo> os;
  std::vector<Diagnostic> warnings;                        // Diagnostic::file is filled by the engine when left empty
  std::vector<model::SecretFinding> secrets;               // from file scanners (scan/file_scanner.hpp)
  std::vector<model::Misconfiguration> misconfigurations;  // from the config scanner (scan/config/scanner.hpp)
};

struct Analyzer {
  std::string_view name;     // stable id, shown in --help and warnings
  std::string_view version;  // bump when output changes (image layer caches key on it)
  bool (*wants)(const FileInfo& file);
  void (*analyze)(FileContent& file, AnalyzerOutput& out);
  // Reads files beside the one it wants (read_sibling / read_beneath_root). In an image layer, which is a stream,
  // such files are analysed at the layer's end, with their neighbours kept in memory (companion_files).
  bool reads_other_files = false;
  std::string_view companion_file = {};  // a file name it reads beside the wanted one ("go.sum"), if any
};

std::span<const Analyzer> all_analyzers();

// Moves what a parser returned into out; a failed parse becomes one warning naming the file.
inline void add_parsed(Result<formats::Parsed> parsed, const FileContent& file, AnalyzerOutput& out) {
  if (!parsed) {
    out.warnings.push_back({std::string(file.info().path), 0, parsed.error().message});
    return;
  }
  for (auto& pkg : parsed->packages) {
    out.packages.push_back(std::move(pkg));
  }
  for (auto& w : parsed->warnings) {
    out.warnings.push_back(std::move(w));
  }
  if (parsed->os && !out.os) {
    out.os = std::move(parsed->os);
  }
}

// Adapter for the common case: a pure parser of the whole file's bytes.
template <formats::ParseFn Parse>
void analyze_bytes(FileContent& file, AnalyzerOutput& out) {
  auto bytes = file.bytes();
  if (!bytes) {
    out.warnings.push_back({std::string(file.info().path), 0, bytes.error().message});
    return;
  }
  add_parsed(Parse(file.info().path, *bytes), file, out);
}

}  // namespace vigil::scan
