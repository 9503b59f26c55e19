// Lookalike names: real typosquats of GitHub Actions organisations and repositories are caught, legitimate
// neighbours (including every pair of the well-known actions table) are not.
#include "core/lookalike.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "scan/config/checks.hpp"

namespace vigil {
namespace {

constexpr auto kKnown = std::to_array<std::string_view>({
    "actions/checkout",
    "actions/setup-node",
    "actions/setup-go",
    "actions/cache",
    "actions/stale",
    "docker/login-action",
    "google-github-actions/auth",
    "aquasecurity/trivy-action",
    "tj-actions/changed-files",
});

std::string imitated(std::string_view name) {
  return lookalike_of(name, kKnown).value_or("(none)");
}

TEST(FoldConfusables, FoldsLookalikeCharacters) {
  EXPECT_EQ(fold_confusables("Acti0ns"), "actlons");
  EXPECT_EQ(fold_confusables("actIons"), "actlons");
  EXPECT_EQ(fold_confusables("action|s"), "actlonls");
  EXPECT_EQ(fold_confusables("rnodern_vvay"), "modem-way");
}

// Organisation names from the 2024 study of typosquatted GitHub Actions organisations (Orca Security) and the
// usual single-keystroke slips.
TEST(Lookalike, CatchesTyposquattedOwners) {
  EXPECT_EQ(imitated("actons/checkout"), "actions/checkout");
  EXPECT_EQ(imitated("action/checkout"), "actions/checkout");
  EXPECT_EQ(imitated("actlons/checkout"), "actions/checkout");
  EXPECT_EQ(imitated("acti0ns/checkout"), "actions/checkout");
  EXPECT_EQ(imitated("ACTI0NS/checkout"), "actions/checkout");
  EXPECT_EQ(imitated("acitons/setup-node"), "actions/setup-node");
  EXPECT_EQ(imitated("actionss/cache"), "actions/cache");
  EXPECT_EQ(imitated("google-github-action/auth"), "google-github-actions/auth");
  EXPECT_EQ(imitated("aquasecurty/trivy-action"), "aquasecurity/trivy-action");
  EXPECT_EQ(imitated("dokcer/login-action"), "docker/login-action");
  EXPECT_EQ(imitated("docker-login/login-action"), "docker/login-action");
  EXPECT_EQ(imitated("tj-action/changed-files"), "tj-actions/changed-files");
}

TEST(Lookalike, CatchesTyposInTheRepository) {
  EXPECT_EQ(imitated("actions/chekout"), "actions/checkout");
  EXPECT_EQ(imitated("actions/check-out"), "actions/checkout");
  EXPECT_EQ(imitated("actions/checkuot"), "actions/checkout");
  EXPECT_EQ(imitated("docker/login_action"), "docker/login-action");
  EXPECT_EQ(imitated("aquasecurity/trivy-actions"), "aquasecurity/trivy-action");
  EXPECT_EQ(imitated("tj-actions/changed-file"), "tj-actions/changed-files");
  // Two slips, one in each part.
  EXPECT_EQ(imitated("actons/chekout"), "actions/checkout");
}

TEST(Lookalike, ComparesWholeNamesWithoutOwner) {
  EXPECT_EQ(imitated("actions-checkout"), "actions/checkout");
  const std::array<std::string_view, 3> images{"nginx", "postgres", "redis"};
  EXPECT_EQ(lookalike_of("ngnix", images).value_or(""), "nginx");
  EXPECT_EQ(lookalike_of("postgress", images).value_or(""), "postgres");
  EXPECT_EQ(lookalike_of("rediss", images).value_or(""), "redis");
}

TEST(Lookalike, KnownNamesAreNotLookalikes) {
  EXPECT_FALSE(lookalike_of("actions/checkout", kKnown));
  EXPECT_FALSE(lookalike_of("Actions/Checkout", kKnown));
  EXPECT_FALSE(lookalike_of("DOCKER/LOGIN-ACTION", kKnown));
}

TEST(Lookalike, LeavesLegitimateNeighboursAlone) {
  for (std::string_view name : {
           "actions/setup-java",          // a sibling: two edits from setup-go under the same owner
           "actions/setup-python",        //
           "acme/checkout",               // a different owner with the same repository name
           "myorg/deploy-action",         //
           "docker/setup-buildx-action",  //
           "aws-actions/configure-aws-credentials",
           "google-github-actions/setup-gcloud",
           "hashicorp/setup-terraform",
       }) {
    EXPECT_FALSE(lookalike_of(name, kKnown)) << name << " -> " << imitated(name);
  }
}

TEST(Lookalike, ShortNamesMustFoldToEqual) {
  const std::array<std::string_view, 2> known{"go", "gh/cli"};
  EXPECT_FALSE(lookalike_of("ko", known));
  EXPECT_FALSE(lookalike_of("gh/cl", known));
  EXPECT_EQ(lookalike_of("g0", known).value_or(""), "go");
}

TEST(Lookalike, NearestWins) {
  const std::array<std::string_view, 2> known{"actions/cache", "actions/checkout"};
  EXPECT_EQ(lookalike_of("actlons/checkout", known).value_or(""), "actions/checkout");
}

TEST(Lookalike, BoundedInput) {
  EXPECT_FALSE(lookalike_of("", kKnown));
  EXPECT_FALSE(lookalike_of(std::string(257, 'a'), kKnown));
  // A name just over the limit is not compared even when it is otherwise a lookalike.
  const std::string long_known = "o/" + std::string(300, 'x');
  const std::array<std::string_view, 1> known{long_known};
  EXPECT_FALSE(lookalike_of("o/" + std::string(299, 'x'), known));
  EXPECT_FALSE(lookalike_of("/", kKnown));
  EXPECT_FALSE(lookalike_of("//", kKnown));
  EXPECT_EQ(imitated(std::string("act\0ons/checkout", 16)), "actions/checkout");  // a NUL is one substitution
}

// No well-known action may be reported as imitating another one.
TEST(Lookalike, WellKnownActionsAreNotLookalikesOfEachOther) {
  const auto known = scan::config::well_known_actions();
  EXPECT_GE(known.size(), 150U);
  for (std::string_view a : known) {
    for (std::string_view b : known) {
      if (a == b) continue;
      const std::array<std::string_view, 1> other{b};
      EXPECT_FALSE(lookalike_of(a, other)) << a << " looks like " << b;
    }
  }
}

}  // namespace
}  // namespace vigil
