// Java: real jars from Debian (/usr/share/java), wars/ears/fat jars nesting them, hostile archives (zip bomb,
// zip-slip names, excessive nesting), pom.xml with properties and gradle.lockfile.
#include "formats/java.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "test_support.hpp"

using vigil::test::find;
using vigil::formats::parse_gradle_lockfile;
using vigil::formats::parse_jar;
using vigil::formats::parse_pom_xml;
using vigil::formats::Parsed;
using vigil::model::Ecosystem;
using vigil::model::Package;
using vigil::model::Relation;
using vigil::model::Scope;

namespace {


vigil::Result<Parsed> jar(const std::string& file, const std::string& path) {
  return parse_jar(path, vigil::test::read_data("java/" + file));
}

bool has_warning(const Parsed& parsed, const std::string& text) {
  return std::any_of(parsed.warnings.begin(), parsed.warnings.end(),
                     [&](const auto& w) { return w.message.find(text) != std::string::npos; });
}

}  // namespace

TEST(Jar, PomPropertiesOfARealJar) {
  const auto parsed = jar("slf4j-api-1.7.32.jar", "usr/share/java/slf4j-api.jar");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->warnings.empty());
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].name, "org.slf4j:slf4j-api");
  EXPECT_EQ(parsed->packages[0].version, "1.7.32");
  EXPECT_EQ(parsed->packages[0].ecosystem, Ecosystem::Maven);
  EXPECT_EQ(parsed->packages[0].location, "");  // the file itself: the engine fills it in
}

TEST(Jar, ShadedJarGivesEveryPomProperties) {
  const auto parsed = jar("maven-slf4j-provider-3.8.7.jar", "maven-slf4j-provider.jar");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 2U);
  EXPECT_EQ(find(*parsed, "org.apache.maven:maven-slf4j-provider")->version, "3.8.7");
  EXPECT_EQ(find(*parsed, "org.slf4j:slf4j-simple")->version, "1.7.32");
}

TEST(Jar, ManifestThenFileNameFallbacks) {
  // OSGi headers only: group from Bundle-SymbolicName "com.google.inject", artifact from Bundle-Name.
  const auto guice = jar("guice-multibindings-4.2.3.jar", "guice-multibindings-4.2.3.jar");
  ASSERT_TRUE(guice);
  ASSERT_EQ(guice->packages.size(), 1U);
  EXPECT_EQ(guice->packages[0].name, "com.google:guice-multibindings");
  EXPECT_EQ(guice->packages[0].version, "4.2.3");
  // No pom.properties, nothing useful in the manifest: the file name, artifact only.
  const auto aop = jar("aopalliance-1.0.jar", "lib/aopalliance-1.0.jar");
  ASSERT_TRUE(aop);
  ASSERT_EQ(aop->packages.size(), 1U);
  EXPECT_EQ(aop->packages[0].name, "aopalliance");
  EXPECT_EQ(aop->packages[0].version, "1.0");
  const auto unversioned = jar("aopalliance-1.0.jar", "lib/aopalliance.jar");
  ASSERT_TRUE(unversioned);
  EXPECT_TRUE(unversioned->packages.empty());
}

TEST(Jar, WarWithNestedLibraries) {
  const auto parsed = jar("shop-2.4.1.war", "webapps/shop-2.4.1.war");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->warnings.empty());
  ASSERT_EQ(parsed->packages.size(), 3U);
  EXPECT_EQ(find(*parsed, "com.example:shop")->location, "");
  const Package* slf4j = find(*parsed, "org.slf4j:slf4j-api");
  ASSERT_NE(slf4j, nullptr);
  EXPECT_EQ(slf4j->version, "1.7.32");
  EXPECT_EQ(slf4j->location, "webapps/shop-2.4.1.war!/WEB-INF/lib/slf4j-api-1.7.32.jar");
  EXPECT_EQ(find(*parsed, "org.slf4j:jcl-over-slf4j")->location,
            "webapps/shop-2.4.1.war!/WEB-INF/lib/jcl-over-slf4j-1.7.32.jar");
}

TEST(Jar, EarNestsTwoLevels) {
  const auto parsed = jar("store.ear", "store.ear");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->warnings.empty());
  ASSERT_EQ(parsed->packages.size(), 5U);
  EXPECT_EQ(find(*parsed, "com.example:shop")->location, "store.ear!/shop.war");
  EXPECT_EQ(find(*parsed, "org.slf4j:slf4j-api")->location, "store.ear!/shop.war!/WEB-INF/lib/slf4j-api-1.7.32.jar");
  EXPECT_EQ(find(*parsed, "org.slf4j:slf4j-simple")->location, "store.ear!/lib/maven-slf4j-provider-3.8.7.jar");
}

