// The table of report formats: adding one is a writer file and a row here.
#include <algorithm>
#include <array>

#include "report/report.hpp"

namespace vigil::report {
namespace {

constexpr std::array kWriters{
    Writer{"table", "human-readable table (default on a terminal)", write_table},
    Writer{"json", "Vigil JSON report (docs/schemas/report.md)", write_json},
    Writer{"sarif", "SARIF 2.1.0 vulnerability results (GitHub code scanning)", write_sarif},
    Writer{"cyclonedx", "CycloneDX 1.5 JSON SBOM", write_cyclonedx},
    Writer{"spdx-json", "SPDX 2.3 JSON SBOM", write_spdx_json},
};

}  // namespace

std::span<const Writer> all_writers() {
  return kWriters;
}

const Writer* find_writer(std::string_view name) {
  const auto* it = std::find_if(kWriters.begin(), kWriters.end(), [&](const Writer& w) { return w.name == name; });
  return it == kWriters.end() ? nullptr : it;
}

}  // namespace vigil::report
