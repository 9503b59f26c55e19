// libcurl implementation of vigil::http::fetch_to_fd: one easy handle per call, reused across attempts; each
// attempt rewrites the file descriptor from offset 0 and is judged on curl's result, the status and the checksums.
#include "core/http_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>
#include <thread>
#include <vector>

#include "core/http_retry.hpp"
#include "core/strings.hpp"

namespace vigil::http {
namespace {

constexpr std::chrono::milliseconds kMaxBackoff{30'000};
constexpr long kMaxRedirects = 5;
constexpr long kLowSpeedBytesPerSecond = 1024;
constexpr std::size_t kMaxHeaderValue = 1024;     // validators and hashes we keep; longer values are dropped
constexpr std::size_t kMaxIgnoredBody = 1 << 20;  // of redirect bodies curl hands us before following

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlFree {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
  void operator()(char* s) const { curl_free(s); }
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
template <class T>
using Owned = std::unique_ptr<T, CurlFree>;

std::string url_part(CURLU* u, CURLUPart part) {
  char* raw = nullptr;
  if (curl_url_get(u, part, &raw, 0) != CURLUE_OK || raw == nullptr) {
    return {};
  }
  Owned<char> owned(raw);
  return raw;
}

// The URL as it may appear in messages, and the secrets that must never appear in one.
struct UrlInfo {
  std::string redacted;
  std::vector<std::string> secrets;
};

Result<UrlInfo> inspect_url(const std::string& url) {
  Owned<CURLU> u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return fail("invalid URL");  // the text itself may hold a secret, so it is not repeated
  }
  const std::string scheme = to_lower(url_part(u.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return fail(fmt::format("unsupported URL scheme '{}' (only http and https are allowed)", scheme.substr(0, 16)));
  }
  UrlInfo info;
  for (const auto part : {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS, CURLUPART_QUERY}) {
    std::string raw = url_part(u.get(), part);
    if (!raw.empty()) {
      info.secrets.push_back(raw);
      int len = 0;
      Owned<char> decoded(curl_easy_unescape(nullptr, raw.data(), static_cast<int>(raw.size()), &len));
      if (decoded && len > 0) {
        info.secrets.emplace_back(decoded.get(), static_cast<std::size_t>(len));
      }
    }
    curl_url_set(u.get(), part, nullptr, 0);
  }
  curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  info.redacted = url_part(u.get(), CURLUPART_URL);
  return info;
}

// Replaces every secret in text (a curl message or a server's reason phrase could echo one).
std::string scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.size() < 3) {
      continue;  // too short to be a secret worth mangling every message for
    }
    for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 5)) {
      text.replace(at, secret.size(), "*****");
    }
  }
  return text;
}

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xf]);
  }
  return out;
}

// Base64 md5 (as x-goog-hash and Content-MD5 carry it) to hex; empty when it is not a base64 16-byte value.
std::string md5_base64_to_hex(std::string_view b64) {
  if (b64.size() != 24) {
    return {};
  }
  unsigned char raw[18] = {};
  if (EVP_DecodeBlock(raw, reinterpret_cast<const unsigned char*>(b64.data()), 24) != 18) {
    return {};
  }
  return to_hex(raw, 16);
}

class Digest {
 public:
  explicit Digest(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) { reset(md); }
  void reset(const EVP_MD* md) { ok_ = ctx_ && EVP_DigestInit_ex(ctx_.get(), md, nullptr) == 1; }
  void update(const char* data, std::size_t size) { ok_ = ok_ && EVP_DigestUpdate(ctx_.get(), data, size) == 1; }
  std::string hex() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ok_ || EVP_DigestFinal_ex(ctx_.get(), out, &len) != 1) {
      return {};
    }
    return to_hex(out, len);
  }

 private:
  Owned<EVP_MD_CTX> ctx_;
  bool ok_ = false;
};

// What one attempt saw: the last response's headers (a redirect or 100 Continue starts a new set) and the body.
struct Transfer {
  int fd = -1;
  uint64_t max_bytes = 0;
  const std::function<void(uint64_t, uint64_t)>* progress = nullptr;

