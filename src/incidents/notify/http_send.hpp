// One HTTP POST for the notifiers (libcurl): custom headers, 10 s timeout, http/https only, TLS verified, no
// redirects. Error messages name at most scheme://host:port, never userinfo, path or query (webhook URLs are
// secrets themselves: Slack's carries its token in the path).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vigil::incidents::notify {

struct HttpReply {
  long status = 0;
  std::string body;  // the first 512 bytes, for error messages
};

Result<HttpReply> http_post(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));

// http_post that fails unless the receiver answered 2xx: "<what> answered 500: <body start>".
Result<void> post_expect_2xx(std::string_view what, const std::string& url, const std::string& body,
                             const std::vector<std::string>& headers);

// "https://hooks.example.com" of "https://user:pw@hooks.example.com/services/T0/B0?x=1".
std::string url_origin(std::string_view url);
bool is_http_url(std::string_view url);  // http:// or https:// with a host

}  // namespace vigil::incidents::notify
