// Scanners that look at every regular file of a walk, not only the files analyzers want (secrets now, config
// later). Unlike analyzers they carry state (a compiled rule database), so they are objects, passed in
// InventoryOptions::file_scanners by whoever built them.
#pragma once

#include <string>

#include "scan/analyzer.hpp"
#include "scan/file_content.hpp"

namespace vigil::scan {

class FileScanner {
 public:
  virtual ~FileScanner() = default;
  // Cheap: no I/O. Called for every regular file.
  [[nodiscard]] virtual bool wants(const FileInfo& file) const = 0;
  // Called concurrently from walker threads; findings and warnings go to out.
  virtual void scan(FileContent& file, AnalyzerOutput& out) const = 0;
  // Names everything that changes what scan() reports (rules, options): image layer caches key on it.
  [[nodiscard]] virtual std::string cache_key() const = 0;
};

}  // namespace vigil::scan
