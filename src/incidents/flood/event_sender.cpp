// Flood events as JSON and their delivery to the incidents endpoint (event_sender.hpp); retry policy as in
// watch/incidents_sink.cpp: 2xx delivered, 408/429/5xx and connection errors retried with backoff (honouring
// Retry-After), other statuses dropped with a warning.
#include "incidents/flood/event_sender.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <thread>

#include "formats/events/json_text.hpp"
#include "incidents/incident_json.hpp"

namespace vigil::incidents::flood {
namespace jt = formats::json_text;

namespace {

constexpr int kFinalAttempts = 3;
constexpr std::chrono::milliseconds kMaxBackoff{30000};

void field(std::string& out, std::string_view key, std::string_view value) {
  if (out.back() != '{') out += ',';
  jt::append_string(out, key);
  out += ':';
  jt::append_string(out, value);
}

bool retryable(long status) {
  return status == 408 || status == 429 || status >= 500;
}

std::chrono::milliseconds retry_after(const std::string& header) {
  int seconds = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (ec != std::errc() || seconds <= 0) return std::chrono::milliseconds(0);
  return std::min<std::chrono::milliseconds>(std::chrono::seconds(seconds), kMaxBackoff);
}

}  // namespace

std::string event_json(const Event& event) {
  std::string out = "{";
  field(out, "source", event.source);
  field(out, "rule", event.rule);
  field(out, "severity", severity_name(event.severity));
  field(out, "subject", event.subject);
  field(out, "title", event.title);
  field(out, "time", rfc3339_ms(event.time_ns));
  if (!event.fingerprint.empty()) field(out, "fingerprint", event.fingerprint);
  field(out, "state", event.resolved ? "resolved" : "firing");
  out += ",\"labels\":";
  append_labels_json(out, event.labels);
  out += '}';
  return out;
}

void EventSender::add(const Event& event) {
  if (queue_.size() >= options_.max_queued) {
    queue_.pop_front();
    ++dropped_;
  }
  queue_.push_back(event_json(event));
}

bool EventSender::post_batch() {
  const size_t n = std::min(queue_.size(), options_.batch);
  std::string body = "[";
  for (size_t i = 0; i < n; ++i) body += (i == 0 ? "" : ",") + queue_[i];
  body += ']';
  auto posted = options_.post(options_.url, options_.token, body);
  std::string problem;
  std::chrono::milliseconds wait{0};
  if (!posted) {
    problem = posted.error().message;
  } else if (posted->status >= 200 && posted->status < 300) {
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    delivered_ += n;
    backoff_ = std::chrono::milliseconds(0);
    last_problem_.clear();
    return true;
  } else if (!retryable(posted->status)) {  // 400, 401, 403...: sending again will not help
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    dropped_ += n;
    std::cerr << fmt::format("warning: incidents endpoint answered HTTP {}; {} flood events dropped\n", posted->status,
                             n);
    return true;
  } else {
    problem = fmt::format("HTTP {}", posted->status);
    wait = retry_after(posted->retry_after);
  }
  if (problem != last_problem_) {
    std::cerr << fmt::format("warning: incidents endpoint: {}; {} flood events queued, retrying\n", problem,
                             queue_.size());
    last_problem_ = problem;
  }
  backoff_ = std::min(kMaxBackoff, backoff_ == std::chrono::milliseconds(0) ? options_.interval : backoff_ * 2);
  backoff_ = std::max(backoff_, wait);
  next_attempt_ = std::chrono::steady_clock::now() + backoff_;
  return false;
}

void EventSender::pump(bool final) {
  if (!final) {
    if (queue_.empty() || std::chrono::steady_clock::now() < next_attempt_) return;
    while (!queue_.empty() && post_batch()) {
    }
    return;
  }
  for (int attempt = 0; attempt < kFinalAttempts && !queue_.empty(); ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::min(backoff_, std::chrono::milliseconds(2000)));
    while (!queue_.empty() && post_batch()) {
    }
  }
  if (!queue_.empty()) {
    std::cerr << fmt::format("warning: incidents endpoint: {} flood events could not be delivered\n", queue_.size());
    dropped_ += queue_.size();
    queue_.clear();
  }
}

}  // namespace vigil::incidents::flood
