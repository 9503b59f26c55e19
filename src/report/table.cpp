// Human-readable report: a summary line, one aligned row per package, then (when the vulnerability scanner
// ran) the findings grouped by package, a count by severity and the suppressed findings apart; then (when the
// secret scanner ran) one row per secret, most severe first, counted the same way.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "report/report.hpp"
#include "report/vuln_support.hpp"

namespace vigil::report {
namespace {

constexpr size_t kMaxCell = 60;       // longer cells are cut with an ellipsis so rows stay readable
constexpr size_t kLineWidth = 120;    // findings rows are fitted to this many columns
constexpr size_t kMinSummary = 30;    // ...but the summary keeps at least this much
constexpr size_t kMaxFixedCell = 40;  // Debian fix lists can be long

// Cell text from scanned data: never raw control bytes (terminal escapes) or broken UTF-8.
std::string cell(std::string_view s, size_t max = kMaxCell) {
  return vuln::truncate(vuln::printable(s), max);
}

// Display width in code points, which is what fmt pads by for the text we print.
size_t width(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u; }));
}

std::string pad(const std::string& s, size_t w) {
  const size_t n = width(s);
  return n >= w ? s : s + std::string(w - n, ' ');
}

// Images: the location column also says which layer brought the package.
std::string location_cell(const model::Package& pkg) {
  return pkg.layer ? fmt::format("{} (layer {})", cell(pkg.location), pkg.layer->index) : cell(pkg.location);
}

void write_packages(const model::Inventory& inv, std::ostream& out) {
  const std::array<std::string_view, 5> headers{"ECOSYSTEM", "NAME", "VERSION", "SCOPE", "LOCATION"};
  std::vector<std::array<std::string, 5>> rows;
  rows.reserve(inv.packages.size());
  for (const auto& pkg : inv.packages) {
    rows.push_back({std::string(model::ecosystem_name(pkg.ecosystem)), cell(pkg.name), cell(pkg.version),
                    std::string(model::scope_name(pkg.scope)), location_cell(pkg)});
  }
  std::array<size_t, 5> widths{};
  for (size_t c = 0; c < widths.size(); ++c) {
    widths[c] = headers[c].size();
    for (const auto& row : rows) {
      widths[c] = std::max(widths[c], width(row[c]));
    }
  }
  out << fmt::format("{}  {}  {}  {}  {}\n", pad(std::string(headers[0]), widths[0]),
                     pad(std::string(headers[1]), widths[1]), pad(std::string(headers[2]), widths[2]),
                     pad(std::string(headers[3]), widths[3]), headers[4]);
  for (const auto& row : rows) {
    out << fmt::format("{}  {}  {}  {}  {}\n", pad(row[0], widths[0]), pad(row[1], widths[1]), pad(row[2], widths[2]),
                       pad(row[3], widths[3]), row[4]);
  }
}

// "GHSA-... (CVE-...)": GitHub and distro ids are less known than the CVE they alias.
std::string id_cell(const model::Vulnerability& v) {
  const std::string_view cve = vuln::cve_of(v);
  std::string id = cell(v.id, 40);
  if (!cve.empty() && cve != v.id) {
    id += " (" + cell(cve, 30) + ")";
  }
  return id;
}

std::string severity_cell(const model::SeverityInfo& s) {
  std::string text(model::severity_name(s.rating));
  if (vuln::has_score(s)) {
    text += fmt::format(" {:.1f}", s.score);
  }
  return text;
}

std::string package_header(const model::Vulnerability& v) {
  const auto locations = vuln::locations_of(v);
  std::string where = locations.empty() ? std::string() : ", " + cell(locations.front());
  if (locations.size() > 1) {
    where += fmt::format(" +{} more", locations.size() - 1);
  }
  return fmt::format("{} {} ({}{})", cell(v.package.name), cell(v.package.version),
                     model::ecosystem_name(v.package.ecosystem), where);
}

