#include "core/batch_poster.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <thread>

namespace vigil::http {
namespace {

constexpr int kFinalAttempts = 3;
constexpr std::chrono::milliseconds kMaxBackoff{30000};

bool retryable(long status) {
  return status == 408 || status == 429 || status >= 500;
}

// A server that is shedding load says when to come back (in seconds); honoured up to the backoff cap.
std::chrono::milliseconds retry_after(const std::string& header) {
  int seconds = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (ec != std::errc() || seconds <= 0) return std::chrono::milliseconds(0);
  return std::min<std::chrono::milliseconds>(std::chrono::seconds(seconds), kMaxBackoff);
}

}  // namespace

void BatchPoster::add(std::string json_object) {
  if (queue_.size() >= options_.max_queued) {
    queue_.pop_front();
    ++dropped_;
  }
  queue_.push_back(std::move(json_object));
}

bool BatchPoster::post_batch() {
  const size_t n = std::min(queue_.size(), options_.batch);
  std::string body = "[";
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) body += ',';
    body += queue_[i];
  }
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
    std::cerr << fmt::format("warning: incidents endpoint answered HTTP {}; {} {} dropped\n", posted->status, n,
                             options_.noun);
    return true;
  } else {
    problem = fmt::format("HTTP {}", posted->status);
    wait = retry_after(posted->retry_after);
  }
  if (problem != last_problem_) {
    std::cerr << fmt::format("warning: incidents endpoint: {}; {} {} queued, retrying\n", problem, queue_.size(),
                             options_.noun);
    last_problem_ = problem;
  }
  backoff_ = std::min(kMaxBackoff, backoff_ == std::chrono::milliseconds(0) ? options_.interval : backoff_ * 2);
  backoff_ = std::max(backoff_, wait);
  next_attempt_ = std::chrono::steady_clock::now() + backoff_;
  return false;
}

void BatchPoster::pump(bool final) {
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
    std::cerr << fmt::format("warning: incidents endpoint: {} {} could not be delivered\n", queue_.size(),
                             options_.noun);
    dropped_ += queue_.size();
    queue_.clear();
  }
}

}  // namespace vigil::http
