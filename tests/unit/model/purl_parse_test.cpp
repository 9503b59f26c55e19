// Reading purls: cases of the purl-spec test suite (test-suite-data.json), purls as syft, Trivy and Vigil write
// them, and the Package/OsInfo a purl becomes.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "model/purl.hpp"

namespace vigil::model {
namespace {

struct SpecCase {
  std::string_view input;
  std::string_view canonical;
  std::string_view type, ns, name, version, subpath;
};

// From the purl-spec test suite (valid entries).
constexpr SpecCase kSpecCases[] = {
    {"pkg:maven/org.apache.commons/io@1.3.4", "pkg:maven/org.apache.commons/io@1.3.4", "maven", "org.apache.commons",
     "io", "1.3.4", ""},
    {"pkg:maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven", "org.apache.commons", "io", "", ""},
    {"pkg:GOLANG/google.golang.org/genproto#/googleapis/api/annotations/",
     "pkg:golang/google.golang.org/genproto#googleapis/api/annotations", "golang", "google.golang.org", "genproto", "",
     "googleapis/api/annotations"},
    {"pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/api/annotations/",
     "pkg:golang/google.golang.org/genproto@abcdedf#googleapis/api/annotations", "golang", "google.golang.org",
     "genproto", "abcdedf", "googleapis/api/annotations"},
    {"pkg:bitbucket/birKenfeld/pyGments-main@244fd47e07d1014f0aed9c",
     "pkg:bitbucket/birkenfeld/pygments-main@244fd47e07d1014f0aed9c", "bitbucket", "birkenfeld", "pygments-main",
     "244fd47e07d1014f0aed9c", ""},
    {"pkg:github/Package-url/purl-Spec@244fd47e07d1004f0aed9c",
     "pkg:github/package-url/purl-spec@244fd47e07d1004f0aed9c", "github", "package-url", "purl-spec",
     "244fd47e07d1004f0aed9c", ""},
    {"pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
     "deb", "debian", "curl", "7.50.3-1", ""},
    {"pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io",
     "pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io", "docker", "customer",
     "dockerimage", "sha256:244fd47e07d1004f0aed9c", ""},
    {"pkg:gem/jruby-launcher@1.1.2?Platform=java", "pkg:gem/jruby-launcher@1.1.2?platform=java", "gem", "",
     "jruby-launcher", "1.1.2", ""},
    {"pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repositorY_url=repo.spring.io/release",
     "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repository_url=repo.spring.io/release",
     "maven", "org.apache.xmlgraphics", "batik-anim", "1.9.1", ""},
    {"pkg:Maven/net.sf.jacob-project/jacob@1.14.3?type=dll&classifier=x86",
     "pkg:maven/net.sf.jacob-project/jacob@1.14.3?classifier=x86&type=dll", "maven", "net.sf.jacob-project", "jacob",
     "1.14.3", ""},
    {"pkg:npm/%40angular/animation@12.3.1", "pkg:npm/%40angular/animation@12.3.1", "npm", "@angular", "animation",
     "12.3.1", ""},
    {"pkg:Nuget/EnterpriseLibrary.Common@6.0.1304", "pkg:nuget/EnterpriseLibrary.Common@6.0.1304", "nuget", "",
     "EnterpriseLibrary.Common", "6.0.1304", ""},
    {"pkg:PYPI/Django_package@1.11.1.dev1", "pkg:pypi/django-package@1.11.1.dev1", "pypi", "", "django-package",
     "1.11.1.dev1", ""},
    {"pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25",
     "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25", "rpm", "fedora", "curl", "7.50.3-1.fc25", ""},
    {"pkg:///maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven", "org.apache.commons", "io", "",
     ""},
    {"pkg:maven///org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven", "org.apache.commons", "io", "",
     ""},
    {"pkg:cran/A3@0.9.1", "pkg:cran/A3@0.9.1", "cran", "", "A3", "0.9.1", ""},
    {"pkg:swift/github.com/Alamofire/Alamofire@5.4.3", "pkg:swift/github.com/Alamofire/Alamofire@5.4.3", "swift",
     "github.com/Alamofire", "Alamofire", "5.4.3", ""},
    {"pkg:hackage/3d-graphics-examples@0.0.0.2", "pkg:hackage/3d-graphics-examples@0.0.0.2", "hackage", "",
     "3d-graphics-examples", "0.0.0.2", ""},
    {"pkg:generic/openssl@1.1.10g?download_url=https://openssl.org/source/openssl-1.1.0g.tar.gz&checksum=sha256:"
     "de4d501267da",
     "pkg:generic/openssl@1.1.10g?checksum=sha256:de4d501267da&download_url=https://openssl.org/source/"
     "openssl-1.1.0g.tar.gz",
     "generic", "", "openssl", "1.1.10g", ""},
    {"pkg:golang/google.golang.org/genproto#/googleapis/../api/./annotations/",
     "pkg:golang/google.golang.org/genproto#googleapis/api/annotations", "golang", "google.golang.org", "genproto", "",
     "googleapis/api/annotations"},
    {"pkg:maven/org.apache.commons/io%2Fx@1.0", "pkg:maven/org.apache.commons/io%2Fx@1.0", "maven",
     "org.apache.commons", "io/x", "1.0", ""},
};

TEST(PurlParse, SpecSuiteValidCases) {
  for (const auto& c : kSpecCases) {
    SCOPED_TRACE(c.input);
    const auto p = parse_purl(c.input);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->type, c.type);
    EXPECT_EQ(p->ns, c.ns);
    EXPECT_EQ(p->name, c.name);
    EXPECT_EQ(p->version, c.version);
    EXPECT_EQ(p->subpath, c.subpath);
    EXPECT_EQ(canonical_purl(*p), c.canonical);
    // The canonical form is a fixed point.
    const auto again = parse_purl(canonical_purl(*p));
    ASSERT_TRUE(again);
    EXPECT_EQ(canonical_purl(*again), c.canonical);
  }
}

TEST(PurlParse, SpecSuiteInvalidCases) {
  for (const std::string_view bad : {
           "EnterpriseLibrary.Common@6.0.1304",              // a scheme is always required
           "pkg:EnterpriseLibrary.Common@6.0.1304",          // a type is always required
           "pkg:maven/@1.3.4",                               // a name is required
           "pkg:npm/myartifact@1.0.0?in%20production=true",  // invalid qualifier key
           "pkg:3nginx/nginx@0.8.9",                         // a type cannot start with a number
           "pkg:n&g?inx/nginx@0.8.9",                        // invalid character in the type
           "pkg:npm/a%2@1",                                  // truncated percent-encoding
           "pkg:npm/a%zz@1",
           "pkg:npm/x@1?arch=a&arch=b",  // duplicate qualifier
           "pkg:npm/x@1?novalue",
           "pkg:npm/",
           "",
           "pkg:",
       }) {
    EXPECT_FALSE(parse_purl(bad)) << bad;
  }
}

TEST(PurlParse, QualifiersAreSortedLowerCasedAndDecoded) {
  const auto p = parse_purl("pkg:deb/debian/bash@5.2.15-2+b8?distro=debian-12&upstream=bash%405.2.15-2&ARCH=amd64&x=");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->qualifiers.size(), 3u);  // "x=" has an empty value: dropped
  EXPECT_EQ(p->qualifiers[0], (std::pair<std::string, std::string>{"arch", "amd64"}));
  EXPECT_EQ(p->qualifiers[1], (std::pair<std::string, std::string>{"distro", "debian-12"}));
  EXPECT_EQ(p->qualifiers[2], (std::pair<std::string, std::string>{"upstream", "bash@5.2.15-2"}));
  EXPECT_EQ(p->version, "5.2.15-2+b8");  // a literal '+' is kept, not read as a space
  ASSERT_NE(qualifier(*p, "upstream"), nullptr);
  EXPECT_EQ(qualifier(*p, "missing"), nullptr);
  EXPECT_EQ(canonical_purl(*p),
            "pkg:deb/debian/bash@5.2.15-2%2Bb8?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2");
}