bool same_package(const model::Vulnerability& a, const model::Vulnerability& b) {
  return std::tie(a.package.ecosystem, a.package.name, a.package.version, a.package.location) ==
         std::tie(b.package.ecosystem, b.package.name, b.package.version, b.package.location);
}

void write_findings(const std::vector<const model::Vulnerability*>& active, std::ostream& out) {
  struct Row {
    std::string id, severity, fixed, summary;
  };
  std::vector<Row> rows;
  size_t id_w = 0;
  size_t sev_w = 0;
  size_t fixed_w = 0;
  for (const auto* v : active) {
    Row row{id_cell(*v), severity_cell(v->severity),
            v->fixed_versions.empty() ? "no fix" : cell(vuln::join(v->fixed_versions), kMaxFixedCell),
            vuln::printable(v->summary)};
    id_w = std::max(id_w, width(row.id));
    sev_w = std::max(sev_w, width(row.severity));
    fixed_w = std::max(fixed_w, width(row.fixed));
    rows.push_back(std::move(row));
  }
  const size_t used = 2 + id_w + 2 + sev_w + 2 + fixed_w + 2;
  const size_t summary_w = used + kMinSummary > kLineWidth ? kMinSummary : kLineWidth - used;
  for (size_t i = 0; i < active.size(); ++i) {
    if (i == 0 || !same_package(*active[i - 1], *active[i])) {
      out << (i == 0 ? "" : "\n") << package_header(*active[i]) << '\n';
    }
    const Row& row = rows[i];
    out << fmt::format("  {}  {}  {}  {}\n", pad(row.id, id_w), pad(row.severity, sev_w), pad(row.fixed, fixed_w),
                       vuln::truncate(row.summary, summary_w));
  }
  out << '\n';
}

void write_suppressed(const std::vector<const model::Vulnerability*>& suppressed, std::ostream& out) {
  out << "\nSuppressed:\n";
  for (const auto* v : suppressed) {
    const auto& s = *v->suppressed;
    out << fmt::format("  {}  {} {} ({})  {}: {}{}\n", id_cell(*v), cell(v->package.name), cell(v->package.version),
                       model::ecosystem_name(v->package.ecosystem), cell(s.kind, 10),
                       s.reason.empty() ? "no reason given" : cell(s.reason, 80),
                       s.file.empty() ? "" : " (" + cell(s.file) + ")");
  }
}

void write_vulnerabilities(const Report& report, std::ostream& out) {
  const std::string db = report.vuln_db.empty() ? "" : " (DB: " + cell(report.vuln_db, 200) + ")";
  if (report.vulnerabilities.empty()) {
    out << fmt::format("No known vulnerabilities in {} packages{}\n", report.inventory.packages.size(), db);
    return;
  }
  std::vector<const model::Vulnerability*> active;
  std::vector<const model::Vulnerability*> suppressed;
  for (const auto& v : report.vulnerabilities) {
    (v.suppressed ? suppressed : active).push_back(&v);
  }
  // Grouped by package in order of first appearance; inside a package the most severe first.
  std::map<std::tuple<model::Ecosystem, std::string_view, std::string_view, std::string_view>, size_t> group_of;
  for (const auto* v : active) {
    group_of.try_emplace({v->package.ecosystem, v->package.name, v->package.version, v->package.location},
                         group_of.size());
  }
  const auto group = [&](const model::Vulnerability* v) {
    return group_of.at({v->package.ecosystem, v->package.name, v->package.version, v->package.location});
  };
  std::stable_sort(active.begin(), active.end(), [&](const auto* a, const auto* b) {
    const size_t ga = group(a);
    const size_t gb = group(b);
    if (ga != gb) {
      return ga < gb;
    }
    return std::tie(a->severity.rating, a->severity.score) > std::tie(b->severity.rating, b->severity.score);
  });
  out << fmt::format("Vulnerabilities{}\n\n", db);
  if (!active.empty()) {
    write_findings(active, out);
  }
  const vuln::Counts c = vuln::count(report.vulnerabilities);
  out << fmt::format("{} vulnerabilit{} ({} critical, {} high, {} medium, {} low, {} unknown), {} suppressed\n",
                     c.total, c.total == 1 ? "y" : "ies", c.critical, c.high, c.medium, c.low, c.unknown, c.suppressed);
  if (!suppressed.empty()) {
    write_suppressed(suppressed, out);
  }
}

