// `vigil scan repo`: every blob reachable from any ref of a git repository, scanned once, each finding
// reported at the commit, date and path where its blob first appeared, and whether HEAD still has the secret.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/result.hpp"
#include "model/secret.hpp"

namespace vigil::repo {

struct HistoryOptions {
  uint64_t max_blob_bytes = 64ULL << 20;  // larger blobs are skipped with a warning (read from the header only)
  bool scan_binary = false;               // by default blobs git considers binary are skipped (counted, no warning)
  unsigned threads = 0;                   // blob readers/scanners; 0: one per core (at most 8); 1: no threads
};

struct HistoryResult {
  // Walk order (oldest first), then line and column; one entry per (rule, fingerprint): the same secret at the
  // same path in later versions of the file is the same finding. commit, author_date and present_at_head set.
  std::vector<model::SecretFinding> secrets;
  std::vector<Diagnostic> warnings;  // file: the path in the commit ("" for repository-wide problems)
  size_t commits = 0;                // commits walked
  size_t blobs = 0;                  // distinct blobs scanned (not counting skipped ones)
  size_t skipped_binary = 0;         // distinct blobs skipped as binary
  size_t skipped_large = 0;          // distinct blobs skipped as larger than max_blob_bytes
  uint64_t bytes = 0;                // bytes of the scanned blobs
};

// Scans one blob; findings are appended to out with path set to the given path. Called concurrently from
// several threads when HistoryOptions::threads != 1 (SecretScanner::scan_bytes is thread-safe).
using BlobScanner =
    std::function<void(std::string_view path, std::string_view bytes, std::vector<model::SecretFinding>& out)>;

// repo_path: a work tree root, its .git directory or a bare repository (no search in parent directories).
// Fails only when the repository cannot be opened or its refs cannot be listed; a repository without commits
// gives an empty result with a warning; unreadable objects become warnings.
Result<HistoryResult> scan_git_history(const std::string& repo_path, const BlobScanner& scan,
                                       const HistoryOptions& options);

}  // namespace vigil::repo