  long status = 0;
  std::string reason;
  std::string etag;
  std::string last_modified;
  std::optional<uint64_t> content_length;
  std::string md5_b64;  // from x-goog-hash md5= or Content-MD5
  std::string md5_source;

  uint64_t written = 0;
  uint64_t ignored = 0;
  Digest sha256{EVP_sha256()};
  Digest md5{EVP_md5()};
  std::string fatal;  // set by a callback that aborted the transfer for a reason retrying cannot fix

  void begin_response(long code, std::string_view why) {
    status = code;
    reason = std::string(why.substr(0, 64));
    etag.clear();
    last_modified.clear();
    content_length.reset();
    md5_b64.clear();
    md5_source.clear();
  }
};

// Reason phrases come from the server: keep printable ASCII only.
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

void on_status_line(Transfer& t, std::string_view line) {
  // "HTTP/1.1 200 OK" or "HTTP/2 200"
  const auto sp = line.find(' ');
  std::string_view rest = sp == std::string_view::npos ? std::string_view{} : trim(line.substr(sp + 1));
  long code = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), code);
  const std::string_view why = ec == std::errc{} ? trim(rest.substr(static_cast<std::size_t>(end - rest.data()))) : "";
  t.begin_response(ec == std::errc{} ? code : 0, printable(why));
}

void on_hash_header(Transfer& t, std::string_view name, std::string_view value) {
  if (iequals(name, "content-md5")) {
    if (t.md5_b64.empty()) {
      t.md5_b64 = std::string(value);
      t.md5_source = "Content-MD5";
    }
    return;
  }
  // x-goog-hash: crc32c=...,md5=... (one header or one header line per hash)
  for (const auto item : split(value, ',')) {
    const auto field = trim(item);
    if (field.size() > 4 && iequals(field.substr(0, 4), "md5=")) {
      t.md5_b64 = std::string(field.substr(4));
      t.md5_source = "x-goog-hash";
    }
  }
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const std::size_t total = size * count;
  const std::string_view line = trim(std::string_view(data, total));
  if (starts_with(line, "HTTP/")) {
    on_status_line(t, line);
    return total;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return total;
  }
  const auto name = trim(line.substr(0, colon));
  const auto value = trim(line.substr(colon + 1));
  if (value.size() > kMaxHeaderValue) {
    return total;
  }
  if (iequals(name, "etag")) {
    t.etag = std::string(value);
  } else if (iequals(name, "last-modified")) {
    t.last_modified = std::string(value);
  } else if (iequals(name, "content-length")) {
    uint64_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec == std::errc{} && end == value.data() + value.size()) {
      t.content_length = n;
    }
  } else if (iequals(name, "x-goog-hash") || iequals(name, "content-md5")) {
    on_hash_header(t, name, value);
  }
  return total;
}

bool write_all(int fd, const char* data, std::size_t size, uint64_t offset) {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const std::size_t total = size * count;
  if (t.status != 200) {
    // Only a 200 body is the file; a redirect's is skipped, an error's ends the transfer (the status decides).
    t.ignored += total;
    return t.status >= 300 && t.status < 400 && t.ignored <= kMaxIgnoredBody ? total : 0;
  }
  if (total > t.max_bytes - t.written) {
    t.fatal = fmt::format("response exceeds the limit of {} bytes", t.max_bytes);
    return 0;
  }
  if (!write_all(t.fd, data, total, t.written)) {
    t.fatal = fmt::format("cannot write the download: {}", std::strerror(errno));
    return 0;
  }
  t.sha256.update(data, total);
  t.md5.update(data, total);
  t.written += total;
  if (t.progress != nullptr && *t.progress) {
    try {
      (*t.progress)(t.written, t.content_length.value_or(0));
    } catch (...) {
      t.fatal = "the progress callback failed";  // no exception may cross libcurl's C frames
      return 0;
    }
  }
  return total;
}

enum class Verdict { kDone, kRetry, kFail };

