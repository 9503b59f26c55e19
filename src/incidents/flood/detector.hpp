// Request-flood detection: per-source and total request rates over sliding windows, compared with capacity and
// with each source's learned (EWMA) baseline; turns the start and end of a flood into incident Events.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "incidents/model.hpp"

namespace vigil::incidents::flood {

struct RequestRecord {
  int64_t time_ns = 0;
  std::string source;  // client address
  std::string method;
  std::string path;
  int status = 0;
  int64_t bytes = 0;
};

struct FloodConfig {
  std::chrono::milliseconds window{1000};  // rate measured over sliding windows of this length
  double source_capacity_rps = 100;        // one source above this (and above baseline*factor) floods
  double total_capacity_rps = 1000;        // all sources together above this: over capacity
  double baseline_factor = 5;              // EWMA baseline multiple that counts as a flood
  double ewma_alpha = 0.1;                 // baseline learning rate per window
  std::chrono::seconds clear_after{10};    // below thresholds this long: the flood has ended (resolve)
  size_t max_sources = 100000;             // tracked sources (LRU beyond); memory stays bounded
  std::string service = "service";         // subject of "total-over-capacity" (the site or log being watched)
  // After the first request seen: baselines are learned (seeded from whole windows, not from 0) and no source
  // floods fire, so clients that were already busy when watching began are not floods. Total fires at once.
  std::chrono::seconds warmup{10};
};

// Counters for stop lines and /metrics.
struct FloodStats {
  uint64_t requests = 0;
  uint64_t late = 0;     // records older than the sliding window when they arrived: not counted in rates
  uint64_t evicted = 0;  // least recently seen sources dropped to stay within max_sources
  uint64_t floods_opened = 0;
  uint64_t floods_ended = 0;
  size_t sources = 0;   // tracked now
  size_t flooding = 0;  // open floods now (per source, plus the total)
};

class FloodDetector {
 public:
  explicit FloodDetector(FloodConfig config);
  ~FloodDetector();
  FloodDetector(FloodDetector&&) noexcept;
  FloodDetector& operator=(FloodDetector&&) noexcept;

  void add(const RequestRecord& record);
  // The same without building a record (the log follower's fast path): only time and client address count.
  void add(int64_t time_ns, std::string_view source);
  // Events for floods that started or ended up to now_ns (Event from incidents/model.hpp: source "vigil-flood",
  // rule "flood-from-source" or "total-over-capacity", subject = the client address or the service name, severity
  // high/critical, resolved=true when it ended; labels with rate, baseline, capacity).
  std::vector<Event> poll(int64_t now_ns);
  [[nodiscard]] FloodStats stats() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// POST /api/v1/requests bodies: a JSON array of {time, source, method, path, status, bytes}. Untrusted: bounded.
Result<std::vector<RequestRecord>> parse_request_records_json(std::string_view body, int64_t now_ns);
constexpr size_t kMaxRequestRecords = 100000;  // per body
constexpr size_t kMaxRequestField = 4096;      // source, method, path

// libFuzzer entry point (fuzz/fuzz_parser.cpp style): parses bytes as a body and feeds the records to a detector.
Result<std::vector<RequestRecord>> parse_request_records_fuzz(std::string_view name, std::string_view bytes);

}  // namespace vigil::incidents::flood
