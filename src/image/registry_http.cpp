// libcurl side of the registry source: a GET as a pull-based stream (multi interface; the write callback pauses
// the transfer while our buffer is full, so a layer of any size streams through a fixed amount of memory) and
// the request loop with retries and redirects.
#include "image/registry_http.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "core/http_retry.hpp"
#include "core/strings.hpp"

namespace vigil::image::registry {
namespace {

constexpr size_t kBufferHigh = 64 * 1024;  // stop taking data from curl above this many unread bytes
constexpr size_t kMaxHeaders = 128;
constexpr size_t kMaxHeaderValue = 8192;
constexpr int kMaxRedirects = 5;
constexpr long kLowSpeedBytesPerSecond = 1024;
constexpr std::chrono::milliseconds kMaxBackoff{30'000};

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
  void operator()(char* s) const { curl_free(s); }
};
using OwnedUrl = std::unique_ptr<CURLU, CurlFree>;
using OwnedChars = std::unique_ptr<char, CurlFree>;

std::string url_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(u, part, &raw, flags) != CURLUE_OK || raw == nullptr) {
    return {};
  }
  OwnedChars owned(raw);
  return raw;
}

std::string printable(std::string_view text, size_t max) {
  std::string out;
  for (const char c : text.substr(0, max)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

std::string HttpHead::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) {
      return v;
    }
  }
  return {};
}

struct HttpStream::Impl {
  CURLM* multi = nullptr;
  CURL* easy = nullptr;
  curl_slist* request_headers = nullptr;
  char errbuf[CURL_ERROR_SIZE] = {};
  std::string redacted;

  HttpHead head;
  bool head_done = false;
  bool done = false;
  CURLcode result = CURLE_OK;
  bool paused = false;
  std::string buffer;
  size_t buffer_pos = 0;
  uint64_t received = 0;

  ~Impl() {
    if (multi != nullptr && easy != nullptr) {
      curl_multi_remove_handle(multi, easy);
    }
    if (easy != nullptr) {
      curl_easy_cleanup(easy);
    }
    if (multi != nullptr) {
      curl_multi_cleanup(multi);
    }
    curl_slist_free_all(request_headers);
  }

  std::string curl_message() const {
    return errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(result));
  }

  // One round of the multi loop: let curl work, note completion, and wait for the socket only when that round
  // brought nothing new (no head, no body bytes, not done).
  void pump() {
    const bool had_head = head_done;
    const uint64_t had_bytes = received;
    int running = 0;
    if (curl_multi_perform(multi, &running) != CURLM_OK) {
      done = true;
      result = CURLE_FAILED_INIT;
      return;
    }
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg == CURLMSG_DONE) {
        done = true;
        result = msg->data.result;
      }
    }
    if (!done && head_done == had_head && received == had_bytes) {
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
  }

  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto& s = *static_cast<Impl*>(user);
    const size_t total = size * count;
    const std::string_view line = trim(std::string_view(data, total));
    if (starts_with(line, "HTTP/")) {
      s.head = HttpHead{};
      s.head_done = false;
      const auto sp = line.find(' ');
      const std::string_view rest = sp == std::string_view::npos ? std::string_view{} : trim(line.substr(sp + 1));
      long code = 0;
      const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), code);
      if (ec == std::errc{}) {
        s.head.status = code;
        s.head.reason = printable(trim(rest.substr(static_cast<size_t>(end - rest.data()))), 64);
      }
      return total;
    }
    if (line.empty()) {
      s.head_done = s.head.status >= 200;  // 1xx interim responses are followed by another head
      return total;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && s.head.headers.size() < kMaxHeaders) {
      const auto value = trim(line.substr(colon + 1));
      if (value.size() <= kMaxHeaderValue) {
        s.head.headers.emplace_back(to_lower(trim(line.substr(0, colon))), std::string(value));
      }
    }
    return total;
  }

  static size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto& s = *static_cast<Impl*>(user);
    const size_t total = size * count;
    s.head_done = true;
    if (s.buffer.size() - s.buffer_pos >= kBufferHigh) {
      s.paused = true;
      return CURL_WRITEFUNC_PAUSE;  // curl keeps these bytes and hands them over again after unpausing
    }
    if (s.buffer_pos > 0 && s.buffer_pos == s.buffer.size()) {
      s.buffer.clear();
      s.buffer_pos = 0;
    }
    s.buffer.append(data, total);
    s.received += total;
    return total;
  }
};

HttpStream::HttpStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpStream::~HttpStream() = default;

const HttpHead& HttpStream::head() const {
  return impl_->head;
}
uint64_t HttpStream::received() const {
  return impl_->received;
}

