// API tokens against a real SQLite store in a temporary directory: creation, format, authentication, rejections.
#include "incidents/tokens.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "incidents/sqlite_store.hpp"
#include "test_support.hpp"

namespace vigil::incidents {
namespace {

namespace fs = std::filesystem;

class TokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = open_sqlite_store((dir_.path() / "incidents.db").string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    clear_token_cache();
  }
  void TearDown() override { store_.reset(); }

  test::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(TokensTest, CreatedTokenHasTheDocumentedFormAndAuthenticates) {
  auto text = create_token(*store_, Role::Admin, "alice", 123);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_TRUE(std::regex_match(*text, std::regex("vgl_1_[A-Za-z0-9_-]{43}"))) << *text;
  auto token = authenticate(*store_, *text);
  ASSERT_TRUE(token) << token.error().message;
  ASSERT_TRUE(token->has_value());
  EXPECT_EQ((*token)->id, 1);
  EXPECT_EQ((*token)->name, "alice");
  EXPECT_EQ((*token)->role, Role::Admin);
  EXPECT_EQ((*token)->created_ns, 123);
  // Cached the second time; same answer.
  auto again = authenticate(*store_, *text);
  ASSERT_TRUE(again && again->has_value());
  EXPECT_EQ((*again)->name, "alice");
}

TEST_F(TokensTest, OnlyTheSecretsHashIsStored) {
  auto text = create_token(*store_, Role::Ingest, "sensor", 1);
  ASSERT_TRUE(text);
  auto stored = store_->token(1);
  ASSERT_TRUE(stored && stored->has_value());
  const std::string secret = text->substr(std::string("vgl_1_").size());
  EXPECT_EQ((*stored)->secret_sha256_hex.size(), 64U);
  EXPECT_EQ((*stored)->secret_sha256_hex.find(secret), std::string::npos);
  EXPECT_EQ((*stored)->token.role, Role::Ingest);
}

TEST_F(TokensTest, EachRoleIsKept) {
  for (Role role : {Role::Ingest, Role::Read, Role::Admin}) {
    auto text = create_token(*store_, role, std::string(role_name(role)), 1);
    ASSERT_TRUE(text);
    auto token = authenticate(*store_, *text);
    ASSERT_TRUE(token && token->has_value());
    EXPECT_EQ((*token)->role, role);
  }
}

TEST_F(TokensTest, WrongSecretIsRejected) {
  auto text = create_token(*store_, Role::Read, "bob", 1);
  ASSERT_TRUE(text);
  std::string wrong = *text;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  auto token = authenticate(*store_, wrong);
  ASSERT_TRUE(token);
  EXPECT_FALSE(token->has_value());
}

TEST_F(TokensTest, WrongIdIsRejected) {
  auto first = create_token(*store_, Role::Read, "one", 1);
  auto second = create_token(*store_, Role::Admin, "two", 1);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(second->starts_with("vgl_2_"));
  // The first token's secret under the second's id, and under an id that does not exist.
  const std::string secret = first->substr(std::string("vgl_1_").size());
  for (const std::string& forged : {"vgl_2_" + secret, "vgl_99_" + secret}) {
    auto token = authenticate(*store_, forged);
    ASSERT_TRUE(token);
    EXPECT_FALSE(token->has_value()) << forged;
  }
}

TEST_F(TokensTest, MalformedTokensAreNotAuthenticatedAndNotErrors) {
  auto text = create_token(*store_, Role::Read, "bob", 1);
  ASSERT_TRUE(text);
  const std::string secret = text->substr(std::string("vgl_1_").size());
  for (const std::string& bad :
       {std::string(), std::string("vgl_"), std::string("vgl_1_"), "xyz_1_" + secret, "vgl_0_" + secret,
        "vgl_-1_" + secret, "vgl_a_" + secret, "vgl_1_" + secret + "A", "vgl_1_" + secret.substr(1),
        "vgl_1_" + secret.substr(0, 42) + "=", "vgl__" + secret, "vgl_99999999999999999999_" + secret}) {
    auto token = authenticate(*store_, bad);
    ASSERT_TRUE(token) << bad;
    EXPECT_FALSE(token->has_value()) << bad;
  }
}

TEST_F(TokensTest, TokensAreUnique) {
  auto a = create_token(*store_, Role::Read, "same", 1);
  auto b = create_token(*store_, Role::Read, "same", 1);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->substr(6), b->substr(6));
}

}  // namespace
}  // namespace vigil::incidents
