// The secret scanner: every rule compiled once into one Hyperscan database; scanning is thread-safe (one
// scratch space per thread) and streams files of any size in fixed-size chunks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "formats/parsed.hpp"
#include "model/secret.hpp"
#include "scan/file_scanner.hpp"
#include "scan/secrets/rule.hpp"

namespace vigil::secrets {

// $XDG_CACHE_HOME/vigil when XDG_CACHE_HOME is an absolute path, else $HOME/.cache/vigil; empty without a HOME.
std::string default_cache_dir();

struct ScannerOptions {
  bool scan_binary = false;              // by default a file with a NUL byte in its first 8 KiB is skipped
  uint64_t max_file_bytes = 1ULL << 30;  // larger files are skipped with a warning
  bool builtin_path_allowlist = true;    // skip test-fixture and third-party paths (allowlist.hpp classify_path)
  // Where the compiled Hyperscan database is cached between runs (saves ~0.37 s per process with the built-in
  // rules); empty: compile every time. An unusable cache never fails a scan.
  std::string cache_dir = default_cache_dir();
};

// What a scanner dropped or skipped, summed over every file it saw (for --debug output and tests).
struct ScanStats {
  uint64_t files_scanned = 0;
  uint64_t bytes_scanned = 0;
  uint64_t files_skipped_binary = 0;
  uint64_t files_skipped_large = 0;
  uint64_t dropped_example = 0;      // documented example credentials (allowlist.hpp)
  uint64_t dropped_placeholder = 0;  // placeholders and low-diversity values
  uint64_t files_skipped_path = 0;   // test-fixture and third-party paths (builtin_path_allowlist)
  uint64_t dropped_inline = 0;       // `vigil:allow` comments
  uint64_t dropped_validation = 0;   // pattern matched, entropy or checksum did not
  bool db_from_cache = false;        // the Hyperscan database was loaded from ScannerOptions::cache_dir
};

class SecretScanner final : public scan::FileScanner {
 public:
  // Compiles the rules (fails naming the rule whose pattern Hyperscan rejects).
  static Result<std::unique_ptr<SecretScanner>> create(std::span<const SecretRule> rules, ScannerOptions options);
  ~SecretScanner() override;

  // scan::FileScanner: called concurrently from walker threads.
  [[nodiscard]] bool wants(const scan::FileInfo& file) const override;
  void scan(scan::FileContent& file, scan::AnalyzerOutput& out) const override;
  [[nodiscard]] std::string cache_key() const override;

  // The same on bytes already in memory (git blobs, tests). path is what findings report.
  void scan_bytes(std::string_view path, std::string_view bytes, std::vector<model::SecretFinding>& out) const;

  [[nodiscard]] ScanStats stats() const;

 private:
  struct Impl;
  explicit SecretScanner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// libFuzzer entry point (fuzz/CMakeLists.txt): scans bytes with all_secret_rules(); returns an empty Parsed.
Result<formats::Parsed> fuzz_secret_scan(std::string_view path, std::string_view bytes);

}  // namespace vigil::secrets