TEST(Jar, SpringBootFatJarWithStoredLibraries) {
  const auto parsed = jar("api-boot.jar", "app/api.jar");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 3U);
  EXPECT_EQ(find(*parsed, "com.example:api")->version, "0.0.1-SNAPSHOT");
  EXPECT_EQ(find(*parsed, "org.slf4j:slf4j-api")->location, "app/api.jar!/BOOT-INF/lib/slf4j-api-1.7.32.jar");
  EXPECT_EQ(find(*parsed, "aopalliance")->location, "app/api.jar!/BOOT-INF/lib/aopalliance-1.0.jar");
}

TEST(Jar, ZipBombIsAWarning) {
  // A 48 KiB war whose nested "jar" inflates to 48 MiB: stopped at the budget (32 MiB here), not read whole.
  const auto parsed = jar("bomb.war", "bomb.war");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].name, "com.example:bomb");
  ASSERT_EQ(parsed->warnings.size(), 1U);
  EXPECT_NE(parsed->warnings[0].message.find("zip bomb"), std::string::npos);
  EXPECT_EQ(parsed->warnings[0].message.rfind("WEB-INF/lib/huge.jar: ", 0), 0U);
}

TEST(Jar, UnsafeEntryNamesAreReported) {
  const auto parsed = jar("evil-6.6.6.jar", "evil-6.6.6.jar");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].name, "org.example:evil");
  ASSERT_EQ(parsed->warnings.size(), 3U);
  EXPECT_TRUE(has_warning(*parsed, "\"../evil.sh\""));
  EXPECT_TRUE(has_warning(*parsed, "\"/etc/cron.d/evil\""));
  EXPECT_TRUE(has_warning(*parsed, "\"META-INF/../../../tmp/x\""));
}

TEST(Jar, NestingDepthIsBounded) {
  const auto parsed = jar("deep.jar", "deep.jar");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->packages.empty());
  ASSERT_EQ(parsed->warnings.size(), 1U);
  EXPECT_NE(parsed->warnings[0].message.find("nested deeper than 4 levels"), std::string::npos);
}

TEST(Jar, MalformedInput) {
  EXPECT_FALSE(parse_jar("x.jar", ""));
  EXPECT_FALSE(parse_jar("x.jar", "this is not a zip file, only some text"));
  // A war cut short: the central directory is gone; what can be read is read, the damage is reported.
  const std::string war = vigil::test::read_data("java/shop-2.4.1.war");
  const auto cut = parse_jar("shop.war", war.substr(0, war.size() * 9 / 10));
  ASSERT_TRUE(cut);
  EXPECT_NE(find(*cut, "org.slf4j:slf4j-api"), nullptr);  // the first nested jar is complete
  EXPECT_TRUE(has_warning(*cut, "archive is damaged"));
  EXPECT_TRUE(has_warning(*cut, "WEB-INF/lib/jcl-over-slf4j-1.7.32.jar: cannot decompress"));
  // A nested jar that is not a zip: a warning, the outer packages stay.
  const auto broken = jar("broken-nested.war", "broken.war");
  ASSERT_TRUE(broken);
  ASSERT_EQ(broken->packages.size(), 1U);
  EXPECT_EQ(broken->packages[0].name, "com.example:broken");
  ASSERT_EQ(broken->warnings.size(), 1U);
  EXPECT_EQ(broken->warnings[0].message.rfind("WEB-INF/lib/notazip.jar: ", 0), 0U);
}

TEST(PomXml, PropertiesManagedVersionsAndScopes) {
  const auto parsed = parse_pom_xml("pom.xml", vigil::test::read_data("java/pom.xml"));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 9U);
  EXPECT_EQ(find(*parsed, "com.example.platform:orders-service"), nullptr);  // the project itself
  const Package* jackson = find(*parsed, "com.fasterxml.jackson.core:jackson-databind");
  ASSERT_NE(jackson, nullptr);
  EXPECT_EQ(jackson->version, "2.15.3");
  EXPECT_EQ(jackson->scope, Scope::Prod);
  EXPECT_EQ(jackson->relation, Relation::Direct);
  EXPECT_EQ(find(*parsed, "io.netty:netty-handler")->version, "4.1.100.Final");  // nested property
  EXPECT_EQ(find(*parsed, "org.apache.logging.log4j:log4j-core")->scope, Scope::Prod);
  EXPECT_EQ(find(*parsed, "com.google.guava:guava")->version, "32.1.3-jre");      // from dependencyManagement
  EXPECT_EQ(find(*parsed, "com.example.platform:orders-api")->version, "7.3.0");  // parent's version
  EXPECT_EQ(find(*parsed, "jakarta.servlet:jakarta.servlet-api")->scope, Scope::Dev);
  EXPECT_EQ(find(*parsed, "org.junit.jupiter:junit-jupiter")->scope, Scope::Dev);
  EXPECT_EQ(find(*parsed, "org.junit:junit-bom"), nullptr);  // dependencyManagement is not a dependency
  ASSERT_EQ(parsed->warnings.size(), 2U);
  EXPECT_NE(parsed->warnings[0].message.find("${spring.version}"), std::string::npos);
  EXPECT_EQ(parsed->warnings[0].line, 82);  // the <dependency> element
  EXPECT_NE(parsed->warnings[1].message.find("org.slf4j:slf4j-api"), std::string::npos);
}

