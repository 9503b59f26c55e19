// One HTTP request with a JSON body and a bearer token, returning status and body: the libcurl call under API
// clients (`vigil incidents list|show|ack|resolve`), http_post.hpp and the notifiers (http_client.hpp downloads
// files).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace vigil::http {

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string content_type;
  std::string retry_after;
};

// method: GET, POST, PATCH, PUT or DELETE; body sent as application/json when non-empty (unless extra_headers
// name another Content-Type); extra_headers are "Name: value" lines. One attempt, no redirects, TLS always
// verified. Fails (without the URL's userinfo or query, never the token) on connection errors, timeouts and
// bodies over max_body bytes; any HTTP status is a result.
Result<HttpResponse> http_request(const std::string& method, const std::string& url, const std::string& bearer_token,
                                  const std::string& body, std::chrono::milliseconds timeout = std::chrono::seconds(30),
                                  size_t max_body = size_t{64} << 20,
                                  const std::vector<std::string>& extra_headers = {});

}  // namespace vigil::http
