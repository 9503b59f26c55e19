// Suppression file readers: .vigilignore.yaml, OpenVEX (vexctl output, 0.0.x legacy) and CycloneDX VEX
// (Dependency-Track export, BOM with components), plus the purl comparison they share.
#include "formats/policy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "formats/policy/purl_match.hpp"
#include "test_support.hpp"

namespace pol = vigil::formats::policy;
using testing::ElementsAre;
using testing::HasSubstr;
using vigil::Diagnostic;

namespace {

// The diagnostic whose message contains text, or nullptr.
const Diagnostic* find_diag(const std::vector<Diagnostic>& diags, std::string_view text) {
  for (const auto& d : diags) {
    if (d.message.find(text) != std::string::npos) {
      return &d;
    }
  }
  return nullptr;
}

const pol::VexStatement* find_statement(const std::vector<pol::VexStatement>& sts, std::string_view id,
                                        std::string_view status = {}) {
  for (const auto& s : sts) {
    if (s.vulnerability == id && (status.empty() || s.status == status)) {
      return &s;
    }
  }
  return nullptr;
}

}  // namespace

// ---- .vigilignore.yaml ----

TEST(IgnoreFile, RealFileEveryEntry) {
  std::vector<Diagnostic> diags;
  const auto rules = pol::read_ignore_file(vigil::test::read_data("policy/vigilignore.yaml"), diags);
  ASSERT_TRUE(rules) << rules.error().message;
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(rules->size(), 5U);
  const auto& r0 = (*rules)[0];
  EXPECT_EQ(r0.id, "CVE-2021-23337");
  EXPECT_EQ(r0.expires, "2026-12-31");
  EXPECT_EQ(r0.reason, "lodash.template is not used anywhere in the bundle (checked with depcheck and grep)");
  EXPECT_EQ(r0.line, 5);
  const auto& r1 = (*rules)[1];
  EXPECT_EQ(r1.package, "pkg:npm/lodash@4.17.20");
  EXPECT_EQ(r1.id, "GHSA-29mw-wpgm-hmr9");
  EXPECT_EQ(r1.line, 10);
  EXPECT_EQ((*rules)[2].path, "test/fixtures/**");
  EXPECT_TRUE((*rules)[2].id.empty());
  EXPECT_EQ((*rules)[3].package, "requests");
  EXPECT_EQ((*rules)[3].version, "2.25.1");
  EXPECT_EQ((*rules)[4].path, "**/var/lib/dpkg/status");
  EXPECT_EQ((*rules)[4].line, 24);
}

TEST(IgnoreFile, EveryDiagnosticWithItsLine) {
  std::vector<Diagnostic> diags;
  const auto rules = pol::read_ignore_file(vigil::test::read_data("policy/vigilignore-broken.yaml"), diags);
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 1U);  // only the last, well-formed entry survives
  EXPECT_EQ((*rules)[0].id, "CVE-2023-39325");
  EXPECT_EQ((*rules)[0].expires, "2026-03-01");
  EXPECT_EQ((*rules)[0].line, 20);

  const std::pair<std::string_view, int> expected[] = {
      {"expires \"2025-02-30\" is not a date written YYYY-MM-DD", 2},
      {"ignore entry has no reason", 5},
      {"needs at least one of id, package or path", 6},
      {"unknown key \"expire\" in ignore entry", 9},
      {"ignore entry is a scalar, expected a map", 10},
      {"\"id\" must be a single value, found a list", 11},
      {"duplicate key \"id\"", 14},
      {"version \"1.2.3\" needs a package key", 16},
      {"needs at least one of id, package or path", 16},  // the same entry has both problems
      {"package \"pkg:/nope\" is not a valid package URL", 18},
      {"unknown top-level key \"exclude\"", 23},
  };
  EXPECT_EQ(diags.size(), std::size(expected));
  for (const auto& [text, line] : expected) {
    const bool found = std::any_of(diags.begin(), diags.end(), [&](const Diagnostic& d) {
      return d.line == line && d.file.empty() && d.message.find(text) != std::string::npos;
    });
    EXPECT_TRUE(found) << text << " at line " << line;
  }
  EXPECT_THAT(find_diag(diags, "no reason")->message, HasSubstr("(entry ignored)"));
}

