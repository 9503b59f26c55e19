// POST for the notifiers (see http_send.hpp), through core/http_request.hpp.
#include "incidents/notify/http_send.hpp"

#include <fmt/format.h>

#include "core/http_request.hpp"

namespace vigil::incidents::notify {
namespace {

constexpr size_t kKeptBody = 512;                  // of a receiver's answer, for error messages
constexpr size_t kMaxReplyBody = size_t{1} << 20;  // receivers answer briefly; more is refused

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  return out;
}

}  // namespace

std::string url_origin(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "(invalid URL)";
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  const size_t at = rest.rfind('@');
  if (at != std::string_view::npos) rest = rest.substr(at + 1);
  return std::string(url.substr(0, scheme_end + 3)) + std::string(rest);
}

bool is_http_url(std::string_view url) {
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (url.substr(0, scheme.size()) == scheme && url.size() > scheme.size() &&
        url.substr(scheme.size()).find_first_of("/?#") != 0) {
      return true;
    }
  }
  return false;
}

Result<HttpReply> http_post(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
                            std::chrono::milliseconds timeout) {
  auto response = http::http_request("POST", url, "", body, timeout, kMaxReplyBody, headers);
  // The transport's message names the host at most; the origin is ours to add.
  if (!response) return fail(fmt::format("{}: {}", url_origin(url), response.error().message));
  HttpReply reply{response->status, std::move(response->body)};
  if (reply.body.size() > kKeptBody) reply.body.resize(kKeptBody);
  return reply;
}

Result<void> post_expect_2xx(std::string_view what, const std::string& url, const std::string& body,
                             const std::vector<std::string>& headers) {
  auto reply = http_post(url, body, headers);
  if (!reply) return fail(fmt::format("{}: {}", what, reply.error().message));
  if (reply->status < 200 || reply->status > 299) {
    return fail(fmt::format("{} at {} answered {}: {}", what, url_origin(url), reply->status, printable(reply->body)));
  }
  return {};
}

}  // namespace vigil::incidents::notify
