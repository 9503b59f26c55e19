// SBOM and purl-list inputs: Vigil's own CycloneDX/SPDX round-trip, syft and Trivy documents of Debian images,
// nested components, purl lists with errors, and malformed or oversized documents.
#include "formats/sbom_in.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "model/purl.hpp"
#include "report/report.hpp"
#include "test_support.hpp"

namespace vigil::formats {
namespace {

using model::Ecosystem;
using model::Relation;
using model::Scope;
using test::find;
using test::read_data;

bool has_warning(const Parsed& parsed, std::string_view text, int line = -1) {
  for (const auto& w : parsed.warnings) {
    if (w.message.find(text) != std::string::npos && (line < 0 || w.line == line)) {
      return true;
    }
  }
  return false;
}

std::string all_warnings(const Parsed& parsed) {
  std::string out;
  for (const auto& w : parsed.warnings) {
    out += std::to_string(w.line) + ": " + w.message + "\n";
  }
  return out;
}

model::Package pkg(Ecosystem eco, std::string name, std::string version, std::string location) {
  model::Package p;
  p.ecosystem = eco;
  p.name = std::move(name);
  p.version = std::move(version);
  p.location = std::move(location);
  return p;
}

// The inventory of a Debian 12 root filesystem with applications, as Vigil's own scan would report it.
report::Report vigil_report() {
  report::Report r;
  r.target = "/srv/app";
  r.target_kind = "rootfs";
  r.tool_version = "0.1.0";
  r.created = "2024-05-01T12:00:00Z";
  r.inventory.os = model::OsInfo{"debian", "12", "Debian GNU/Linux 12 (bookworm)", "etc/os-release"};
  auto& p = r.inventory.packages;
  auto deb = [&](std::string name, std::string version, std::string source, std::string source_version) {
    auto d = pkg(Ecosystem::Debian, std::move(name), std::move(version), "var/lib/dpkg/status");
    d.arch = "amd64";
    d.source_name = std::move(source);
    d.source_version = std::move(source_version);
    d.license = "GPL-2.0-or-later";
    p.push_back(d);
  };
  deb("libc6", "2.36-9+deb12u4", "glibc", "2.36-9+deb12u4");
  deb("bsdutils", "1:2.38.1-5+deb12u1", "util-linux", "1:2.38.1-5+deb12u1");
  deb("perl-base", "5.36.0-7+deb12u1", "perl", "5.36.0-7+deb12u1");
  auto babel = pkg(Ecosystem::Npm, "@babel/core", "7.24.0", "app/package-lock.json");
  babel.scope = Scope::Dev;
  babel.relation = Relation::Direct;
  babel.license = "MIT";
  p.push_back(babel);
  auto lodash = pkg(Ecosystem::Npm, "lodash", "4.17.21", "app/package-lock.json");
  lodash.scope = Scope::Prod;
  lodash.relation = Relation::Transitive;
  p.push_back(lodash);
  lodash.location = "web/package-lock.json";  // the same purl in a second lockfile stays a second package
  p.push_back(lodash);
  auto jackson = pkg(Ecosystem::Maven, "com.fasterxml.jackson.core:jackson-databind", "2.16.1", "svc/app.jar");
  jackson.license = "The Apache Software License, Version 2.0";
  p.push_back(jackson);
  p.push_back(pkg(Ecosystem::PyPI, "python-dateutil", "2.9.0.post0", "tools/poetry.lock"));
  p.push_back(pkg(Ecosystem::Go, "github.com/stretchr/testify", "v1.9.0", "cmd/go.mod"));
  p.push_back(pkg(Ecosystem::CratesIo, "serde", "1.0.197", "rs/Cargo.lock"));
  p.push_back(pkg(Ecosystem::Vcpkg, "zlib", "1.3.1", "vcpkg/installed/vcpkg/status"));
  model::sort_packages(p);
  model::assign_purls(r.inventory);
  return r;
}

std::string written(void (*writer)(const report::Report&, std::ostream&), const report::Report& r) {
  std::ostringstream out;
  writer(r, out);
  return out.str();
}

TEST(SbomIn, VigilCycloneDxRoundTrips) {
  const auto report = vigil_report();
  const auto parsed = parse_cyclonedx_json("bom.cdx.json", written(report::write_cyclonedx, report));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty()) << all_warnings(*parsed);
  ASSERT_TRUE(parsed->os);
  EXPECT_EQ(parsed->os->family, "debian");
  EXPECT_EQ(parsed->os->version, "12");
  EXPECT_EQ(parsed->os->name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(parsed->os->location, "etc/os-release");
  auto packages = parsed->packages;
  model::sort_packages(packages);
  const auto& expected = report.inventory.packages;
  ASSERT_EQ(packages.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(expected[i].purl);
    EXPECT_EQ(packages[i].ecosystem, expected[i].ecosystem);
    EXPECT_EQ(packages[i].name, expected[i].name);
    EXPECT_EQ(packages[i].version, expected[i].version);
    EXPECT_EQ(packages[i].location, expected[i].location);
    EXPECT_EQ(packages[i].scope, expected[i].scope);
    EXPECT_EQ(packages[i].relation, expected[i].relation);
    EXPECT_EQ(packages[i].arch, expected[i].arch);
    EXPECT_EQ(packages[i].source_name, expected[i].source_name);
    EXPECT_EQ(packages[i].source_version, expected[i].source_version);
    EXPECT_EQ(packages[i].license, expected[i].license);
    EXPECT_EQ(packages[i].purl, expected[i].purl);
  }
}

TEST(SbomIn, VigilSpdxRoundTrips) {
  const auto report = vigil_report();
  const auto parsed = parse_spdx_json("bom.spdx.json", written(report::write_spdx_json, report));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty()) << all_warnings(*parsed);  // root and OS packages have no purl: silent
  ASSERT_TRUE(parsed->os);
  EXPECT_EQ(parsed->os->family, "debian");
  EXPECT_EQ(parsed->os->version, "12");
  EXPECT_EQ(parsed->os->location, "etc/os-release");
  auto packages = parsed->packages;
  model::sort_packages(packages);
  const auto& expected = report.inventory.packages;
  ASSERT_EQ(packages.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(expected[i].purl);
    EXPECT_EQ(packages[i].name, expected[i].name);
    EXPECT_EQ(packages[i].version, expected[i].version);
    EXPECT_EQ(packages[i].location, expected[i].location);
    EXPECT_EQ(packages[i].arch, expected[i].arch);
    EXPECT_EQ(packages[i].source_name, expected[i].source_name);
    EXPECT_EQ(packages[i].license, expected[i].license);  // free text comes back from licenseComments
  }
  // SPDX has no place for the source version when it equals the version: it defaults to the version.
  EXPECT_EQ(find(*parsed, "bsdutils")->source_version, "1:2.38.1-5+deb12u1");
}

TEST(SbomIn, VigilCycloneDxFromTheBinary) {
  const auto parsed = parse_sbom_auto("vigil-debian12.cdx.json", read_data("sbom_in/vigil-debian12.cdx.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty()) << all_warnings(*parsed);
  ASSERT_TRUE(parsed->os);
  EXPECT_EQ(parsed->os->family, "debian");
  EXPECT_EQ(parsed->os->version, "12");
  EXPECT_GT(parsed->packages.size(), 10u);
  for (const auto& p : parsed->packages) {
    EXPECT_FALSE(p.version.empty()) << p.name;
    EXPECT_FALSE(p.location.empty()) << p.name;
  }
  // The SPDX document of the same scan lists the same packages at the same places.
  const auto spdx = parse_sbom_auto("vigil-debian12.spdx.json", read_data("sbom_in/vigil-debian12.spdx.json"));
  ASSERT_TRUE(spdx) << spdx.error().message;
  EXPECT_TRUE(spdx->warnings.empty()) << all_warnings(*spdx);
  ASSERT_EQ(spdx->packages.size(), parsed->packages.size());
  auto a = parsed->packages;
  auto b = spdx->packages;
  model::sort_packages(a);
  model::sort_packages(b);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].purl, b[i].purl);
    EXPECT_EQ(a[i].location, b[i].location);
  }
}