TEST(IgnoreFile, EmptyAndNullListsIgnoreNothing) {
  std::vector<Diagnostic> diags;
  for (const char* text : {"", "# only a comment\n", "ignore:\n", "ignore: []\n", "---\n"}) {
    const auto rules = pol::read_ignore_file(text, diags);
    ASSERT_TRUE(rules) << text;
    EXPECT_TRUE(rules->empty()) << text;
  }
  EXPECT_TRUE(diags.empty());
}

TEST(IgnoreFile, WrongShapesAreDiagnosedOrFail) {
  std::vector<Diagnostic> diags;
  auto rules = pol::read_ignore_file("ignore: CVE-2023-1234\n", diags);
  ASSERT_TRUE(rules);
  EXPECT_TRUE(rules->empty());
  ASSERT_EQ(diags.size(), 1U);
  EXPECT_THAT(diags[0].message, HasSubstr("ignore: is a scalar, expected a list"));

  diags.clear();
  rules = pol::read_ignore_file("vulnerabilities:\n  - id: CVE-2023-1234\n", diags);
  ASSERT_TRUE(rules);
  ASSERT_EQ(diags.size(), 2U);  // unknown key, and no ignore: list
  EXPECT_NE(find_diag(diags, "no ignore: list"), nullptr);

  const auto seq = pol::read_ignore_file("- id: CVE-2023-1234\n  reason: x\n", diags);
  ASSERT_FALSE(seq);
  EXPECT_THAT(seq.error().message, HasSubstr("expected a map with an ignore: list"));

  const auto broken = pol::read_ignore_file("ignore:\n  - id: [CVE-1\n", diags);
  ASSERT_FALSE(broken);
  EXPECT_THAT(broken.error().message, HasSubstr("invalid YAML at line"));
}

TEST(IgnoreFile, EmptyValuesLongValuesAndDeepNesting) {
  std::vector<Diagnostic> diags;
  auto rules = pol::read_ignore_file("ignore:\n  - id:\n    reason: \"  \"\n", diags);
  ASSERT_TRUE(rules);
  EXPECT_TRUE(rules->empty());
  EXPECT_NE(find_diag(diags, "\"id\" is empty"), nullptr);
  EXPECT_NE(find_diag(diags, "\"reason\" is empty"), nullptr);

  diags.clear();
  rules = pol::read_ignore_file("ignore:\n  - path: \"" + std::string(5000, 'a') + "\"\n    reason: r\n", diags);
  ASSERT_TRUE(rules);
  EXPECT_TRUE(rules->empty());
  EXPECT_NE(find_diag(diags, "\"path\" is longer than 4096 bytes"), nullptr);

  const std::string deep = "ignore:\n  - id: " + std::string(40, '[') + std::string(40, ']') + "\n";
  const auto nested = pol::read_ignore_file(deep, diags);
  ASSERT_FALSE(nested);
  EXPECT_THAT(nested.error().message, HasSubstr("nested deeper than"));
}

TEST(IgnoreFile, QuotedValuesAndCrLf) {
  std::vector<Diagnostic> diags;
  const auto rules = pol::read_ignore_file(
      "ignore:\r\n  - id: 'GHSA-4374-p667-p6c8'\r\n    reason: \"client only\"\r\n    expires: \"2027-02-28\"\r\n",
      diags);
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 1U);
  EXPECT_EQ((*rules)[0].id, "GHSA-4374-p667-p6c8");
  EXPECT_EQ((*rules)[0].reason, "client only");
  EXPECT_EQ((*rules)[0].expires, "2027-02-28");
  EXPECT_TRUE(diags.empty());
}

TEST(IgnoreFile, FuzzWrapperReportsWarnings) {
  const auto parsed =
      pol::parse_ignore_file(".vigilignore.yaml", vigil::test::read_data("policy/vigilignore-broken.yaml"));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->packages.empty());
  EXPECT_EQ(parsed->warnings.size(), 11U);
  EXPECT_FALSE(pol::parse_ignore_file(".vigilignore.yaml", "{"));
}