// Keeps the end of a path (the file name is what matters), cut at the front with "...".
std::string tail_cell(std::string_view s, size_t max) {
  std::string text = vuln::printable(s);
  const size_t n = width(text);
  if (n <= max) {
    return text;
  }
  size_t skip = n - (max - 3);  // code points to drop; printable() output is valid UTF-8
  size_t i = 0;
  while (skip > 0) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0u) == 0x80u) {
      ++i;
    }
    --skip;
  }
  return "..." + text.substr(i);
}

struct SecretRow {
  std::string severity, where, rule, redacted, extra;
};

SecretRow secret_row(const model::SecretFinding& s) {
  SecretRow row{std::string(model::severity_name(s.severity)),
                fmt::format("{}:{}:{}", tail_cell(s.path, kMaxCell), s.line, s.column), cell(s.rule, 40),
                cell(s.redacted, 40), ""};
  // `scan repo`: the commit that added it, so it can be found (and the history rewritten) if needed.
  if (!s.commit.empty()) {
    row.extra = "commit " + cell(s.commit.substr(0, 8), 8);
    if (!s.author_date.empty()) {
      row.extra += " " + cell(s.author_date.substr(0, 10), 10);
    }
    if (s.present_at_head && !*s.present_at_head) {
      row.extra += ", not in HEAD";
    }
  }
  if (s.layer) {  // images: where it is, and whether a later layer hid it (it is still in the image)
    row.extra = fmt::format("layer {}", s.layer->index);
    if (s.deleted_in_layer >= 0) {
      row.extra += fmt::format(", deleted in layer {}", s.deleted_in_layer);
    }
  }
  if (s.suppressed) {
    const auto& sup = *s.suppressed;
    row.extra += fmt::format("{}{}: {}{}", row.extra.empty() ? "" : "  ", cell(sup.kind, 10),
                             sup.reason.empty() ? "no reason given" : cell(sup.reason, 80),
                             sup.file.empty() ? "" : " (" + cell(sup.file) + ")");
  }
  return row;
}

void write_secret_rows(const std::vector<const model::SecretFinding*>& secrets, std::ostream& out) {
  std::vector<SecretRow> rows;
  size_t sev_w = 0;
  size_t where_w = 0;
  size_t rule_w = 0;
  for (const auto* s : secrets) {
    rows.push_back(secret_row(*s));
    sev_w = std::max(sev_w, width(rows.back().severity));
    where_w = std::max(where_w, width(rows.back().where));
    rule_w = std::max(rule_w, width(rows.back().rule));
  }
  for (const auto& row : rows) {
    std::string line = fmt::format("  {}  {}  {}  {}", pad(row.severity, sev_w), pad(row.where, where_w),
                                   pad(row.rule, rule_w), row.redacted);
    if (!row.extra.empty()) {
      line += "  " + row.extra;
    }
    out << line << '\n';
  }
}

void write_secrets(const std::vector<model::SecretFinding>& secrets, std::ostream& out) {
  if (secrets.empty()) {
    out << "No secrets found\n";
    return;
  }
  std::vector<const model::SecretFinding*> active;
  std::vector<const model::SecretFinding*> suppressed;
  for (const auto& s : secrets) {
    (s.suppressed ? suppressed : active).push_back(&s);
  }
  // Most severe first; the scanner's order (path, line, column) inside a severity.
  const auto by_severity = [](const auto* a, const auto* b) { return a->severity > b->severity; };
  std::stable_sort(active.begin(), active.end(), by_severity);
  std::stable_sort(suppressed.begin(), suppressed.end(), by_severity);
  out << "Secrets\n\n";
  if (!active.empty()) {
    write_secret_rows(active, out);
    out << '\n';
  }
  const vuln::Counts c = vuln::count(secrets);
  out << fmt::format("{} secret{} ({} critical, {} high, {} medium, {} low, {} unknown), {} suppressed\n", c.total,
                     c.total == 1 ? "" : "s", c.critical, c.high, c.medium, c.low, c.unknown, c.suppressed);
  if (!suppressed.empty()) {
    out << "\nSuppressed:\n";
    write_secret_rows(suppressed, out);
  }
}

