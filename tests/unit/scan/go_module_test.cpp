// go.mod analyzer: go.sum fills in indirect modules only for pre-1.17 modules, as the go command would.
#include <gtest/gtest.h>

#include "scan/inventory.hpp"
#include "test_support.hpp"

namespace {

vigil::model::Inventory scan(const vigil::test::TempDir& dir) {
  vigil::scan::InventoryOptions options;
  options.analyzers = vigil::scan::all_analyzers();
  auto inventory = vigil::scan::build_inventory(dir.path().string(), options);
  EXPECT_TRUE(inventory);
  return inventory ? *inventory : vigil::model::Inventory{};
}

}  // namespace

TEST(GoModule, Go116ModuleGetsIndirectModulesFromGoSum) {
  vigil::test::TempDir dir;
  dir.write("asm/go.mod", vigil::test::read_data("go/go116/go.mod"));
  dir.write("asm/go.sum", vigil::test::read_data("go/go116/go.sum"));
  const auto inv = scan(dir);
  const auto* avo = vigil::test::find(inv.packages, "github.com/mmcloughlin/avo");
  ASSERT_NE(avo, nullptr);
  EXPECT_EQ(avo->location, "asm/go.mod");  // required in go.mod: not repeated from go.sum
  const auto* mod = vigil::test::find(inv.packages, "golang.org/x/mod");
  ASSERT_NE(mod, nullptr);
  EXPECT_EQ(mod->version, "v0.3.0");
  EXPECT_EQ(mod->location, "asm/go.sum");
  EXPECT_EQ(mod->relation, vigil::model::Relation::Transitive);
}

TEST(GoModule, Go117AndLaterIgnoreGoSum) {
  vigil::test::TempDir dir;
  dir.write("svc/go.mod", "module example.com/svc\n\ngo 1.21\n\nrequire golang.org/x/text v0.14.0\n");
  dir.write("svc/go.sum", vigil::test::read_data("go/go116/go.sum"));
  const auto inv = scan(dir);
  ASSERT_EQ(inv.packages.size(), 1U);
  EXPECT_EQ(inv.packages[0].name, "golang.org/x/text");
}

TEST(GoModule, GoSumThatIsASymlinkIsNotFollowed) {
  vigil::test::TempDir outside;
  const auto target = outside.write("go.sum", vigil::test::read_data("go/go116/go.sum"));
  vigil::test::TempDir dir;
  dir.write("m/go.mod", "module m\n\ngo 1.16\n");
  std::filesystem::create_symlink(target, dir.path() / "m" / "go.sum");
  const auto inv = scan(dir);
  EXPECT_TRUE(inv.packages.empty());
}