TEST(IgnoreFile, DatesAreCalendarDates) {
  EXPECT_TRUE(pol::is_valid_date("2024-02-29"));
  EXPECT_TRUE(pol::is_valid_date("2000-02-29"));
  EXPECT_TRUE(pol::is_valid_date("2026-12-31"));
  EXPECT_FALSE(pol::is_valid_date("2023-02-29"));
  EXPECT_FALSE(pol::is_valid_date("1900-02-29"));
  EXPECT_FALSE(pol::is_valid_date("2026-04-31"));
  EXPECT_FALSE(pol::is_valid_date("2026-13-01"));
  EXPECT_FALSE(pol::is_valid_date("2026-00-10"));
  EXPECT_FALSE(pol::is_valid_date("2026-1-01"));
  EXPECT_FALSE(pol::is_valid_date("2026-01-01T00:00:00Z"));
  EXPECT_FALSE(pol::is_valid_date("26-01-2026"));
  EXPECT_FALSE(pol::is_valid_date(""));
}

// ---- OpenVEX ----

TEST(OpenVex, VexctlDocument) {
  std::vector<Diagnostic> diags;
  const auto sts = pol::read_openvex(vigil::test::read_data("policy/payments.openvex.json"), diags);
  ASSERT_TRUE(sts) << sts.error().message;
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(sts->size(), 6U);

  const auto& net = (*sts)[0];
  EXPECT_EQ(net.vulnerability, "CVE-2023-39325");
  EXPECT_THAT(net.aliases, ElementsAre("GHSA-4374-p667-p6c8"));
  // The image is the product; the Go module inside it is what the statement is about.
  EXPECT_THAT(net.products, ElementsAre("pkg:golang/golang.org/x/net@v0.15.0"));
  EXPECT_EQ(net.status, "not_affected");
  EXPECT_EQ(net.justification, "vulnerable_code_not_in_execute_path");
  EXPECT_EQ(net.impact, "The service does not run an HTTP/2 server; x/net is only used by the HTTP client.");

  const auto* triage = find_statement(*sts, "CVE-2022-42003", "under_investigation");
  ASSERT_NE(triage, nullptr);
  EXPECT_THAT(triage->products, ElementsAre("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.3"));
  EXPECT_NE(find_statement(*sts, "CVE-2022-42003", "not_affected"), nullptr);

  const auto* affected = find_statement(*sts, "CVE-2020-25649");
  ASSERT_NE(affected, nullptr);
  EXPECT_EQ(affected->status, "affected");
  EXPECT_THAT(affected->aliases, ElementsAre("GHSA-288c-cq4h-88gq"));

  const auto* fixed = find_statement(*sts, "CVE-2023-45853");
  ASSERT_NE(fixed, nullptr);
  EXPECT_EQ(fixed->status, "fixed");
  EXPECT_EQ(fixed->impact, "Rebuilt with the Debian security patch that drops minizip.");  // status_notes
  EXPECT_EQ(fixed->products[0], "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12");
}

TEST(OpenVex, LegacyStringForm) {
  std::vector<Diagnostic> diags;
  const auto sts = pol::read_openvex(vigil::test::read_data("policy/legacy-v0.0.1.openvex.json"), diags);
  ASSERT_TRUE(sts);
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(sts->size(), 2U);
  EXPECT_EQ((*sts)[0].vulnerability, "CVE-2023-1255");
  EXPECT_THAT((*sts)[0].products, ElementsAre("pkg:apk/wolfi/openssl@3.0.8-r0", "pkg:apk/wolfi/libcrypto3@3.0.8-r0"));
  EXPECT_THAT((*sts)[1].products, ElementsAre("pkg:apk/wolfi/openssl@3.0.8-r0"));
  EXPECT_EQ((*sts)[1].status, "fixed");
}