void write_misconfiguration_rows(const std::vector<const model::Misconfiguration*>& found, bool with_fix,
                                 std::ostream& out) {
  for (const auto* m : found) {
    const std::string where = m->line > 0 ? fmt::format("{}:{}", cell(m->path), m->line) : cell(m->path);
    out << fmt::format("  {}  {}  {}{}\n", model::severity_name(m->severity), cell(m->check, 40), where,
                       m->layer ? fmt::format(" (layer {})", m->layer->index) : "");
    out << fmt::format("      {}\n", cell(m->message, 200));
    if (with_fix) {
      out << fmt::format("      fix: {}\n", cell(m->remediation, 200));
    }
  }
}

void write_misconfigurations(const std::vector<model::Misconfiguration>& found, std::ostream& out) {
  if (found.empty()) {
    out << "No misconfigurations found\n";
    return;
  }
  std::vector<const model::Misconfiguration*> active;
  std::vector<const model::Misconfiguration*> suppressed;
  for (const auto& m : found) {
    (m.suppressed ? suppressed : active).push_back(&m);
  }
  // Most severe first; the scanner's order (path, line) inside a severity.
  const auto by_severity = [](const auto* a, const auto* b) { return a->severity > b->severity; };
  std::stable_sort(active.begin(), active.end(), by_severity);
  out << "Misconfigurations\n\n";
  if (!active.empty()) {
    write_misconfiguration_rows(active, true, out);
    out << '\n';
  }
  const vuln::Counts c = vuln::count(found);
  out << fmt::format("{} misconfiguration{} ({} critical, {} high, {} medium, {} low), {} suppressed\n", c.total,
                     c.total == 1 ? "" : "s", c.critical, c.high, c.medium, c.low, c.suppressed);
  if (!suppressed.empty()) {
    out << "\nSuppressed:\n";
    write_misconfiguration_rows(suppressed, false, out);
  }
  out << '\n';
}

void write_image(const model::ImageSummary& image, std::ostream& out) {
  out << fmt::format("Image:  {} {} ({}, user {})\n", cell(image.manifest_digest, 80), cell(image.platform),
                     image.layers.size() == 1 ? "1 layer" : fmt::format("{} layers", image.layers.size()),
                     image.user.empty() ? "root" : cell(image.user));
  for (const auto& layer : image.layers) {
    out << fmt::format("  layer {}  {}  {}\n", layer->index, cell(layer->diff_id.substr(0, 19), 19),
                       cell(layer->created_by, 90));
  }
}

}  // namespace

void write_table(const Report& report, std::ostream& out) {
  const auto& inv = report.inventory;
  out << fmt::format("Target: {} ({})\n", cell(report.target, 200), report.target_kind);
  if (report.image) {
    write_image(*report.image, out);
  }
  if (inv.os) {
    out << fmt::format("OS:     {} {} ({})\n", cell(inv.os->family), cell(inv.os->version), cell(inv.os->name));
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
  if (!inv.packages.empty()) {
    write_packages(inv, out);
  }
  if (report.vulnerabilities_scanned) {
    out << (inv.packages.empty() ? "" : "\n");
    write_vulnerabilities(report, out);
  }
  if (report.secrets_scanned) {
    out << (inv.packages.empty() && !report.vulnerabilities_scanned ? "" : "\n");
    write_secrets(inv.secrets, out);
  }
  if (report.misconfigurations_scanned) {
    out << '\n';
    write_misconfigurations(inv.misconfigurations, out);
  }
}

}  // namespace vigil::report
