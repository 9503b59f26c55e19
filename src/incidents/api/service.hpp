// `vigil incidents serve` as a library: the store, the group-commit ingest queue, the notification dispatcher, the
// flood detector's ticker and the HTTP server (API + dashboard), started together and stopped in the order that
// loses nothing (stop accepting, drain the queue, then stop delivering).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.hpp"

namespace vigil::incidents::api {

struct ServeOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: an ephemeral port
  std::string db_url = "sqlite:vigil-incidents.db";
  std::string config_path;  // "" : defaults, no notifiers
  std::string tls_cert_file;
  std::string tls_key_file;
  // Requests are counted on worker threads, so max_in_flight only bites below threads; the spare threads answer
  // 429 quickly while the others wait for their batch's commit.
  size_t threads = 64;
  size_t max_in_flight = 48;
  size_t max_body_bytes = size_t{16} << 20;
  size_t max_pending_events = 200000;
  bool access_log = false;  // one line per request on stderr
};

class Service {
 public:
  // Opens (and migrates) the store, loads the config, starts the workers and binds the port; nothing is served
  // until run().
  static Result<std::unique_ptr<Service>> start(const ServeOptions& options);
  ~Service();  // stop()
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  [[nodiscard]] uint16_t port() const;
  // "http://127.0.0.1:PORT (sqlite:/path)" for the startup line.
  [[nodiscard]] std::string describe() const;
  // Serves until stop(); returns the server's error, if it failed.
  Result<void> run();
  // Stops the server (from any thread), then drains the ingest queue and stops the dispatcher. Idempotent.
  void stop();

 private:
  Service();
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vigil::incidents::api
