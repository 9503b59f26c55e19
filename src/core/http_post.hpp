// POSTing JSON to a service (the incidents endpoint): one attempt, bearer token, http or https with TLS always
// verified, no redirects (a POST body is not replayed elsewhere). Callers own retries and queueing.
#pragma once

#include <chrono>
#include <string>

#include "core/result.hpp"

namespace vigil::http {

struct PostResult {
  long status = 0;          // the HTTP status
  std::string retry_after;  // the Retry-After header when the server sent one
};

// Fails (without the URL's userinfo or query, never the token) on connection errors and timeouts; any HTTP
// status is a result.
Result<PostResult> post_json(const std::string& url, const std::string& bearer_token, const std::string& body,
                             std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace vigil::http