struct Outcome {
  Verdict verdict = Verdict::kFail;
  std::string message;
  std::chrono::milliseconds retry_after{-1};  // from the server; < 0 when it sent none
};

std::string truncated_message(const Transfer& t) {
  return fmt::format("truncated body: received {} of {} bytes", t.written, t.content_length.value_or(0));
}

Outcome judge_curl_error(CURLcode rc, const Transfer& t, const char* errbuf) {
  if (rc == CURLE_PARTIAL_FILE && t.content_length) {
    return {Verdict::kRetry, truncated_message(t)};
  }
  if (rc == CURLE_FILESIZE_EXCEEDED) {
    return {Verdict::kFail, fmt::format("response of {} bytes exceeds the limit of {} bytes",
                                        t.content_length.value_or(0), t.max_bytes)};
  }
  std::string message = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
  if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
    // The URL itself was checked to be http(s), so only a redirect can get here.
    return {Verdict::kFail, "refused a redirect to a URL that is not http or https (" + message + ")"};
  }
  return {transient(rc) ? Verdict::kRetry : Verdict::kFail, std::move(message)};
}

std::string status_text(const Transfer& t) {
  return t.reason.empty() ? fmt::format("HTTP {}", t.status) : fmt::format("HTTP {} {}", t.status, t.reason);
}

// A complete 200: the body must have the announced length and the announced md5.
Outcome judge_body(Transfer& t, FetchResult& result) {
  if (t.content_length && *t.content_length != t.written) {
    return {Verdict::kRetry, truncated_message(t)};
  }
  const std::string md5 = t.md5.hex();
  if (!t.md5_b64.empty()) {
    const std::string expected = md5_base64_to_hex(t.md5_b64);
    if (expected.empty()) {
      return {Verdict::kRetry,
              fmt::format("unreadable md5 '{}' in {}", printable(t.md5_b64.substr(0, 32)), t.md5_source)};
    }
    if (expected != md5) {
      return {Verdict::kRetry, fmt::format("checksum mismatch (md5 expected {}, got {})", expected, md5)};
    }
  }
  result.bytes = t.written;
  result.sha256_hex = t.sha256.hex();
  result.validators = {t.etag, t.last_modified};
  return {Verdict::kDone, {}};
}

Outcome judge_status(CURL* h, Transfer& t, bool conditional, const Validators& previous, FetchResult& result) {
  result.status = t.status;
  if (t.status == 200) {
    return judge_body(t, result);
  }
  if (t.status == 304 && conditional) {
    result.not_modified = true;
    result.validators = {t.etag.empty() ? previous.etag : t.etag,
                         t.last_modified.empty() ? previous.last_modified : t.last_modified};
    return {Verdict::kDone, {}};
  }
  if (retryable_status(t.status)) {
    curl_off_t seconds = -1;
    Outcome out{Verdict::kRetry, status_text(t)};
    if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &seconds) == CURLE_OK && seconds >= 0) {
      out.retry_after =
          std::min<std::chrono::milliseconds>(std::chrono::seconds(std::min<curl_off_t>(seconds, 3600)), kMaxBackoff);
    }
    return out;
  }
  return {Verdict::kFail, t.status == 304 ? "unexpected HTTP 304 to an unconditional request" : status_text(t)};
}

// The options that are the same for every attempt.
Result<Owned<curl_slist>> configure(CURL* h, const std::string& url, const Validators& previous,
                                    const FetchOptions& options, char* errbuf) {
  Owned<curl_slist> headers;
  auto add_header = [&headers](const std::string& name, const std::string& value) {
    // A validator with a line break would inject headers (and a NUL would cut it short): such a value is not sent.
    if (value.empty() || value.find_first_of("\r\n", 0, 3) != std::string::npos) {
      return;
    }
    // curl_slist_append returns the head of the list: new on the first call, the same one after.
    curl_slist* head = curl_slist_append(headers.get(), (name + ": " + value).c_str());
    if (head != nullptr && !headers) {
      headers.reset(head);
    }
  };
  add_header("If-None-Match", previous.etag);
  add_header("If-Modified-Since", previous.last_modified);
  const auto max_size = static_cast<curl_off_t>(std::min<uint64_t>(options.max_bytes, INT64_MAX));
  bool ok =
      curl_easy_setopt(h, CURLOPT_URL, url.c_str()) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_MAXREDIRS, kMaxRedirects) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count() * 1000)) ==
          CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedBytesPerSecond) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count())) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, max_size) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str()) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get()) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK;
  if (!ok) {
    return fail("libcurl lacks a required option (needs libcurl >= 7.85 with http and https)");
  }
  return headers;
}

