// Hand-built reports with vulnerability findings shared by the report writer tests: a realistic one, one with
// hostile advisory text, an empty scan and an inventory-only report.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "model/purl.hpp"
#include "report/report.hpp"
#include "test_support.hpp"

namespace vigil::report::vuln_samples {

using model::Ecosystem;
using model::Severity;
using model::Vulnerability;
using nlohmann::json;

inline model::Package pkg(Ecosystem eco, std::string name, std::string version, std::string location) {
  model::Package p;
  p.ecosystem = eco;
  p.name = std::move(name);
  p.version = std::move(version);
  p.location = std::move(location);
  return p;
}

inline model::Package deb(std::string name, std::string version, std::string source) {
  model::Package p = pkg(Ecosystem::Debian, std::move(name), version, "var/lib/dpkg/status");
  p.arch = "amd64";
  p.source_name = std::move(source);
  p.source_version = std::move(version);
  return p;
}

struct VulnSpec {
  std::string id;
  std::vector<std::string> aliases;
  std::string summary;
  model::SeverityInfo severity;
  std::vector<std::string> fixed;
  std::string osv_ecosystem;
  std::vector<std::string> locations;  // empty: the package's own
};

// A finding on the first inventoried package of that name (purl as the engine filled it).
inline void add(Report& r, std::string_view package, VulnSpec spec, std::optional<model::Suppression> suppressed = {}) {
  const auto* p = test::find(r.inventory.packages, package);
  ASSERT_NE(p, nullptr) << package;
  Vulnerability v;
  v.id = std::move(spec.id);
  v.aliases = std::move(spec.aliases);
  v.summary = std::move(spec.summary);
  v.modified = "2024-02-05T20:47:58Z";
  v.package = *p;
  v.osv_ecosystem = std::move(spec.osv_ecosystem);
  v.severity = std::move(spec.severity);
  v.fixed_versions = std::move(spec.fixed);
  v.locations = spec.locations.empty() ? std::vector<std::string>{p->location} : std::move(spec.locations);
  v.suppressed = std::move(suppressed);
  r.vulnerabilities.push_back(std::move(v));
}

inline model::SeverityInfo cvss3(Severity rating, double score, std::string vector) {
  return {rating, score, "CVSS:3.1/" + vector, "CVSS_V3"};
}

inline Report inventory_report() {
  Report r;
  r.target = "/srv/app";
  r.target_kind = "rootfs";
  r.tool_version = "0.1.0";
  r.created = "2024-05-01T12:00:00Z";
  r.inventory.os = model::OsInfo{"debian", "12", "Debian GNU/Linux 12 (bookworm)", "etc/os-release"};
  auto& p = r.inventory.packages;
  p.push_back(deb("libc6", "2.36-9+deb12u1", "glibc"));
  p.push_back(deb("zlib1g", "1:1.2.13.dfsg-1", "zlib"));
  p.push_back(deb("bsdutils", "1:2.38.1-5+deb12u1", "util-linux"));
  p.push_back(deb("perl-base", "5.36.0-7+deb12u1", "perl"));
  for (const char* lockfile : {"app/package-lock.json", "web/package-lock.json"}) {
    auto lodash = pkg(Ecosystem::Npm, "lodash", "4.17.15", lockfile);
    lodash.scope = model::Scope::Prod;
    p.push_back(lodash);
  }
  p.push_back(pkg(Ecosystem::Npm, "express", "4.19.2", "app/package-lock.json"));
  p.push_back(pkg(Ecosystem::PyPI, "Django", "4.2.11", "tools/poetry.lock"));
  p.push_back(pkg(Ecosystem::Maven, "org.apache.commons:commons-lang3", "3.14.0", "svc/pom.xml"));
  model::sort_packages(p);
  model::assign_purls(r.inventory);
  return r;
}

// A Debian 12 image with an npm app and a Python tool: findings of every severity, one package at two
// locations, one finding suppressed by the ignore file and one by a VEX statement.
inline Report sample_report() {
  Report r = inventory_report();
  r.vulnerabilities_scanned = true;
  r.vuln_db = "/var/cache/vigil/vuln.db";
  add(r, "libc6",
      {"DSA-5514-1",
       {"CVE-2023-4911"},
       "glibc - security update",
       cvss3(Severity::High, 7.8, "AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"),
       {"2.36-9+deb12u3"},
       "Debian:12"});
  add(r, "zlib1g",
      {"DEBIAN-CVE-2023-45853",
       {"CVE-2023-45853"},
       "MiniZip in zlib through 1.3 has an integer overflow and resultant heap-based buffer overflow in "
       "zipOpenNewFileInZip4_64 via a long filename, comment, or extra field.",
       cvss3(Severity::Critical, 9.8, "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
       {},
       "Debian:12"});
  add(r, "bsdutils",
      {"DEBIAN-CVE-2022-0563",
       {"CVE-2022-0563"},
       "A flaw was found in the util-linux chfn and chsh utilities when compiled with Readline support.",
       {Severity::Low, -1, "", "database"},
       {},
       "Debian:12"});
  add(r, "perl-base",
      {"DEBIAN-CVE-2023-31484",
       {"CVE-2023-31484"},
       "CPAN.pm before 2.35 does not verify TLS certificates when downloading distributions over HTTPS.",
       cvss3(Severity::High, 8.1, "AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"),
       {},
       "Debian:12"},
      model::Suppression{"vex", "vex/app.openvex.json", "vulnerable_code_not_in_execute_path"});
  const std::vector<std::string> both{"app/package-lock.json", "web/package-lock.json"};
  add(r, "lodash",
      {"GHSA-35jh-r3h4-6jhm",
       {"CVE-2021-23337"},
       "Command Injection in lodash",
       cvss3(Severity::High, 7.2, "AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"),
       {"4.17.21"},
       "npm",
       both});
  add(r, "lodash",
      {"GHSA-p6mc-m468-83gw",
       {"CVE-2020-8203"},
       "Prototype Pollution in lodash",
       cvss3(Severity::High, 7.4, "AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H"),
       {"4.17.19"},
       "npm",
       both});
  add(r, "lodash",
      {"GHSA-29mw-wpgm-hmr9",
       {"CVE-2020-28500"},
       "Regular Expression Denial of Service (ReDoS) in lodash",
       cvss3(Severity::Medium, 5.3, "AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"),
       {"4.17.21"},
       "npm",
       both},
      model::Suppression{"ignore", ".vigilignore", "we never call _.trim on user input"});
  add(r, "Django",
      {"GHSA-qg2p-9jwr-mmqf",
       {"CVE-2024-38875"},
       "Django vulnerable to denial-of-service attack in django.utils.html.urlize()",
       cvss3(Severity::High, 7.5, "AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"),
       {"4.2.14", "5.0.7"},
       "PyPI"});
  model::sort_vulnerabilities(r.vulnerabilities);
  return r;
}

// Text from a hostile advisory database: quotes, backslashes, newlines, terminal escapes, NUL, invalid UTF-8.
inline const std::string kHostile = std::string("evil \"quoted\" \\ back\nslash\r\t\x01\x1b[31mRED\x1b[0m ") + '\0' +
                                    "nul \xff\xfe bad \xc3 cut \xe2\x82 end \xc2\x9b csi";

inline Report hostile_report() {
  Report r = inventory_report();
  r.vulnerabilities_scanned = true;
  r.vuln_db = "db\n\x1b[2Jvuln.db";
  add(r, "express",
      {"GHSA-evil-\"id\"",
       {"CVE-2024-0001", "x\ny"},
       kHostile,
       {Severity::Medium, -1, "", "database"},
       {"5.0.0\n\x1b]0;title\x07"},
       "npm",
       {"app dir/ü:x.war!/WEB-INF/lib/a b.jar", "app/%zz.json"}},
      model::Suppression{"ignore", ".vigilignore\n", kHostile});
  add(r, "express", {"GHSA-2nd", {}, kHostile + kHostile + kHostile, {Severity::Unknown, -1, "", ""}, {}, "npm"});
  return r;
}

inline Report empty_scan_report() {
  Report r = inventory_report();
  r.vulnerabilities_scanned = true;
  r.vuln_db = "/var/cache/vigil/vuln.db";
  return r;
}

inline std::string render(void (*writer)(const Report&, std::ostream&), const Report& report) {
  std::ostringstream out;
  writer(report, out);
  return out.str();
}

inline json run(void (*writer)(const Report&, std::ostream&), const Report& report) {
  return json::parse(render(writer, report));
}

inline const json* find_by(const json& array, std::string_view key, std::string_view value) {
  for (const auto& item : array) {
    if (item.contains(key) && item[std::string(key)] == value) {
      return &item;
    }
  }
  return nullptr;
}

inline std::vector<const json*> all_by(const json& array, std::string_view key, std::string_view value) {
  std::vector<const json*> out;
  for (const auto& item : array) {
    if (item.contains(key) && item[std::string(key)] == value) {
      out.push_back(&item);
    }
  }
  return out;
}

inline size_t count_of(const std::string& text, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

}  // namespace vigil::report::vuln_samples