TEST(PurlParse, UnencodedNpmScopeIsANamespaceNotAVersion) {
  auto p = parse_purl("pkg:npm/@babel/core@7.24.0");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ns, "@babel");
  EXPECT_EQ(p->name, "core");
  EXPECT_EQ(p->version, "7.24.0");
  p = parse_purl("pkg:npm/@babel/core");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ns, "@babel");
  EXPECT_EQ(p->version, "");
}

TEST(PurlParse, HostileLengthsAreRefused) {
  EXPECT_FALSE(parse_purl("pkg:npm/" + std::string(20000, 'a') + "@1"));
  std::string many = "pkg:npm/a@1?";
  for (int i = 0; i < 100; ++i) {
    many += "k" + std::to_string(i) + "=v&";
  }
  EXPECT_FALSE(parse_purl(many));
}

Result<Package> from(std::string_view purl, std::optional<OsInfo>* os = nullptr) {
  return package_from_purl(purl, os);
}

TEST(PackageFromPurl, SyftDebianWithUpstreamAndDistro) {
  std::optional<OsInfo> os;
  const auto p = from(
      "pkg:deb/debian/bsdutils@1:2.38.1-5+deb12u3?arch=amd64&upstream=util-linux%402.38.1-5+deb12u3&distro=debian-12",
      &os);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->ecosystem, Ecosystem::Debian);
  EXPECT_EQ(p->name, "bsdutils");
  EXPECT_EQ(p->version, "1:2.38.1-5+deb12u3");
  EXPECT_EQ(p->arch, "amd64");
  EXPECT_EQ(p->source_name, "util-linux");
  EXPECT_EQ(p->source_version, "2.38.1-5+deb12u3");
  EXPECT_EQ(
      p->purl,
      "pkg:deb/debian/bsdutils@1:2.38.1-5+deb12u3?arch=amd64&upstream=util-linux%402.38.1-5+deb12u3&distro=debian-12");
  ASSERT_TRUE(os);
  EXPECT_EQ(os->family, "debian");
  EXPECT_EQ(os->version, "12");
}