TEST(OpenVex, BadStatementsAreDroppedWithADiagnostic) {
  const std::string doc = R"({
    "@context": "https://example.com/not-vex",
    "statements": [
      42,
      {"products": [{"@id": "pkg:npm/a@1"}], "status": "fixed"},
      {"vulnerability": {"name": "CVE-2024-1"}, "products": [{"@id": "pkg:npm/a@1"}], "status": "wontfix"},
      {"vulnerability": {"name": "CVE-2024-2"}, "products": [{"@id": "pkg:npm/a@1"}], "status": "not_affected"},
      {"vulnerability": {"name": "CVE-2024-3"}, "products": [{"@id": "https://example.com/app"}], "status": "fixed"},
      {"vulnerability": {"name": "CVE-2024-4"}, "status": "fixed"},
      {"vulnerability": {"@id": "CVE-2024-5"}, "products": [{"@id": "pkg:npm/a@1"}], "status": "not_affected",
       "justification": "we_checked"}
    ]})";
  std::vector<Diagnostic> diags;
  const auto sts = pol::read_openvex(doc, diags);
  ASSERT_TRUE(sts);
  ASSERT_EQ(sts->size(), 1U);
  EXPECT_EQ((*sts)[0].vulnerability, "CVE-2024-5");  // @id stands in for a missing name
  EXPECT_EQ((*sts)[0].justification, "we_checked");
  EXPECT_NE(find_diag(diags, "@context is not an OpenVEX one"), nullptr);
  EXPECT_NE(find_diag(diags, "statements[0] is a JSON number, expected an object"), nullptr);
  EXPECT_NE(find_diag(diags, "statements[1] has no vulnerability name"), nullptr);
  EXPECT_NE(find_diag(diags, "statements[2] (CVE-2024-1) has status \"wontfix\""), nullptr);
  EXPECT_NE(find_diag(diags, "statements[3] (CVE-2024-2) is not_affected without a justification"), nullptr);
  EXPECT_NE(find_diag(diags, "statements[4] (CVE-2024-3) names no product with a package URL"), nullptr);
  EXPECT_NE(find_diag(diags, "statements[5] (CVE-2024-4) names no product"), nullptr);
  EXPECT_NE(find_diag(diags, "statements[6] (CVE-2024-5) has an unknown justification \"we_checked\""), nullptr);
  EXPECT_EQ(diags.size(), 8U);
}

