// Sends detections to the incidents service (`POST /api/v1/events`, docs/incidents.md's event shape: source, rule,
// severity, subject, title, time, labels, details) through core/batch_poster.hpp: batches, a bounded queue and
// retries, so the sensor never blocks on a slow or absent endpoint.
#pragma once

#include <cstdint>
#include <string>

#include "core/batch_poster.hpp"
#include "watch/engine.hpp"

namespace vigil::watch {

// One detection as an incidents event (a JSON object). The fingerprint the service derives (source + rule +
// subject) groups a rule firing again and again for the same program on the same host into one incident.
std::string incident_event_json(const Detection& detection, const std::string& host);
// Falco priorities -> the service's severities: EMERGENCY/ALERT/CRITICAL critical, ERROR/WARNING high,
// NOTICE medium, INFORMATIONAL/DEBUG low.
std::string_view severity_of(Priority priority);

struct IncidentsOptions : http::BatchPosterOptions {
  std::string host;  // this machine's name, part of every subject
  IncidentsOptions() { noun = "detections"; }
};

// Queues detections as incidents events and posts them in batches (core/batch_poster.hpp).
class IncidentsSink {
 public:
  explicit IncidentsSink(IncidentsOptions options) : host_(options.host), poster_(std::move(options)) {}
  void add(const Detection& detection) { poster_.add(incident_event_json(detection, host_)); }
  void pump(bool final = false) { poster_.pump(final); }
  [[nodiscard]] uint64_t delivered() const { return poster_.delivered(); }
  [[nodiscard]] uint64_t dropped() const { return poster_.dropped(); }

 private:
  std::string host_;
  http::BatchPoster poster_;
};

}  // namespace vigil::watch