Result<size_t> HttpStream::read(std::span<char> out) {
  Impl& s = *impl_;
  while (s.buffer_pos == s.buffer.size()) {
    s.buffer.clear();
    s.buffer_pos = 0;
    if (s.done) {
      if (s.result != CURLE_OK) {
        return fail(fmt::format("{}: connection failed after {} bytes of the body: {}", s.redacted, s.received,
                                s.curl_message()));
      }
      return size_t{0};
    }
    if (s.paused) {
      s.paused = false;
      curl_easy_pause(s.easy, CURLPAUSE_CONT);  // may call on_body right away
      continue;
    }
    s.pump();
  }
  const size_t n = std::min(out.size(), s.buffer.size() - s.buffer_pos);
  std::memcpy(out.data(), s.buffer.data() + s.buffer_pos, n);
  s.buffer_pos += n;
  return n;
}

Result<std::string> HttpStream::read_all(uint64_t limit) {
  std::string out;
  char chunk[16384];
  for (;;) {
    auto n = read(chunk);
    if (!n) {
      return tl::unexpected(n.error());
    }
    if (*n == 0) {
      return out;
    }
    if (out.size() + *n > limit) {
      return fail(fmt::format("{}: response larger than the limit of {} bytes", impl_->redacted, limit));
    }
    out.append(chunk, *n);
  }
}

namespace {

struct Attempt {
  std::unique_ptr<HttpStream> stream;  // set once the response head arrived
  CURLcode failure = CURLE_OK;         // else why the transfer ended before that
  std::string message;
};

bool configure(HttpStream::Impl& s, const HttpSettings& settings, const std::string& url,
               const std::vector<std::string>& headers) {
  for (const auto& h : headers) {
    curl_slist* head = curl_slist_append(s.request_headers, h.c_str());
    if (head == nullptr) {
      return false;
    }
    s.request_headers = head;
  }
  CURL* h = s.easy;
  bool ok =
      curl_easy_setopt(h, CURLOPT_URL, url.c_str()) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&  // send() follows, deciding about auth
      curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings.connect_timeout.count() * 1000)) ==
          CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedBytesPerSecond) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(settings.low_speed_time.count())) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_USERAGENT, settings.user_agent.c_str()) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_HTTPHEADER, s.request_headers) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s.errbuf) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &HttpStream::Impl::on_header) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_HEADERDATA, &s) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &HttpStream::Impl::on_body) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_WRITEDATA, &s) == CURLE_OK;
  if (ok && !settings.ca_file.empty()) {
    ok = curl_easy_setopt(h, CURLOPT_CAINFO, settings.ca_file.c_str()) == CURLE_OK;
  }
  return ok;
}

Result<Attempt> attempt(const HttpSettings& settings, const std::string& url, const std::vector<std::string>& headers) {
  global_init();
  auto impl = std::make_unique<HttpStream::Impl>();
  impl->redacted = redact_url(url);
  impl->multi = curl_multi_init();
  impl->easy = curl_easy_init();
  if (impl->multi == nullptr || impl->easy == nullptr || !configure(*impl, settings, url, headers) ||
      curl_multi_add_handle(impl->multi, impl->easy) != CURLM_OK) {
    return fail(impl->redacted + ": cannot set up libcurl (needs libcurl >= 7.85 with http and https)");
  }
  while (!impl->head_done && !impl->done) {
    impl->pump();
  }
  Attempt out;
  if (!impl->head_done) {
    out.failure = impl->result == CURLE_OK ? CURLE_GOT_NOTHING : impl->result;
    out.message = impl->curl_message();
    return out;
  }
  out.stream = std::make_unique<HttpStream>(std::move(impl));
  return out;
}

std::optional<std::chrono::milliseconds> retry_after(const HttpHead& head) {
  const std::string value = std::string(trim(head.header("retry-after")));
  if (value.empty()) {
    return std::nullopt;
  }
  int64_t seconds = -1;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || end != value.data() + value.size()) {
    const time_t when = curl_getdate(value.c_str(), nullptr);
    if (when < 0) {
      return std::nullopt;
    }
    seconds = std::max<int64_t>(0, static_cast<int64_t>(when - std::time(nullptr)));
  }
  if (seconds < 0) {
    return std::nullopt;
  }
  return std::min<std::chrono::milliseconds>(std::chrono::seconds(std::min<int64_t>(seconds, 3600)), kMaxBackoff);
}

std::chrono::milliseconds backoff(const HttpSettings& settings, int attempt_no, std::mt19937_64& rng) {
  auto delay = std::max<std::chrono::milliseconds>(settings.first_backoff, std::chrono::milliseconds(0));
  for (int i = 1; i < attempt_no && delay < kMaxBackoff; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, kMaxBackoff);
  // Equal jitter: half fixed, half random, so clients retrying together spread out.
  std::uniform_int_distribution<int64_t> half(0, delay.count() / 2);
  return std::chrono::milliseconds(delay.count() - delay.count() / 2 + half(rng));
}

