// What a report writer receives, and the table of output formats (report/writers.cpp).
#pragma once

#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "model/package.hpp"
#include "model/vulnerability.hpp"

namespace vigil::report {

struct Report {
  std::string target;       // as the user gave it
  std::string target_kind;  // "fs", "rootfs", "image"...
  std::string tool_version;
  std::string created;  // RFC 3339 UTC timestamp
  model::Inventory inventory;
  bool vulnerabilities_scanned = false;      // the vuln scanner ran: writers show an empty list, not "not scanned"
  bool secrets_scanned = false;              // the secret scanner ran (findings are in inventory.secrets)
  bool misconfigurations_scanned = false;    // config checks ran (findings are in inventory.misconfigurations)
  std::optional<model::ImageSummary> image;  // `scan image` / `sbom image`: what was scanned
  std::vector<model::Vulnerability> vulnerabilities;  // sorted; suppressed ones included, marked
  std::string vuln_db;                                // the DB file matched against, for the report header
};

struct Writer {
  std::string_view name;         // value of --format
  std::string_view description;  // shown in --help
  void (*write)(const Report& report, std::ostream& out);
};

std::span<const Writer> all_writers();
const Writer* find_writer(std::string_view name);

void write_table(const Report& report, std::ostream& out);
void write_json(const Report& report, std::ostream& out);
void write_sarif(const Report& report, std::ostream& out);
void write_cyclonedx(const Report& report, std::ostream& out);
void write_spdx_json(const Report& report, std::ostream& out);

}  // namespace vigil::report
