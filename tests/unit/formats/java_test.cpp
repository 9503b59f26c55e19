// Java: real jars from Debian (/usr/share/java), wars/ears/fat jars nesting them, hostile archives (zip bomb,
// zip-slip names, excessive nesting), pom.xml with properties and gradle.lockfile.
#include "formats/java.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "test_support.hpp"

using vigil::formats::parse_gradle_lockfile;
using vigil::formats::parse_jar;
using vigil::formats::parse_pom_xml;
using vigil::formats::Parsed;
using vigil::model::Ecosystem;
using vigil::model::Package;
using vigil::model::Relation;
using vigil::model::Scope;
using vigil::test::find;

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

// pom.xml with its local parent POMs (tests/data/java/multimodule: orders-service -> shop-parent -> company-parent,
// whose own parent spring-boot-dependencies is only in a repository).
namespace {

std::string module_pom(const std::string& rel) {
  return vigil::test::read_data("java/multimodule/" + rel);
}

std::string pom_with_parent(const std::string& artifact, const std::string& parent_artifact,
                            const std::string& body = {}) {
  return "<project><parent><groupId>g</groupId><artifactId>" + parent_artifact +
         "</artifactId><version>1</version></parent><artifactId>" + artifact + "</artifactId>" + body + "</project>";
}

}  // namespace

TEST(PomXmlParents, ChildResolvesFromParentAndGrandparent) {
  const std::string child = module_pom("orders-service/pom.xml");
  const std::string parent = module_pom("pom.xml");
  const std::string grandparent = module_pom("company-parent/pom.xml");
  const auto parsed =
      vigil::formats::parse_pom_xml_with_parents("orders-service/pom.xml", child, {parent, grandparent});
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->packages.size(), 9U);
  EXPECT_EQ(find(*parsed, "org.springframework:spring-context")->version, "6.1.3");  // parent property
  // Managed by the parent as ${jackson.version}: the child's property wins over both parents' (Maven interpolates
  // the merged model with the child's properties).
  EXPECT_EQ(find(*parsed, "com.fasterxml.jackson.core:jackson-databind")->version, "2.16.2");
  EXPECT_EQ(find(*parsed, "io.micrometer:micrometer-core")->version, "1.12.2");
  EXPECT_EQ(find(*parsed, "org.slf4j:slf4j-api")->version, "2.0.11");  // managed by the grandparent
  const Package* pg = find(*parsed, "org.postgresql:postgresql");
  ASSERT_NE(pg, nullptr);
  EXPECT_EQ(pg->version, "42.7.1");
  EXPECT_EQ(pg->scope, Scope::Prod);  // runtime
  // ${project.groupId}:shop-common managed at ${project.version}: the child's inherited coordinates.
  EXPECT_EQ(find(*parsed, "com.example.shop:shop-common")->version, "3.2.0");
  EXPECT_EQ(find(*parsed, "com.example.shop:orders-api")->version, "3.2.0");  // ${project.parent.version}
  EXPECT_EQ(find(*parsed, "org.mockito:mockito-core")->scope, Scope::Dev);
  // Inherited from the grandparent's <dependencies>; version managed nearer (shop-parent), scope from farther.
  const Package* junit = find(*parsed, "org.junit.jupiter:junit-jupiter");
  ASSERT_NE(junit, nullptr);
  EXPECT_EQ(junit->version, "5.10.2");
  EXPECT_EQ(junit->scope, Scope::Dev);
  EXPECT_EQ(junit->relation, Relation::Direct);
  // Managed by spring-boot-dependencies, which is not on disk.
  ASSERT_EQ(parsed->warnings.size(), 1U);
  EXPECT_EQ(parsed->warnings[0].message,
            "org.springframework.boot:spring-boot-starter-web: version is managed outside this file; skipped");
  EXPECT_EQ(parsed->warnings[0].line, 51);  // the <dependency> element
}

