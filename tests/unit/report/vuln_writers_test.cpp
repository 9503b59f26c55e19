// Vulnerability findings in the JSON and table reports (SARIF and CycloneDX: vuln_sarif_cyclonedx_test.cpp). The
// documents of the sample reports are also kept under tests/data/reports/ (checked here to match the writers byte
// for byte), where tests/e2e/test_sarif_schema.py validates them against the official schemas.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "report/report.hpp"
#include "report/vuln_support.hpp"
#include "test_support.hpp"
#include "unit/report/secret_samples.hpp"
#include "unit/report/vuln_samples.hpp"

namespace vigil::report {
namespace {

using namespace vuln_samples;  // NOLINT(google-build-using-namespace): test fixtures

// ---------------------------------------------------------------------------------------------------- JSON

TEST(JsonVulnerabilities, AbsentWhenNotScanned) {
  const json doc = run(write_json, inventory_report());
  EXPECT_FALSE(doc.contains("vulnerabilities"));
  EXPECT_FALSE(doc.contains("vuln_db"));
  EXPECT_EQ(doc["packages"].size(), 9U);
}

TEST(JsonVulnerabilities, EmptyListWhenScannedAndNothingFound) {
  const std::string text = render(write_json, empty_scan_report());
  const json doc = json::parse(text);
  EXPECT_EQ(doc["vulnerabilities"], json::array());
  EXPECT_EQ(doc["vuln_db"], "/var/cache/vigil/vuln.db");
  EXPECT_NE(text.find("  \"vulnerabilities\": [],\n  \"warnings\""), std::string::npos) << text;
}

TEST(JsonVulnerabilities, FindingShapeAndOrder) {
  const std::string text = render(write_json, sample_report());
  const nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys;
  for (const auto& [key, value] : doc.items()) {
    keys.push_back(key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"schema_version", "tool", "created", "target", "os", "vuln_db", "packages",
                                            "vulnerabilities", "warnings"}));
  const json vulns = json::parse(text)["vulnerabilities"];
  ASSERT_EQ(vulns.size(), 8U);
  // Sorted by ecosystem, package, version, id: Debian first (bsdutils), PyPI last.
  EXPECT_EQ(vulns.front()["id"], "DEBIAN-CVE-2022-0563");
  EXPECT_EQ(vulns.back()["id"], "GHSA-qg2p-9jwr-mmqf");

  const json& injection = *find_by(vulns, "id", "GHSA-35jh-r3h4-6jhm");
  EXPECT_EQ(injection["aliases"], json::array({"CVE-2021-23337"}));
  EXPECT_EQ(injection["summary"], "Command Injection in lodash");
  EXPECT_EQ(
      injection["package"],
      json({{"name", "lodash"}, {"version", "4.17.15"}, {"ecosystem", "npm"}, {"purl", "pkg:npm/lodash@4.17.15"}}));
  EXPECT_EQ(injection["osv_ecosystem"], "npm");
  EXPECT_EQ(injection["severity"], json({{"rating", "HIGH"},
                                         {"score", 7.2},
                                         {"vector", "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"},
                                         {"source", "CVSS_V3"}}));
  EXPECT_EQ(injection["fixed_versions"], json::array({"4.17.21"}));
  EXPECT_EQ(injection["locations"], json::array({"app/package-lock.json", "web/package-lock.json"}));
  EXPECT_EQ(injection["modified"], "2024-02-05T20:47:58Z");
  EXPECT_FALSE(injection.contains("suppressed"));
  EXPECT_NE(text.find("\"score\": 7.2,"), std::string::npos);  // not 7.2000000000000002

  // A rating from the database: no score, no vector.
  const auto& util_linux = *find_by(vulns, "id", "DEBIAN-CVE-2022-0563");
  EXPECT_EQ(util_linux["severity"], json({{"rating", "LOW"}, {"source", "database"}}));
  EXPECT_EQ(util_linux["fixed_versions"], json::array());

