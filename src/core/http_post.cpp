#include "core/http_post.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <string_view>

#include "core/version.hpp"

namespace vigil::http {
namespace {

size_t discard_body(char*, size_t size, size_t count, void*) {
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  const std::string_view line(data, size * count);
  constexpr std::string_view kRetryAfter = "retry-after:";
  if (line.size() > kRetryAfter.size()) {
    std::string lower(line.substr(0, kRetryAfter.size()));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == kRetryAfter) {
      std::string value(line.substr(kRetryAfter.size()));
      const size_t start = value.find_first_not_of(" \t");
      const size_t end = value.find_last_not_of(" \t\r\n");
      static_cast<PostResult*>(user)->retry_after =
          start == std::string::npos ? "" : value.substr(start, end - start + 1);
    }
  }
  return size * count;
}

}  // namespace

Result<PostResult> post_json(const std::string& url, const std::string& bearer_token, const std::string& body,
                             std::chrono::milliseconds timeout) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) return fail("cannot start an HTTP request");
  curl_slist* raw_headers = curl_slist_append(nullptr, "Content-Type: application/json");
  const std::string authorization = "Authorization: Bearer " + bearer_token;
  if (!bearer_token.empty()) raw_headers = curl_slist_append(raw_headers, authorization.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(raw_headers, curl_slist_free_all);
  const std::string user_agent = std::string("vigil/") + kVersion;
  PostResult result;
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(h.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h.get(), CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h.get(), CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h.get(), CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(h.get(), CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, discard_body);
  curl_easy_setopt(h.get(), CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h.get(), CURLOPT_HEADERDATA, &result);
  const CURLcode rc = curl_easy_perform(h.get());
  if (rc != CURLE_OK) {
    // errbuf names the host at most, never the path, query or our header.
    return fail(errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

}  // namespace vigil::http
