// Sends detections to the incidents service (`POST /api/v1/events`, docs/incidents.md's event shape: source, rule,
// severity, subject, title, time, labels, details) in batches, with a bounded queue and retries: the sensor never
// blocks on a slow or absent endpoint, and what cannot be delivered is counted and reported, never silently lost.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "core/http_post.hpp"
#include "watch/engine.hpp"

namespace vigil::watch {

// One detection as an incidents event (a JSON object). The fingerprint the service derives (source + rule +
// subject) groups a rule firing again and again for the same program on the same host into one incident.
std::string incident_event_json(const Detection& detection, const std::string& host);
// Falco priorities -> the service's severities: EMERGENCY/ALERT/CRITICAL critical, ERROR/WARNING high,
// NOTICE medium, INFORMATIONAL/DEBUG low.
std::string_view severity_of(Priority priority);

struct IncidentsOptions {
  std::string url;    // http(s)://host:port/api/v1/events
  std::string token;  // sent as "Authorization: Bearer"; never printed
  std::string host;   // this machine's name, part of every subject
  size_t batch = 200;
  size_t max_queued = 10000;  // beyond this the oldest queued detections are dropped (and counted)
  std::chrono::milliseconds interval{1000};
  // The transport; tests and the real thing both go through it.
  std::function<Result<http::PostResult>(const std::string& url, const std::string& token, const std::string& body)>
      post = [](const std::string& u, const std::string& t, const std::string& b) { return http::post_json(u, t, b); };
};

class IncidentsSink {
 public:
  explicit IncidentsSink(IncidentsOptions options) : options_(std::move(options)) {}
  void add(const Detection& detection);
  // Posts queued detections when a batch is full or the interval has passed (and no backoff is pending). With
  // `final`, tries what is left a few times and reports anything undelivered.
  void pump(bool final = false);
  [[nodiscard]] uint64_t delivered() const { return delivered_; }
  [[nodiscard]] uint64_t dropped() const { return dropped_; }

 private:
  bool post_batch();  // false: keep the batch and back off
  IncidentsOptions options_;
  std::deque<std::string> queue_;
  std::chrono::steady_clock::time_point next_attempt_{};  // not before (backoff)
  std::chrono::steady_clock::time_point last_post_{};
  std::chrono::milliseconds backoff_{0};
  uint64_t delivered_ = 0;
  uint64_t dropped_ = 0;
  std::string last_problem_;
};

}  // namespace vigil::watch
