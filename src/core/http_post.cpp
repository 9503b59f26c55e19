// post_json: a POST through http_request() that keeps only the status and Retry-After.
#include "core/http_post.hpp"

#include "core/http_request.hpp"

namespace vigil::http {

Result<PostResult> post_json(const std::string& url, const std::string& bearer_token, const std::string& body,
                             std::chrono::milliseconds timeout) {
  auto response = http_request("POST", url, bearer_token, body, timeout);
  if (!response) return tl::unexpected(response.error());
  return PostResult{response->status, std::move(response->retry_after)};
}

}  // namespace vigil::http
