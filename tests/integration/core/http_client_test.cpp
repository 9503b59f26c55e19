// vigil::http::fetch_to_fd against tests/support/http_server.py on loopback: conditional requests, retries,
// truncation, checksums, size limits, scheme restrictions and redaction. No internet, no timing assertions.
#include "core/http_client.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/unique_fd.hpp"
#include "test_support.hpp"

extern char** environ;

namespace vigil::http {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// The python server in its own process; killed (SIGTERM) and reaped when the test ends.
class HttpServer {
 public:
  HttpServer(const std::filesystem::path& dir, const std::vector<std::string>& flags) : dir_(dir) {
    std::vector<std::string> args = {"/usr/bin/python3",
                                     std::string(VIGIL_TEST_DATA) + "/../support/http_server.py",
                                     "--root",
                                     (dir / "root").string(),
                                     "--log",
                                     log_path().string(),
                                     "--control",
                                     (dir / "control.json").string()};
    args.insert(args.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe failed");
    }
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    const std::string err = (dir / "server.stderr").string();
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      throw std::runtime_error("cannot start the test HTTP server");
    }
    write_end.reset();
    port_ = read_port(read_end.get());
  }
  ~HttpServer() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  [[nodiscard]] std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  [[nodiscard]] int port() const { return port_; }
  // Every request the server received so far, in order.
  [[nodiscard]] std::vector<json> requests() const {
    std::vector<json> out;
    std::ifstream in(log_path());
    for (std::string line; std::getline(in, line);) {
      out.push_back(json::parse(line));
    }
    return out;
  }

 private:
  [[nodiscard]] std::filesystem::path log_path() const { return dir_ / "requests.jsonl"; }

  static int read_port(int fd) {
    std::string line;
    char c = 0;
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, 15000) == 1 && ::read(fd, &c, 1) == 1 && c != '\n') {
      line.push_back(c);
    }
    if (line.empty()) {
      throw std::runtime_error("the test HTTP server printed no port");
    }
    return std::stoi(line);
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string digest_hex(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex.push_back(kDigits[out[i] >> 4]);
    hex.push_back(kDigits[out[i] & 0xf]);
  }
  return hex;
}

// Deterministic incompressible bytes, large enough that curl hands them over in several writes.
std::string archive_bytes(std::size_t size, unsigned seed = 42) {
  std::mt19937 rng(seed);
  std::string out(size, '\0');
  for (auto& c : out) {
    c = static_cast<char>(rng() & 0xff);
  }
  return out;
}

// A throwaway self-signed certificate for 127.0.0.1, made at run time so that no private key is committed.
void write_self_signed(const std::filesystem::path& cert_path, const std::filesystem::path& key_path) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  ASSERT_TRUE(key && cert);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  ASSERT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_out(BIO_new_file(cert_path.c_str(), "w"), BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_out(BIO_new_file(key_path.c_str(), "w"), BIO_free);
  ASSERT_TRUE(cert_out && key_out);
  ASSERT_EQ(PEM_write_bio_X509(cert_out.get(), cert.get()), 1);
  ASSERT_EQ(PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
}

FetchOptions quick(int max_attempts = 4) {
  FetchOptions o;
  o.max_attempts = max_attempts;
  o.first_backoff = 10ms;
  o.connect_timeout = 5s;
  return o;
}

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    content_ = archive_bytes(64 * 1024);
    tmp_.write("root/PyPI/all.zip", content_);
    out_ = UniqueFd(::open((tmp_.path() / "download.zip").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    ASSERT_TRUE(out_.valid());
  }
  HttpServer& start(const std::vector<std::string>& flags = {}) {
    server_ = std::make_unique<HttpServer>(tmp_.path(), flags);
    return *server_;
  }
  void control(const json& overrides) { tmp_.write("control.json", overrides.dump()); }
  Result<FetchResult> fetch(const std::string& path, const Validators& previous = {},
                            const FetchOptions& options = quick()) {
    return fetch_to_fd(server_->url(path), out_.get(), previous, options);
  }
  [[nodiscard]] std::string downloaded() const {
    std::ifstream in(tmp_.path() / "download.zip", std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  test::TempDir tmp_;
  std::string content_;
  UniqueFd out_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpClientTest, DownloadsThenRevalidatesWith304) {
  auto& server = start();
  auto first = fetch("/PyPI/all.zip");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->not_modified);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->attempts, 1);
  EXPECT_EQ(first->bytes, content_.size());
  EXPECT_EQ(first->sha256_hex, digest_hex(EVP_sha256(), content_));
  EXPECT_EQ(first->validators.etag, "\"" + first->sha256_hex.substr(0, 16) + "\"");
  EXPECT_FALSE(first->validators.last_modified.empty());
  EXPECT_EQ(downloaded(), content_);

  auto second = fetch("/PyPI/all.zip", first->validators);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->not_modified);
  EXPECT_EQ(second->status, 304);
  EXPECT_EQ(second->bytes, 0u);
  EXPECT_EQ(second->validators.etag, first->validators.etag);
  EXPECT_EQ(second->validators.last_modified, first->validators.last_modified);

  const auto log = server.requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_FALSE(log[0]["headers"].contains("if-none-match"));
  EXPECT_EQ(log[1]["headers"]["if-none-match"], first->validators.etag);
  EXPECT_EQ(log[1]["headers"]["if-modified-since"], first->validators.last_modified);
  EXPECT_EQ(log[1]["headers"]["user-agent"], std::string("vigil/") + kVersion);
  EXPECT_EQ(log[1]["status"], 304);
}

