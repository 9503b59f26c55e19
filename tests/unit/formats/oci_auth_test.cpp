// Registry auth formats: WWW-Authenticate challenges (RFC 7235 as registries send them), token-server replies
// (Docker token spec, OAuth style) and credentials in docker config.json / containers auth.json.
#include <gtest/gtest.h>

#include "formats/oci.hpp"
#include "test_support.hpp"

namespace vigil::formats::oci {
namespace {

TEST(WwwAuthenticate, DockerHubBearer) {
  auto r = parse_www_authenticate(test::read_data("oci-auth/www-authenticate-dockerhub.txt"));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  const auto& c = r->front();
  EXPECT_EQ(c.scheme, "bearer");
  EXPECT_EQ(c.param("realm"), "https://auth.docker.io/token");
  EXPECT_EQ(c.param("service"), "registry.docker.io");
  EXPECT_EQ(c.param("scope"), "repository:library/alpine:pull");
  EXPECT_EQ(c.param("REALM"), "https://auth.docker.io/token");
  EXPECT_EQ(c.param("error"), "");
}

TEST(WwwAuthenticate, BasicRealmWithSpaces) {
  auto r = parse_www_authenticate(test::read_data("oci-auth/www-authenticate-basic.txt"));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front().scheme, "basic");
  EXPECT_EQ(r->front().param("realm"), "Registry Realm");
}

TEST(WwwAuthenticate, SeveralChallengesInOneHeader) {
  auto r = parse_www_authenticate(test::read_data("oci-auth/www-authenticate-multi.txt"));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].scheme, "negotiate");
  EXPECT_TRUE((*r)[0].params.empty());
  EXPECT_EQ((*r)[1].scheme, "basic");
  EXPECT_EQ((*r)[1].param("realm"), "simple");
  EXPECT_EQ((*r)[2].scheme, "bearer");
  EXPECT_EQ((*r)[2].param("service"), "registry.example.com");
  EXPECT_EQ((*r)[2].param("error"), "invalid_token");
  EXPECT_EQ((*r)[2].param("error_description"), "The access token expired");
}

