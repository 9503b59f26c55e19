// Human-readable report: a summary line, then one aligned row per package.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

#include "report/report.hpp"

namespace vigil::report {
namespace {

constexpr size_t kMaxCell = 60;  // longer cells are cut with an ellipsis so rows stay readable

std::string cell(std::string_view s) {
  if (s.size() <= kMaxCell) {
    return std::string(s);
  }
  return std::string(s.substr(0, kMaxCell - 3)) + "...";
}

}  // namespace

void write_table(const Report& report, std::ostream& out) {
  const auto& inv = report.inventory;
  out << fmt::format("Target: {} ({})\n", report.target, report.target_kind);
  if (inv.os) {
    out << fmt::format("OS:     {} {} ({})\n", inv.os->family, inv.os->version, inv.os->name);
  }
  std::map<std::string_view, size_t> per_ecosystem;
  for (const auto& pkg : inv.packages) {
    ++per_ecosystem[model::ecosystem_name(pkg.ecosystem)];
  }
  std::string summary;
  for (const auto& [eco, count] : per_ecosystem) {
    summary += fmt::format("{}{}: {}", summary.empty() ? "" : ", ", eco, count);
  }
  out << fmt::format("Packages: {}{}\n\n", inv.packages.size(), summary.empty() ? "" : " (" + summary + ")");
  if (inv.packages.empty()) {
    return;
  }
  const std::array<std::string_view, 5> headers{"ECOSYSTEM", "NAME", "VERSION", "SCOPE", "LOCATION"};
  std::vector<std::array<std::string, 5>> rows;
  rows.reserve(inv.packages.size());
  for (const auto& pkg : inv.packages) {
    rows.push_back({std::string(model::ecosystem_name(pkg.ecosystem)), cell(pkg.name), cell(pkg.version),
                    std::string(model::scope_name(pkg.scope)), cell(pkg.location)});
  }
  std::array<size_t, 5> widths{};
  for (size_t c = 0; c < widths.size(); ++c) {
    widths[c] = headers[c].size();
    for (const auto& row : rows) {
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  out << fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", headers[0], widths[0], headers[1], widths[1], headers[2],
                     widths[2], headers[3], widths[3], headers[4]);
  for (const auto& row : rows) {
    out << fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", row[0], widths[0], row[1], widths[1], row[2], widths[2],
                       row[3], widths[3], row[4]);
  }
}

}  // namespace vigil::report
