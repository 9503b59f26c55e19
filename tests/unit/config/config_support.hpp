// Helpers for the config check tests: run the whole scanner over bytes (as `vigil scan fs` would over a file of
// that path) and pick out the findings of one check.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "scan/config/scanner.hpp"
#include "test_support.hpp"

namespace vigil::test {

struct ConfigScan {
  std::vector<model::Misconfiguration> findings;
  std::vector<Diagnostic> warnings;

  // Findings of one check (unsuppressed and suppressed alike).
  [[nodiscard]] std::vector<model::Misconfiguration> of(std::string_view check) const {
    std::vector<model::Misconfiguration> out;
    std::copy_if(findings.begin(), findings.end(), std::back_inserter(out),
                 [&](const auto& m) { return m.check == check; });
    return out;
  }
  [[nodiscard]] std::vector<int> lines_of(std::string_view check) const {
    std::vector<int> out;
    for (const auto& m : of(check)) out.push_back(m.line);
    return out;
  }
  [[nodiscard]] std::vector<std::string> messages_of(std::string_view check) const {
    std::vector<std::string> out;
    for (const auto& m : of(check)) out.push_back(m.message);
    return out;
  }
  [[nodiscard]] size_t count(std::string_view check) const { return of(check).size(); }
};

// path decides the kind (".github/workflows/ci.yml", "Dockerfile", ".gitlab-ci.yml", "build.sh", "action.yml");
// files maps other root-relative paths to contents (GitLab local includes).
inline ConfigScan scan_config(std::string_view path, std::string_view bytes, scan::config::ConfigOptions options = {},
                              const std::map<std::string, std::string>& files = {}) {
  const scan::config::ConfigScanner scanner(std::move(options));
  ConfigScan result;
  scanner.scan_bytes(
      path, bytes,
      [&files](const std::string& p) -> std::optional<std::string> {
        auto it = files.find(p);
        return it == files.end() ? std::nullopt : std::optional<std::string>(it->second);
      },
      result.findings, result.warnings);
  return result;
}

}  // namespace vigil::test
