// `vigil scan --incidents`: every unsuppressed finding becomes one incidents event of the documented shape, the
// subject names what was scanned, and hostile advisory text still yields valid JSON.
#include "report/incident_events.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "unit/report/secret_samples.hpp"
#include "unit/report/vuln_samples.hpp"

namespace vigil::report {
namespace {

using nlohmann::json;

std::vector<json> parsed(const Report& report) {
  std::vector<json> out;
  for (const auto& text : incident_events(report, "build-7")) out.push_back(json::parse(text));
  return out;
}

const json* by_rule(const std::vector<json>& events, std::string_view rule) {
  for (const auto& e : events) {
    if (e["rule"] == rule) return &e;
  }
  return nullptr;
}

TEST(IncidentEvents, VulnerabilitiesAndSecretsButNotSuppressedOnes) {
  const Report report = secret_samples::secrets_report();
  const auto events = parsed(report);
  // 8 vulnerabilities (2 suppressed) and 10 secrets (2 suppressed).
  size_t vulns = 0;
  size_t secrets = 0;
  for (const auto& e : events) {
    EXPECT_EQ(e["source"], "vigil-scan");
    EXPECT_EQ(e["time"], report.created);
    for (const char* key : {"rule", "severity", "subject", "title"}) {
      ASSERT_TRUE(e[key].is_string()) << key;
      EXPECT_FALSE(e[key].get<std::string>().empty()) << key;
    }
    const auto kind = e["labels"]["kind"].get<std::string>();
    vulns += kind == "vulnerability" ? 1 : 0;
    secrets += kind == "secret" ? 1 : 0;
  }
  EXPECT_EQ(vulns, 6U);
  EXPECT_EQ(secrets, 7U);
  EXPECT_EQ(by_rule(events, "DEBIAN-CVE-2023-31484"), nullptr) << "suppressed by VEX";
  EXPECT_EQ(by_rule(events, "GHSA-29mw-wpgm-hmr9"), nullptr) << "suppressed by the ignore file";
  EXPECT_EQ(by_rule(events, "stripe-test-key"), nullptr);

  const json* zlib = by_rule(events, "DEBIAN-CVE-2023-45853");
  ASSERT_NE(zlib, nullptr);
  EXPECT_EQ((*zlib)["severity"], "critical");
  EXPECT_EQ((*zlib)["labels"]["package"], "zlib1g");
  EXPECT_EQ((*zlib)["details"]["aliases"], json::array({"CVE-2023-45853"}));
  const json* glibc = by_rule(events, "DSA-5514-1");
  ASSERT_NE(glibc, nullptr);
  EXPECT_NE((*glibc)["title"].get<std::string>().find("(fixed in 2.36-9+deb12u3)"), std::string::npos);
  const json* low = by_rule(events, "DEBIAN-CVE-2022-0563");
  ASSERT_NE(low, nullptr);
  EXPECT_EQ((*low)["severity"], "low");

  const json* key = by_rule(events, "aws-access-key-id");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ((*key)["severity"], "critical");
  EXPECT_EQ((*key)["labels"]["path"], "deploy/terraform.tfvars");
  EXPECT_EQ((*key)["details"]["redacted"], "AKIA*****");
  EXPECT_EQ((*key)["fingerprint"].get<std::string>().rfind("secret:", 0), 0U);
  // The same token twice in one file: one fingerprint, so one incident.
  std::set<std::string> pat_fingerprints;
  for (const auto& e : events) {
    if (e["rule"] == "github-pat") pat_fingerprints.insert(e["fingerprint"].get<std::string>());
  }
  EXPECT_EQ(pat_fingerprints.size(), 1U);
}

TEST(IncidentEvents, SubjectNamesWhatWasScanned) {
  Report report = vuln_samples::sample_report();
  report.target = "/srv/app";
  report.target_kind = "fs";
  EXPECT_EQ(scan_subject(report, "build-7"), "build-7:/srv/app");
  report.target_kind = "sbom";
  report.target = "bom.json";
  EXPECT_EQ(scan_subject(report, "build-7"), "bom.json");
  report.image = model::ImageSummary{};
  report.image->manifest_digest = "sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1";
  EXPECT_EQ(scan_subject(report, "build-7"),
            "image@sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1");
  for (const auto& e : parsed(report)) EXPECT_EQ(e["subject"], scan_subject(report, "build-7"));
}

TEST(IncidentEvents, HostileAdvisoryTextStaysValidJson) {
  const auto events = parsed(vuln_samples::hostile_report());
  ASSERT_EQ(events.size(), 1U) << "the other one is suppressed";
  EXPECT_EQ(events[0]["severity"], "low") << "no rating -> low";
  EXPECT_NE(events[0]["details"]["summary"].get<std::string>().find("evil"), std::string::npos);
}

}  // namespace
}  // namespace vigil::report
