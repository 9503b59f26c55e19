// Flood events out of `vigil incidents tail`: as JSON (the POST /api/v1/events shape) and to an incidents
// endpoint in batches with a bounded queue and exponential backoff; the follower never blocks on the endpoint.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "core/http_post.hpp"
#include "incidents/model.hpp"

namespace vigil::incidents::flood {

// One event as the events endpoint takes it: source, rule, severity, subject, title, time, labels, fingerprint,
// state ("firing" | "resolved").
std::string event_json(const Event& event);

struct SenderOptions {
  std::string url;    // http(s)://HOST:PORT/api/v1/events
  std::string token;  // "Authorization: Bearer"; never printed
  size_t batch = 200;
  size_t max_queued = 10000;  // beyond this the oldest events are dropped (and counted)
  std::chrono::milliseconds interval{500};
  std::function<Result<http::PostResult>(const std::string& url, const std::string& token, const std::string& body)>
      post = [](const std::string& u, const std::string& t, const std::string& b) { return http::post_json(u, t, b); };
};

class EventSender {
 public:
  explicit EventSender(SenderOptions options) : options_(std::move(options)) {}
  void add(const Event& event);
  // Posts what is queued unless a backoff is pending. With `final`, tries the rest a few times and reports
  // anything undelivered on stderr.
  void pump(bool final = false);
  [[nodiscard]] uint64_t delivered() const { return delivered_; }
  [[nodiscard]] uint64_t dropped() const { return dropped_; }
  [[nodiscard]] size_t queued() const { return queue_.size(); }

 private:
  bool post_batch();  // false: keep the batch and back off
  SenderOptions options_;
  std::deque<std::string> queue_;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{0};
  uint64_t delivered_ = 0;
  uint64_t dropped_ = 0;
  std::string last_problem_;
};

}  // namespace vigil::incidents::flood