TEST(OpenVex, MalformedDocumentsFail) {
  std::vector<Diagnostic> diags;
  EXPECT_THAT(pol::read_openvex("{\"statements\": [", diags).error().message, HasSubstr("invalid JSON"));
  EXPECT_THAT(pol::read_openvex("[1, 2]", diags).error().message, HasSubstr("is a JSON array, expected an object"));
  EXPECT_THAT(pol::read_openvex(R"({"@context": "https://openvex.dev/ns/v0.2.0"})", diags).error().message,
              HasSubstr("no statements list"));
  EXPECT_THAT(
      pol::read_openvex(R"({"@context": "https://openvex.dev/ns/v0.2.0", "statements": {}})", diags).error().message,
      HasSubstr("no statements list"));
  const auto truncated = vigil::test::read_data("policy/payments.openvex.json").substr(0, 900);
  EXPECT_FALSE(pol::parse_openvex("vex.json", truncated));
}

// ---- CycloneDX VEX ----

TEST(CycloneDxVex, DependencyTrackExport) {
  std::vector<Diagnostic> diags;
  const auto sts = pol::read_cyclonedx_vex(vigil::test::read_data("policy/dependency-track.vex.cdx.json"), diags);
  ASSERT_TRUE(sts) << sts.error().message;
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(sts->size(), 4U);
  const auto& jackson = (*sts)[0];
  EXPECT_EQ(jackson.vulnerability, "CVE-2022-42003");
  EXPECT_THAT(jackson.aliases, ElementsAre("GHSA-jjjh-jjxp-wpff"));
  EXPECT_EQ(jackson.status, "not_affected");
  EXPECT_EQ(jackson.justification, "code_not_reachable");
  EXPECT_EQ(jackson.impact, "UNWRAP_SINGLE_VALUE_ARRAYS is disabled in every ObjectMapper we build.");
  // The affects ref is the project itself (metadata.component): the statement covers every package.
  EXPECT_THAT(jackson.products, ElementsAre("*"));
  EXPECT_EQ((*sts)[1].status, "affected");             // exploitable
  EXPECT_EQ((*sts)[2].status, "under_investigation");  // in_triage
  EXPECT_EQ((*sts)[3].status, "not_affected");         // false_positive
  EXPECT_EQ((*sts)[3].vulnerability, "CVE-2020-28500");
  EXPECT_THAT((*sts)[3].aliases, ElementsAre("GHSA-29mw-wpgm-hmr9"));
}

TEST(CycloneDxVex, RefsResolveThroughComponents) {
  std::vector<Diagnostic> diags;
  const auto sts = pol::read_cyclonedx_vex(vigil::test::read_data("policy/components.vex.cdx.json"), diags);
  ASSERT_TRUE(sts) << sts.error().message;
  ASSERT_EQ(sts->size(), 3U);
  EXPECT_EQ((*sts)[0].vulnerability, "CVE-2021-23337");
  EXPECT_THAT((*sts)[0].products, ElementsAre("pkg:npm/lodash@4.17.20"));
  EXPECT_THAT((*sts)[0].aliases, ElementsAre("GHSA-35jh-r3h4-6jhm"));
  EXPECT_EQ((*sts)[0].impact, "_.template is never called");
  // BOM-Link to a component.
  EXPECT_EQ((*sts)[1].vulnerability, "CVE-2021-4231");
  EXPECT_EQ((*sts)[1].status, "fixed");
  EXPECT_THAT((*sts)[1].products, ElementsAre("pkg:npm/%40angular/core@11.0.5"));
  EXPECT_THAT((*sts)[2].products, ElementsAre("pkg:npm/tslib@2.0.3"));

  EXPECT_NE(find_diag(diags, "vulnerabilities[2] (GHSA-0000-tslib-test) affects ref \"no-purl-component\""), nullptr);
  EXPECT_NE(find_diag(diags, "affects ref \"missing-ref\" is neither a purl"), nullptr);
  EXPECT_NE(find_diag(diags, "vulnerabilities[3] (CVE-2024-0001) has analysis.state \"wontfix\""), nullptr);
  EXPECT_NE(find_diag(diags, "vulnerabilities[4] has no id"), nullptr);
  EXPECT_NE(find_diag(diags, "vulnerabilities[6] (CVE-2022-37601) has no affects ref that names a package"), nullptr);
  EXPECT_EQ(find_diag(diags, "CVE-2020-28500"), nullptr);  // no analysis: not a statement, not a problem
  EXPECT_EQ(diags.size(), 6U);
}

TEST(CycloneDxVex, MalformedDocuments) {
  std::vector<Diagnostic> diags;
  EXPECT_THAT(pol::read_cyclonedx_vex(R"({"bomFormat": "CycloneDX", "components": []})", diags).error().message,
              HasSubstr("no vulnerabilities list"));
  EXPECT_THAT(pol::read_cyclonedx_vex("\"CycloneDX\"", diags).error().message, HasSubstr("expected an object"));
  EXPECT_FALSE(pol::read_cyclonedx_vex("{\"vulnerabilities\": [{\"id\": \"CVE-1\",", diags));

  diags.clear();
  const auto sts = pol::read_cyclonedx_vex(
      R"({"bomFormat": "SPDX", "vulnerabilities": [{"id": "CVE-1", "analysis": {"state": 5},
          "affects": [{"ref": "pkg:npm/a@1"}]}, "x"]})",
      diags);
  ASSERT_TRUE(sts);
  EXPECT_TRUE(sts->empty());
  EXPECT_NE(find_diag(diags, "bomFormat is \"SPDX\""), nullptr);
  EXPECT_NE(find_diag(diags, "has analysis.state \"\""), nullptr);
  EXPECT_NE(find_diag(diags, "vulnerabilities[1] is a JSON string"), nullptr);
}

TEST(CycloneDxVex, DeeplyNestedComponentsAreBounded) {
  std::string doc = R"({"bomFormat": "CycloneDX", "components": )";
  for (int i = 0; i < 500; ++i) {
    doc += R"([{"bom-ref": "c)" + std::to_string(i) + R"(", "purl": "pkg:npm/c)" + std::to_string(i) +
           R"(@1", "components": )";
  }
  doc += "[]";
  for (int i = 0; i < 500; ++i) {
    doc += "}]";
  }
  doc += R"(, "vulnerabilities": [{"id": "CVE-1", "analysis": {"state": "not_affected"},
            "affects": [{"ref": "c3"}, {"ref": "c400"}]}]})";
  std::vector<Diagnostic> diags;
  const auto sts = pol::read_cyclonedx_vex(doc, diags);
  ASSERT_TRUE(sts) << sts.error().message;
  ASSERT_EQ(sts->size(), 1U);
  EXPECT_THAT((*sts)[0].products, ElementsAre("pkg:npm/c3@1"));  // c400 is deeper than components are read
  EXPECT_NE(find_diag(diags, "affects ref \"c400\""), nullptr);
}