TEST(PackageFromPurl, SourceDefaultsToThePackageItself) {
  const auto p = from("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&upstream=glibc&distro=debian-12");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->source_name, "glibc");
  EXPECT_EQ(p->source_version, "2.36-9+deb12u4");
  const auto q = from("pkg:deb/debian/adduser@3.134?arch=all&distro=debian-12");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->source_name, "adduser");
  EXPECT_EQ(q->source_version, "3.134");
}

TEST(PackageFromPurl, TrivyEpochQualifier) {
  const auto p = from("pkg:deb/debian/login@4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12.5&epoch=1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->version, "1:4.13+dfsg1-1+b1");
  const auto zero = from("pkg:rpm/redhat/bash@5.1.8-6.el9?arch=x86_64&epoch=0");
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->version, "5.1.8-6.el9");
}

TEST(PackageFromPurl, SyftRpmWithSourceRpm) {
  std::optional<OsInfo> os;
  const auto p = from(
      "pkg:rpm/redhat/"
      "openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rhel-9.3&epoch=1&upstream=openssl-3.0.7-24.el9.src.rpm",
      &os);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ecosystem, Ecosystem::Rpm);
  EXPECT_EQ(p->version, "1:3.0.7-24.el9");
  EXPECT_EQ(p->source_name, "openssl");
  EXPECT_EQ(p->source_version, "1:3.0.7-24.el9");
  ASSERT_TRUE(os);
  EXPECT_EQ(os->family, "rhel");
  EXPECT_EQ(os->version, "9.3");
}

TEST(PackageFromPurl, DistroSpellings) {
  const auto os_of = [](std::string_view purl) {
    std::optional<OsInfo> os;
    EXPECT_TRUE(from(purl, &os)) << purl;
    return os.value_or(OsInfo{"<none>", "", "", ""});
  };
  auto os = os_of("pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=3.19.1");  // Vigil's apk spelling
  EXPECT_EQ(os.family, "alpine");
  EXPECT_EQ(os.version, "3.19.1");
  os = os_of("pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&upstream=busybox&distro=alpine-3.19.1");  // syft
  EXPECT_EQ(os.family, "alpine");
  EXPECT_EQ(os.version, "3.19.1");
  os = os_of("pkg:deb/ubuntu/libc6@2.35-0ubuntu3.6?arch=amd64&distro=ubuntu-22.04");
  EXPECT_EQ(os.family, "ubuntu");
  EXPECT_EQ(os.version, "22.04");
  os = os_of("pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=bookworm");
  EXPECT_EQ(os.family, "debian");
  EXPECT_EQ(os.version, "");
  os = os_of("pkg:rpm/opensuse/libopenssl3@3.0.8-150500.5.8.1?arch=x86_64&distro=opensuse-leap-15.5");
  EXPECT_EQ(os.family, "opensuse-leap");
  EXPECT_EQ(os.version, "15.5");
  os = os_of("pkg:deb/debian/curl@7.88.1-10");  // the namespace alone
  EXPECT_EQ(os.family, "debian");
  EXPECT_EQ(os.version, "");
  std::optional<OsInfo> none;
  ASSERT_TRUE(from("pkg:npm/lodash@4.17.21?distro=debian-12", &none));
  EXPECT_FALSE(none);  // language packages say nothing about the OS
}