// Location resolved against the URL it came from; only http(s).
Result<std::string> follow(const std::string& from, const std::string& location, bool allow_http) {
  OwnedUrl u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, from.c_str(), 0) != CURLUE_OK ||
      curl_url_set(u.get(), CURLUPART_URL, location.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return fail(redact_url(from) + ": unreadable redirect Location");
  }
  const std::string scheme = to_lower(url_part(u.get(), CURLUPART_SCHEME));
  const std::string to = url_part(u.get(), CURLUPART_URL);
  if (scheme != "https" && scheme != "http") {
    return fail(redact_url(from) + ": refused a redirect to a URL that is not http or https");
  }
  if (scheme == "http" && starts_with(to_lower(from), "https:") && !allow_http) {
    return fail(redact_url(from) + ": refused a redirect from https to plain http (" + redact_url(to) + ")");
  }
  return to;
}

}  // namespace

Result<std::unique_ptr<HttpStream>> HttpStream::open(const HttpSettings& settings, const std::string& url,
                                                     const std::vector<std::string>& headers) {
  auto a = attempt(settings, url, headers);
  if (!a) {
    return tl::unexpected(a.error());
  }
  if (!a->stream) {
    return fail(redact_url(url) + ": " + a->message);
  }
  return std::move(a->stream);
}

std::string redact_url(const std::string& url) {
  OwnedUrl u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return "<invalid URL>";
  }
  for (const auto part : {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS, CURLUPART_QUERY, CURLUPART_FRAGMENT}) {
    curl_url_set(u.get(), part, nullptr, 0);
  }
  return url_part(u.get(), CURLUPART_URL);
}

std::string url_origin(const std::string& url) {
  OwnedUrl u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return {};
  }
  const std::string scheme = to_lower(url_part(u.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return {};
  }
  return scheme + "://" + to_lower(url_part(u.get(), CURLUPART_HOST)) + ":" +
         url_part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
}

Result<std::unique_ptr<HttpStream>> send(const HttpSettings& settings, const Request& request) {
  const std::string auth_origin = url_origin(request.url);
  if (auth_origin.empty()) {
    return fail(redact_url(request.url) + ": only http and https URLs are supported");
  }
  std::mt19937_64 rng{std::random_device{}()};
  const int max_attempts = std::max(1, settings.max_attempts);
  std::string url = request.url;
  int redirects = 0;
  for (int attempt_no = 1;;) {
    std::vector<std::string> headers = request.headers;
    // Our credentials go to the origin they were issued for, never to storage a blob redirect points at.
    if (!request.authorization.empty() && url_origin(url) == auth_origin) {
      headers.push_back("Authorization: " + request.authorization);
    }
    auto a = attempt(settings, url, headers);
    if (!a) {
      return tl::unexpected(a.error());
    }
    const std::string suffix = attempt_no > 1 ? fmt::format(" (gave up after {} attempts)", attempt_no) : "";
    if (!a->stream) {
      if (http::transient(a->failure) && attempt_no < max_attempts) {
        std::this_thread::sleep_for(backoff(settings, attempt_no++, rng));
        continue;
      }
      return fail(redact_url(url) + ": " + a->message + suffix);
    }
    const HttpHead& head = a->stream->head();
    if (is_redirect(head.status) && !head.header("location").empty()) {
      if (++redirects > kMaxRedirects) {
        return fail(redact_url(request.url) + ": more than 5 redirects");
      }
      auto next = follow(url, head.header("location"), request.allow_http_redirect);
      if (!next) {
        return tl::unexpected(next.error());
      }
      url = std::move(*next);
      continue;
    }
    if (http::retryable_status(head.status) && attempt_no < max_attempts) {
      const auto wait = retry_after(head).value_or(backoff(settings, attempt_no, rng));
      a->stream.reset();
      std::this_thread::sleep_for(wait);
      ++attempt_no;
      continue;
    }
    return std::move(a->stream);
  }
}

std::string registry_error(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc)) {
    return {};
  }
  simdjson::dom::array errors;
  simdjson::dom::object first;
  if (doc["errors"].get_array().get(errors) || errors.at(0).get_object().get(first)) {
    return {};
  }
  std::string_view code;
  std::string_view message;
  if (first["code"].get_string().get(code)) {
    code = {};
  }
  if (first["message"].get_string().get(message)) {
    message = {};
  }
  if (code.empty() && message.empty()) {
    return {};
  }
  return printable(code, 64) + (code.empty() || message.empty() ? "" : ": ") + printable(message, 200);
}

}  // namespace vigil::image::registry
