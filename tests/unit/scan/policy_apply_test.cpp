// The policy step: ignore entries (id/alias, package name or purl, version, path glob, expiry) and VEX statements
// (alias and purl matching, last statement wins, only not_affected and fixed suppress) applied to findings.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "formats/policy.hpp"
#include "scan/policy/apply.hpp"
#include "test_support.hpp"

namespace pol = vigil::formats::policy;
using testing::HasSubstr;
using vigil::Diagnostic;
using vigil::model::Ecosystem;
using vigil::model::Vulnerability;
using vigil::scan::policy::apply_policy;
using vigil::scan::policy::glob_match;
using vigil::scan::policy::PolicyInput;

namespace {

Vulnerability finding(std::string id, std::vector<std::string> aliases, Ecosystem eco, std::string name,
                      std::string version, std::string purl, std::vector<std::string> locations = {}) {
  Vulnerability v;
  v.id = std::move(id);
  v.aliases = std::move(aliases);
  v.package.ecosystem = eco;
  v.package.name = std::move(name);
  v.package.version = std::move(version);
  v.package.purl = std::move(purl);
  if (!locations.empty()) {
    v.package.location = locations.front();
  }
  v.locations = std::move(locations);
  return v;
}

Vulnerability lodash(std::string id, std::vector<std::string> aliases, std::string version = "4.17.20",
                     std::string location = "package-lock.json") {
  return finding(std::move(id), std::move(aliases), Ecosystem::Npm, "lodash", version, "pkg:npm/lodash@" + version,
                 {std::move(location)});
}

PolicyInput ignore_input(const std::string& yaml, const std::string& file = ".vigilignore.yaml") {
  std::vector<Diagnostic> diags;
  auto rules = pol::read_ignore_file(yaml, diags);
  EXPECT_TRUE(rules && diags.empty()) << (diags.empty() ? "" : diags[0].message);
  return PolicyInput{file, rules ? *rules : std::vector<pol::IgnoreRule>{}, {}};
}

PolicyInput vex_input(const std::string& data_file) {
  std::vector<Diagnostic> diags;
  auto sts = pol::read_vex_auto(vigil::test::read_data(data_file), diags);
  EXPECT_TRUE(sts);
  return PolicyInput{data_file, {}, sts ? *sts : std::vector<pol::VexStatement>{}};
}

}  // namespace

// ---- ignore entries ----

TEST(PolicyIgnore, IdMatchesIdOrAliasCaseInsensitively) {
  std::vector<Vulnerability> vulns{lodash("GHSA-35jh-r3h4-6jhm", {"CVE-2021-23337"}), lodash("cve-2021-23337", {}),
                                   lodash("GHSA-29mw-wpgm-hmr9", {"CVE-2020-28500"})};
  std::vector<Diagnostic> warnings;
  apply_policy(vulns, {ignore_input("ignore:\n  - id: CVE-2021-23337\n    reason: template unused\n")}, "2025-06-01",
               warnings);
  ASSERT_TRUE(vulns[0].suppressed);
  EXPECT_EQ(vulns[0].suppressed->kind, "ignore");
  EXPECT_EQ(vulns[0].suppressed->file, ".vigilignore.yaml");
  EXPECT_EQ(vulns[0].suppressed->reason, "template unused");
  EXPECT_TRUE(vulns[1].suppressed);
  EXPECT_FALSE(vulns[2].suppressed);
  EXPECT_TRUE(warnings.empty());
}

TEST(PolicyIgnore, ExpiryBeforeOnAndAfterTheDate) {
  const auto input = ignore_input("ignore:\n  - id: CVE-2021-23337\n    reason: r\n    expires: 2026-12-31\n");
  for (const auto& [today, suppressed] : {std::pair{"2026-12-30", true}, {"2026-12-31", true}, {"2027-01-01", false}}) {
    std::vector<Vulnerability> vulns{lodash("GHSA-35jh-r3h4-6jhm", {"CVE-2021-23337"})};
    std::vector<Diagnostic> warnings;
    apply_policy(vulns, {input}, today, warnings);
    EXPECT_EQ(vulns[0].suppressed.has_value(), suppressed) << today;
    if (suppressed) {
      EXPECT_TRUE(warnings.empty()) << today;
    } else {
      ASSERT_EQ(warnings.size(), 1U);
      EXPECT_EQ(warnings[0].file, ".vigilignore.yaml");
      EXPECT_EQ(warnings[0].line, 2);
      EXPECT_EQ(warnings[0].message, "ignore entry for CVE-2021-23337 expired on 2026-12-31; it no longer suppresses");
    }
  }
}

