// The one HTTP server stack (DESIGN.md): cpp-httplib underneath, a route table on top. Handlers are plain
// functions from Request to Response, so they are testable without sockets; the server adds the limits every
// endpoint needs (body size, concurrent requests -> 429 with Retry-After, timeouts) and optional TLS.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace vigil::server {

struct Request {
  std::string method;                                            // "GET", "POST", ...
  std::string path;                                              // without the query
  std::vector<std::pair<std::string, std::string>> path_params;  // from "{name}" segments of the route pattern
  std::vector<std::pair<std::string, std::string>> query;        // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;      // names lower-cased
  std::string body;
  std::string remote_addr;

  [[nodiscard]] std::optional<std::string_view> header(std::string_view lower_name) const;
  [[nodiscard]] std::optional<std::string_view> query_value(std::string_view name) const;  // first one
  [[nodiscard]] std::string_view path_param(std::string_view name) const;                  // "" if absent
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Retry-After, Location, Set-Cookie...)
};

// A JSON error body {"error": message} with the status.
Response error_response(int status, std::string_view message);

using Handler = std::function<Response(const Request&)>;

struct Route {
  std::string method;   // "GET", "POST", "PATCH", "PUT", "DELETE"
  std::string pattern;  // "/api/v1/incidents/{id}": literal segments and "{name}" captures of one segment
  Handler handler;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: an ephemeral port (see Server::port())
  size_t threads = 8;
  size_t max_body_bytes = size_t{16} << 20;  // larger bodies: 413
  size_t max_in_flight = 64;                 // more concurrent requests: 429 with Retry-After
  std::chrono::seconds retry_after{1};
  std::chrono::seconds read_timeout{10};
  std::string tls_cert_file;  // both set: HTTPS
  std::string tls_key_file;
  // One line per request on stderr: remote address, method, path (no query), status, milliseconds. Never headers
  // or bodies (tokens travel in both).
  bool access_log = false;
};

class Server {
 public:
  Server(ServerOptions options, std::vector<Route> routes);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket (fails with a clear message: address in use, bad certificate...).
  Result<void> bind();
  [[nodiscard]] uint16_t port() const;
  // Serves until stop() (from another thread or a signal handler's thread).
  Result<void> run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Matches a path against a route pattern; the captures go to params. Pure: the router's core, tested alone.
bool match_pattern(std::string_view pattern, std::string_view path,
                   std::vector<std::pair<std::string, std::string>>& params);

}  // namespace vigil::server
