// libcurl POST for the notifiers (see http_send.hpp).
#include "incidents/notify/http_send.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <memory>
#include <mutex>

#include "core/version.hpp"

namespace vigil::incidents::notify {
namespace {

constexpr size_t kKeptBody = 512;

size_t keep_body(char* data, size_t size, size_t count, void* user) {
  auto* reply = static_cast<HttpReply*>(user);
  const size_t n = size * count;
  if (reply->body.size() < kKeptBody) reply->body.append(data, std::min(n, kKeptBody - reply->body.size()));
  return n;
}

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
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) return fail("cannot start an HTTP request");
  curl_slist* raw = nullptr;
  for (const std::string& header : headers) raw = curl_slist_append(raw, header.c_str());
  // No "Expect: 100-continue" on bodies over 1 KiB: a receiver that ignores it would cost a 1 s stall each time.
  raw = curl_slist_append(raw, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list(raw, curl_slist_free_all);
  const std::string user_agent = std::string("vigil/") + kVersion;
  HttpReply reply;
  curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(h.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h.get(), CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h.get(), CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h.get(), CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(h.get(), CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, keep_body);
  curl_easy_setopt(h.get(), CURLOPT_WRITEDATA, &reply);
  const CURLcode rc = curl_easy_perform(h.get());
  if (rc != CURLE_OK) {
    // curl_easy_strerror names no URL; the origin is ours to add.
    return fail(fmt::format("{}: {}", url_origin(url), curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &reply.status);
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