TEST(PolicyIgnore, ExpiredEntriesWarnOnceEvenWithoutMatches) {
  std::vector<Vulnerability> vulns{lodash("CVE-1", {}), lodash("CVE-2", {})};
  std::vector<Diagnostic> warnings;
  apply_policy(vulns,
               {ignore_input("ignore:\n  - package: lodash\n    reason: r\n    expires: 2025-01-31\n"
                             "  - path: vendor/\n    reason: r\n    expires: 2024-02-29\n")},
               "2025-06-12", warnings);
  EXPECT_FALSE(vulns[0].suppressed);
  ASSERT_EQ(warnings.size(), 2U);
  EXPECT_EQ(warnings[0].message, "ignore entry for lodash expired on 2025-01-31; it no longer suppresses");
  EXPECT_EQ(warnings[1].message, "ignore entry for vendor/ expired on 2024-02-29; it no longer suppresses");
}

TEST(PolicyIgnore, PackageByPurlWithAndWithoutVersion) {
  std::vector<Vulnerability> vulns{
      lodash("GHSA-29mw-wpgm-hmr9", {}, "4.17.20"), lodash("GHSA-29mw-wpgm-hmr9", {}, "4.17.21"),
      finding("GHSA-29mw-wpgm-hmr9", {}, Ecosystem::Npm, "lodash-es", "4.17.20", "pkg:npm/lodash-es@4.17.20")};
  std::vector<Diagnostic> warnings;
  apply_policy(vulns, {ignore_input("ignore:\n  - package: pkg:npm/lodash@4.17.20\n    reason: r\n")}, "2025-06-01",
               warnings);
  EXPECT_TRUE(vulns[0].suppressed);
  EXPECT_FALSE(vulns[1].suppressed);
  EXPECT_FALSE(vulns[2].suppressed);

  for (auto& v : vulns) {
    v.suppressed.reset();
  }
  apply_policy(vulns, {ignore_input("ignore:\n  - package: pkg:npm/lodash\n    reason: r\n")}, "2025-06-01", warnings);
  EXPECT_TRUE(vulns[0].suppressed);
  EXPECT_TRUE(vulns[1].suppressed);
  EXPECT_FALSE(vulns[2].suppressed);
}

TEST(PolicyIgnore, PackageNameAndVersionUseTheEcosystemsCaseRules) {
  std::vector<Vulnerability> vulns{
      finding("GHSA-j8r2-6x86-q33q", {"CVE-2023-32681"}, Ecosystem::PyPI, "requests", "2.25.1", ""),
      finding("GHSA-j8r2-6x86-q33q", {"CVE-2023-32681"}, Ecosystem::PyPI, "requests", "2.31.0", ""),
      finding("GHSA-jjjh-jjxp-wpff", {}, Ecosystem::Maven, "com.fasterxml.jackson.core:jackson-databind", "2.13.3", ""),
  };
  std::vector<Diagnostic> warnings;
  apply_policy(vulns,
               {ignore_input("ignore:\n  - package: Requests\n    version: 2.25.1\n    reason: r\n"
                             "  - package: com.fasterxml.jackson.core:Jackson-Databind\n    reason: r\n")},
               "2025-06-01", warnings);
  EXPECT_TRUE(vulns[0].suppressed);   // PyPI names are case-insensitive
  EXPECT_FALSE(vulns[1].suppressed);  // other version
  EXPECT_FALSE(vulns[2].suppressed);  // Maven names are not
}

TEST(PolicyIgnore, PathGlobMustMatchEveryLocation) {
  std::vector<Vulnerability> vulns{
      lodash("CVE-1", {}, "4.17.20", "test/fixtures/old-app/package-lock.json"),
      lodash("CVE-1", {}, "4.17.20", "src/package-lock.json"),
      finding("CVE-1", {}, Ecosystem::Npm, "lodash", "4.17.20", "pkg:npm/lodash@4.17.20",
              {"package-lock.json", "./test/fixtures/x/yarn.lock"}),
  };
  std::vector<Diagnostic> warnings;
  apply_policy(vulns, {ignore_input("ignore:\n  - path: \"test/fixtures/**\"\n    reason: fixtures\n")}, "2025-06-01",
               warnings);
  EXPECT_TRUE(vulns[0].suppressed);
  EXPECT_FALSE(vulns[1].suppressed);
  EXPECT_FALSE(vulns[2].suppressed);  // also pinned by the production package-lock.json
  vulns[2].locations = {"./test/fixtures/x/yarn.lock", "test/fixtures/y/package-lock.json"};
  apply_policy(vulns, {ignore_input("ignore:\n  - path: \"test/fixtures/**\"\n    reason: fixtures\n")}, "2025-06-01",
               warnings);
  EXPECT_TRUE(vulns[2].suppressed);  // every location is a fixture, one with a leading ./
}

