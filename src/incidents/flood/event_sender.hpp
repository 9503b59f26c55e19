// Flood events out of `vigil incidents tail`: as JSON (the POST /api/v1/events shape) and to an incidents
// endpoint through the shared batch poster; the follower never blocks on the endpoint.
#pragma once

#include <cstdint>
#include <string>

#include "core/batch_poster.hpp"
#include "incidents/model.hpp"

namespace vigil::incidents::flood {

// One event as the events endpoint takes it: source, rule, severity, subject, title, time, labels, fingerprint,
// state ("firing" | "resolved").
std::string event_json(const Event& event);

// Delivery is core/batch_poster.hpp's: batches, a bounded queue, backoff honouring Retry-After.
using SenderOptions = http::BatchPosterOptions;

class EventSender {
 public:
  explicit EventSender(SenderOptions options) : poster_(std::move(options)) {}
  void add(const Event& event) { poster_.add(event_json(event)); }
  // Posts what is queued unless a backoff is pending. With `final`, tries the rest a few times and reports
  // anything undelivered on stderr.
  void pump(bool final = false) { poster_.pump(final); }
  [[nodiscard]] uint64_t delivered() const { return poster_.delivered(); }
  [[nodiscard]] uint64_t dropped() const { return poster_.dropped(); }
  [[nodiscard]] size_t queued() const { return poster_.queued(); }

 private:
  http::BatchPoster poster_;
};

}  // namespace vigil::incidents::flood
