// The serve wiring (Service) on an ephemeral loopback port: HTTPS with a throwaway self-signed certificate, the
// startup description, a config error reported before anything listens, and stop() from another thread.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "incidents/api/service.hpp"
#include "test_support.hpp"

namespace vigil::incidents::api {
namespace {

namespace fs = std::filesystem;

void write_self_signed(const fs::path& cert_path, const fs::path& key_path) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  ASSERT_TRUE(key && cert);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  ASSERT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_out(BIO_new_file(cert_path.c_str(), "w"), BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_out(BIO_new_file(key_path.c_str(), "w"), BIO_free);
  ASSERT_TRUE(cert_out && key_out);
  ASSERT_EQ(PEM_write_bio_X509(cert_out.get(), cert.get()), 1);
  ASSERT_EQ(PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.port = 0;
    options_.db_url = "sqlite:" + (dir_.path() / "incidents.db").string();
    options_.threads = 2;
  }

  test::TempDir dir_;
  ServeOptions options_;
};

TEST_F(ServiceTest, ServesHttpsAndStopsFromAnotherThread) {
  write_self_signed(dir_.path() / "cert.pem", dir_.path() / "key.pem");
  options_.tls_cert_file = dir_.path() / "cert.pem";
  options_.tls_key_file = dir_.path() / "key.pem";
  auto service = Service::start(options_);
  ASSERT_TRUE(service) << service.error().message;
  const uint16_t port = (*service)->port();
  ASSERT_NE(port, 0);
  EXPECT_EQ((*service)->describe(), "https://127.0.0.1:" + std::to_string(port) + " (" + options_.db_url + ")");
  Result<void> served;
  std::thread runner([&] { served = (*service)->run(); });
  httplib::SSLClient client("127.0.0.1", port);
  client.enable_server_certificate_verification(false);
  auto r = client.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"status":"ok","db":"sqlite"})");
  r = client.Get("/api/v1/incidents");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  (*service)->stop();
  runner.join();
  EXPECT_TRUE(served);
}

TEST_F(ServiceTest, ConfigProblemsAndDatabaseErrorsFailStart) {
  std::ofstream(dir_.path() / "bad.yaml") << "colour: red\n";
  options_.config_path = dir_.path() / "bad.yaml";
  auto service = Service::start(options_);
  ASSERT_FALSE(service);
  EXPECT_NE(service.error().message.find("bad.yaml:1:"), std::string::npos) << service.error().message;
  options_.config_path.clear();
  options_.db_url = "postgres://vigil:secret@127.0.0.1:1/nothing?password=hunter2";
  service = Service::start(options_);
  ASSERT_FALSE(service);
  EXPECT_EQ(service.error().message.find("secret"), std::string::npos) << service.error().message;
  EXPECT_EQ(service.error().message.find("hunter2"), std::string::npos) << service.error().message;
}

}  // namespace
}  // namespace vigil::incidents::api
