// One HTTP request with a JSON body and a bearer token, returning status and body: what API clients such as
// `vigil incidents list|show|ack|resolve` need (http_post.hpp discards bodies; http_client.hpp downloads files).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "core/result.hpp"

namespace vigil::http {

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string content_type;
  std::string retry_after;
};

// method: GET, POST, PATCH, PUT or DELETE; body sent as application/json when non-empty. One attempt, no
// redirects, TLS always verified. Fails (without the URL's userinfo or query, never the token) on connection
// errors, timeouts and bodies over max_body bytes; any HTTP status is a result.
Result<HttpResponse> http_request(const std::string& method, const std::string& url, const std::string& bearer_token,
                                  const std::string& body, std::chrono::milliseconds timeout = std::chrono::seconds(30),
                                  size_t max_body = size_t{64} << 20);

}  // namespace vigil::http