// ---- sniffing ----

TEST(VexAuto, PicksTheFormat) {
  std::vector<Diagnostic> diags;
  const auto openvex = pol::read_vex_auto(vigil::test::read_data("policy/payments.openvex.json"), diags);
  ASSERT_TRUE(openvex);
  EXPECT_EQ(openvex->size(), 6U);
  const auto cdx = pol::read_vex_auto(vigil::test::read_data("policy/dependency-track.vex.cdx.json"), diags);
  ASSERT_TRUE(cdx);
  EXPECT_EQ(cdx->size(), 4U);
  EXPECT_TRUE(diags.empty());
  EXPECT_THAT(pol::read_vex_auto(R"({"spdxVersion": "SPDX-2.3"})", diags).error().message,
              HasSubstr("not a VEX document"));
  EXPECT_FALSE(pol::read_vex_auto("not json", diags));
}

// ---- purl comparison ----

TEST(PurlMatch, ParsesAndNormalises) {
  const auto p = pol::parse_purl("pkg:npm/%40angular/core@11.0.5?foo=bar#sub/path");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, "npm");
  EXPECT_EQ(p->ns, "@angular");
  EXPECT_EQ(p->name, "core");
  EXPECT_EQ(p->version, "11.0.5");

  const auto unencoded = pol::parse_purl("pkg:npm/@angular/core");
  ASSERT_TRUE(unencoded);
  EXPECT_EQ(unencoded->ns, "@angular");
  EXPECT_EQ(unencoded->version, "");

  const auto py = pol::parse_purl("PKG:PyPI/Django_Rest.Framework@3.14.0");
  ASSERT_TRUE(py);
  EXPECT_EQ(py->type, "pypi");
  EXPECT_EQ(py->name, "django-rest-framework");

  const auto deb = pol::parse_purl("pkg:deb/Debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64");
  ASSERT_TRUE(deb);
  EXPECT_EQ(deb->ns, "debian");
  EXPECT_EQ(deb->version, "1:1.2.13.dfsg-1");

  const auto go = pol::parse_purl("pkg:golang/github.com/BurntSushi/toml@v1.3.2");
  ASSERT_TRUE(go);
  EXPECT_EQ(go->ns, "github.com/BurntSushi");  // Go module paths are case-sensitive

  for (const char* bad : {"", "npm/lodash", "pkg:", "pkg:npm", "pkg:npm/", "pkg:/lodash", "pkg:npm//@1"}) {
    EXPECT_FALSE(pol::parse_purl(bad)) << bad;
  }
}

TEST(PurlMatch, TypeNamespaceNameAndOptionalVersion) {
  const auto pkg = *pol::parse_purl("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.3?type=jar");
  EXPECT_TRUE(pol::purl_matches(*pol::parse_purl("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.3"), pkg));
  EXPECT_TRUE(pol::purl_matches(*pol::parse_purl("pkg:maven/com.fasterxml.jackson.core/jackson-databind"), pkg));
  EXPECT_FALSE(
      pol::purl_matches(*pol::parse_purl("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.4"), pkg));
  EXPECT_FALSE(pol::purl_matches(*pol::parse_purl("pkg:maven/com.fasterxml.jackson.core/Jackson-Databind"), pkg));
  EXPECT_FALSE(pol::purl_matches(*pol::parse_purl("pkg:maven/jackson-databind@2.13.3"), pkg));
  EXPECT_FALSE(pol::purl_matches(*pol::parse_purl("pkg:gradle/com.fasterxml.jackson.core/jackson-databind"), pkg));
  // Case-insensitive types.
  EXPECT_TRUE(
      pol::purl_matches(*pol::parse_purl("pkg:pypi/Requests@2.25.1"), *pol::parse_purl("pkg:pypi/requests@2.25.1")));
  EXPECT_TRUE(pol::purl_matches(*pol::parse_purl("pkg:nuget/Newtonsoft.Json@13.0.1"),
                                *pol::parse_purl("pkg:nuget/newtonsoft.json@13.0.1")));
}
