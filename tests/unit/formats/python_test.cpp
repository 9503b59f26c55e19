// Python parsers: requirements.txt, poetry.lock (1.4 and 2.0 layouts), Pipfile.lock, uv.lock and installed
// METADATA / PKG-INFO copied from real dist-info and egg-info folders.
#include "formats/python.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "test_support.hpp"

namespace vigil::formats {
namespace {

using model::Relation;
using model::Scope;
using vigil::test::find;

void expect_pkg(const Parsed& p, std::string_view name, std::string_view version, Scope scope, Relation relation) {
  const model::Package* pkg = find(p, name);
  ASSERT_NE(pkg, nullptr) << name;
  EXPECT_EQ(pkg->version, version) << name;
  EXPECT_EQ(pkg->scope, scope) << name;
  EXPECT_EQ(pkg->relation, relation) << name;
  EXPECT_EQ(pkg->ecosystem, model::Ecosystem::PyPI);
  EXPECT_TRUE(pkg->purl.empty());
}

TEST(RequirementsTxt, EveryKindOfLine) {
  const auto parsed = parse_requirements_txt("requirements.txt", test::read_data("python/requirements.txt"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->packages.size(), 11U);
  expect_pkg(*parsed, "fastapi", "0.115.4", Scope::Unknown, Relation::Direct);
  expect_pkg(*parsed, "pydantic", "2.9.2", Scope::Unknown, Relation::Direct);
  expect_pkg(*parsed, "requests", "2.32.3", Scope::Unknown, Relation::Direct);
  expect_pkg(*parsed, "urllib3", "2.2.3", Scope::Unknown, Relation::Direct);
  expect_pkg(*parsed, "certifi", "2024.8.30", Scope::Unknown, Relation::Direct);  // continued with --hash
  expect_pkg(*parsed, "typing-extensions", "4.12.2", Scope::Unknown, Relation::Direct);
  expect_pkg(*parsed, "importlib-metadata", "8.5.0", Scope::Unknown, Relation::Direct);
  expect_pkg(*parsed, "Jinja2", "3.1.4", Scope::Unknown, Relation::Direct);  // name kept as written
  expect_pkg(*parsed, "zope.interface", "7.1.1", Scope::Unknown, Relation::Direct);
  expect_pkg(*parsed, "attrs", "24.2.0", Scope::Unknown, Relation::Direct);
  expect_pkg(*parsed, "SQLAlchemy", "2.0.36", Scope::Unknown, Relation::Direct);
  ASSERT_EQ(parsed->warnings.size(), 1U);
  EXPECT_EQ(parsed->warnings[0].message,
            "7 requirements are not pinned with == and not inventoried: uvicorn, starlette, click, gunicorn, numpy, "
            "boto3, acme-plugin");
}

TEST(RequirementsTxt, ManyUnpinnedIsOneWarning) {
  std::string text;
  for (int i = 0; i < 25; ++i) {
    text += "pkg" + std::to_string(i) + ">=1\n";
  }
  const auto parsed = parse_requirements_txt("requirements.txt", text);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->packages.empty());
  ASSERT_EQ(parsed->warnings.size(), 1U);
  EXPECT_NE(parsed->warnings[0].message.find("pkg9, and 15 more"), std::string::npos);
}

TEST(RequirementsTxt, HostileInput) {
  for (const std::string_view input :
       {std::string_view(""), std::string_view("\\"), std::string_view("==\n[\n]==1\nx[==1\n"),
        std::string_view("a==\n"), std::string_view("\\\n\\\n\\"), std::string_view("a==1.*\r\nb===\r\n")}) {
    const auto parsed = parse_requirements_txt("requirements.txt", input);
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->packages.empty()) << input;
  }
  const auto crlf =
      parse_requirements_txt("requirements.txt", "flask==3.1.0\r\nitsdangerous==2.2.0 \\\r\n  --hash=x\r\n");
  ASSERT_TRUE(crlf);
  ASSERT_EQ(crlf->packages.size(), 2U);
  EXPECT_EQ(crlf->packages[1].version, "2.2.0");
}

TEST(PoetryLock, OldCategoryFormat) {
  const auto parsed = parse_poetry_lock("poetry.lock", test::read_data("python/poetry-1.4.lock"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  EXPECT_EQ(parsed->packages.size(), 21U);
  expect_pkg(*parsed, "fastapi", "0.115.4", Scope::Prod, Relation::Unknown);
  expect_pkg(*parsed, "pytest", "8.3.3", Scope::Dev, Relation::Unknown);
  expect_pkg(*parsed, "anyio", "4.6.2.post1", Scope::Prod, Relation::Unknown);
}

TEST(PoetryLock, NewGroupsFormat) {
  const auto parsed = parse_poetry_lock("poetry.lock", test::read_data("python/poetry-2.0.lock"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->packages.size(), 21U);
  expect_pkg(*parsed, "pluggy", "1.5.0", Scope::Dev, Relation::Unknown);
  expect_pkg(*parsed, "colorama", "0.4.6", Scope::Prod, Relation::Unknown);  // groups = ["main", "dev"]
  expect_pkg(*parsed, "pydantic-core", "2.23.4", Scope::Prod, Relation::Unknown);
}

TEST(PoetryLock, MalformedInput) {
  const auto bad = parse_poetry_lock("poetry.lock", "[[package]]\nname = \"a\"\nversion = ");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("line 3"), std::string::npos);
  const auto truncated = parse_poetry_lock("poetry.lock", test::read_data("python/poetry-1.4.lock").substr(0, 700));
  EXPECT_FALSE(truncated);  // cut inside a files array
  const auto typed = parse_poetry_lock("poetry.lock", "package = 3\n");
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->warnings.size(), 1U);
  const auto missing = parse_poetry_lock("poetry.lock", "[[package]]\nname = \"a\"\n[[package]]\nversion = 1\n");
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->packages.empty());
  EXPECT_EQ(missing->warnings.size(), 2U);
  EXPECT_FALSE(parse_poetry_lock("poetry.lock", "a = " + std::string(5000, '[')));
}

TEST(PipfileLock, DefaultAndDevelop) {
  const auto parsed = parse_pipfile_lock("Pipfile.lock", test::read_data("python/Pipfile.lock"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->packages.size(), 22U);  // colorama is in both sections
  expect_pkg(*parsed, "requests", "2.32.3", Scope::Prod, Relation::Unknown);
  expect_pkg(*parsed, "pytest", "8.3.3", Scope::Dev, Relation::Unknown);
  EXPECT_EQ(find(*parsed, "acme-shared"), nullptr);   // editable path: silent
  EXPECT_EQ(find(*parsed, "internal-sdk"), nullptr);  // git without version: warned
  ASSERT_EQ(parsed->warnings.size(), 1U);
  EXPECT_NE(parsed->warnings[0].message.find("internal-sdk"), std::string::npos);
}

TEST(PipfileLock, MalformedInput) {
  EXPECT_FALSE(parse_pipfile_lock("Pipfile.lock", "{\"default\": {"));
  EXPECT_FALSE(parse_pipfile_lock("Pipfile.lock", "[]"));
  const auto typed = parse_pipfile_lock("Pipfile.lock", R"({"default": {"a": 1, "b": {"version": 3}}, "develop": 5})");
  ASSERT_TRUE(typed);
  EXPECT_TRUE(typed->packages.empty());
  EXPECT_EQ(typed->warnings.size(), 2U);
}

TEST(UvLock, GraphGivesDirectAndDev) {
  const auto parsed = parse_uv_lock("uv.lock", test::read_data("python/uv.lock"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->warnings.empty());
  EXPECT_EQ(parsed->packages.size(), 21U);
  EXPECT_EQ(find(*parsed, "acme-api"), nullptr);
  expect_pkg(*parsed, "fastapi", "0.115.4", Scope::Prod, Relation::Direct);
  expect_pkg(*parsed, "pytest", "8.3.3", Scope::Dev, Relation::Direct);
  expect_pkg(*parsed, "pluggy", "1.5.0", Scope::Dev, Relation::Transitive);
  expect_pkg(*parsed, "colorama", "0.4.6", Scope::Prod, Relation::Transitive);  // via uvicorn -> click
  expect_pkg(*parsed, "sniffio", "1.3.1", Scope::Prod, Relation::Transitive);
}

TEST(UvLock, VirtualRootAndMissingFields) {
  const auto parsed = parse_uv_lock("uv.lock", R"(version = 1
[[package]]
name = "ws"
source = { virtual = "." }
dependencies = [{ name = "lib" }, { name = "six", version = "1.16.0" }]
[[package]]
name = "lib"
source = { editable = "packages/lib" }
dependencies = [{ name = "six", version = "1.17.0" }]
[[package]]
name = "six"
version = "1.16.0"
[[package]]
name = "six"
version = "1.17.0"
[[package]]
name = "nover"
[[package]]
version = "1.0"
)");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->packages.size(), 2U);  // lib has no version (dynamic): silent; nover warned; no-name warned
  EXPECT_EQ(parsed->warnings.size(), 2U);
  EXPECT_EQ(parsed->packages[0].relation, Relation::Direct);
  EXPECT_EQ(parsed->packages[1].relation, Relation::Direct);  // six 1.17.0 is a direct dep of member lib
  EXPECT_FALSE(parse_uv_lock("uv.lock", "[[package]\n"));
}

TEST(PythonMetadata, RealDistInfoAndEggInfo) {
  struct Case {
    const char* file;
    const char* name;
    const char* version;
    const char* license;
  };
  for (const Case& c : {Case{"flask-3.1.3.METADATA", "Flask", "3.1.3", "BSD-3-Clause"},
                        Case{"colorama-0.4.6.METADATA", "colorama", "0.4.6", "BSD License"},
                        Case{"pip-24.2.METADATA", "pip", "24.2", "MIT"},
                        Case{"traitlets-5.15.0.METADATA", "traitlets", "5.15.0", "BSD License"},
                        Case{"oauthlib-3.2.2.PKG-INFO", "oauthlib", "3.2.2", "BSD"}}) {
    const auto parsed = parse_python_metadata("site-packages/x.dist-info/METADATA",
                                              test::read_data(std::string("python/metadata/") + c.file));
    ASSERT_TRUE(parsed) << c.file;
    ASSERT_EQ(parsed->packages.size(), 1U) << c.file;
    EXPECT_EQ(parsed->packages[0].name, c.name);
    EXPECT_EQ(parsed->packages[0].version, c.version);
    EXPECT_EQ(parsed->packages[0].license, c.license) << c.file;
    EXPECT_EQ(parsed->packages[0].ecosystem, model::Ecosystem::PyPI);
  }
}

TEST(PythonMetadata, BodyIsNotHeaderAndMissingFields) {
  const auto body = parse_python_metadata("PKG-INFO", "Name: a\nLicense: MIT\n\nVersion: 9.9\n");
  ASSERT_TRUE(body);
  EXPECT_TRUE(body->packages.empty());
  ASSERT_EQ(body->warnings.size(), 1U);
  const auto crlf =
      parse_python_metadata("PKG-INFO", "Metadata-Version: 1.0\r\nName: b\r\nVersion: 1.0\r\nLicense: UNKNOWN\r\n");
  ASSERT_TRUE(crlf && crlf->packages.size() == 1U);
  EXPECT_EQ(crlf->packages[0].version, "1.0");
  EXPECT_EQ(crlf->packages[0].license, "");
  for (const std::string_view input : {std::string_view(""), std::string_view(":"), std::string_view("\n\n"),
                                       std::string_view(" Name: x\nVersion 1")}) {
    const auto parsed = parse_python_metadata("METADATA", input);
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->packages.empty());
  }
}

}  // namespace
}  // namespace vigil::formats
