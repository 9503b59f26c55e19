// HTTP(S) download client (libcurl) for `vigil db update`: conditional GET into a file descriptor with retries,
// backoff and integrity checks (Content-Length, GCS x-goog-hash / Content-MD5 md5).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/result.hpp"
#include "core/version.hpp"

namespace vigil::http {

// Cache validators from the previous successful download of the same URL (empty = unknown).
struct Validators {
  std::string etag;
  std::string last_modified;
};

struct FetchOptions {
  int max_attempts = 4;
  // Backoff before attempt n+1 is first_backoff * 2^(n-1) with jitter, capped at 30 s; a Retry-After from the
  // server replaces it (capped at 30 s too).
  std::chrono::milliseconds first_backoff{500};
  std::chrono::seconds connect_timeout{20};
  // The attempt is aborted when fewer than 1 KiB/s arrive for this long.
  std::chrono::seconds low_speed_time{60};
  uint64_t max_bytes = 4ull << 30;
  std::string user_agent = std::string("vigil/") + kVersion;
};

struct FetchResult {
  bool not_modified = false;  // 304: fd was left empty, validators are those to keep using
  long status = 0;
  Validators validators;
  uint64_t bytes = 0;
  std::string sha256_hex;  // of the body written to fd
  int attempts = 0;
};

// GETs url into the already-open, seekable file descriptor fd (truncated and rewritten from offset 0 on each
// attempt), sending If-None-Match / If-Modified-Since from `previous`. Checks that the body has Content-Length
// bytes and, when the server sends x-goog-hash md5 or Content-MD5, that the md5 matches. Retries connection
// errors, timeouts, 408/429/5xx, truncated bodies and checksum mismatches; fails at once on other statuses.
// Only http and https (also for redirects, at most 5); TLS is always verified. Error messages never contain
// the URL's userinfo or query. progress(done, total) is called as data arrives (total 0 when unknown).
Result<FetchResult> fetch_to_fd(const std::string& url, int fd, const Validators& previous, const FetchOptions& options,
                                const std::function<void(uint64_t done, uint64_t total)>& progress = {});

}  // namespace vigil::http
