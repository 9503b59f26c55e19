// Sends JSON objects to a service as JSON arrays (the incidents endpoint takes batches) with a bounded queue and
// retries: the producer (the sensor, a scan, the log follower) never blocks on a slow or absent endpoint, and
// what cannot be delivered is counted and reported, never silently lost.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "core/http_post.hpp"

namespace vigil::http {

struct BatchPosterOptions {
  std::string url;    // http(s)://host:port/api/v1/events
  std::string token;  // sent as "Authorization: Bearer"; never printed
  size_t batch = 200;
  size_t max_queued = 10000;  // beyond this the oldest queued objects are dropped (and counted)
  std::chrono::milliseconds interval{1000};
  std::string noun = "events";  // what the warnings call the queued objects ("detections")
  // The transport; tests and the real thing both go through it.
  std::function<Result<PostResult>(const std::string& url, const std::string& token, const std::string& body)> post =
      [](const std::string& u, const std::string& t, const std::string& b) { return post_json(u, t, b); };
};

class BatchPoster {
 public:
  explicit BatchPoster(BatchPosterOptions options) : options_(std::move(options)) {}
  void add(std::string json_object);
  // Posts queued objects when a batch is full or the interval has passed (and no backoff is pending). With
  // `final`, tries what is left a few times and reports anything undelivered.
  void pump(bool final = false);
  [[nodiscard]] uint64_t delivered() const { return delivered_; }
  [[nodiscard]] uint64_t dropped() const { return dropped_; }
  [[nodiscard]] size_t queued() const { return queue_.size(); }

 private:
  bool post_batch();  // false: keep the batch and back off
  BatchPosterOptions options_;
  std::deque<std::string> queue_;
  std::chrono::steady_clock::time_point next_attempt_{};  // not before (backoff)
  std::chrono::steady_clock::time_point last_post_{};
  std::chrono::milliseconds backoff_{0};
  uint64_t delivered_ = 0;
  uint64_t dropped_ = 0;
  std::string last_problem_;
};

}  // namespace vigil::http
