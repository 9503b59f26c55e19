// The server stack: pattern matching alone, then a real Server on an ephemeral loopback port (routing, 404/405,
// 413, 429 while handlers are held on a latch, TLS with a throwaway self-signed certificate).
#include "server/http_server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <future>
#include <latch>
#include <memory>
#include <thread>

namespace vigil::server {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

TEST(MatchPattern, LiteralsAndCaptures) {
  Params params;
  EXPECT_TRUE(match_pattern("/healthz", "/healthz", params));
  EXPECT_TRUE(params.empty());
  EXPECT_FALSE(match_pattern("/healthz", "/healthz/", params));
  EXPECT_FALSE(match_pattern("/healthz", "/health", params));
  ASSERT_TRUE(match_pattern("/api/v1/incidents/{id}", "/api/v1/incidents/42", params));
  ASSERT_EQ(params.size(), 1U);
  EXPECT_EQ(params[0], (std::pair<std::string, std::string>{"id", "42"}));
  ASSERT_TRUE(match_pattern("/api/v1/incidents/{id}/comments", "/api/v1/incidents/7/comments", params));
  EXPECT_EQ(params[0].second, "7");
  EXPECT_FALSE(match_pattern("/api/v1/incidents/{id}", "/api/v1/incidents/", params));
  EXPECT_FALSE(match_pattern("/api/v1/incidents/{id}", "/api/v1/incidents/7/comments", params));
  EXPECT_TRUE(params.empty()) << "a failed match leaves no captures";
  ASSERT_TRUE(match_pattern("/a/{x}/b/{y}", "/a/1/b/two", params));
  EXPECT_EQ(params, (Params{{"x", "1"}, {"y", "two"}}));
}

Route route(std::string method, std::string pattern, std::string body) {
  return Route{std::move(method), std::move(pattern), [body](const Request& request) {
                 Response r;
                 r.body = body + ":" + std::string(request.path_param("id")) + ":" +
                          std::string(request.query_value("q").value_or("")) + ":" +
                          std::to_string(request.body.size());
                 return r;
               }};
}

// A Server running on its own thread for one test; stopped and joined on destruction.
class Running {
 public:
  Running(ServerOptions options, std::vector<Route> routes) : server_(std::move(options), std::move(routes)) {
    auto bound = server_.bind();
    EXPECT_TRUE(bound) << (bound ? "" : bound.error().message);
    thread_ = std::thread([this] { result_ = server_.run(); });
  }
  ~Running() {
    server_.stop();
    thread_.join();
  }
  [[nodiscard]] uint16_t port() const { return server_.port(); }

 private:
  Server server_;
  std::thread thread_;
  Result<void> result_;
};

// Error messages may quote what a client sent: the body stays one valid JSON object whatever the bytes.
TEST(ErrorResponse, EscapesQuotesControlsAndInvalidUtf8) {
  const Response r = error_response(400, std::string("field \"n\xC3\xA4me\"\n\x01 bad \xFF\xFE", 22));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"error":"field \"näme\"\n\u0001 bad \ufffd\ufffd"})");
}

TEST(Server, RoutesAnd404And405) {
  Running running(ServerOptions{}, {route("GET", "/items/{id}", "get"), route("PATCH", "/items/{id}", "patch"),
                                    route("GET", "/", "root")});
  ASSERT_NE(running.port(), 0);
  httplib::Client client("127.0.0.1", running.port());
  auto r = client.Get("/items/12?q=a%20b");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "get:12:a b:0");
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  r = client.Patch("/items/3", "{\"x\":1}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "patch:3::7");
  r = client.Get("/nothing/here");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("\"error\""), std::string::npos);
  r = client.Delete("/items/3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "GET, PATCH");
}

TEST(Server, BodyOverLimitIs413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  Running running(options, {route("POST", "/in", "post")});
  httplib::Client client("127.0.0.1", running.port());
  auto ok = client.Post("/in", std::string(1000, 'x'), "text/plain");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  auto big = client.Post("/in", std::string(4096, 'x'), "text/plain");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_NE(big->body.find("too large"), std::string::npos);
}

TEST(Server, OverInFlightLimitIs429WithRetryAfter) {
  ServerOptions options;
  options.max_in_flight = 2;
  options.threads = 4;
  options.retry_after = std::chrono::seconds(3);
  std::latch entered(2);
  std::latch release(1);
  Route slow{"GET", "/slow", [&](const Request&) {
               entered.count_down();
               release.wait();
               return Response{};
             }};
  Running running(options, {slow, route("GET", "/fast", "fast")});
  const auto get = [&](const char* path) {
    httplib::Client client("127.0.0.1", running.port());
    auto r = client.Get(path);
    return r ? r->status : -1;
  };
  auto first = std::async(std::launch::async, get, "/slow");
  auto second = std::async(std::launch::async, get, "/slow");
  entered.wait();  // both slow requests are inside their handlers now
  httplib::Client client("127.0.0.1", running.port());
  auto rejected = client.Get("/fast");
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->status, 429);
  EXPECT_EQ(rejected->get_header_value("Retry-After"), "3");
  // Its body (if any) was never read, so the connection must not be reused.
  EXPECT_EQ(rejected->get_header_value("Connection"), "close");
  release.count_down();
  EXPECT_EQ(first.get(), 200);
  EXPECT_EQ(second.get(), 200);
  httplib::Client after("127.0.0.1", running.port());
  auto ok = after.Get("/fast");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << "the in-flight count went back down";
}

TEST(Server, BindErrorNamesAddressInUse) {
  Server first(ServerOptions{}, {});
  ASSERT_TRUE(first.bind());
  ServerOptions options;
  options.port = first.port();
  Server second(options, {});
  auto bound = second.bind();
  ASSERT_FALSE(bound);
  EXPECT_EQ(bound.error().message, "127.0.0.1:" + std::to_string(first.port()) + ": address in use");
}

// A self-signed EC certificate for 127.0.0.1 written as PEM files into dir.
void write_self_signed(const std::filesystem::path& cert_path, const std::filesystem::path& key_path) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  ASSERT_TRUE(key);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  ASSERT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);
  FILE* f = std::fopen(cert_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, cert.get());
  std::fclose(f);
  f = std::fopen(key_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

TEST(Server, ServesTlsWithCertificateAndKey) {
  const auto dir = std::filesystem::temp_directory_path() / ("vigil-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  write_self_signed(dir / "cert.pem", dir / "key.pem");
  ServerOptions options;
  options.tls_cert_file = dir / "cert.pem";
  options.tls_key_file = dir / "key.pem";
  {
    Running running(options, {route("GET", "/x/{id}", "tls")});
    httplib::SSLClient client("127.0.0.1", running.port());
    client.enable_server_certificate_verification(false);
    auto r = client.Get("/x/5");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "tls:5::0");
    httplib::Client plain("127.0.0.1", running.port());
    EXPECT_FALSE(plain.Get("/x/5") && plain.Get("/x/5")->status == 200) << "plain HTTP is not served";
  }
  options.tls_key_file = dir / "missing.pem";
  Server bad(options, {});
  auto bound = bad.bind();
  ASSERT_FALSE(bound);
  EXPECT_NE(bound.error().message.find("TLS certificate"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::server