TEST(WwwAuthenticate, QuotedPairsUnquotedTokensAndToken68) {
  auto r = parse_www_authenticate(R"(Bearer  realm = "https://a/t?x=\"1\"" , service=reg,scope="a:b:pull,push")");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front().param("realm"), R"(https://a/t?x="1")");
  EXPECT_EQ(r->front().param("service"), "reg");
  EXPECT_EQ(r->front().param("scope"), "a:b:pull,push");  // a comma inside quotes is not a separator

  auto t68 = parse_www_authenticate("Negotiate YIIFzgYGKwYBBQUCoII==, Basic realm=x");
  ASSERT_TRUE(t68) << t68.error().message;
  ASSERT_EQ(t68->size(), 2u);
  ASSERT_EQ((*t68)[0].params.size(), 1u);
  EXPECT_EQ((*t68)[0].params[0].first, "");
  EXPECT_EQ((*t68)[0].params[0].second, "YIIFzgYGKwYBBQUCoII==");
  EXPECT_EQ((*t68)[1].param("realm"), "x");
}

TEST(WwwAuthenticate, MalformedHeadersFail) {
  EXPECT_FALSE(parse_www_authenticate(""));
  EXPECT_FALSE(parse_www_authenticate("   ,  "));
  EXPECT_FALSE(parse_www_authenticate(R"(Bearer realm="https://unterminated)"));
  EXPECT_FALSE(parse_www_authenticate(R"(Bearer realm="a" service="b")"));  // missing comma
  EXPECT_FALSE(parse_www_authenticate("Bearer realm=\"a\x01b\""));
  EXPECT_FALSE(parse_www_authenticate("=realm"));
  EXPECT_FALSE(parse_www_authenticate(std::string(20000, 'a')));
  std::string many;
  for (int i = 0; i < 100; ++i) {
    many += "Basic realm=x, ";
  }
  auto r = parse_www_authenticate(many);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("too many challenges"), std::string::npos);
}

TEST(TokenReply, DockerHubReply) {
  auto r = parse_token_reply(test::read_data("oci-auth/token-reply-dockerhub.json"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->token.rfind("eyJhbGciOiJSUzI1NiIs", 0), 0u);
  EXPECT_EQ(r->expires_in, 300);
}

TEST(TokenReply, TokenOnlyGetsTheDefaultLifetime) {
  auto r = parse_token_reply(test::read_data("oci-auth/token-reply-ghcr.json"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->token, "djE6dXNlci9pbWFnZToxNzE0NjQ1MjY3NjE2ODg0MDYx");
  EXPECT_EQ(r->expires_in, 60);
}

TEST(TokenReply, OAuthAccessToken) {
  auto r = parse_token_reply(test::read_data("oci-auth/token-reply-oauth.json"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->token, "ya29.a0AfB_byC-example-oauth-token");
  EXPECT_EQ(r->expires_in, 3599);
}

TEST(TokenReply, OddLifetimesAreBounded) {
  EXPECT_EQ(parse_token_reply(R"({"token":"t","expires_in":-5})")->expires_in, 60);
  EXPECT_EQ(parse_token_reply(R"({"token":"t","expires_in":"300"})")->expires_in, 60);
  EXPECT_EQ(parse_token_reply(R"({"token":"t","expires_in":120.7})")->expires_in, 120);
  EXPECT_EQ(parse_token_reply(R"({"token":"t","expires_in":1e300})")->expires_in, 60);
  EXPECT_EQ(parse_token_reply(R"({"token":"t","expires_in":99999999999})")->expires_in, 366LL * 24 * 3600);
}

TEST(TokenReply, MalformedRepliesFail) {
  EXPECT_FALSE(parse_token_reply(""));
  EXPECT_FALSE(parse_token_reply(R"({"token": "abc")"));
  EXPECT_FALSE(parse_token_reply(R"(["token"])"));
  EXPECT_FALSE(parse_token_reply(R"({"expires_in":60})"));
  EXPECT_FALSE(parse_token_reply(R"({"token":""})"));
  EXPECT_FALSE(parse_token_reply(R"({"token":42})"));
  // A token that would inject a header line is refused, and its text is not repeated.
  auto injected = parse_token_reply(R"({"token":"abc\r\nX-Evil: 1"})");
  ASSERT_FALSE(injected);
  EXPECT_EQ(injected.error().message.find("X-Evil"), std::string::npos);
  EXPECT_FALSE(parse_token_reply(R"({"token":"has space"})"));
  EXPECT_FALSE(parse_token_reply(std::string(2 << 20, ' ')));
}

TEST(RegistryCredential, DockerConfigByHostAndHubAliases) {
  const std::string config = test::read_data("oci-auth/docker-config.json");
  auto local = find_registry_credential(config, "127.0.0.1:5000");
  ASSERT_TRUE(local) << local.error().message;
  ASSERT_TRUE(*local);
  EXPECT_EQ((*local)->username, "user");
  EXPECT_EQ((*local)->password, "pass");
  for (const std::string_view hub : {"docker.io", "index.docker.io", "registry-1.docker.io"}) {
    auto r = find_registry_credential(config, hub);
    ASSERT_TRUE(r && *r) << hub;
    EXPECT_EQ((*r)->username, "dockeruser");
    EXPECT_EQ((*r)->password, "hub-password");
  }
  // An empty entry (credentials kept by a helper) and an unknown host give nothing.
  EXPECT_FALSE(*find_registry_credential(config, "ghcr.io"));
  EXPECT_FALSE(*find_registry_credential(config, "quay.io"));
  EXPECT_FALSE(*find_registry_credential(config, "127.0.0.1:5001"));
}

TEST(RegistryCredential, ContainersAuthJson) {
  const std::string config = test::read_data("oci-auth/containers-auth.json");
  auto quay = find_registry_credential(config, "quay.io");
  ASSERT_TRUE(quay && *quay);
  EXPECT_EQ((*quay)->username, "quayuser");
  EXPECT_EQ((*quay)->password, "quay-pass:with-colon");  // split at the first colon only
  auto exact = find_registry_credential(config, "registry.example.com:8443");
  ASSERT_TRUE(exact && *exact);
  EXPECT_EQ((*exact)->username, "<token>");  // identity token
  EXPECT_EQ((*exact)->password, "eyJhbGciOiJSUzI1NiJ9.refresh");
  auto upper =
      find_registry_credential(R"({"auths":{"HTTPS://Quay.IO/v2/":{"username":"u","password":"p"}}})", "quay.io");
  ASSERT_TRUE(upper && *upper);
  EXPECT_EQ((*upper)->username, "u");
}

TEST(RegistryCredential, FilesWithoutAuths) {
  EXPECT_FALSE(*find_registry_credential("{}", "docker.io"));
  EXPECT_FALSE(*find_registry_credential(R"({"auths":[]})", "docker.io"));
  EXPECT_FALSE(*find_registry_credential(R"({"auths":{"docker.io":{"username":"only-user"}}})", "docker.io"));
}

TEST(RegistryCredential, MalformedFilesFailWithoutLeakingSecrets) {
  EXPECT_FALSE(find_registry_credential("{\"auths\":", "docker.io"));
  EXPECT_FALSE(find_registry_credential("[]", "docker.io"));
  EXPECT_FALSE(find_registry_credential(R"({"auths":{"docker.io":"x"}})", "docker.io"));
  // base64 of "nocolonsecret", then not base64 at all
  for (const std::string auth : {"bm9jb2xvbnNlY3JldA==", "!!!secret!!!", ":"}) {
    auto r = find_registry_credential(R"({"auths":{"docker.io":{"auth":")" + auth + R"("}}})", "docker.io");
    ASSERT_FALSE(r) << auth;
    EXPECT_NE(r.error().message.find("invalid \"auth\""), std::string::npos);
    EXPECT_EQ(r.error().message.find("secret"), std::string::npos);
  }
}

TEST(OciAuthFuzzWrappers, AcceptSeedsAndGarbage) {
  EXPECT_TRUE(parse_www_authenticate_fuzz("x", test::read_data("oci-auth/www-authenticate-multi.txt")));
  EXPECT_TRUE(parse_token_reply_fuzz("x", test::read_data("oci-auth/token-reply-dockerhub.json")));
  EXPECT_TRUE(find_registry_credential_fuzz("x", test::read_data("oci-auth/docker-config.json")));
  EXPECT_FALSE(parse_token_reply_fuzz("x", "\xff\xfe"));
  EXPECT_FALSE(find_registry_credential_fuzz("x", "{"));
}

}  // namespace
}  // namespace vigil::formats::oci
