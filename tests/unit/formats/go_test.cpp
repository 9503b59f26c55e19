// go.mod and Go build info: real build info sections extracted from docker, kubectl and terraform binaries
// (objcopy --only-section=.go.buildinfo), checked against what `go version -m` prints for them.
#include "formats/go.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "test_support.hpp"

using vigil::formats::parse_go_buildinfo;
using vigil::formats::parse_go_mod;
using vigil::formats::Parsed;
using vigil::model::Ecosystem;
using vigil::model::Package;
using vigil::model::Relation;
using vigil::model::Scope;
using vigil::test::find;

TEST(GoMod, RequireBlocksIndirectAndReplace) {
  const auto parsed = parse_go_mod("go.mod", vigil::test::read_data("go/go.mod"));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->warnings.empty());
  EXPECT_EQ(find(*parsed, "github.com/example/service"), nullptr);  // the main module is not a dependency
  const Package* cobra = find(*parsed, "github.com/spf13/cobra");
  ASSERT_NE(cobra, nullptr);
  EXPECT_EQ(cobra->version, "v1.8.0");
  EXPECT_EQ(cobra->ecosystem, Ecosystem::Go);
  EXPECT_EQ(cobra->relation, Relation::Direct);
  const Package* pflag = find(*parsed, "github.com/spf13/pflag");
  ASSERT_NE(pflag, nullptr);
  EXPECT_EQ(pflag->version, "v1.0.5");
  EXPECT_EQ(pflag->relation, Relation::Transitive);
  // Single-line require with a quoted path.
  const Package* yaml = find(*parsed, "gopkg.in/yaml.v3");
  ASSERT_NE(yaml, nullptr);
  EXPECT_EQ(yaml->version, "v3.0.1");
  EXPECT_EQ(yaml->relation, Relation::Direct);
  // replace golang.org/x/net => golang.org/x/net v0.23.0 (every version).
  const Package* net = find(*parsed, "golang.org/x/net");
  ASSERT_NE(net, nullptr);
  EXPECT_EQ(net->version, "v0.23.0");
  // replace github.com/golang/protobuf v1.5.3 => github.com/golang/protobuf v1.5.4 (version-specific, fork).
  EXPECT_EQ(find(*parsed, "github.com/golang/protobuf"), nullptr);
  const Package* fork = find(*parsed, "github.com/example/protobuf-fork");
  ASSERT_NE(fork, nullptr);
  EXPECT_EQ(fork->version, "v1.5.4-patched");
  // replaced by a local directory: dropped.
  EXPECT_EQ(find(*parsed, "github.com/example/internal-lib"), nullptr);
  // exclude and retract do not add packages.
  EXPECT_EQ(find(*parsed, "github.com/bad/module"), nullptr);
  EXPECT_EQ(parsed->packages.size(), 12U);
}

TEST(GoMod, VersionSpecificReplaceDoesNotMatchOtherVersions) {
  const auto parsed = parse_go_mod("go.mod",
                                   "module m\n"
                                   "require example.com/a v1.0.0\n"
                                   "replace example.com/a v0.9.0 => ../a\n");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].version, "v1.0.0");
}

TEST(GoMod, MalformedLinesAreWarnings) {
  const auto parsed = parse_go_mod("go.mod",
                                   "module m\n"
                                   "require example.com/only-path\n"
                                   "require \"example.com/unterminated v1.0.0\n"
                                   "replace a => \n"
                                   "require (\n"
                                   "  example.com/ok v1.2.3 // indirect; needed by x\n");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].name, "example.com/ok");
  EXPECT_EQ(parsed->packages[0].relation, Relation::Transitive);
  ASSERT_EQ(parsed->warnings.size(), 4U);
  EXPECT_EQ(parsed->warnings[0].line, 2);
  EXPECT_EQ(parsed->warnings[1].line, 3);
  EXPECT_EQ(parsed->warnings[2].line, 4);
  EXPECT_NE(parsed->warnings[3].message.find("not closed"), std::string::npos);
}

TEST(GoBuildinfo, KubectlRealBinary) {
  const auto parsed = parse_go_buildinfo("kubectl", vigil::test::read_data("go/kubectl.go.buildinfo"));
  ASSERT_TRUE(parsed);
  // go version -m: go1.23.8, 82 dep lines, main module k8s.io/kubernetes (devel) not reported.
  EXPECT_EQ(parsed->packages.size(), 83U);
  EXPECT_EQ(find(*parsed, "k8s.io/kubernetes"), nullptr);
  const Package* stdlib = find(*parsed, "stdlib");
  ASSERT_NE(stdlib, nullptr);
  EXPECT_EQ(stdlib->version, "v1.23.8");
  const Package* klog = find(*parsed, "k8s.io/klog/v2");
  ASSERT_NE(klog, nullptr);
  EXPECT_EQ(klog->version, "v2.130.1");
  EXPECT_EQ(klog->relation, Relation::Transitive);
  EXPECT_EQ(klog->scope, Scope::Prod);
  const Package* spew = find(*parsed, "github.com/davecgh/go-spew");
  ASSERT_NE(spew, nullptr);
  EXPECT_EQ(spew->version, "v1.1.2-0.20180830191138-d8f796af33cc");
  // k8s.io/api is built from the staging tree: "(devel)", so no version, one summary warning.
  const Package* api = find(*parsed, "k8s.io/api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->version, "");
  ASSERT_EQ(parsed->warnings.size(), 1U);
  EXPECT_NE(parsed->warnings[0].message.find("development tree"), std::string::npos);
}

TEST(GoBuildinfo, TerraformReplacementsByLocalPathAreDropped) {
  const auto parsed = parse_go_buildinfo("terraform", vigil::test::read_data("go/terraform.go.buildinfo"));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->warnings.empty());
  // 221 deps, 9 of them replaced by ./internal/... directories, plus stdlib.
  EXPECT_EQ(parsed->packages.size(), 221U - 9U + 1U);
  EXPECT_EQ(find(*parsed, "github.com/hashicorp/terraform/internal/backend/remote-state/s3"), nullptr);
  const Package* crypto = find(*parsed, "golang.org/x/crypto");
  ASSERT_NE(crypto, nullptr);
  EXPECT_EQ(crypto->version, "v0.35.0");
  const Package* hcl = find(*parsed, "github.com/hashicorp/hcl/v2");
  ASSERT_NE(hcl, nullptr);
  EXPECT_EQ(hcl->version, "v2.23.0");
  EXPECT_EQ(find(*parsed, "stdlib")->version, "v1.23.3");
}

