// The HTTP layer of the registry source (private to src/image/registry*.cpp): one GET as a pull-based stream over
// the libcurl multi interface, and a request loop with retries, backoff and redirects that never carries our
// Authorization header to another origin.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace vigil::image::registry {

struct HttpSettings {
  std::string user_agent;
  std::string ca_file;  // extra CA bundle; empty: the system store
  std::chrono::seconds connect_timeout{20};
  std::chrono::seconds low_speed_time{60};  // abort when fewer than 1 KiB/s arrive for this long
  int max_attempts = 4;
  std::chrono::milliseconds first_backoff{500};
};

// One response: status and the headers of the final response (names lower-cased).
struct HttpHead {
  long status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  [[nodiscard]] std::string header(std::string_view name) const;  // "" when absent
};

// A GET whose headers have arrived; the body is pulled with read(). Owns its curl handles, so it may outlive
// whatever opened it. Memory stays bounded: curl is paused while our small buffer is full.
class HttpStream {
 public:
  // Starts the GET and returns once the response headers are in (or the transfer failed before that).
  // Never follows redirects itself. `redacted` names the URL in messages.
  static Result<std::unique_ptr<HttpStream>> open(const HttpSettings& settings, const std::string& url,
                                                  const std::vector<std::string>& headers);
  ~HttpStream();
  HttpStream(const HttpStream&) = delete;
  HttpStream& operator=(const HttpStream&) = delete;

  [[nodiscard]] const HttpHead& head() const;
  // Body bytes; 0 at the end. A connection failure mid-body is an error (never retried here).
  Result<size_t> read(std::span<char> out);
  // The rest of the body; fails past limit bytes.
  Result<std::string> read_all(uint64_t limit);
  [[nodiscard]] uint64_t received() const;

  struct Impl;  // defined in registry_http.cpp only, so nothing else can make one
  explicit HttpStream(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// What an error or message may show of a URL: scheme, host and path (no userinfo, query or fragment).
std::string redact_url(const std::string& url);
// "scheme://host[:port]" of a URL, lower-cased; empty when it does not parse or is not http(s).
std::string url_origin(const std::string& url);

struct Request {
  std::string url;
  std::vector<std::string> headers;  // sent to every hop (Accept, ...)
  std::string authorization;         // "Bearer ..."/"Basic ...": sent only while the origin is url's origin
  bool allow_http_redirect = false;  // may a redirect go from https to http (insecure loopback only)
};

// GET with up to settings.max_attempts attempts on connection errors, 408, 429 and 5xx (Retry-After honoured,
// else exponential backoff with jitter), following up to 5 redirects. Returns the stream of the first other
// response (2xx, 401, 404...); after the last attempt of a retryable status, that response is returned too.
Result<std::unique_ptr<HttpStream>> send(const HttpSettings& settings, const Request& request);

// "code: message" of a distribution error body ({"errors":[{"code","message"}]}), printable and short; "" if none.
std::string registry_error(std::string_view body);

}  // namespace vigil::image::registry