TEST_F(HttpClientTest, ChangedContentIsDownloadedAgain) {
  start();
  auto first = fetch("/PyPI/all.zip");
  ASSERT_TRUE(first) << first.error().message;
  const std::string updated = archive_bytes(32 * 1024, 7);
  tmp_.write("root/PyPI/all.zip", updated);
  auto second = fetch("/PyPI/all.zip", first->validators);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second->not_modified);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->bytes, updated.size());
  EXPECT_NE(second->validators.etag, first->validators.etag);
  EXPECT_EQ(downloaded(), updated);  // the previous, longer body was truncated away
}

TEST_F(HttpClientTest, EtagOnlyServer) {
  auto& server = start({"--no-last-modified"});
  auto first = fetch("/PyPI/all.zip");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->validators.etag.empty());
  EXPECT_TRUE(first->validators.last_modified.empty());
  auto second = fetch("/PyPI/all.zip", first->validators);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->not_modified);
  const auto log = server.requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_TRUE(log[1]["headers"].contains("if-none-match"));
  EXPECT_FALSE(log[1]["headers"].contains("if-modified-since"));
}

TEST_F(HttpClientTest, LastModifiedOnlyServer) {
  auto& server = start({"--no-etag"});
  auto first = fetch("/PyPI/all.zip");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->validators.etag.empty());
  EXPECT_FALSE(first->validators.last_modified.empty());
  auto second = fetch("/PyPI/all.zip", first->validators);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->not_modified);
  EXPECT_EQ(second->validators.last_modified, first->validators.last_modified);
  const auto log = server.requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_FALSE(log[1]["headers"].contains("if-none-match"));
  EXPECT_EQ(log[1]["headers"]["if-modified-since"], first->validators.last_modified);
}

TEST_F(HttpClientTest, ServiceUnavailableTwiceThenSuccess) {
  auto& server = start({"--fail-first", "2", "--retry-after", "0"});
  auto result = fetch("/PyPI/all.zip");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->attempts, 3);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(downloaded(), content_);
  const auto log = server.requests();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0]["status"], 503);
  EXPECT_EQ(log[1]["status"], 503);
  EXPECT_EQ(log[2]["status"], 200);
}

TEST_F(HttpClientTest, RetriesOtherTransientStatusesFromControlFile) {
  auto& server = start();
  control({{"/PyPI/all.zip", {{"fail_first", 1}, {"fail_status", 500}}},
           {"/npm/all.zip", {{"fail_first", 1}, {"fail_status", 429}, {"retry_after", "0"}}},
           {"/Go/all.zip", {{"fail_first", 1}, {"fail_status", 408}}}});
  tmp_.write("root/npm/all.zip", "npm");
  tmp_.write("root/Go/all.zip", "go");
  for (const std::string path : {"/PyPI/all.zip", "/npm/all.zip", "/Go/all.zip"}) {
    auto result = fetch(path);
    ASSERT_TRUE(result) << path << ": " << result.error().message;
    EXPECT_EQ(result->attempts, 2) << path;
  }
  EXPECT_EQ(server.requests().size(), 6u);
}

TEST_F(HttpClientTest, ServiceUnavailableForeverGivesUp) {
  auto& server = start({"--fail-first", "100"});
  auto result = fetch("/PyPI/all.zip", {}, quick(3));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            server.url("/PyPI/all.zip") + ": HTTP 503 Service Unavailable (gave up after 3 attempts)");
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST_F(HttpClientTest, NotFoundFailsAtOnce) {
  auto& server = start();
  auto result = fetch("/crates.io/all.zip");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, server.url("/crates.io/all.zip") + ": HTTP 404 Not Found");
  EXPECT_EQ(server.requests().size(), 1u);  // attempts == 1
}