TEST(PackageFromPurl, LanguageNames) {
  struct Case {
    std::string_view purl, name, version;
    Ecosystem ecosystem;
  };
  for (const auto& c : {
           Case{"pkg:npm/%40babel/core@7.24.0", "@babel/core", "7.24.0", Ecosystem::Npm},
           Case{"pkg:npm/lodash@4.17.21", "lodash", "4.17.21", Ecosystem::Npm},
           Case{"pkg:golang/github.com/stretchr/testify@v1.9.0", "github.com/stretchr/testify", "v1.9.0",
                Ecosystem::Go},
           Case{"pkg:maven/org.apache.commons/commons-lang3@3.14.0", "org.apache.commons:commons-lang3", "3.14.0",
                Ecosystem::Maven},
           Case{"pkg:composer/Laravel/Framework@10.48.3", "laravel/framework", "10.48.3", Ecosystem::Packagist},
           Case{"pkg:pypi/python-dateutil@2.9.0.post0", "python-dateutil", "2.9.0.post0", Ecosystem::PyPI},
           Case{"pkg:cargo/serde@1.0.197", "serde", "1.0.197", Ecosystem::CratesIo},
           Case{"pkg:gem/nokogiri@1.15.4?platform=x86_64-linux", "nokogiri", "1.15.4", Ecosystem::RubyGems},
           Case{"pkg:nuget/Newtonsoft.Json@13.0.3", "Newtonsoft.Json", "13.0.3", Ecosystem::NuGet},
           Case{"pkg:conan/zlib@1.3.1", "zlib", "1.3.1", Ecosystem::Conan},
           Case{"pkg:generic/vcpkg/fmt@10.2.1", "fmt", "10.2.1", Ecosystem::Vcpkg},
       }) {
    SCOPED_TRACE(c.purl);
    const auto p = from(c.purl);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->name, c.name);
    EXPECT_EQ(p->version, c.version);
    EXPECT_EQ(p->ecosystem, c.ecosystem);
    EXPECT_EQ(p->arch, "");
    EXPECT_EQ(p->source_name, "");
  }
}

TEST(PackageFromPurl, UnsupportedAndInvalid) {
  auto p = from("pkg:github/actions/checkout@v4");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message, "unsupported purl type 'github'");
  p = from("pkg:generic/openssl@3.0.0");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message, "unsupported purl type 'generic'");
  EXPECT_FALSE(from("npm/lodash@1"));
}

// Every purl Vigil writes reads back as the package it was written from.
TEST(PackageFromPurl, RoundTripsMakePurl) {
  const OsInfo debian{"debian", "12", "", ""};
  Package libc;
  libc.ecosystem = Ecosystem::Debian;
  libc.name = "libc6";
  libc.version = "2.36-9+deb12u4";
  libc.arch = "amd64";
  libc.source_name = "glibc";
  libc.source_version = libc.version;
  Package rpm;
  rpm.ecosystem = Ecosystem::Rpm;
  rpm.name = "openssl-libs";
  rpm.version = "1:3.0.7-24.el9";
  rpm.arch = "x86_64";
  rpm.source_name = "openssl";
  rpm.source_version = rpm.version;
  Package scoped;
  scoped.ecosystem = Ecosystem::Npm;
  scoped.name = "@types/node";
  scoped.version = "20.11.30";
  Package maven;
  maven.ecosystem = Ecosystem::Maven;
  maven.name = "com.fasterxml.jackson.core:jackson-databind";
  maven.version = "2.16.1";
  Package go;
  go.ecosystem = Ecosystem::Go;
  go.name = "golang.org/x/crypto";
  go.version = "v0.21.0";
  Package vcpkg;
  vcpkg.ecosystem = Ecosystem::Vcpkg;
  vcpkg.name = "zlib";
  vcpkg.version = "1.3.1";
  const OsInfo rocky{"rocky", "9.3", "", ""};
  for (const auto& [pkg, os] : {std::pair{libc, &debian}, std::pair{rpm, &rocky}, std::pair{scoped, &debian},
                                std::pair{maven, &debian}, std::pair{go, &debian}, std::pair{vcpkg, &debian}}) {
    const std::string purl = make_purl(pkg, os);
    SCOPED_TRACE(purl);
    std::optional<OsInfo> os_back;
    const auto back = package_from_purl(purl, &os_back);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->ecosystem, pkg.ecosystem);
    EXPECT_EQ(back->name, pkg.name);
    EXPECT_EQ(back->version, pkg.version);
    EXPECT_EQ(back->arch, pkg.arch);
    EXPECT_EQ(back->source_name, pkg.source_name);
    EXPECT_EQ(back->source_version, pkg.source_version);
    EXPECT_EQ(back->purl, purl);
    if (!pkg.arch.empty()) {
      ASSERT_TRUE(os_back);
      EXPECT_EQ(os_back->family, os->family);
      EXPECT_EQ(os_back->version, os->version);
    }
  }
}

}  // namespace
}  // namespace vigil::model