  const auto& redos = *find_by(vulns, "id", "GHSA-29mw-wpgm-hmr9");
  EXPECT_EQ(redos["suppressed"],
            json({{"kind", "ignore"}, {"file", ".vigilignore"}, {"reason", "we never call _.trim on user input"}}));
}

TEST(JsonVulnerabilities, HostileTextIsEscapedAndStillValidJson) {
  const std::string text = render(write_json, hostile_report());
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\x01'), std::string::npos);
  EXPECT_EQ(text.find('\0'), std::string::npos);
  const json doc = json::parse(text);  // throws on invalid UTF-8 or a raw control byte
  const auto& v = *find_by(doc["vulnerabilities"], "id", "GHSA-evil-\"id\"");
  const std::string summary = v["summary"];
  EXPECT_EQ(summary.rfind("evil \"quoted\" \\ back\nslash\r\t\x01\x1b[31mRED", 0), 0U) << summary;
  EXPECT_NE(summary.find(std::string("\0nul", 4)), std::string::npos);
  EXPECT_NE(summary.find("\xEF\xBF\xBD"), std::string::npos);  // invalid bytes became U+FFFD
  EXPECT_EQ(v["aliases"][1], "x\ny");
  EXPECT_EQ(doc["vuln_db"], "db\n\x1b[2Jvuln.db");
  EXPECT_EQ(v["severity"], json({{"rating", "MEDIUM"}, {"source", "database"}}));
  const auto& second = *find_by(doc["vulnerabilities"], "id", "GHSA-2nd");
  EXPECT_EQ(second["severity"], json({{"rating", "UNKNOWN"}}));
}

// --------------------------------------------------------------------------------------------------- table

TEST(TableVulnerabilities, GroupedByPackageWithCountsAndSuppressedApart) {
  const std::string text = render(write_table, sample_report());
  const size_t vulns_at = text.find("Vulnerabilities (DB: /var/cache/vigil/vuln.db)\n");
  ASSERT_NE(vulns_at, std::string::npos) << text;
  EXPECT_LT(text.find("ECOSYSTEM  NAME"), vulns_at);  // after the package table

  // One header per package, then its findings (the most severe first) with the CVE beside other ids.
  const std::regex lodash_group(
      "\nlodash 4\\.17\\.15 \\(npm, app/package-lock\\.json \\+1 more\\)\n"
      "  GHSA-p6mc-m468-83gw \\(CVE-2020-8203\\) +HIGH 7\\.4 +4\\.17\\.19 +Prototype Pollution in lodash\n"
      "  GHSA-35jh-r3h4-6jhm \\(CVE-2021-23337\\) +HIGH 7\\.2 +4\\.17\\.21 +Command Injection in lodash\n\n");
  EXPECT_TRUE(std::regex_search(text, lodash_group)) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex("\nzlib1g 1:1\\.2\\.13\\.dfsg-1 \\(Debian, var/lib/dpkg/status\\)\n"
                                                 "  DEBIAN-CVE-2023-45853 \\(CVE-2023-45853\\) +CRITICAL 9\\.8 +no fix "
                                                 "+MiniZip in zlib")))
      << text;
  EXPECT_TRUE(
      std::regex_search(text, std::regex("\n  DSA-5514-1 \\(CVE-2023-4911\\) +HIGH 7\\.8 +2\\.36-9\\+deb12u3 ")));
  EXPECT_TRUE(std::regex_search(text, std::regex("\n  DEBIAN-CVE-2022-0563 \\(CVE-2022-0563\\) +LOW +no fix ")));
  EXPECT_TRUE(
      std::regex_search(text, std::regex("\n  GHSA-qg2p-9jwr-mmqf \\(CVE-2024-38875\\) +HIGH 7\\.5 +4\\.2\\.14, "
                                         "5\\.0\\.7 +Django vulnerable")));
  EXPECT_EQ(count_of(text, "\nlodash 4.17.15 ("), 1U);

  const size_t summary_at =
      text.find("\n6 vulnerabilities (1 critical, 4 high, 0 medium, 1 low, 0 unknown), 2 suppressed\n");
  ASSERT_NE(summary_at, std::string::npos) << text;
  const size_t suppressed_at = text.find("\nSuppressed:\n", summary_at);
  ASSERT_NE(suppressed_at, std::string::npos);
  const std::string active = text.substr(vulns_at, summary_at - vulns_at);
  const std::string suppressed = text.substr(suppressed_at);
  EXPECT_EQ(active.find("GHSA-29mw-wpgm-hmr9"), std::string::npos);
  EXPECT_EQ(active.find("DEBIAN-CVE-2023-31484"), std::string::npos);
  EXPECT_NE(suppressed.find("  GHSA-29mw-wpgm-hmr9 (CVE-2020-28500)  lodash 4.17.15 (npm)  ignore: we never call "
                            "_.trim on user input (.vigilignore)\n"),
            std::string::npos)
      << suppressed;
  EXPECT_NE(suppressed.find("  DEBIAN-CVE-2023-31484 (CVE-2023-31484)  perl-base 5.36.0-7+deb12u1 (Debian)  vex: "
                            "vulnerable_code_not_in_execute_path (vex/app.openvex.json)\n"),
            std::string::npos)
      << suppressed;
}