TEST(PolicyIgnore, KeysCombineWithAnd) {
  std::vector<Vulnerability> vulns{lodash("CVE-2021-23337", {}, "4.17.20", "web/package-lock.json"),
                                   lodash("CVE-2021-23337", {}, "4.17.20", "api/package-lock.json"),
                                   lodash("CVE-2020-28500", {}, "4.17.20", "web/package-lock.json")};
  std::vector<Diagnostic> warnings;
  apply_policy(vulns,
               {ignore_input("ignore:\n  - id: CVE-2021-23337\n    path: web/*\n    package: lodash\n"
                             "    reason: web bundle never calls template\n")},
               "2025-06-01", warnings);
  EXPECT_TRUE(vulns[0].suppressed);
  EXPECT_FALSE(vulns[1].suppressed);
  EXPECT_FALSE(vulns[2].suppressed);
}

TEST(PolicyIgnore, RealFileOnFindings) {
  std::vector<Vulnerability> vulns{
      finding("DEBIAN-CVE-2023-45853", {"CVE-2023-45853"}, Ecosystem::Debian, "zlib1g", "1:1.2.13.dfsg-1",
              "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12", {"var/lib/dpkg/status"}),
      lodash("GHSA-29mw-wpgm-hmr9", {"CVE-2020-28500"}),
  };
  std::vector<Diagnostic> diags;
  const auto rules = pol::read_ignore_file(vigil::test::read_data("policy/vigilignore.yaml"), diags);
  ASSERT_TRUE(rules);
  std::vector<Diagnostic> warnings;
  apply_policy(vulns, {PolicyInput{"ci/.vigilignore.yaml", *rules, {}}}, "2025-06-12", warnings);
  ASSERT_TRUE(vulns[0].suppressed);
  EXPECT_THAT(vulns[0].suppressed->reason, HasSubstr("minizip"));
  EXPECT_FALSE(vulns[1].suppressed);  // its entry expired on 2025-01-31
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0].file, "ci/.vigilignore.yaml");
  EXPECT_EQ(warnings[0].line, 10);
}

TEST(PolicyIgnore, AlreadySuppressedFindingsAreLeftAlone) {
  std::vector<Vulnerability> vulns{lodash("CVE-1", {})};
  vulns[0].suppressed = vigil::model::Suppression{"vex", "earlier.json", "earlier"};
  std::vector<Diagnostic> warnings;
  apply_policy(vulns, {ignore_input("ignore:\n  - id: CVE-1\n    reason: r\n")}, "2025-06-01", warnings);
  EXPECT_EQ(vulns[0].suppressed->file, "earlier.json");
}

// ---- VEX ----

TEST(PolicyVex, OpenVexStatementsOnFindings) {
  std::vector<Vulnerability> vulns{
      finding("GHSA-4374-p667-p6c8", {"CVE-2023-39325"}, Ecosystem::Go, "golang.org/x/net", "v0.15.0",
              "pkg:golang/golang.org/x/net@v0.15.0"),
      finding("GHSA-jjjh-jjxp-wpff", {"CVE-2022-42003"}, Ecosystem::Maven,
              "com.fasterxml.jackson.core:jackson-databind", "2.13.3",
              "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.3"),
      finding("GHSA-jjjh-jjxp-wpff", {"CVE-2022-42003"}, Ecosystem::Maven,
              "com.fasterxml.jackson.core:jackson-databind", "2.12.0",
              "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.12.0"),
      finding("GHSA-288c-cq4h-88gq", {"CVE-2020-25649"}, Ecosystem::Maven,
              "com.fasterxml.jackson.core:jackson-databind", "2.13.3",
              "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.3"),
      finding("DEBIAN-CVE-2023-45853", {"CVE-2023-45853"}, Ecosystem::Debian, "zlib1g", "1:1.2.13.dfsg-1",
              "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=arm64&distro=debian-12"),
      finding("PYSEC-2023-74", {"CVE-2023-32681", "GHSA-j8r2-6x86-q33q"}, Ecosystem::PyPI, "requests", "2.25.1", ""),
  };
  std::vector<Diagnostic> warnings;
  apply_policy(vulns, {vex_input("policy/payments.openvex.json")}, "2025-06-12", warnings);
  EXPECT_TRUE(warnings.empty());
  ASSERT_TRUE(vulns[0].suppressed);  // matched through the alias, on the subcomponent's purl
  EXPECT_EQ(vulns[0].suppressed->kind, "vex");
  EXPECT_EQ(vulns[0].suppressed->file, "policy/payments.openvex.json");
  EXPECT_EQ(vulns[0].suppressed->reason,
            "vulnerable_code_not_in_execute_path: The service does not run an HTTP/2 server; x/net is only used by the "
            "HTTP client.");
  ASSERT_TRUE(vulns[1].suppressed);  // the later not_affected overrides the earlier under_investigation
  EXPECT_EQ(vulns[1].suppressed->reason,
            "vulnerable_code_cannot_be_controlled_by_adversary: UNWRAP_SINGLE_VALUE_ARRAYS is never enabled on our "
            "ObjectMapper.");
  EXPECT_FALSE(vulns[2].suppressed);  // the statements name 2.13.3 only
  EXPECT_FALSE(vulns[3].suppressed);  // affected
  ASSERT_TRUE(vulns[4].suppressed);   // fixed; epoch percent-encoded in the VEX, qualifiers ignored
  EXPECT_EQ(vulns[4].suppressed->reason, "fixed: Rebuilt with the Debian security patch that drops minizip.");
  ASSERT_TRUE(vulns[5].suppressed);  // no purl on the finding: built from the package; PyPI name case
  EXPECT_EQ(vulns[5].suppressed->reason, "component_not_present");
}