TEST(GoBuildinfo, DockerCliGopathBuildHasOnlyStdlib) {
  const auto parsed = parse_go_buildinfo("docker", vigil::test::read_data("go/docker.go.buildinfo"));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->packages.size(), 1U);
  EXPECT_EQ(parsed->packages[0].name, "stdlib");
  EXPECT_EQ(parsed->packages[0].version, "v1.24.3");
  EXPECT_EQ(parsed->packages[0].ecosystem, Ecosystem::Go);
}

namespace {

// A Go 1.18+ header with inline strings, as the linker writes it.
std::string inline_buildinfo(const std::string& version, const std::string& modinfo) {
  std::string out("\xff Go buildinf:", 14);
  out += '\x08';
  out += '\x02';
  out.resize(32, '\0');
  out += static_cast<char>(version.size());
  out += version;
  const std::string framed = std::string(16, 'S') + modinfo + std::string(16, 'E');
  out += static_cast<char>((framed.size() & 0x7f) | 0x80);
  out += static_cast<char>(framed.size() >> 7);
  out += framed;
  return out;
}

}  // namespace

TEST(GoBuildinfo, MainModuleWithVersionAndReplacementByModule) {
  const std::string modinfo =
      "path\texample.com/tool/cmd/tool\n"
      "mod\texample.com/tool\tv1.4.2\th1:abc=\n"
      "dep\tgolang.org/x/text\tv0.3.7\th1:x=\n"
      "=>\tgithub.com/fork/text\tv0.3.8\th1:y=\n"
      "dep\tgithub.com/pkg/errors\tv0.9.1\th1:z=\n"
      "build\t-compiler=gc\n";
  const auto parsed = parse_go_buildinfo("tool", inline_buildinfo("go1.21rc2", modinfo));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->warnings.empty());
  ASSERT_EQ(parsed->packages.size(), 4U);
  EXPECT_EQ(parsed->packages[0].name, "example.com/tool");
  EXPECT_EQ(parsed->packages[0].version, "v1.4.2");
  EXPECT_EQ(parsed->packages[1].name, "github.com/fork/text");
  EXPECT_EQ(parsed->packages[1].version, "v0.3.8");
  EXPECT_EQ(parsed->packages[2].name, "github.com/pkg/errors");
  EXPECT_EQ(parsed->packages[3].name, "stdlib");
  EXPECT_EQ(parsed->packages[3].version, "v1.21.0-rc.2");
}

TEST(GoBuildinfo, StdlibVersionForms) {
  auto version_of = [](const std::string& go) {
    const auto parsed = parse_go_buildinfo("x", inline_buildinfo(go, "path\tx\n"));
    const Package* p = parsed ? find(*parsed, "stdlib") : nullptr;
    return p ? p->version : std::string("<none>");
  };
  EXPECT_EQ(version_of("go1.20"), "v1.20.0");
  EXPECT_EQ(version_of("go1.22.5 X:boringcrypto"), "v1.22.5");
  EXPECT_EQ(version_of("go1.19beta1"), "v1.19.0-beta.1");
  EXPECT_EQ(version_of("devel go1.23-abcdef"), "<none>");
}

TEST(GoBuildinfo, OldFormatIsAWarning) {
  std::string old("\xff Go buildinf:", 14);
  old += "\x08";
  old += '\0';  // no inline-strings flag: pointers into the data segment (Go <= 1.17)
  old.resize(64, '\x11');
  const auto parsed = parse_go_buildinfo("old", old);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->packages.empty());
  ASSERT_EQ(parsed->warnings.size(), 1U);
  EXPECT_EQ(parsed->warnings[0].message, "Go build info older than Go 1.18 is not supported");
}

TEST(GoBuildinfo, MalformedInput) {
  EXPECT_FALSE(parse_go_buildinfo("x", ""));
  EXPECT_FALSE(parse_go_buildinfo("x", "not a go binary at all, just text that is long enough"));
  // Truncated real data: the modinfo length runs past the end.
  const std::string real = vigil::test::read_data("go/kubectl.go.buildinfo");
  EXPECT_FALSE(parse_go_buildinfo("x", real.substr(0, 200)));
  // Huge uvarint length.
  std::string huge = inline_buildinfo("go1.21.0", "");
  huge.resize(32);
  huge += std::string(9, '\xff') + "\x01";
  EXPECT_FALSE(parse_go_buildinfo("x", huge));
}