TEST(TableVulnerabilities, RowsFitTheWidthAndSummariesAreCut) {
  const std::string text = render(write_table, sample_report());
  std::istringstream lines(text.substr(text.find("Vulnerabilities (DB:")));
  for (std::string line; std::getline(lines, line);) {
    if (line == "Suppressed:") {
      break;  // those rows carry the whole reason
    }
    if (line.rfind("  ", 0) == 0) {
      EXPECT_LE(line.size(), 120U) << line;
    }
  }
  EXPECT_NE(text.find("MiniZip in zlib through 1.3 has an"), std::string::npos);
  EXPECT_EQ(text.find("extra field."), std::string::npos);  // cut
  EXPECT_TRUE(std::regex_search(text, std::regex("MiniZip in zlib[^\n]*\\.\\.\\.\n")));
}

TEST(TableVulnerabilities, NoneFound) {
  const std::string text = render(write_table, empty_scan_report());
  EXPECT_NE(text.find("\nNo known vulnerabilities in 9 packages (DB: /var/cache/vigil/vuln.db)\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("Vulnerabilities"), std::string::npos);
}

TEST(TableVulnerabilities, NothingWhenNotScanned) {
  const std::string text = render(write_table, inventory_report());
  EXPECT_EQ(text.find("ulnerabilit"), std::string::npos) << text;
}

TEST(TableVulnerabilities, AllSuppressed) {
  Report r = sample_report();
  std::erase_if(r.vulnerabilities, [](const Vulnerability& v) { return !v.suppressed; });
  const std::string text = render(write_table, r);
  EXPECT_NE(text.find("0 vulnerabilities (0 critical, 0 high, 0 medium, 0 low, 0 unknown), 2 suppressed\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nSuppressed:\n"), std::string::npos);
}

TEST(TableVulnerabilities, HostileTextCannotReachTheTerminal) {
  const std::string text = render(write_table, hostile_report());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 || c == '\n') << "control byte " << static_cast<int>(u) << " in\n" << text;
    EXPECT_NE(u, 0x7F);
  }
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);  // C1 CSI
  // Every finding stays one line: the embedded newlines did not split rows.
  EXPECT_EQ(count_of(text, "\n  GHSA-2nd  "), 1U);
  EXPECT_NE(text.find("(DB: db  [2Jvuln.db)"), std::string::npos) << text;
  EXPECT_NE(text.find("1 vulnerability (0 critical, 0 high, 0 medium, 0 low, 1 unknown), 1 suppressed"),
            std::string::npos);
}

// ------------------------------------------------------------------------------------------ sample documents

// The documents under tests/data/reports/ must be what the writers produce now: run this test with
// VIGIL_UPDATE_REPORT_SAMPLES=1 to rewrite them after a deliberate change (the e2e schema test reads them).
std::string normalized(std::string text) {
  // CycloneDX serial numbers are random by design.
  static const std::regex kSerial("urn:uuid:[0-9a-f-]{36}");
  return std::regex_replace(text, kSerial, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79");
}

TEST(ReportSamples, CheckedInDocumentsMatchTheWriters) {
  const bool update = std::getenv("VIGIL_UPDATE_REPORT_SAMPLES") != nullptr;
  const std::map<std::string, Report> reports{{"sample", sample_report()},
                                              {"hostile", hostile_report()},
                                              {"empty", empty_scan_report()},
                                              {"secrets", secret_samples::secrets_report()}};
  for (const auto& [name, report] : reports) {
    using WriterFn = void (*)(const Report&, std::ostream&);
    const std::vector<std::pair<std::string, WriterFn>> writers{
        {".sarif", write_sarif}, {".cdx.json", write_cyclonedx}, {".vigil.json", write_json}};
    for (const auto& [suffix, writer] : writers) {
      const std::string rel = "reports/" + name + suffix;
      const std::string text = normalized(render(writer, report));
      if (update) {
        std::ofstream(test::data_path(rel), std::ios::binary) << text;
        continue;
      }
      std::string expected;
      ASSERT_NO_THROW(expected = test::read_data(rel)) << rel;
      EXPECT_EQ(text, expected) << rel << " is out of date: rerun with VIGIL_UPDATE_REPORT_SAMPLES=1";
    }
  }
}

}  // namespace
}  // namespace vigil::report