TEST_F(HttpClientTest, ForbiddenFailsAtOnce) {
  auto& server = start({"--status", "403"});
  auto result = fetch("/PyPI/all.zip");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("HTTP 403"), std::string::npos) << result.error().message;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(HttpClientTest, TruncatedBodyIsRetried) {
  auto& server = start({"--truncate-first", "1"});
  auto result = fetch("/PyPI/all.zip");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->attempts, 2);
  EXPECT_EQ(result->bytes, content_.size());
  EXPECT_EQ(downloaded(), content_);
  const auto log = server.requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_TRUE(log[0]["truncated"].get<bool>());
  EXPECT_FALSE(log[1]["truncated"].get<bool>());
}

TEST_F(HttpClientTest, TruncatedBodyEveryTimeFails) {
  auto& server = start({"--truncate-first", "100"});
  auto result = fetch("/PyPI/all.zip", {}, quick(3));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            server.url("/PyPI/all.zip") + ": truncated body: received 32768 of 65536 bytes (gave up after 3 attempts)");
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(downloaded(), "");  // no partial body is left behind
}

TEST_F(HttpClientTest, Md5MismatchFails) {
  auto& server = start({"--bad-md5"});
  auto result = fetch("/PyPI/all.zip", {}, quick(2));
  ASSERT_FALSE(result);
  const std::string expected = digest_hex(EVP_md5(), content_ + "corrupted");
  const std::string got = digest_hex(EVP_md5(), content_);
  EXPECT_EQ(result.error().message, server.url("/PyPI/all.zip") + ": checksum mismatch (md5 expected " + expected +
                                        ", got " + got + ") (gave up after 2 attempts)");
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(downloaded(), "");
}

TEST_F(HttpClientTest, Md5MismatchInContentMd5Fails) {
  start({"--no-goog-hash", "--content-md5", "--bad-md5"});
  auto result = fetch("/PyPI/all.zip", {}, quick(1));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("checksum mismatch (md5 expected"), std::string::npos);
}

TEST_F(HttpClientTest, AcceptsEveryWayOfSendingTheMd5) {
  for (const auto& flags : std::vector<std::vector<std::string>>{
           {"--split-goog-hash"}, {"--no-goog-hash", "--content-md5"}, {"--no-goog-hash"}, {"--content-md5"}}) {
    start(flags);
    auto result = fetch("/PyPI/all.zip");
    ASSERT_TRUE(result) << flags[0] << ": " << result.error().message;
    EXPECT_EQ(result->attempts, 1);
    EXPECT_EQ(downloaded(), content_);
  }
}

TEST_F(HttpClientTest, BodyWithoutContentLengthIsAccepted) {
  start({"--no-content-length"});
  auto result = fetch("/PyPI/all.zip");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->bytes, content_.size());
  EXPECT_EQ(downloaded(), content_);
}

TEST_F(HttpClientTest, MaxBytesExceededFails) {
  auto& server = start();
  FetchOptions options = quick();
  options.max_bytes = 1000;
  auto result = fetch("/PyPI/all.zip", {}, options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            server.url("/PyPI/all.zip") + ": response of 65536 bytes exceeds the limit of 1000 bytes");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(HttpClientTest, MaxBytesExceededWithoutContentLengthFails) {
  auto& server = start({"--no-content-length"});
  FetchOptions options = quick();
  options.max_bytes = 1000;
  auto result = fetch("/PyPI/all.zip", {}, options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, server.url("/PyPI/all.zip") + ": response exceeds the limit of 1000 bytes");
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(downloaded(), "");
}

TEST_F(HttpClientTest, NonHttpSchemesAreRefused) {
  for (const std::string url : {"file:///etc/passwd", "ftp://127.0.0.1/PyPI/all.zip", "gopher://127.0.0.1/x",
                                "scp://user:pw@127.0.0.1/x", "FILE:///etc/hostname"}) {
    auto result = fetch_to_fd(url, out_.get(), {}, quick());
    ASSERT_FALSE(result) << url;
    EXPECT_NE(result.error().message.find("unsupported URL scheme"), std::string::npos) << result.error().message;
  }
  for (const std::string url : {"", "not a url", "http://"}) {
    auto result = fetch_to_fd(url, out_.get(), {}, quick());
    ASSERT_FALSE(result) << url;
    EXPECT_EQ(result.error().message, "invalid URL") << url;
  }
  EXPECT_EQ(downloaded(), "");
}

TEST_F(HttpClientTest, RedirectsAreFollowedOnlyToHttp) {
  auto& server = start();
  control({{"/mirror/PyPI/all.zip", {{"redirect", "/PyPI/all.zip"}}},
           {"/to-file", {{"redirect", "file:///etc/passwd"}}},
           {"/loop", {{"redirect", "/loop"}}}});
  auto followed = fetch("/mirror/PyPI/all.zip");
  ASSERT_TRUE(followed) << followed.error().message;
  EXPECT_EQ(downloaded(), content_);
  EXPECT_EQ(server.requests().size(), 2u);

  auto to_file = fetch("/to-file");
  ASSERT_FALSE(to_file);
  EXPECT_NE(to_file.error().message.find("refused a redirect to a URL that is not http or https"), std::string::npos)
      << to_file.error().message;
  EXPECT_EQ(server.requests().size(), 3u);  // refused, not retried
  EXPECT_EQ(downloaded(), "");

  auto loop = fetch("/loop");
  ASSERT_FALSE(loop);
  EXPECT_NE(loop.error().message.find("redirect"), std::string::npos) << loop.error().message;
  EXPECT_EQ(server.requests().size(), 3u + 6u);  // the first request and 5 redirects
}

TEST_F(HttpClientTest, UserinfoAndQueryNeverInErrors) {
  auto& server = start();
  const std::string url = "http://alice:s3cr3t-pw@127.0.0.1:" + std::to_string(server.port()) +
                          "/missing/all.zip?X-Goog-Signature=t0ps3cr3t#frag";
  auto result = fetch_to_fd(url, out_.get(), {}, quick());
  ASSERT_FALSE(result);
  const std::string& message = result.error().message;
  EXPECT_EQ(message, server.url("/missing/all.zip") + ": HTTP 404 Not Found");
  for (const char* secret : {"alice", "s3cr3t", "t0ps3cr3t", "Signature"}) {
    EXPECT_EQ(message.find(secret), std::string::npos) << message;
  }
  // The credentials were still used, as basic auth.
  const auto log = server.requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["headers"]["authorization"], "Basic YWxpY2U6czNjcjN0LXB3");
}

