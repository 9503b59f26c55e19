// The `config` scanner: finds CI/CD and build files in a walk (GitHub workflows and actions, GitLab CI with its
// local includes, Dockerfiles, shell scripts), reads each into a Document and runs every check of checks.cpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "model/misconfiguration.hpp"
#include "scan/config/document.hpp"
#include "scan/file_scanner.hpp"

namespace vigil::scan::config {

// Which kind of file a path (relative to the scan root) is, by name alone; None for files the scanner skips
// (everything else, and files under third-party or test-fixture directories).
DocumentKind classify_config_file(std::string_view path);

// Reads another file by its path relative to the scan root (GitLab local includes); nullopt when it cannot.
using ReadOtherFile = std::function<std::optional<std::string>(const std::string& path)>;

class ConfigScanner final : public FileScanner {
 public:
  explicit ConfigScanner(ConfigOptions options) : options_(std::move(options)) {}

  // FileScanner: called concurrently from walker threads.
  [[nodiscard]] bool wants(const FileInfo& file) const override;
  void scan(FileContent& file, AnalyzerOutput& out) const override;
  [[nodiscard]] std::string cache_key() const override;

  // The same on bytes in memory (git HEAD blobs, tests); kind from classify_config_file unless given.
  void scan_bytes(std::string_view path, std::string_view bytes, const ReadOtherFile& read_other,
                  std::vector<model::Misconfiguration>& out, std::vector<Diagnostic>& warnings,
                  DocumentKind kind = DocumentKind::None) const;

 private:
  ConfigOptions options_;
};

// libFuzzer entry point: classifies by path (every kind is tried when the path says nothing) and runs all checks.
Result<formats::Parsed> fuzz_config_scan(std::string_view path, std::string_view bytes);

}  // namespace vigil::scan::config