TEST(PolicyVex, LastMatchingStatementWins) {
  pol::VexStatement safe{"CVE-2021-23337", {}, {"pkg:npm/lodash"}, "not_affected", "vulnerable_code_not_present", ""};
  pol::VexStatement bad{"GHSA-35jh-r3h4-6jhm", {}, {"pkg:npm/lodash@4.17.20"}, "affected", "", ""};
  pol::VexStatement other{"CVE-2021-23337", {}, {"pkg:npm/lodash@4.17.19"}, "under_investigation", "", ""};
  std::vector<Vulnerability> vulns{lodash("GHSA-35jh-r3h4-6jhm", {"CVE-2021-23337"}, "4.17.20"),
                                   lodash("GHSA-35jh-r3h4-6jhm", {"CVE-2021-23337"}, "4.17.15")};
  std::vector<Diagnostic> warnings;
  apply_policy(vulns, {PolicyInput{"vex.json", {}, {safe, bad, other}}}, "2025-06-01", warnings);
  EXPECT_FALSE(vulns[0].suppressed);  // "affected" came after "not_affected"; "other" is about 4.17.19
  ASSERT_TRUE(vulns[1].suppressed);   // only the versionless statement is about 4.17.15
  EXPECT_EQ(vulns[1].suppressed->reason, "vulnerable_code_not_present");

  for (auto& v : vulns) {
    v.suppressed.reset();
  }
  apply_policy(vulns, {PolicyInput{"vex.json", {}, {bad, safe}}}, "2025-06-01", warnings);
  EXPECT_TRUE(vulns[0].suppressed);
}

TEST(PolicyVex, StatementAliasesMatchFindingIds) {
  pol::VexStatement st{"CVE-2020-28500", {"GHSA-29mw-wpgm-hmr9"}, {"pkg:npm/lodash@4.17.20"}, "not_affected", "", ""};
  std::vector<Vulnerability> vulns{lodash("GHSA-29mw-wpgm-hmr9", {}), lodash("ghsa-29MW-wpgm-hmr9", {}),
                                   lodash("GHSA-35jh-r3h4-6jhm", {})};
  std::vector<Diagnostic> warnings;
  apply_policy(vulns, {PolicyInput{"vex.json", {}, {st}}}, "2025-06-01", warnings);
  ASSERT_TRUE(vulns[0].suppressed);
  EXPECT_EQ(vulns[0].suppressed->reason, "not_affected");  // nothing else to say
  EXPECT_TRUE(vulns[1].suppressed);
  EXPECT_FALSE(vulns[2].suppressed);
}