TEST(PomXml, RealDebianPomWithParentManagedVersions) {
  const auto parsed = parse_pom_xml("pom.xml", vigil::test::read_data("java/maven-core-3.8.7.pom"));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->packages.empty());  // every version comes from the parent POM
  EXPECT_EQ(parsed->warnings.size(), 24U);
}

TEST(PomXml, HostileAndMalformed) {
  const auto bad = parse_pom_xml("pom.xml", "<project><dependencies><dependency>\n<groupId>a</groupId>");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("invalid XML"), std::string::npos);
  EXPECT_FALSE(parse_pom_xml("pom.xml", "<settings/>"));
  EXPECT_FALSE(parse_pom_xml("pom.xml", ""));
  // Property cycles and exponential expansion end in warnings.
  const auto cyclic = parse_pom_xml("pom.xml", R"(<project>
  <properties><a>${b}</a><b>${a}</b>
    <x0>${x1}${x1}${x1}${x1}${x1}${x1}${x1}${x1}</x0><x1>${x2}${x2}${x2}${x2}${x2}${x2}${x2}${x2}</x1>
    <x2>${x3}${x3}${x3}${x3}${x3}${x3}${x3}${x3}</x2><x3>${x4}${x4}${x4}${x4}${x4}${x4}${x4}${x4}</x3>
    <x4>${x5}${x5}${x5}${x5}${x5}${x5}${x5}${x5}</x4><x5>${x6}${x6}${x6}${x6}${x6}${x6}${x6}${x6}</x5>
    <x6>${x7}${x7}${x7}${x7}${x7}${x7}${x7}${x7}</x6><x7></x7><open>${oops</open></properties>
  <dependencies>
    <dependency><groupId>g</groupId><artifactId>cycle</artifactId><version>${a}</version></dependency>
    <dependency><groupId>g</groupId><artifactId>wide</artifactId><version>${x0}</version></dependency>
    <dependency><groupId>g</groupId><artifactId>open</artifactId><version>${open}</version></dependency>
    <dependency><artifactId>nogroup</artifactId><version>1</version></dependency>
    <dependency><groupId>g</groupId><artifactId>ok</artifactId><version>[1.0,2.0)</version></dependency>
  </dependencies>
</project>)");
  ASSERT_TRUE(cyclic);
  ASSERT_EQ(cyclic->packages.size(), 1U);
  EXPECT_EQ(cyclic->packages[0].version, "[1.0,2.0)");
  EXPECT_EQ(cyclic->warnings.size(), 4U);
}

TEST(GradleLockfile, ConfigurationsGiveScope) {
  const auto parsed = parse_gradle_lockfile("gradle.lockfile", vigil::test::read_data("java/gradle.lockfile"));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->warnings.empty());
  ASSERT_EQ(parsed->packages.size(), 26U);
  const Package* guava = find(*parsed, "com.google.guava:guava");
  ASSERT_NE(guava, nullptr);
  EXPECT_EQ(guava->version, "32.1.3-jre");
  EXPECT_EQ(guava->ecosystem, Ecosystem::Maven);
  EXPECT_EQ(guava->scope, Scope::Prod);
  EXPECT_EQ(find(*parsed, "net.bytebuddy:byte-buddy")->scope, Scope::Dev);
  EXPECT_EQ(find(*parsed, "org.junit.platform:junit-platform-engine")->scope, Scope::Dev);
  EXPECT_EQ(find(*parsed, "org.projectlombok:lombok")->scope, Scope::Prod);
  EXPECT_EQ(find(*parsed, "org.projectlombok:lombok")->relation, Relation::Unknown);
}

TEST(GradleLockfile, MalformedLines) {
  const auto parsed = parse_gradle_lockfile("gradle.lockfile",
                                            "# comment\r\n"
                                            "org.a:b:1.0=runtimeClasspath\r\n"
                                            "not-coordinates=compileClasspath\r\n"
                                            "org.a:c=compileClasspath\r\n"
                                            "::=x\n"
                                            "org.a:d:2.0\n"
                                            "empty=\n");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 2U);
  EXPECT_EQ(parsed->packages[0].scope, Scope::Prod);
  EXPECT_EQ(parsed->packages[1].name, "org.a:d");
  EXPECT_EQ(parsed->packages[1].scope, Scope::Unknown);  // no configurations listed
  ASSERT_EQ(parsed->warnings.size(), 3U);
  EXPECT_EQ(parsed->warnings[0].line, 3);
}
