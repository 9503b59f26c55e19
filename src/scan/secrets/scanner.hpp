// The secret scanner: every rule compiled once into one Hyperscan database; scanning is thread-safe (one
// scratch space per thread) and streams files of any size in fixed-size chunks.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "model/secret.hpp"
#include "scan/file_scanner.hpp"
#include "scan/secrets/rule.hpp"

namespace vigil::secrets {

struct ScannerOptions {
  bool scan_binary = false;              // by default a file with a NUL byte in its first 8 KiB is skipped
  uint64_t max_file_bytes = 1ULL << 30;  // larger files are skipped with a warning
};

class SecretScanner final : public scan::FileScanner {
 public:
  // Compiles the rules (fails naming the rule whose pattern Hyperscan rejects).
  static Result<std::unique_ptr<SecretScanner>> create(std::span<const SecretRule> rules, ScannerOptions options);
  ~SecretScanner() override;

  // scan::FileScanner: called concurrently from walker threads.
  [[nodiscard]] bool wants(const scan::FileInfo& file) const override;
  void scan(scan::FileContent& file, scan::AnalyzerOutput& out) const override;

  // The same on bytes already in memory (git blobs, tests). path is what findings report.
  void scan_bytes(std::string_view path, std::string_view bytes, std::vector<model::SecretFinding>& out) const;

 private:
  struct Impl;
  explicit SecretScanner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::secrets