TEST(SbomIn, SyftCycloneDxOfDebianImage) {
  const auto parsed = parse_cyclonedx_json("sbom.cdx.json", read_data("sbom_in/syft-debian12.cdx.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty()) << all_warnings(*parsed);
  EXPECT_EQ(parsed->packages.size(), 29u);
  ASSERT_TRUE(parsed->os);
  EXPECT_EQ(parsed->os->family, "debian");
  EXPECT_EQ(parsed->os->version, "12");
  EXPECT_EQ(parsed->os->name, "Debian GNU/Linux 12 (bookworm)");
  const auto* libc = find(*parsed, "libc6");
  ASSERT_NE(libc, nullptr);
  EXPECT_EQ(libc->ecosystem, Ecosystem::Debian);
  EXPECT_EQ(libc->version, "2.36-9+deb12u14");
  EXPECT_EQ(libc->arch, "amd64");
  EXPECT_EQ(libc->source_name, "glibc");
  EXPECT_EQ(libc->source_version, "2.36-9+deb12u14");
  EXPECT_EQ(libc->location, "var/lib/dpkg/status");
  EXPECT_EQ(libc->license, "GPL-2.0-only AND LGPL-2.1-only");
  const auto* bash = find(*parsed, "bash");
  ASSERT_NE(bash, nullptr);
  EXPECT_EQ(bash->version, "5.2.15-2+b8");
  EXPECT_EQ(bash->source_version, "5.2.15-2");
  const auto* bsdutils = find(*parsed, "bsdutils");
  ASSERT_NE(bsdutils, nullptr);
  EXPECT_EQ(bsdutils->version, "1:2.38.1-5+deb12u3");
  EXPECT_EQ(bsdutils->source_name, "util-linux");
  EXPECT_EQ(bsdutils->source_version, "2.38.1-5+deb12u3");
}

TEST(SbomIn, SyftSpdxOfDebianImage) {
  const auto parsed = parse_spdx_json("sbom.spdx.json", read_data("sbom_in/syft-debian12.spdx.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  // The image itself has a pkg:oci purl: a type Vigil has no ecosystem for.
  ASSERT_EQ(parsed->warnings.size(), 1u) << all_warnings(*parsed);
  EXPECT_TRUE(has_warning(*parsed, "unsupported purl type 'oci'"));
  EXPECT_EQ(parsed->packages.size(), 29u);
  ASSERT_TRUE(parsed->os);  // syft's SPDX has no OS package: the distro qualifier says it
  EXPECT_EQ(parsed->os->family, "debian");
  EXPECT_EQ(parsed->os->version, "12");
  const auto* zlib = find(*parsed, "zlib1g");
  ASSERT_NE(zlib, nullptr);
  EXPECT_EQ(zlib->version, "1:1.2.13.dfsg-1");
  EXPECT_EQ(zlib->source_name, "zlib");
  EXPECT_EQ(zlib->source_version, "1:1.2.13.dfsg-1");
  EXPECT_EQ(zlib->license, "Zlib");
  EXPECT_EQ(find(*parsed, "apt")->license, "");  // NOASSERTION is no license
  // The same document through the sniffer.
  const auto sniffed = parse_sbom_auto("sbom.json", read_data("sbom_in/syft-debian12.spdx.json"));
  ASSERT_TRUE(sniffed);
  EXPECT_EQ(sniffed->packages.size(), 29u);
}

TEST(SbomIn, TrivyCycloneDxProperties) {
  const auto parsed = parse_sbom_auto("trivy.json", read_data("sbom_in/trivy-node-bookworm.cdx.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty()) << all_warnings(*parsed);
  EXPECT_EQ(parsed->packages.size(), 9u);
  ASSERT_TRUE(parsed->os);
  EXPECT_EQ(parsed->os->family, "debian");
  EXPECT_EQ(parsed->os->version, "12.5");
  const auto* login = find(*parsed, "login");
  ASSERT_NE(login, nullptr);
  EXPECT_EQ(login->version, "1:4.13+dfsg1-1+b1");  // epoch qualifier folded into the version
  EXPECT_EQ(login->source_name, "shadow");
  EXPECT_EQ(login->source_version, "1:4.13+dfsg1-1");
  EXPECT_EQ(login->arch, "amd64");
  EXPECT_EQ(login->location, "");
  const auto* libc = find(*parsed, "libc6");
  ASSERT_NE(libc, nullptr);
  EXPECT_EQ(libc->source_version, "2.36-9+deb12u4");
  EXPECT_EQ(libc->license, "LGPL-2.1-only AND GPL-2.0-only");
  const auto* arborist = find(*parsed, "@npmcli/arborist");
  ASSERT_NE(arborist, nullptr);
  EXPECT_EQ(arborist->ecosystem, Ecosystem::Npm);
  EXPECT_EQ(arborist->version, "7.2.1");
  EXPECT_EQ(arborist->location, "usr/local/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json");
  EXPECT_EQ(arborist->license, "ISC");
}

TEST(SbomIn, NestedComponentsAndBadEntries) {
  const auto parsed = parse_cyclonedx_json("bom.json", read_data("sbom_in/nested.cdx.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_FALSE(parsed->os);
  // Three levels of nesting are read.
  const auto* jcl = find(*parsed, "org.springframework:spring-jcl");
  ASSERT_NE(jcl, nullptr);
  EXPECT_EQ(jcl->version, "5.3.27");
  ASSERT_NE(find(*parsed, "org.springframework:spring-core"), nullptr);
  const auto* webmvc = find(*parsed, "org.springframework:spring-webmvc");
  ASSERT_NE(webmvc, nullptr);
  EXPECT_EQ(webmvc->scope, Scope::Prod);
  EXPECT_EQ(webmvc->license, "Apache-2.0");
  EXPECT_EQ(find(*parsed, "junit:junit")->scope, Scope::Dev);
  EXPECT_EQ(find(*parsed, "pyyaml")->ecosystem, Ecosystem::PyPI);
  EXPECT_EQ(find(*parsed, "golang.org/x/net")->version, "v0.17.0");
  EXPECT_EQ(find(*parsed, "monolog/monolog")->ecosystem, Ecosystem::Packagist);
  EXPECT_EQ(find(*parsed, "Newtonsoft.Json")->ecosystem, Ecosystem::NuGet);
  // requests twice: kept once; express has no version (a warning, still reported).
  EXPECT_EQ(std::count_if(parsed->packages.begin(), parsed->packages.end(),
                          [](const auto& p) { return p.name == "requests"; }),
            1);
  ASSERT_NE(find(*parsed, "express"), nullptr);
  EXPECT_EQ(parsed->packages.size(), 13u);
  EXPECT_TRUE(has_warning(*parsed, "'left-pad' has no purl")) << all_warnings(*parsed);
  EXPECT_TRUE(has_warning(*parsed, "'numeric-purl' has no purl"));
  EXPECT_TRUE(has_warning(*parsed, "unsupported purl type 'github'"));
  EXPECT_TRUE(has_warning(*parsed, "invalid percent-encoding"));
  EXPECT_TRUE(has_warning(*parsed, "'express' has no version"));
  EXPECT_TRUE(has_warning(*parsed, "components[14] is a JSON string, expected an object"));
  EXPECT_EQ(parsed->warnings.size(), 6u) << all_warnings(*parsed);  // shop.war and web.xml need no purl
}

TEST(SbomIn, DeepNestingIsCut) {
  std::string doc = R"({"bomFormat":"CycloneDX","specVersion":"1.5","components":)";
  constexpr int kLevels = 200;
  for (int i = 0; i < kLevels; ++i) {
    doc += R"([{"type":"library","name":"n)" + std::to_string(i) + R"(","purl":"pkg:npm/n)" + std::to_string(i) +
           R"(@1.0.0","components":)";
  }
  doc += "[]";
  for (int i = 0; i < kLevels; ++i) {
    doc += "}]";
  }
  doc += "}";
  const auto parsed = parse_cyclonedx_json("deep.json", doc);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->packages.size(), 33u);  // depths 0..32
  EXPECT_TRUE(has_warning(*parsed, "nested deeper than 32 levels"));
}

TEST(SbomIn, MillionComponentsAreCapped) {
  std::string doc = R"({"bomFormat":"CycloneDX","specVersion":"1.5","components":[)";
  constexpr size_t kCount = 1'000'000;
  doc.reserve(kCount * 40);
  for (size_t i = 0; i < kCount; ++i) {
    doc += i == 0 ? "" : ",";
    doc += R"({"purl":"pkg:npm/p)" + std::to_string(i) + R"(@1.0.0"})";
  }
  doc += "]}";
  const auto start = std::chrono::steady_clock::now();
  const auto parsed = parse_cyclonedx_json("big.json", doc);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->packages.size(), 250'000u);
  EXPECT_TRUE(has_warning(*parsed, "more than 250000 entries"));
  EXPECT_LT(seconds, 30.0);  // Debug build; well under a second in release
}

TEST(SbomIn, ManyBadComponentsDoNotFloodWarnings) {
  std::string doc = R"({"bomFormat":"CycloneDX","components":[)";
  for (int i = 0; i < 5000; ++i) {
    doc += i == 0 ? "{}" : ",{}";
  }
  doc += "]}";
  const auto parsed = parse_cyclonedx_json("bad.json", doc);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->warnings.size(), 201u);
  EXPECT_EQ(parsed->warnings.back().message, "4800 more warnings not shown");
}

TEST(SbomIn, MalformedCycloneDxDocuments) {
  const std::string syft = read_data("sbom_in/syft-debian12.cdx.json");
  auto r = parse_cyclonedx_json("bom.json", syft.substr(0, syft.size() / 2));  // truncated
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("invalid JSON"), std::string::npos) << r.error().message;
  r = parse_cyclonedx_json("bom.json", "[1,2,3]");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "CycloneDX document is a JSON array, expected an object");
  r = parse_cyclonedx_json("bom.json", R"({"bomFormat":"SPDX","components":[]})");
  ASSERT_FALSE(r);
  r = parse_cyclonedx_json("bom.json", R"({"spdxVersion":"SPDX-2.3"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "an SPDX document, not CycloneDX");
  r = parse_cyclonedx_json("bom.json", R"({"name":"x"})");
  ASSERT_FALSE(r);
  // Wrong types: warnings, not failures.
  r = parse_cyclonedx_json("bom.json", R"({"bomFormat":"CycloneDX","components":{"purl":"pkg:npm/a@1"}})");
  ASSERT_TRUE(r);
  EXPECT_TRUE(has_warning(*r, "components is a JSON object, expected an array"));
  r = parse_cyclonedx_json(
      "bom.json",
      R"({"bomFormat":"CycloneDX","components":[{"purl":"pkg:npm/a@1","properties":"x","licenses":{"a":1},"components":7}]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->packages.size(), 1u);
  EXPECT_TRUE(has_warning(*r, "is a JSON number, expected an array"));
  // An empty BOM is valid and empty.
  r = parse_cyclonedx_json("bom.json", R"({"bomFormat":"CycloneDX","specVersion":"1.6","version":1})");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->packages.empty());
  EXPECT_TRUE(r->warnings.empty());
}

TEST(SbomIn, MalformedSpdxDocuments) {
  auto s = parse_spdx_json("sbom.json", R"({"spdxVersion":"SPDX-2.3","packages":"nope"})");
  ASSERT_TRUE(s);
  EXPECT_TRUE(has_warning(*s, "packages is a JSON string, expected an array"));
  s = parse_spdx_json("sbom.json", R"({"bomFormat":"CycloneDX"})");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "a CycloneDX document, not SPDX");
  s = parse_spdx_json("sbom.json", R"({"spdxVersion":"SPDX-2.2","SPDXID":"SPDXRef-DOCUMENT","packages":[
      {"SPDXID":"SPDXRef-a","name":"a","externalRefs":[{"referenceCategory":"PACKAGE_MANAGER","referenceType":"purl",
       "referenceLocator":"pkg:npm/a@1.0.0"}]},
      {"SPDXID":"SPDXRef-b","name":"b","versionInfo":"2.0"},
      {"SPDXID":"SPDXRef-c","name":"c","externalRefs":"x"},
      42]})");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->packages.size(), 1u);  // SPDX 2.2 spelling PACKAGE_MANAGER
  EXPECT_EQ(s->packages[0].name, "a");
  EXPECT_TRUE(has_warning(*s, "packages[1] 'b' has no purl"));
  EXPECT_TRUE(has_warning(*s, "packages[2] 'c' has no purl"));
  EXPECT_TRUE(has_warning(*s, "packages[3] is a JSON number"));
  s = parse_spdx_json("sbom.json", "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"name\":\"x\"");
  ASSERT_FALSE(s);
}

