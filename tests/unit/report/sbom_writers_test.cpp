// CycloneDX 1.5 and SPDX 2.3 writers: document structure, identifiers, purls, licenses and relationships.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "model/purl.hpp"
#include "report/report.hpp"
#include "report/sbom_license_ids.hpp"
#include "report/sbom_support.hpp"

namespace vigil::report {
namespace {

using model::Ecosystem;
using model::Relation;
using model::Scope;
using nlohmann::json;

model::Package pkg(Ecosystem eco, std::string name, std::string version, std::string location,
                   std::string license = "") {
  model::Package p;
  p.ecosystem = eco;
  p.name = std::move(name);
  p.version = std::move(version);
  p.location = std::move(location);
  p.license = std::move(license);
  return p;
}

model::Package deb(std::string name, std::string version, std::string source, std::string source_version) {
  model::Package p = pkg(Ecosystem::Debian, std::move(name), std::move(version), "var/lib/dpkg/status");
  p.arch = "amd64";
  p.source_name = std::move(source);
  p.source_version = std::move(source_version);
  return p;
}

// A Debian 12 image with a Node app, a Java service, a Python tool, a Go module and a Rust crate.
Report sample_report() {
  Report r;
  r.target = "/srv/app";
  r.target_kind = "rootfs";
  r.tool_version = "0.1.0";
  r.created = "2024-05-01T12:00:00.123Z";
  r.inventory.os = model::OsInfo{"debian", "12", "Debian GNU/Linux 12 (bookworm)", "etc/os-release"};
  auto& p = r.inventory.packages;
  p.push_back(deb("libc6", "2.36-9+deb12u4", "glibc", "2.36-9+deb12u4"));
  p.push_back(deb("bsdutils", "1:2.38.1-5+deb12u1", "util-linux", "2.38.1-5+deb12u1"));
  p.push_back(deb("perl-base", "5.36.0-7+deb12u1", "perl", "5.36.0-7+deb12u1"));
  auto babel = pkg(Ecosystem::Npm, "@babel/core", "7.24.0", "app/package-lock.json", "MIT");
  babel.scope = Scope::Dev;
  babel.relation = Relation::Direct;
  p.push_back(babel);
  auto lodash = pkg(Ecosystem::Npm, "lodash", "4.17.21", "app/package-lock.json", "MIT");
  lodash.scope = Scope::Prod;
  lodash.relation = Relation::Transitive;
  p.push_back(lodash);
  lodash.location = "web/package-lock.json";
  p.push_back(lodash);
  p.push_back(pkg(Ecosystem::Maven, "org.apache.commons:commons-lang3", "3.14.0", "svc/pom.xml", "Apache-2.0"));
  p.push_back(pkg(Ecosystem::Maven, "com.fasterxml.jackson.core:jackson-databind", "2.16.1", "svc/pom.xml",
                  "The Apache Software License, Version 2.0"));
  p.push_back(pkg(Ecosystem::PyPI, "Django", "4.2.11", "tools/poetry.lock", "BSD-3-Clause"));
  p.push_back(
      pkg(Ecosystem::PyPI, "python-dateutil", "2.9.0.post0", "tools/poetry.lock", "(Apache-2.0 OR BSD-3-Clause)"));
  p.push_back(pkg(Ecosystem::Go, "github.com/stretchr/testify", "v1.9.0", "cmd/go.mod"));
  p.push_back(pkg(Ecosystem::CratesIo, "serde", "1.0.197", "rs/Cargo.lock", "MIT OR Apache-2.0"));
  model::sort_packages(p);
  model::assign_purls(r.inventory);
  return r;
}

json run(void (*writer)(const Report&, std::ostream&), const Report& report, std::string* text = nullptr) {
  std::ostringstream out;
  writer(report, out);
  if (text != nullptr) {
    *text = out.str();
  }
  return json::parse(out.str());
}

const json* find_by(const json& array, std::string_view key, std::string_view value) {
  for (const auto& item : array) {
    if (item.contains(key) && item[std::string(key)] == value) {
      return &item;
    }
  }
  return nullptr;
}

std::string property(const json& component, std::string_view name) {
  for (const auto& prop : component.value("properties", json::array())) {
    if (prop["name"] == name) {
      return prop["value"].get<std::string>();
    }
  }
  return "";
}

TEST(CycloneDxWriter, DocumentHeaderAndMetadata) {
  std::string text;
  const json bom = run(write_cyclonedx, sample_report(), &text);
  EXPECT_EQ(bom["bomFormat"], "CycloneDX");
  EXPECT_EQ(bom["specVersion"], "1.5");
  EXPECT_EQ(bom["version"], 1);
  EXPECT_TRUE(
      std::regex_match(bom["serialNumber"].get<std::string>(),
                       std::regex("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_EQ(bom["metadata"]["timestamp"], "2024-05-01T12:00:00Z");
  const json& tool = bom["metadata"]["tools"]["components"][0];
  EXPECT_EQ(tool["type"], "application");
  EXPECT_EQ(tool["name"], "vigil");
  EXPECT_EQ(tool["version"], "0.1.0");
  EXPECT_EQ(bom["metadata"]["component"]["type"], "file");
  EXPECT_EQ(bom["metadata"]["component"]["name"], "/srv/app");
  EXPECT_EQ(text.substr(0, 4), "{\n  ");  // pretty-printed, 2-space indent
  EXPECT_EQ(text.back(), '\n');
}

TEST(CycloneDxWriter, ComponentsPurlsAndUniqueRefs) {
  const Report report = sample_report();
  const json bom = run(write_cyclonedx, report);
  const json& components = bom["components"];
  ASSERT_EQ(components.size(), report.inventory.packages.size() + 1);
  EXPECT_EQ(components[0]["type"], "operating-system");
  EXPECT_EQ(components[0]["name"], "debian");
  EXPECT_EQ(components[0]["version"], "12");

  std::set<std::string> refs;
  for (const auto& c : components) {
    EXPECT_TRUE(refs.insert(c["bom-ref"].get<std::string>()).second) << c["bom-ref"];
  }
  for (size_t i = 1; i < components.size(); ++i) {
    EXPECT_EQ(components[i]["type"], "library");
    EXPECT_EQ(components[i]["purl"], report.inventory.packages[i - 1].purl);
  }
  // The same lodash in two lockfiles: one purl, two distinct bom-refs.
  EXPECT_TRUE(refs.count("pkg:npm/lodash@4.17.21#1"));
  EXPECT_TRUE(refs.count("pkg:npm/lodash@4.17.21#2"));
  EXPECT_TRUE(refs.count("pkg:cargo/serde@1.0.197"));

  // dpkg with an epoch: the epoch stays in the version, and the purl carries arch, distro and upstream.
  const json* bsdutils = find_by(components, "name", "bsdutils");
  ASSERT_NE(bsdutils, nullptr);
  EXPECT_EQ((*bsdutils)["version"], "1:2.38.1-5+deb12u1");
  EXPECT_EQ((*bsdutils)["purl"],
            "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=util-linux");
  EXPECT_EQ(property(*bsdutils, "vigil:source_name"), "util-linux");
  EXPECT_EQ(property(*bsdutils, "vigil:arch"), "amd64");
  EXPECT_EQ(property(*bsdutils, "vigil:location"), "var/lib/dpkg/status");
}

TEST(CycloneDxWriter, GroupsScopesAndLicenses) {
  const json bom = run(write_cyclonedx, sample_report());
  const json& components = bom["components"];

  const json* lang3 = find_by(components, "name", "commons-lang3");
  ASSERT_NE(lang3, nullptr);
  EXPECT_EQ((*lang3)["group"], "org.apache.commons");
  EXPECT_EQ((*lang3)["purl"], "pkg:maven/org.apache.commons/commons-lang3@3.14.0");
  EXPECT_EQ((*lang3)["licenses"][0]["license"]["id"], "Apache-2.0");

  const json* jackson = find_by(components, "name", "jackson-databind");
  ASSERT_NE(jackson, nullptr);
  EXPECT_EQ((*jackson)["licenses"][0]["license"]["name"], "The Apache Software License, Version 2.0");

  const json* babel = find_by(components, "name", "core");
  ASSERT_NE(babel, nullptr);
  EXPECT_EQ((*babel)["group"], "@babel");
  EXPECT_EQ((*babel)["purl"], "pkg:npm/%40babel/core@7.24.0");
  EXPECT_EQ((*babel)["scope"], "optional");
  EXPECT_EQ(property(*babel, "vigil:scope"), "dev");
  EXPECT_EQ(property(*babel, "vigil:relation"), "direct");
  EXPECT_EQ(property(*babel, "vigil:ecosystem"), "npm");

  const json* serde = find_by(components, "name", "serde");
  ASSERT_NE(serde, nullptr);
  EXPECT_EQ((*serde)["licenses"][0]["expression"], "MIT OR Apache-2.0");
  EXPECT_FALSE(serde->contains("scope"));
  const json* testify = find_by(components, "name", "github.com/stretchr/testify");
  ASSERT_NE(testify, nullptr);
  EXPECT_FALSE(testify->contains("licenses"));
  EXPECT_EQ((*testify)["purl"], "pkg:golang/github.com/stretchr/testify@v1.9.0");
}

TEST(CycloneDxWriter, DeterministicApartFromSerialNumber) {
  const Report report = sample_report();
  json a = run(write_cyclonedx, report);
  json b = run(write_cyclonedx, report);
  EXPECT_NE(a["serialNumber"], b["serialNumber"]);
  a.erase("serialNumber");
  b.erase("serialNumber");
  EXPECT_EQ(a.dump(), b.dump());
}

TEST(CycloneDxWriter, ImageTargetWithoutOsOrPackages) {
  Report r;
  r.target = "alpine:3.19";
  r.target_kind = "image";
  const json bom = run(write_cyclonedx, r);
  EXPECT_EQ(bom["metadata"]["component"]["type"], "container");
  EXPECT_TRUE(bom["components"].empty());
  EXPECT_FALSE(bom["metadata"].contains("timestamp"));
}

std::set<std::string> spdx_ids(const json& doc) {
  std::set<std::string> ids;
  for (const auto& p : doc["packages"]) {
    EXPECT_TRUE(ids.insert(p["SPDXID"].get<std::string>()).second) << p["SPDXID"];
  }
  return ids;
}

TEST(SpdxWriter, DocumentHeader) {
  const json doc = run(write_spdx_json, sample_report());
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["dataLicense"], "CC0-1.0");
  EXPECT_EQ(doc["SPDXID"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(doc["name"], "/srv/app");
  EXPECT_TRUE(std::regex_match(doc["documentNamespace"].get<std::string>(),
                               std::regex("https://vigil\\.invalid/spdx/srv-app-[0-9a-f-]{36}")))
      << doc["documentNamespace"];
  EXPECT_EQ(doc["creationInfo"]["created"], "2024-05-01T12:00:00Z");
  EXPECT_EQ(doc["creationInfo"]["creators"], json::array({"Tool: vigil-0.1.0"}));
  EXPECT_EQ(doc["documentDescribes"], json::array({"SPDXRef-Target"}));
}

TEST(SpdxWriter, PackagesHaveValidUniqueIdsAndPurls) {
  const Report report = sample_report();
  const json doc = run(write_spdx_json, report);
  const json& packages = doc["packages"];
  ASSERT_EQ(packages.size(), report.inventory.packages.size() + 2);  // + root + OS
  const std::regex id_re("SPDXRef-[A-Za-z0-9.-]+");
  for (const auto& id : spdx_ids(doc)) {
    EXPECT_TRUE(std::regex_match(id, id_re)) << id;
  }
  EXPECT_EQ(packages[0]["SPDXID"], "SPDXRef-Target");
  EXPECT_EQ(packages[1]["primaryPackagePurpose"], "OPERATING_SYSTEM");
  EXPECT_EQ(packages[1]["name"], "debian");
  EXPECT_EQ(packages[1]["versionInfo"], "12");
  for (size_t i = 2; i < packages.size(); ++i) {
    const json& p = packages[i];
    const auto& src = report.inventory.packages[i - 2];
    EXPECT_EQ(p["name"], src.name);
    EXPECT_EQ(p["versionInfo"], src.version);
    EXPECT_EQ(p["downloadLocation"], "NOASSERTION");
    EXPECT_EQ(p["filesAnalyzed"], false);
    EXPECT_EQ(p["licenseConcluded"], "NOASSERTION");
    EXPECT_EQ(p["primaryPackagePurpose"], "LIBRARY");
    EXPECT_EQ(p["sourceInfo"], "found in " + src.location);
    ASSERT_EQ(p["externalRefs"].size(), 1U);
    EXPECT_EQ(p["externalRefs"][0]["referenceCategory"], "PACKAGE-MANAGER");
    EXPECT_EQ(p["externalRefs"][0]["referenceType"], "purl");
    EXPECT_EQ(p["externalRefs"][0]["referenceLocator"], src.purl);
  }
  const json* maven = find_by(packages, "name", "org.apache.commons:commons-lang3");
  ASSERT_NE(maven, nullptr);
  EXPECT_EQ((*maven)["externalRefs"][0]["referenceLocator"], "pkg:maven/org.apache.commons/commons-lang3@3.14.0");
}

TEST(SpdxWriter, LicensesDeclaredOnlyWhenSpdx) {
  const json doc = run(write_spdx_json, sample_report());
  const json& packages = doc["packages"];
  EXPECT_EQ((*find_by(packages, "name", "Django"))["licenseDeclared"], "BSD-3-Clause");
  EXPECT_EQ((*find_by(packages, "name", "python-dateutil"))["licenseDeclared"], "(Apache-2.0 OR BSD-3-Clause)");
  EXPECT_EQ((*find_by(packages, "name", "serde"))["licenseDeclared"], "MIT OR Apache-2.0");
  const json& jackson = *find_by(packages, "name", "com.fasterxml.jackson.core:jackson-databind");
  EXPECT_EQ(jackson["licenseDeclared"], "NOASSERTION");
  EXPECT_NE(jackson["licenseComments"].get<std::string>().find("The Apache Software License"), std::string::npos);
  EXPECT_EQ((*find_by(packages, "name", "libc6"))["licenseDeclared"], "NOASSERTION");
}

TEST(SpdxWriter, RelationshipsAreComplete) {
  const json doc = run(write_spdx_json, sample_report());
  const std::set<std::string> ids = spdx_ids(doc);
  std::multiset<std::string> contained;
  int describes = 0;
  for (const auto& rel : doc["relationships"]) {
    const std::string from = rel["spdxElementId"];
    const std::string to = rel["relatedSpdxElement"];
    EXPECT_TRUE(ids.count(to)) << to;
    if (rel["relationshipType"] == "DESCRIBES") {
      EXPECT_EQ(from, "SPDXRef-DOCUMENT");
      EXPECT_EQ(to, "SPDXRef-Target");
      ++describes;
    } else {
      EXPECT_EQ(rel["relationshipType"], "CONTAINS");
      EXPECT_EQ(from, "SPDXRef-Target");
      contained.insert(to);
    }
  }
  EXPECT_EQ(describes, 1);
  EXPECT_EQ(contained.size(), ids.size() - 1);  // every package but the root, once each
  for (const auto& id : ids) {
    EXPECT_EQ(contained.count(id), id == "SPDXRef-Target" ? 0U : 1U) << id;
  }
}

TEST(SpdxWriter, NamespaceUniqueAndRestDeterministic) {
  const Report report = sample_report();
  json a = run(write_spdx_json, report);
  json b = run(write_spdx_json, report);
  EXPECT_NE(a["documentNamespace"], b["documentNamespace"]);
  a.erase("documentNamespace");
  b.erase("documentNamespace");
  EXPECT_EQ(a.dump(), b.dump());
}

TEST(SbomWriters, HostileStringsStillGiveValidJson) {
  Report r;
  r.target = "we ird/../\xff\xfe#?target";
  r.created = "not a time";
  auto p = pkg(Ecosystem::Npm, "evil\xc3\x28name\"\n", "1.0.0\x80", "a\\b/package-lock.json", "(((MIT");
  r.inventory.packages.push_back(p);
  r.inventory.packages.push_back(p);
  const json bom = run(write_cyclonedx, r);
  EXPECT_EQ(bom["components"].size(), 2U);
  EXPECT_NE(bom["components"][0]["bom-ref"], bom["components"][1]["bom-ref"]);
  EXPECT_EQ(bom["components"][0]["licenses"][0]["license"]["name"], "(((MIT");
  const json doc = run(write_spdx_json, r);
  EXPECT_TRUE(std::regex_match(doc["creationInfo"]["created"].get<std::string>(),
                               std::regex("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z")));
  EXPECT_TRUE(std::regex_match(doc["documentNamespace"].get<std::string>(),
                               std::regex("https://vigil\\.invalid/spdx/[A-Za-z0-9._-]+-[0-9a-f-]{36}")))
      << doc["documentNamespace"];
  EXPECT_EQ(doc["packages"][1]["licenseDeclared"], "NOASSERTION");
}

TEST(SbomSupport, ClassifyLicense) {
  using sbom::LicenseForm;
  const auto check = [](std::string_view text, LicenseForm form, std::string_view value) {
    const auto l = sbom::classify_license(text);
    EXPECT_EQ(l.form, form) << text;
    EXPECT_EQ(l.value, value) << text;
  };
  check("", LicenseForm::None, "");
  check("  mit ", LicenseForm::Id, "MIT");
  check("GPL-2.0+", LicenseForm::Id, "GPL-2.0+");
  check("Apache-2.0+", LicenseForm::Expression, "Apache-2.0+");
  check("mit or apache-2.0", LicenseForm::Expression, "MIT OR Apache-2.0");
  check("GPL-2.0-or-later WITH Classpath-exception-2.0", LicenseForm::Expression,
        "GPL-2.0-or-later WITH Classpath-exception-2.0");
  check("(MIT AND (BSD-2-Clause OR ISC))", LicenseForm::Expression, "(MIT AND (BSD-2-Clause OR ISC))");
  check("MIT AND", LicenseForm::Name, "MIT AND");
  check("MIT WITH Apache-2.0", LicenseForm::Name, "MIT WITH Apache-2.0");
  check("BSD", LicenseForm::Name, "BSD");
  check("GPL-2+", LicenseForm::Name, "GPL-2+");  // Debian copyright short name, not SPDX
  check("LicenseRef-Proprietary", LicenseForm::Name, "LicenseRef-Proprietary");
  check("((((((((((MIT))))))))))", LicenseForm::Name, "((((((((((MIT))))))))))");  // beyond the depth limit
  check("(MIT))", LicenseForm::Name, "(MIT))");
}

TEST(SbomSupport, EveryTableIdIsFoundInItsOwnSpelling) {
  // Holds only if the tables are sorted the way they are searched and have no case-insensitive duplicates.
  for (const std::string_view id : sbom::kSpdxLicenseIds) {
    const auto l = sbom::classify_license(id);
    EXPECT_EQ(l.form, sbom::LicenseForm::Id) << id;
    EXPECT_EQ(l.value, id);
  }
  for (const std::string_view id : sbom::kSpdxExceptionIds) {
    const auto l = sbom::classify_license("GPL-2.0-only WITH " + std::string(id));
    EXPECT_EQ(l.form, sbom::LicenseForm::Expression) << id;
    EXPECT_EQ(l.value, "GPL-2.0-only WITH " + std::string(id));
  }
}

TEST(SbomSupport, UtcSeconds) {
  EXPECT_EQ(sbom::utc_seconds("2024-05-01T12:00:00Z"), "2024-05-01T12:00:00Z");
  EXPECT_EQ(sbom::utc_seconds("2024-05-01T12:00:00.123456Z"), "2024-05-01T12:00:00Z");
  EXPECT_EQ(sbom::utc_seconds("2024-05-01T01:30:00+02:00"), "2024-04-30T23:30:00Z");
  EXPECT_EQ(sbom::utc_seconds("2024-05-01T12:00:00-00:00"), "2024-05-01T12:00:00Z");
  const std::regex shape("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
  for (const char* bad : {"", "yesterday", "2024-13-01T00:00:00Z", "2024-05-01T12:00:00+2", "2024-05-01 12:00"}) {
    EXPECT_TRUE(std::regex_match(sbom::utc_seconds(bad), shape)) << bad;
  }
}

TEST(SbomSupport, UuidV4) {
  const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string u = sbom::random_uuid_v4();
    EXPECT_TRUE(std::regex_match(u, shape)) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 100U);
}

}  // namespace
}  // namespace vigil::report
