// libcurl under http_request(): the response body is kept (bounded), headers give Content-Type and Retry-After.
#include "core/http_request.hpp"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <mutex>
#include <string_view>

#include "core/version.hpp"

namespace vigil::http {
namespace {

struct Received {
  HttpResponse response;
  size_t max_body = 0;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* received = static_cast<Received*>(user);
  if (received->response.body.size() + size * count > received->max_body) {
    received->too_large = true;
    return 0;  // aborts the transfer
  }
  received->response.body.append(data, size * count);
  return size * count;
}

// "Name: value" -> value, when the line's name is `lower_name` (case-insensitive).
bool header_value(std::string_view line, std::string_view lower_name, std::string& out) {
  if (line.size() <= lower_name.size() || line[lower_name.size()] != ':') return false;
  for (size_t i = 0; i < lower_name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != lower_name[i]) return false;
  }
  std::string_view value = line.substr(lower_name.size() + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  out.assign(value);
  return true;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& response = static_cast<Received*>(user)->response;
  const std::string_view line(data, size * count);
  if (!header_value(line, "retry-after", response.retry_after))
    header_value(line, "content-type", response.content_type);
  return size * count;
}

bool names_content_type(const std::vector<std::string>& headers) {
  std::string ignored;
  for (const auto& h : headers) {
    if (header_value(h, "content-type", ignored)) return true;
  }
  return false;
}

}  // namespace

Result<HttpResponse> http_request(const std::string& method, const std::string& url, const std::string& bearer_token,
                                  const std::string& body, std::chrono::milliseconds timeout, size_t max_body,
                                  const std::vector<std::string>& extra_headers) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) return fail("cannot start an HTTP request");
  curl_slist* raw_headers = curl_slist_append(nullptr, "Accept: application/json");
  if (!body.empty() && !names_content_type(extra_headers)) {
    raw_headers = curl_slist_append(raw_headers, "Content-Type: application/json");
  }
  const std::string authorization = "Authorization: Bearer " + bearer_token;
  if (!bearer_token.empty()) raw_headers = curl_slist_append(raw_headers, authorization.c_str());
  for (const auto& h : extra_headers) raw_headers = curl_slist_append(raw_headers, h.c_str());
  // No "Expect: 100-continue" on bodies over 1 KiB: a receiver that ignores it would cost a 1 s stall each time.
  raw_headers = curl_slist_append(raw_headers, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(raw_headers, curl_slist_free_all);
  const std::string user_agent = std::string("vigil/") + kVersion;
  Received received;
  received.max_body = max_body;
  char errbuf[CURL_ERROR_SIZE] = {};
  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!body.empty() || method != "GET") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &received);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &received);
  const CURLcode rc = curl_easy_perform(c);
  if (received.too_large) return fail("response body larger than the limit");
  if (rc != CURLE_OK) {
    // errbuf names the host at most, never the path, query or our header.
    return fail(errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &received.response.status);
  return std::move(received.response);
}

}  // namespace vigil::http