TEST(PolicyVex, DependencyTrackProjectWideStatements) {
  std::vector<Vulnerability> vulns{
      finding("GHSA-jjjh-jjxp-wpff", {"CVE-2022-42003"}, Ecosystem::Maven,
              "com.fasterxml.jackson.core:jackson-databind", "2.12.0",
              "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.12.0"),
      finding("GHSA-288c-cq4h-88gq", {"CVE-2020-25649"}, Ecosystem::Maven,
              "com.fasterxml.jackson.core:jackson-databind", "2.12.0",
              "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.12.0"),
      lodash("GHSA-35jh-r3h4-6jhm", {"CVE-2021-23337"}),
      lodash("GHSA-29mw-wpgm-hmr9", {"CVE-2020-28500"}),
  };
  std::vector<Diagnostic> warnings;
  apply_policy(vulns, {vex_input("policy/dependency-track.vex.cdx.json")}, "2025-06-12", warnings);
  ASSERT_TRUE(vulns[0].suppressed);
  EXPECT_EQ(vulns[0].suppressed->reason,
            "code_not_reachable: UNWRAP_SINGLE_VALUE_ARRAYS is disabled in every ObjectMapper we build.");
  EXPECT_FALSE(vulns[1].suppressed);  // exploitable
  EXPECT_FALSE(vulns[2].suppressed);  // in_triage
  ASSERT_TRUE(vulns[3].suppressed);   // false_positive
  EXPECT_EQ(vulns[3].suppressed->reason,
            "The matched component is lodash-es, which the analyzer confused with lodash.");
}

TEST(PolicyVex, CycloneDxComponentsAndPurlNamespaces) {
  std::vector<Vulnerability> vulns{
      finding("GHSA-xxxx", {"CVE-2021-4231"}, Ecosystem::Npm, "@angular/core", "11.0.5",
              "pkg:npm/%40angular/core@11.0.5"),
      finding("GHSA-xxxx", {"CVE-2021-4231"}, Ecosystem::Npm, "core", "11.0.5", "pkg:npm/core@11.0.5"),
      lodash("GHSA-35jh-r3h4-6jhm", {"CVE-2021-23337"}),
  };
  std::vector<Diagnostic> warnings;
  apply_policy(vulns, {vex_input("policy/components.vex.cdx.json")}, "2025-06-12", warnings);
  ASSERT_TRUE(vulns[0].suppressed);
  EXPECT_EQ(vulns[0].suppressed->reason, "fixed: Patched in our fork (see pedigree)");
  EXPECT_FALSE(vulns[1].suppressed);  // same name, no namespace
  EXPECT_TRUE(vulns[2].suppressed);
}

TEST(PolicyVex, IgnoreEntriesComeFirstAndInputsKeepTheirOrder) {
  std::vector<Vulnerability> vulns{lodash("GHSA-35jh-r3h4-6jhm", {"CVE-2021-23337"})};
  std::vector<Diagnostic> warnings;
  const PolicyInput vex = vex_input("policy/components.vex.cdx.json");
  apply_policy(vulns, {vex, ignore_input("ignore:\n  - id: CVE-2021-23337\n    reason: ours\n")}, "2025-06-12",
               warnings);
  ASSERT_TRUE(vulns[0].suppressed);
  EXPECT_EQ(vulns[0].suppressed->kind, "ignore");
  EXPECT_EQ(vulns[0].suppressed->reason, "ours");
}

// ---- globs ----

TEST(PolicyGlob, Patterns) {
  EXPECT_TRUE(glob_match("test/**", "test/a/b/package-lock.json"));
  EXPECT_FALSE(glob_match("test/**", "test"));
  EXPECT_FALSE(glob_match("test/**", "src/test/a"));
  EXPECT_TRUE(glob_match("**/package-lock.json", "package-lock.json"));
  EXPECT_TRUE(glob_match("**/package-lock.json", "a/b/package-lock.json"));
  EXPECT_FALSE(glob_match("**/package-lock.json", "a/b/old-package-lock.json"));
  EXPECT_TRUE(glob_match("a/**/b", "a/b"));
  EXPECT_TRUE(glob_match("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(glob_match("a/**/b", "a/xb"));
  EXPECT_TRUE(glob_match("*.jar", "app.jar"));
  EXPECT_FALSE(glob_match("*.jar", "lib/app.jar"));
  EXPECT_TRUE(glob_match("lib/*.jar", "lib/app.jar"));
  EXPECT_TRUE(glob_match("app.war!/WEB-INF/lib/*", "app.war!/WEB-INF/lib/x.jar"));
  EXPECT_TRUE(glob_match("go.su?", "go.sum"));
  EXPECT_FALSE(glob_match("a?b", "a/b"));
  EXPECT_TRUE(glob_match("**", "anything/at/all"));
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_TRUE(glob_match("services/*/requirements.txt", "services/batch/requirements.txt"));
}

TEST(PolicyGlob, NoExponentialBacktracking) {
  const std::string path(4000, 'a');
  const std::string pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
  EXPECT_FALSE(glob_match(pattern, path));
  EXPECT_FALSE(glob_match("**a**a**a**a**a**a**a**a**a**a**b", path));
}