TEST_F(HttpClientTest, ConnectionRefusedIsRetriedAndRedacted) {
  // A port nobody listens on: bind an ephemeral one, then close it.
  int port = 0;
  {
    UniqueFd s(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(s.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port = ntohs(addr.sin_port);
  }
  const std::string url = "http://bob:hunter2-pw@127.0.0.1:" + std::to_string(port) + "/x?token=abcdef";
  auto result = fetch_to_fd(url, out_.get(), {}, quick(2));
  ASSERT_FALSE(result);
  const std::string& message = result.error().message;
  EXPECT_NE(message.find("(gave up after 2 attempts)"), std::string::npos) << message;
  for (const char* secret : {"bob", "hunter2", "abcdef", "token"}) {
    EXPECT_EQ(message.find(secret), std::string::npos) << message;
  }
}

TEST_F(HttpClientTest, UntrustedCertificateIsRefused) {
  const auto cert = tmp_.path() / "cert.pem";
  const auto key = tmp_.path() / "key.pem";
  ASSERT_NO_FATAL_FAILURE(write_self_signed(cert, key));
  auto& server = start({"--tls-cert", cert.string(), "--tls-key", key.string()});
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/PyPI/all.zip";
  auto result = fetch_to_fd(url, out_.get(), {}, quick());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("certificate"), std::string::npos) << result.error().message;
  EXPECT_EQ(result.error().message.find("gave up"), std::string::npos) << "not retried: " << result.error().message;
  EXPECT_TRUE(server.requests().empty());  // no request was sent over the unverified connection
}

TEST_F(HttpClientTest, SlowDripIsAborted) {
  start({"--drip-ms", "400", "--drip-bytes", "16"});
  FetchOptions options = quick(1);
  options.low_speed_time = 1s;
  auto result = fetch("/PyPI/all.zip", {}, options);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("(gave up after 1 attempt)"), std::string::npos) << result.error().message;
  EXPECT_EQ(downloaded(), "");
}

TEST_F(HttpClientTest, ReportsProgress) {
  start();
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  auto result = fetch_to_fd(server_->url("/PyPI/all.zip"), out_.get(), {}, quick(),
                            [&calls](uint64_t done, uint64_t total) { calls.emplace_back(done, total); });
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back(), std::make_pair(uint64_t{content_.size()}, uint64_t{content_.size()}));
  for (std::size_t i = 1; i < calls.size(); ++i) {
    EXPECT_GT(calls[i].first, calls[i - 1].first);
  }
}

TEST_F(HttpClientTest, ThrowingProgressCallbackFailsCleanly) {
  start();
  auto result = fetch_to_fd(server_->url("/PyPI/all.zip"), out_.get(), {}, quick(),
                            [](uint64_t, uint64_t) { throw std::runtime_error("boom"); });
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("progress callback"), std::string::npos) << result.error().message;
}

TEST_F(HttpClientTest, ValidatorWithLineBreakIsNotSent) {
  auto& server = start();
  auto result = fetch("/PyPI/all.zip", Validators{"\"abc\"\r\nX-Injected: 1", ""});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_FALSE(result->not_modified);
  const auto log = server.requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_FALSE(log[0]["headers"].contains("x-injected"));
  EXPECT_FALSE(log[0]["headers"].contains("if-none-match"));
}

}  // namespace
}  // namespace vigil::http
