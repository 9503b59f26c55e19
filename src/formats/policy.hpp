// Suppression files the user writes or a vendor publishes: .vigilignore.yaml, OpenVEX and CycloneDX VEX.
// Pure readers from bytes to rules; src/scan/policy/apply.cpp matches them against findings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "formats/parsed.hpp"

namespace vigil::formats::policy {

// One entry of .vigilignore.yaml; the keys that are set combine with AND (docs/ignore-and-vex.md).
struct IgnoreRule {
  std::string id;       // finding id or any of its aliases (ASCII case-insensitive)
  std::string package;  // package name, or a purl "pkg:npm/lodash@4.17.20"
  std::string version;  // exact package version; only together with package
  std::string path;     // glob (*, **, ?) over the finding's locations, relative to the scan root
  std::string reason;
  std::string expires;  // YYYY-MM-DD or empty
  int line = 0;
};

// One VEX statement, whichever format it came from.
struct VexStatement {
  std::string vulnerability;
  std::vector<std::string> aliases;
  std::vector<std::string> products;  // purls or CycloneDX bom-refs; "*" = every package (the BOM's own subject)
  std::string status;                 // not_affected | affected | fixed | under_investigation
  std::string justification;
  std::string impact;  // OpenVEX impact_statement or CycloneDX analysis.detail
};

struct Policy {
  std::vector<IgnoreRule> ignores;
  std::vector<VexStatement> vex;
  std::vector<Diagnostic> diagnostics;
};

// ParseFn-shaped wrappers for the fuzzer: read, then report diagnostics as warnings and no packages.
Result<Parsed> parse_ignore_file(std::string_view path, std::string_view bytes);
Result<Parsed> parse_openvex(std::string_view path, std::string_view bytes);
Result<Parsed> parse_cyclonedx_vex(std::string_view path, std::string_view bytes);

// The readers. They fail only when nothing can be read (syntax error, wrong top level); every problem with
// one entry is a diagnostic (file left empty: the caller knows it) and the entry is dropped, never half-used.
Result<std::vector<IgnoreRule>> read_ignore_file(std::string_view bytes, std::vector<Diagnostic>& diagnostics);
Result<std::vector<VexStatement>> read_openvex(std::string_view bytes, std::vector<Diagnostic>& diagnostics);
Result<std::vector<VexStatement>> read_cyclonedx_vex(std::string_view bytes, std::vector<Diagnostic>& diagnostics);
// OpenVEX when "@context" names openvex, CycloneDX when bomFormat is CycloneDX or there is a vulnerabilities list.
Result<std::vector<VexStatement>> read_vex_auto(std::string_view bytes, std::vector<Diagnostic>& diagnostics);

// The fingerprints of the secrets a previous Vigil JSON report lists (`--baseline`); fails when the document
// is not JSON or has no "secrets" list. parse_secret_baseline is the fuzz-shaped wrapper.
Result<std::vector<std::string>> read_secret_baseline(std::string_view bytes);
Result<Parsed> parse_secret_baseline(std::string_view path, std::string_view bytes);

// YYYY-MM-DD with a real month and day (leap years included).
bool is_valid_date(std::string_view s);

}  // namespace vigil::formats::policy
