// Package URLs against examples from the purl spec and from Trivy/Syft output for the same packages.
#include "model/purl.hpp"

#include <gtest/gtest.h>

using vigil::model::Ecosystem;
using vigil::model::make_purl;
using vigil::model::OsInfo;
using vigil::model::Package;

namespace {
Package pkg(Ecosystem e, std::string name, std::string version) {
  Package p;
  p.ecosystem = e;
  p.name = std::move(name);
  p.version = std::move(version);
  return p;
}
}  // namespace

TEST(Purl, DebianWithDistroArchAndUpstream) {
  const OsInfo os{"debian", "12", "Debian GNU/Linux 12 (bookworm)", "etc/os-release"};
  auto p = pkg(Ecosystem::Debian, "libc6", "2.36-9+deb12u4");
  p.arch = "amd64";
  p.source_name = "glibc";
  EXPECT_EQ(make_purl(p, &os), "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc");
}

TEST(Purl, DebianEpochStaysInTheVersion) {
  const OsInfo os{"debian", "12", "", ""};
  auto p = pkg(Ecosystem::Debian, "bsdutils", "1:2.38.1-5+b1");
  p.arch = "amd64";
  EXPECT_EQ(make_purl(p, &os), "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12");
}

TEST(Purl, RpmEpochBecomesAQualifier) {
  const OsInfo os{"rocky", "9.3", "", ""};
  auto p = pkg(Ecosystem::Rpm, "openssl-libs", "1:3.0.7-24.el9");
  p.arch = "x86_64";
  p.source_name = "openssl";
  EXPECT_EQ(make_purl(p, &os),
            "pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rocky-9.3&epoch=1&upstream=openssl");
}

TEST(Purl, AlpineDistroIsTheVersion) {
  const OsInfo os{"alpine", "3.19.1", "", ""};
  auto p = pkg(Ecosystem::Alpine, "musl", "1.2.4_git20230717-r4");
  p.arch = "x86_64";
  EXPECT_EQ(make_purl(p, &os), "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=3.19.1");
}

TEST(Purl, LanguageEcosystems) {
  EXPECT_EQ(make_purl(pkg(Ecosystem::Npm, "@babel/core", "7.23.2"), nullptr), "pkg:npm/%40babel/core@7.23.2");
  EXPECT_EQ(make_purl(pkg(Ecosystem::Npm, "lodash", "4.17.21"), nullptr), "pkg:npm/lodash@4.17.21");
  EXPECT_EQ(make_purl(pkg(Ecosystem::PyPI, "Django_Rest.Framework", "3.14.0"), nullptr),
            "pkg:pypi/django-rest-framework@3.14.0");
  EXPECT_EQ(make_purl(pkg(Ecosystem::Go, "github.com/gorilla/mux", "v1.8.1"), nullptr),
            "pkg:golang/github.com/gorilla/mux@v1.8.1");
  EXPECT_EQ(make_purl(pkg(Ecosystem::CratesIo, "serde", "1.0.193"), nullptr), "pkg:cargo/serde@1.0.193");
  EXPECT_EQ(make_purl(pkg(Ecosystem::Maven, "org.apache.logging.log4j:log4j-core", "2.14.1"), nullptr),
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
  EXPECT_EQ(make_purl(pkg(Ecosystem::Packagist, "Laravel/Framework", "v10.0.0"), nullptr),
            "pkg:composer/laravel/framework@v10.0.0");
  EXPECT_EQ(make_purl(pkg(Ecosystem::RubyGems, "rails", "7.1.2"), nullptr), "pkg:gem/rails@7.1.2");
  EXPECT_EQ(make_purl(pkg(Ecosystem::NuGet, "Newtonsoft.Json", "13.0.3"), nullptr), "pkg:nuget/Newtonsoft.Json@13.0.3");
  EXPECT_EQ(make_purl(pkg(Ecosystem::Conan, "zlib", "1.3"), nullptr), "pkg:conan/zlib@1.3");
  EXPECT_EQ(make_purl(pkg(Ecosystem::Vcpkg, "fmt", "10.1.1#1"), nullptr), "pkg:generic/vcpkg/fmt@10.1.1%231");
}

TEST(Purl, EncodesReservedCharacters) {
  EXPECT_EQ(vigil::model::purl_encode("a b/c?d#e@f"), "a%20b%2Fc%3Fd%23e%40f");
  EXPECT_EQ(vigil::model::purl_encode("1:2", ":"), "1:2");
}