Outcome run_attempt(CURL* h, Transfer& t, char* errbuf, const Validators& previous, FetchResult& result) {
  if (::ftruncate(t.fd, 0) != 0) {
    return {Verdict::kFail, fmt::format("cannot truncate the output file: {}", std::strerror(errno))};
  }
  errbuf[0] = '\0';
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  const CURLcode rc = curl_easy_perform(h);
  if (!t.fatal.empty()) {
    return {Verdict::kFail, t.fatal};
  }
  // A write error with an ignored body is our own abort of an error response: the status tells what it was.
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && t.ignored > 0)) {
    return judge_curl_error(rc, t, errbuf);
  }
  const bool conditional = !previous.etag.empty() || !previous.last_modified.empty();
  return judge_status(h, t, conditional, previous, result);
}

std::chrono::milliseconds backoff(const FetchOptions& options, int attempt, const Outcome& outcome,
                                  std::mt19937_64& rng) {
  if (outcome.retry_after.count() >= 0) {
    return outcome.retry_after;
  }
  auto delay = std::max<std::chrono::milliseconds>(options.first_backoff, std::chrono::milliseconds(0));
  for (int i = 1; i < attempt && delay < kMaxBackoff; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, kMaxBackoff);
  // "Equal jitter": half fixed, half random, so that many clients retrying at once spread out.
  std::uniform_int_distribution<int64_t> half(0, delay.count() / 2);
  return std::chrono::milliseconds(delay.count() - delay.count() / 2 + half(rng));
}

}  // namespace

Result<FetchResult> fetch_to_fd(const std::string& url, int fd, const Validators& previous, const FetchOptions& options,
                                const std::function<void(uint64_t done, uint64_t total)>& progress) {
  auto info = inspect_url(url);
  if (!info) {
    return fail(info.error().message);
  }
  global_init();
  Owned<CURL> h(curl_easy_init());
  if (!h) {
    return fail(info->redacted + ": cannot create a libcurl handle");
  }
  char errbuf[CURL_ERROR_SIZE] = {};
  auto headers = configure(h.get(), url, previous, options, errbuf);
  if (!headers) {
    return fail(info->redacted + ": " + headers.error().message);
  }
  std::mt19937_64 rng{std::random_device{}()};
  const int max_attempts = std::max(1, options.max_attempts);
  Outcome outcome;
  FetchResult result;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    Transfer t;
    t.fd = fd;
    t.max_bytes = options.max_bytes;
    t.progress = &progress;
    result = FetchResult{};
    result.attempts = attempt;
    outcome = run_attempt(h.get(), t, errbuf, previous, result);
    if (outcome.verdict == Verdict::kDone) {
      return result;
    }
    if (outcome.verdict == Verdict::kFail || attempt == max_attempts) {
      break;
    }
    std::this_thread::sleep_for(backoff(options, attempt, outcome, rng));
  }
  // Never leave a partial or corrupt body behind for a caller to trust.
  [[maybe_unused]] const int truncated = ::ftruncate(fd, 0);
  std::string message = info->redacted + ": " + outcome.message;
  if (outcome.verdict == Verdict::kRetry) {
    message += fmt::format(" (gave up after {} attempt{})", result.attempts, result.attempts == 1 ? "" : "s");
  } else if (result.attempts > 1) {
    message += fmt::format(" (on attempt {})", result.attempts);
  }
  return fail(scrub(std::move(message), info->secrets));
}

}  // namespace vigil::http
