// When an HTTP request is worth another attempt: shared by every libcurl client (feed downloads, registries).
#pragma once

#include <curl/curl.h>

namespace vigil::http {

// Errors a later attempt may not see: network trouble, timeouts, cut-off transfers.
inline bool transient(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
    case CURLE_WEIRD_SERVER_REPLY: return true;
    default: return false;
  }
}

// Statuses that say "try again later": timeout, rate limit, server trouble.
inline bool retryable_status(long status) {
  return status == 408 || status == 429 || (status >= 500 && status < 600);
}

}  // namespace vigil::http