TEST(SbomIn, SniffingRefusesOtherDocuments) {
  auto a = parse_sbom_auto("x.json", R"({"hello":"world"})");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message, "not a CycloneDX or SPDX JSON document");
  a = parse_sbom_auto("x.xml", "<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"/>");
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("not a CycloneDX or SPDX JSON document"), std::string::npos);
}

TEST(SbomIn, PurlListWithErrors) {
  const auto parsed = parse_purl_list("purls.txt", read_data("sbom_in/purls.txt"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->packages.size(), 12u) << all_warnings(*parsed);
  const auto* libc = find(*parsed, "libc6");
  ASSERT_NE(libc, nullptr);
  EXPECT_EQ(libc->version, "2.36-9+deb12u4");
  EXPECT_EQ(libc->source_name, "glibc");
  EXPECT_EQ(find(*parsed, "@babel/core")->version, "7.24.0");
  EXPECT_EQ(find(*parsed, "django")->ecosystem, Ecosystem::PyPI);
  EXPECT_EQ(find(*parsed, "nokogiri")->version, "1.15.4");         // surrounding spaces trimmed
  EXPECT_EQ(find(*parsed, "Newtonsoft.Json")->version, "12.0.3");  // CRLF line
  ASSERT_TRUE(parsed->os);
  EXPECT_EQ(parsed->os->family, "debian");
  EXPECT_EQ(parsed->os->version, "12");
  EXPECT_TRUE(has_warning(*parsed, "does not start with 'pkg:'", 11)) << all_warnings(*parsed);
  EXPECT_TRUE(has_warning(*parsed, "unsupported purl type 'github'", 13));
  EXPECT_TRUE(has_warning(*parsed, "no name", 14));
  EXPECT_TRUE(has_warning(*parsed, "'express' has no version", 16));
  EXPECT_EQ(parsed->warnings.size(), 4u);  // the duplicate lodash line is silently kept once
}

TEST(SbomIn, PurlListEdgeCases) {
  auto r = parse_purl_list("-", "");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->packages.empty());
  r = parse_purl_list("-", "# only a comment\n\n   \n");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->packages.empty());
  r = parse_purl_list("-", "\xEF\xBB\xBFpkg:npm/lodash@4.17.21\n");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->packages.size(), 1u);
  EXPECT_EQ(r->packages[0].purl, "pkg:npm/lodash@4.17.21");
  r = parse_purl_list("-", "pkg:golang/google.golang.org/genproto@v0.0.0-20230410155749-daa745c078e1#googleapis/api\n");
  ASSERT_TRUE(r);  // '#' inside a line is a subpath, not a comment
  ASSERT_EQ(r->packages.size(), 1u);
  EXPECT_EQ(r->packages[0].name, "google.golang.org/genproto");
  // Nothing usable at all: not a purl list.
  r = parse_purl_list("-", "{\"bomFormat\": \"CycloneDX\",\n\"components\": []}\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "no valid purl in 2 lines (first error: line 1: does not start with 'pkg:')");
  // Only unsupported types: valid purls, so warnings rather than a failure.
  r = parse_purl_list("-", "pkg:github/actions/checkout@v4\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->warnings.size(), 1u);
}

}  // namespace
}  // namespace vigil::formats