TEST(PomXmlParents, NoParentsIsParsePomXmlAndNearestParentAlone) {
  const std::string child = module_pom("orders-service/pom.xml");
  const auto alone = parse_pom_xml("orders-service/pom.xml", child);
  const auto none = vigil::formats::parse_pom_xml_with_parents("orders-service/pom.xml", child, {});
  ASSERT_TRUE(alone);
  ASSERT_TRUE(none);
  ASSERT_EQ(alone->packages.size(), none->packages.size());
  ASSERT_EQ(alone->warnings.size(), none->warnings.size());
  for (size_t i = 0; i < alone->warnings.size(); ++i) {
    EXPECT_EQ(alone->warnings[i].message, none->warnings[i].message);
  }
  EXPECT_EQ(alone->packages.size(), 2U);  // orders-api (${project.parent.version}) and mockito
  EXPECT_EQ(alone->warnings.size(), 7U);
  EXPECT_TRUE(has_warning(*alone, "property ${spring.version} is not defined in this file"));

  const auto nearest =
      vigil::formats::parse_pom_xml_with_parents("orders-service/pom.xml", child, {module_pom("pom.xml")});
  ASSERT_TRUE(nearest);
  EXPECT_EQ(nearest->packages.size(), 6U);
  EXPECT_EQ(find(*nearest, "org.slf4j:slf4j-api"), nullptr);  // managed by the grandparent only
  EXPECT_TRUE(has_warning(*nearest, "org.slf4j:slf4j-api: version is managed outside this file"));
  EXPECT_TRUE(has_warning(*nearest, "org.postgresql:postgresql: version is managed outside this file"));
}

TEST(PomXmlParents, ParentPathAndIdentity) {
  using vigil::formats::pom_parent_path;
  EXPECT_EQ(pom_parent_path(module_pom("orders-service/pom.xml")), "../pom.xml");  // Maven's default
  EXPECT_EQ(pom_parent_path(module_pom("pom.xml")), "company-parent");             // a directory
  EXPECT_EQ(pom_parent_path(module_pom("company-parent/pom.xml")), std::nullopt);  // <relativePath/>
  EXPECT_EQ(pom_parent_path(module_pom("escape-service/pom.xml")), "../../../../../../../../etc/passwd");
  EXPECT_EQ(pom_parent_path("<project><artifactId>a</artifactId></project>"), std::nullopt);
  EXPECT_EQ(pom_parent_path("<project><parent>"), std::nullopt);
  EXPECT_EQ(pom_parent_path("<settings/>"), std::nullopt);
  EXPECT_EQ(pom_parent_path("<project><parent><relativePath> ../p/pom.xml </relativePath></parent></project>"),
            "../p/pom.xml");

  const auto id = vigil::formats::pom_identity(module_pom("orders-service/pom.xml"));
  ASSERT_TRUE(id);
  EXPECT_EQ(id->self.group_id, "com.example.shop");  // inherited from <parent>
  EXPECT_EQ(id->self.artifact_id, "orders-service");
  EXPECT_EQ(id->self.version, "3.2.0");
  ASSERT_TRUE(id->parent);
  EXPECT_FALSE(id->parent->relative_path_given);
  EXPECT_EQ(id->parent->coordinates.artifact_id, "shop-parent");
  EXPECT_FALSE(vigil::formats::pom_identity("<project"));

  using vigil::formats::pom_matches;
  EXPECT_TRUE(pom_matches({"g", "a", "1"}, {"g", "a", "1"}));
  EXPECT_TRUE(pom_matches({"g", "a", "${revision}"}, {"g", "a", "1"}));
  EXPECT_FALSE(pom_matches({"g", "a", "2"}, {"g", "a", "1"}));
  EXPECT_FALSE(pom_matches({"h", "a", "1"}, {"g", "a", "1"}));
  EXPECT_FALSE(pom_matches({"g", "", "1"}, {"g", "", "1"}));
}

