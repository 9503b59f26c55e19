// Vulnerability findings as SARIF 2.1.0 (rules, results, fingerprints, suppressions) and as CycloneDX 1.5
// vulnerabilities, plus the text and URI helpers they share.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "report/report.hpp"
#include "report/vuln_support.hpp"
#include "unit/report/vuln_samples.hpp"

namespace vigil::report {
namespace {

using namespace vuln_samples;  // NOLINT(google-build-using-namespace): test fixtures

// --------------------------------------------------------------------------------------------------- SARIF

TEST(SarifWriter, ToolRulesAndLevels) {
  const std::string text = render(write_sarif, sample_report());
  const json log = json::parse(text);
  EXPECT_EQ(log["version"], "2.1.0");
  EXPECT_EQ(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
  ASSERT_EQ(log["runs"].size(), 1U);
  const json& driver = log["runs"][0]["tool"]["driver"];
  EXPECT_EQ(driver["name"], "vigil");
  EXPECT_EQ(driver["version"], "0.1.0");
  EXPECT_EQ(driver["informationUri"], "https://github.com/vigil-sec/vigil");
  const json& rules = driver["rules"];
  ASSERT_EQ(rules.size(), 8U);  // one per advisory id
  std::set<std::string> ids;
  for (const auto& rule : rules) {
    EXPECT_TRUE(ids.insert(rule["id"].get<std::string>()).second);
    EXPECT_EQ(rule["properties"]["tags"], json::array({"security", "vulnerability"}));
    EXPECT_EQ(rule["helpUri"], "https://osv.dev/vulnerability/" + rule["id"].get<std::string>());
  }
  const json& zlib = *find_by(rules, "id", "DEBIAN-CVE-2023-45853");
  EXPECT_EQ(zlib["defaultConfiguration"]["level"], "error");
  EXPECT_EQ(zlib["properties"]["security-severity"], "9.8");
  EXPECT_EQ(zlib["shortDescription"]["text"].get<std::string>().substr(0, 28), "MiniZip in zlib through 1.3 ");
  EXPECT_LE(zlib["shortDescription"]["text"].get<std::string>().size(), 120U);
  EXPECT_NE(zlib["fullDescription"]["text"].get<std::string>().find("extra field. (aliases: CVE-2023-45853)"),
            std::string::npos);
  const json& redos = *find_by(rules, "id", "GHSA-29mw-wpgm-hmr9");
  EXPECT_EQ(redos["defaultConfiguration"]["level"], "warning");
  EXPECT_EQ(redos["properties"]["security-severity"], "5.3");
  // Severity from the database (no CVSS score): mapped into the band GitHub uses.
  const json& util_linux = *find_by(rules, "id", "DEBIAN-CVE-2022-0563");
  EXPECT_EQ(util_linux["defaultConfiguration"]["level"], "note");
  EXPECT_EQ(util_linux["properties"]["security-severity"], "2.0");

  const json& django = *find_by(rules, "id", "GHSA-qg2p-9jwr-mmqf");
  const std::string help_text = django["help"]["text"];
  EXPECT_NE(help_text.find("Package: Django (PyPI), installed: 4.2.11, fixed in: 4.2.14, 5.0.7"), std::string::npos)
      << help_text;
  const std::string markdown = django["help"]["markdown"];
  EXPECT_NE(markdown.find("| Django | PyPI | 4.2.11 | 4.2.14, 5.0.7 |"), std::string::npos) << markdown;
  const std::string zlib_markdown = zlib["help"]["markdown"];
  EXPECT_NE(zlib_markdown.find("zipOpenNewFileInZip4\\_64"), std::string::npos) << zlib_markdown;  // not emphasis
}

TEST(SarifWriter, MappedSecuritySeverityAndLevels) {
  EXPECT_EQ(vuln::security_severity({Severity::Critical, -1, "", "database"}), "9.5");
  EXPECT_EQ(vuln::security_severity({Severity::High, -1, "", "database"}), "8.0");
  EXPECT_EQ(vuln::security_severity({Severity::Medium, -1, "", "database"}), "5.5");
  EXPECT_EQ(vuln::security_severity({Severity::Low, -1, "", "database"}), "2.0");
  EXPECT_EQ(vuln::security_severity({Severity::Unknown, -1, "", ""}), "");
  EXPECT_EQ(vuln::security_severity({Severity::High, 7.25, "", "CVSS_V3"}), "7.2");  // one decimal, as CVSS has
}

TEST(SarifWriter, OneResultPerFindingAndLocation) {
  const json log = run(write_sarif, sample_report());
  const json& results = log["runs"][0]["results"];
  ASSERT_EQ(results.size(), 11U);  // 8 findings, 3 of them (the lodash ones) at two lockfiles
  const json& rules = log["runs"][0]["tool"]["driver"]["rules"];
  std::set<std::string> fingerprints;
  for (const auto& result : results) {
    EXPECT_EQ(rules[result["ruleIndex"].get<size_t>()]["id"], result["ruleId"]);
    EXPECT_EQ(result["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
    EXPECT_TRUE(fingerprints.insert(result["partialFingerprints"]["vigilFinding/v1"].get<std::string>()).second);
  }
  const auto injection = all_by(results, "ruleId", "GHSA-35jh-r3h4-6jhm");
  ASSERT_EQ(injection.size(), 2U);
  EXPECT_EQ((*injection[0])["level"], "error");
  EXPECT_EQ((*injection[0])["message"]["text"], "lodash 4.17.15 is affected by GHSA-35jh-r3h4-6jhm; fixed in 4.17.21");
  EXPECT_EQ((*injection[0])["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "app/package-lock.json");
  EXPECT_EQ((*injection[1])["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "web/package-lock.json");
  EXPECT_EQ((*injection[0])["properties"]["purl"], "pkg:npm/lodash@4.17.15");
  EXPECT_FALSE(injection[0]->contains("suppressions"));

  const json& zlib = *find_by(results, "ruleId", "DEBIAN-CVE-2023-45853");
  EXPECT_EQ(zlib["message"]["text"], "zlib1g 1:1.2.13.dfsg-1 is affected by DEBIAN-CVE-2023-45853; no fix available");
  // rootfs: the package database is the location.
  EXPECT_EQ(zlib["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "var/lib/dpkg/status");

  const auto redos = all_by(results, "ruleId", "GHSA-29mw-wpgm-hmr9");
  ASSERT_EQ(redos.size(), 2U);
  EXPECT_EQ(
      (*redos[0])["suppressions"],
      json::parse(R"J([{"kind": "external", "justification": "we never call _.trim on user input (.vigilignore)"}])J"));
  const json& vex = *find_by(results, "ruleId", "DEBIAN-CVE-2023-31484");
  EXPECT_EQ(vex["suppressions"][0]["justification"], "vulnerable_code_not_in_execute_path (vex/app.openvex.json)");
}

TEST(SarifWriter, FingerprintsAreStableAndDependOnTheFinding) {
  const json a = run(write_sarif, sample_report());
  const json b = run(write_sarif, sample_report());
  EXPECT_EQ(a, b);
  const std::string fp = a["runs"][0]["results"][0]["partialFingerprints"]["vigilFinding/v1"];
  EXPECT_TRUE(std::regex_match(fp, std::regex("[0-9a-f]{64}"))) << fp;
  EXPECT_EQ(vuln::fingerprint({"a", "b"}), vuln::fingerprint({"a", "b"}));
  EXPECT_NE(vuln::fingerprint({"a", "b"}), vuln::fingerprint({"ab", ""}));  // parts are separated
  // sha256("") is the well-known value.
  EXPECT_EQ(vuln::fingerprint({""}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SarifWriter, EmptyScanIsAValidLogWithNoResults) {
  const json log = run(write_sarif, empty_scan_report());
  EXPECT_EQ(log["runs"][0]["results"], json::array());
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["rules"], json::array());
}

TEST(SarifWriter, HostileValuesStayValid) {
  const std::string text = render(write_sarif, hostile_report());
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  const json log = json::parse(text);
  const json& results = log["runs"][0]["results"];
  ASSERT_EQ(results.size(), 3U);
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "app%20dir/%C3%BC%3Ax.war!/WEB-INF/lib/a%20b.jar");
  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "app/%25zz.json");
  const json& rules = log["runs"][0]["tool"]["driver"]["rules"];
  const std::string short_text = find_by(rules, "id", "GHSA-2nd")->at("shortDescription").at("text");
  EXPECT_EQ(short_text.find('\n'), std::string::npos);
  EXPECT_FALSE(find_by(rules, "id", "GHSA-2nd")->at("properties").contains("security-severity"));
  EXPECT_EQ(find_by(rules, "id", "GHSA-2nd")->at("defaultConfiguration").at("level"), "note");
}

TEST(VulnSupport, UriAndTextHelpers) {
  EXPECT_EQ(vuln::path_to_uri("usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA"),
            "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA");
  EXPECT_EQ(vuln::path_to_uri("a#b?c[d]"), "a%23b%3Fc%5Bd%5D");
  EXPECT_EQ(vuln::osv_url("GHSA-35jh-r3h4-6jhm"), "https://osv.dev/vulnerability/GHSA-35jh-r3h4-6jhm");
  EXPECT_EQ(vuln::osv_url("a/b c"), "https://osv.dev/vulnerability/a%2Fb%20c");
  EXPECT_EQ(vuln::printable("a\tb\x1b[0m\xff"), "a b [0m\xEF\xBF\xBD");
  EXPECT_EQ(vuln::printable("\xe2\x82\xac \xed\xa0\x80"),
            "\xe2\x82\xac \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(vuln::truncate("abcdef", 6), "abcdef");
  EXPECT_EQ(vuln::truncate("abcdefg", 6), "abc...");
  EXPECT_EQ(vuln::truncate("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4), "\xc3\xa9...");  // never splits a character
}

// ----------------------------------------------------------------------------------------------- CycloneDX

TEST(CycloneDxVulnerabilities, AbsentWhenNotScanned) {
  EXPECT_FALSE(run(write_cyclonedx, inventory_report()).contains("vulnerabilities"));
  EXPECT_EQ(run(write_cyclonedx, empty_scan_report())["vulnerabilities"], json::array());
}

TEST(CycloneDxVulnerabilities, FindingFields) {
  const json bom = run(write_cyclonedx, sample_report());
  const json& vulns = bom["vulnerabilities"];
  ASSERT_EQ(vulns.size(), 8U);
  const json& injection = *find_by(vulns, "id", "GHSA-35jh-r3h4-6jhm");
  EXPECT_EQ(injection["source"], json({{"name", "OSV"}, {"url", "https://osv.dev/vulnerability/GHSA-35jh-r3h4-6jhm"}}));
  EXPECT_EQ(injection["references"], json::parse(R"([{"id": "CVE-2021-23337", "source": {"name": "OSV",
                            "url": "https://osv.dev/vulnerability/CVE-2021-23337"}}])"));
  EXPECT_EQ(injection["ratings"], json::parse(R"([{"score": 7.2, "severity": "high", "method": "CVSSv31",
                                                   "vector": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}])"));
  EXPECT_EQ(injection["description"], "Command Injection in lodash");
  EXPECT_EQ(injection["recommendation"], "Upgrade lodash to 4.17.21");
  EXPECT_EQ(injection["updated"], "2024-02-05T20:47:58Z");
  EXPECT_FALSE(injection.contains("analysis"));
  // Both lockfiles' lodash components are affected, by their own bom-refs.
  EXPECT_EQ(injection["affects"], json::parse(R"([{"ref": "pkg:npm/lodash@4.17.15#1"},
                                                  {"ref": "pkg:npm/lodash@4.17.15#2"}])"));

  EXPECT_EQ(find_by(vulns, "id", "GHSA-qg2p-9jwr-mmqf")->at("recommendation"),
            "Upgrade Django to one of 4.2.14, 5.0.7");
  const json& zlib = *find_by(vulns, "id", "DEBIAN-CVE-2023-45853");
  EXPECT_FALSE(zlib.contains("recommendation"));  // no fix
  EXPECT_EQ(zlib["ratings"][0]["severity"], "critical");
  const json& util_linux = *find_by(vulns, "id", "DEBIAN-CVE-2022-0563");
  EXPECT_EQ(util_linux["ratings"], json::parse(R"([{"severity": "low", "method": "other"}])"));

  std::set<std::string> refs;
  for (const auto& c : bom["components"]) {
    refs.insert(c["bom-ref"].get<std::string>());
  }
  for (const auto& v : vulns) {
    for (const auto& a : v["affects"]) {
      EXPECT_TRUE(refs.count(a["ref"].get<std::string>())) << a;
    }
  }
}

TEST(CycloneDxVulnerabilities, SuppressionsAsAnalysis) {
  const json vulns = run(write_cyclonedx, sample_report())["vulnerabilities"];
  // Ignore file: not affected, no justification, the reason as detail.
  EXPECT_EQ(find_by(vulns, "id", "GHSA-29mw-wpgm-hmr9")->at("analysis"),
            json({{"state", "not_affected"}, {"detail", "we never call _.trim on user input"}}));
  // VEX: OpenVEX's justification in CycloneDX's words.
  EXPECT_EQ(find_by(vulns, "id", "DEBIAN-CVE-2023-31484")->at("analysis"),
            json({{"state", "not_affected"},
                  {"justification", "code_not_reachable"},
                  {"detail", "vulnerable_code_not_in_execute_path"}}));
}

TEST(CycloneDxVulnerabilities, ScoreMethods) {
  Report r = empty_scan_report();
  add(r, "express", {"GHSA-v4", {}, "", {Severity::Medium, 6.9, "CVSS:4.0/AV:N/AC:L/AT:N", "CVSS_V4"}, {}, "npm"});
  add(r, "express", {"GHSA-v30", {}, "", {Severity::High, 7.5, "CVSS:3.0/AV:N/AC:L", "CVSS_V3"}, {}, "npm"});
  add(r, "express", {"GHSA-none", {}, "", {Severity::Unknown, -1, "", ""}, {}, "npm"});
  r.vulnerabilities.back().modified = "not a date";
  const json vulns = run(write_cyclonedx, r)["vulnerabilities"];
  EXPECT_EQ(find_by(vulns, "id", "GHSA-v4")->at("ratings")[0]["method"], "CVSSv4");
  EXPECT_EQ(find_by(vulns, "id", "GHSA-v30")->at("ratings")[0]["method"], "CVSSv3");
  EXPECT_FALSE(find_by(vulns, "id", "GHSA-none")->contains("ratings"));
  EXPECT_FALSE(find_by(vulns, "id", "GHSA-none")->contains("updated"));
  EXPECT_EQ(find_by(vulns, "id", "GHSA-none")->at("affects")[0]["ref"], "pkg:npm/express@4.19.2");
}

TEST(CycloneDxVulnerabilities, HostileValuesStayValid) {
  const json bom = run(write_cyclonedx, hostile_report());
  const json& v = *find_by(bom["vulnerabilities"], "id", "GHSA-evil-\"id\"");
  EXPECT_EQ(v["source"]["url"], "https://osv.dev/vulnerability/GHSA-evil-%22id%22");
  EXPECT_EQ(v["analysis"]["state"], "not_affected");
}

}  // namespace
}  // namespace vigil::report
