#include "watch/incidents_sink.hpp"

#include <fmt/format.h>

#include <iostream>
#include <thread>

#include "formats/events/json_text.hpp"
#include "watch/detection_json.hpp"

namespace vigil::watch {
namespace jt = formats::json_text;

namespace {

constexpr int kFinalAttempts = 3;
constexpr std::chrono::milliseconds kMaxBackoff{30000};

void append_field(std::string& out, std::string_view key, std::string_view value) {
  if (out.back() != '{') out += ',';
  jt::append_string(out, key);
  out += ':';
  jt::append_string(out, value);
}

bool retryable(long status) {
  return status == 408 || status == 429 || status >= 500;
}

}  // namespace

std::string_view severity_of(Priority priority) {
  switch (priority) {
    case Priority::Emergency:
    case Priority::Alert:
    case Priority::Critical: return "critical";
    case Priority::Error:
    case Priority::Warning: return "high";
    case Priority::Notice: return "medium";
    case Priority::Informational:
    case Priority::Debug: break;
  }
  return "low";
}

std::string incident_event_json(const Detection& detection, const std::string& host) {
  const Rule* rule = detection.rule;
  const std::string exe = detection.process.exe.empty() ? detection.event.comm : detection.process.exe;
  std::string out = "{";
  append_field(out, "source", "vigil-watch");
  append_field(out, "rule", rule != nullptr ? std::string_view(rule->name) : "");
  append_field(out, "severity", rule != nullptr ? severity_of(rule->priority) : "low");
  append_field(out, "subject", host + ":" + exe);
  append_field(out, "title", detection.output);
  append_field(out, "time", rfc3339_ns(detection.time_ns));
  out += ",\"labels\":{";
  append_field(out, "host", host);
  append_field(out, "priority", rule != nullptr ? priority_name(rule->priority) : "");
  append_field(out, "tags", rule != nullptr ? fmt::format("{}", fmt::join(rule->tags, ",")) : "");
  out += "},\"details\":";
  out += detection_json(detection);
  out += '}';
  return out;
}

void IncidentsSink::add(const Detection& detection) {
  if (queue_.size() >= options_.max_queued) {
    queue_.pop_front();
    ++dropped_;
  }
  queue_.push_back(incident_event_json(detection, options_.host));
}

bool IncidentsSink::post_batch() {
  const size_t n = std::min(queue_.size(), options_.batch);
  std::string body = "[";
  for (size_t i = 0; i < n; ++i) body += (i == 0 ? "" : ",") + queue_[i];
  body += ']';
  auto posted = options_.post(options_.url, options_.token, body);
  std::string problem;
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
    std::cerr << fmt::format("warning: incidents endpoint answered HTTP {}; {} detections dropped\n", posted->status,
                             n);
    return true;
  } else {
    problem = fmt::format("HTTP {}", posted->status);
  }
  if (problem != last_problem_) {
    std::cerr << fmt::format("warning: incidents endpoint: {}; {} detections queued, retrying\n", problem,
                             queue_.size());
    last_problem_ = problem;
  }
  backoff_ = std::min(kMaxBackoff, backoff_ == std::chrono::milliseconds(0) ? options_.interval : backoff_ * 2);
  next_attempt_ = std::chrono::steady_clock::now() + backoff_;
  return false;
}

void IncidentsSink::pump(bool final) {
  const auto now = std::chrono::steady_clock::now();
  if (!final) {
    const bool due = queue_.size() >= options_.batch || now - last_post_ >= options_.interval;
    if (queue_.empty() || now < next_attempt_ || !due) return;
    last_post_ = now;
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
    std::cerr << fmt::format("warning: incidents endpoint: {} detections could not be delivered\n", queue_.size());
    dropped_ += queue_.size();
    queue_.clear();
  }
}

}  // namespace vigil::watch