TEST(PomXmlParents, WrongMalformedAndTooManyParentsAreWarnings) {
  // legacy-batch's parent is spring-boot-starter-parent: shop-parent at ../pom.xml is not it and is not used.
  const auto wrong = vigil::formats::parse_pom_xml_with_parents(
      "legacy-batch/pom.xml", module_pom("legacy-batch/pom.xml"), {module_pom("pom.xml")});
  ASSERT_TRUE(wrong);
  EXPECT_TRUE(has_warning(*wrong,
                          "parent POM ignored: the local file is com.example.shop:shop-parent:3.2.0, not "
                          "org.springframework.boot:spring-boot-starter-parent:3.2.2"));
  EXPECT_TRUE(has_warning(*wrong, "property ${jackson.version} is not defined in this file"));
  EXPECT_EQ(wrong->packages.size(), 1U);  // h2

  // A broken parent is a warning; the child is still read.
  const std::string child = pom_with_parent("child", "p",
                                            "<dependencies><dependency><groupId>x</groupId>"
                                            "<artifactId>y</artifactId><version>${v}</version>"
                                            "</dependency></dependencies>");
  const auto broken = vigil::formats::parse_pom_xml_with_parents("pom.xml", child, {"<project><properties>"});
  ASSERT_TRUE(broken);
  EXPECT_TRUE(has_warning(*broken, "parent POM g:p:1 ignored: invalid XML"));
  EXPECT_TRUE(has_warning(*broken, "property ${v} is not defined in this file"));

  // Properties defined across files still end cycles and bombs.
  const auto cycle = vigil::formats::parse_pom_xml_with_parents(
      "pom.xml",
      pom_with_parent("child", "p",
                      "<properties><v>${w}</v></properties>"
                      "<dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId>"
                      "<version>${v}</version></dependency></dependencies>"),
      {pom_with_parent("p", "q", "<groupId>g</groupId><version>1</version><properties><w>${v}</w></properties>")});
  ASSERT_TRUE(cycle);
  EXPECT_TRUE(cycle->packages.empty());
  EXPECT_TRUE(has_warning(*cycle, "nest too deeply"));

  // A chain of 10: only 8 parents are used; the 9th's property is not seen.
  std::vector<std::string> chain;
  for (int i = 1; i <= 10; ++i) {
    chain.push_back(pom_with_parent(
        "p" + std::to_string(i), "p" + std::to_string(i + 1),
        "<properties><v" + std::to_string(i) + ">" + std::to_string(i) + "</v" + std::to_string(i) + "></properties>"));
  }
  const std::vector<std::string_view> views(chain.begin(), chain.end());
  const auto deep = vigil::formats::parse_pom_xml_with_parents(
      "pom.xml",
      pom_with_parent("p0", "p1",
                      "<dependencies>"
                      "<dependency><groupId>x</groupId><artifactId>a</artifactId><version>${v8}</version></dependency>"
                      "<dependency><groupId>x</groupId><artifactId>b</artifactId><version>${v9}</version></dependency>"
                      "</dependencies>"),
      views);
  ASSERT_TRUE(deep);
  ASSERT_EQ(deep->packages.size(), 1U);
  EXPECT_EQ(deep->packages[0].version, "8");
  EXPECT_TRUE(has_warning(*deep, "parent POM chain is longer than 8"));
  EXPECT_TRUE(has_warning(*deep, "property ${v9} is not defined in this file or its parent POMs"));
}

TEST(PomXmlParents, ChildDeclarationOverridesInheritedDependency) {
  const std::string parent = pom_with_parent(
      "p", "root",
      "<groupId>g</groupId><version>1</version><properties><lib.version>1.0</lib.version></properties>"
      "<dependencies><dependency><groupId>x</groupId><artifactId>lib</artifactId><version>${lib.version}</version>"
      "</dependency><dependency><groupId>x</groupId><artifactId>only-in-parent</artifactId><version>4.2</version>"
      "<scope>test</scope></dependency></dependencies>");
  const std::string child = pom_with_parent(
      "c", "p",
      "<properties><lib.version>2.0</lib.version></properties><dependencies><dependency><groupId>x</groupId>"
      "<artifactId>lib</artifactId><version>3.0</version></dependency></dependencies>");
  const auto parsed = vigil::formats::parse_pom_xml_with_parents("c/pom.xml", child, {parent});
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->warnings.empty());
  ASSERT_EQ(parsed->packages.size(), 2U);
  EXPECT_EQ(find(*parsed, "x:lib")->version, "3.0");
  EXPECT_EQ(find(*parsed, "x:lib", "1.0"), nullptr);
  EXPECT_EQ(find(*parsed, "x:only-in-parent")->scope, Scope::Dev);
}
