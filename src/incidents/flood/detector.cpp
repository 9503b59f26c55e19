// Request-flood detection (detector.hpp): per-source sliding windows of 100 ms buckets in an LRU table, an EWMA
// baseline per source over tumbling windows, and the total rate. Floods open on an add() that crosses the
// thresholds (so detection lags onset by at most one window) and end in poll() after clear_after without one.
#include "incidents/flood/detector.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "incidents/event_json.hpp"

namespace vigil::incidents::flood {
namespace {

constexpr int64_t kBuckets = 10;  // per window
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr std::string_view kSource = "vigil-flood";
constexpr std::string_view kRuleSource = "flood-from-source";
constexpr std::string_view kRuleTotal = "total-over-capacity";

// A sliding window of kBuckets buckets; `last` is the newest bucket's number (-1: empty). Times are >= 0.
struct Window {
  std::array<uint32_t, kBuckets> counts{};
  int64_t last = -1;
  uint64_t sum = 0;

  void advance(int64_t bucket) {
    if (bucket <= last) return;
    if (last < 0 || bucket - last >= kBuckets) {
      counts.fill(0);
      sum = 0;
    } else {
      for (int64_t k = last + 1; k <= bucket; ++k) {
        sum -= counts[static_cast<size_t>(k % kBuckets)];
        counts[static_cast<size_t>(k % kBuckets)] = 0;
      }
    }
    last = bucket;
  }
  // False when the bucket is older than the window (a late record: not counted).
  bool add(int64_t bucket) {
    advance(bucket);
    if (bucket <= last - kBuckets) return false;
    ++counts[static_cast<size_t>(bucket % kBuckets)];
    ++sum;
    return true;
  }
};

struct Flood {
  bool open = false;
  int64_t started_ns = 0;
  int64_t last_over_ns = 0;  // the last add() that found the rate over the thresholds
  double peak = 0;
  double baseline = 0;  // at onset (the baseline is not learned during a flood)
  Severity severity = Severity::High;
  uint64_t requests = 0;
};

struct Source {
  std::string address;
  Window window;
  int64_t base_window = -1;  // the tumbling window whose requests base_count counts
  uint64_t base_count = 0;
  double baseline = 0;  // EWMA of per-window rates, requests/s
  bool seeded = false;  // a whole window during the warm-up set the baseline
  Flood flood;
  uint32_t prev = kNone;  // LRU list, most recent first
  uint32_t next = kNone;
};

struct Hash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

std::string number(double v) {
  return fmt::format("{:.1f}", v);
}

}  // namespace

struct FloodDetector::State {
  FloodConfig config;
  int64_t window_ns = 1'000'000'000;
  int64_t bucket_ns = 100'000'000;
  double window_s = 1;
  int64_t clock_ns = 0;        // the newest time seen (records or polls)
  int64_t warm_until_ns = -1;  // source floods fire from here on (-1: no request seen yet)
  std::vector<Source> slots;
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> index;
  uint32_t head = kNone;
  uint32_t tail = kNone;
  std::vector<uint32_t> flooding;  // slots with an open flood
  Window total;
  Flood total_flood;
  std::vector<Event> pending;
  FloodStats stats;

  [[nodiscard]] bool source_over(double rate, double baseline) const {
    return rate > config.source_capacity_rps && rate > baseline * config.baseline_factor;
  }
  [[nodiscard]] Severity source_severity(double rate) const {
    return rate >= 10 * config.source_capacity_rps ? Severity::Critical : Severity::High;
  }
  [[nodiscard]] Severity total_severity(double rate) const {
    return rate >= 2 * config.total_capacity_rps ? Severity::Critical : Severity::High;
  }

  void unlink(uint32_t i) {
    Source& s = slots[i];
    (s.prev == kNone ? head : slots[s.prev].next) = s.next;
    (s.next == kNone ? tail : slots[s.next].prev) = s.prev;
    s.prev = s.next = kNone;
  }
  void push_front(uint32_t i) {
    slots[i].next = head;
    slots[i].prev = kNone;
    if (head != kNone) slots[head].prev = i;
    head = i;
    if (tail == kNone) tail = i;
  }

  uint32_t find_or_insert(std::string_view address);
  void evict(uint32_t i);
  void roll_baseline(Source& s, int64_t window) const;
  void add(int64_t time_ns, std::string_view address);
  void on_source_over(Source& s, int64_t time_ns, double rate);
  void on_total_over(int64_t time_ns, double rate);
  void clear_quiet(int64_t now_ns);
  Event event(std::string_view rule, std::string_view subject, const Flood& f, int64_t time_ns, double rate,
              double capacity, bool resolved) const;
};

uint32_t FloodDetector::State::find_or_insert(std::string_view address) {
  if (auto it = index.find(address); it != index.end()) {
    if (head != it->second) {
      unlink(it->second);
      push_front(it->second);
    }
    return it->second;
  }
  uint32_t i = 0;
  if (slots.size() >= std::max<size_t>(config.max_sources, 1)) {
    i = tail;
    evict(i);
    slots[i] = Source{};
  } else {
    i = static_cast<uint32_t>(slots.size());
    slots.emplace_back();
  }
  slots[i].address.assign(address);
  index.emplace(slots[i].address, i);
  push_front(i);
  return i;
}

// The least recently seen source leaves the table; an open flood of it ends now (it has been quiet longest).
void FloodDetector::State::evict(uint32_t i) {
  Source& s = slots[i];
  if (s.flood.open) {
    Event e = event(kRuleSource, s.address, s.flood, clock_ns, 0, config.source_capacity_rps, true);
    e.labels.emplace_back("reason", "evicted");
    std::sort(e.labels.begin(), e.labels.end());
    pending.push_back(std::move(e));
    ++stats.floods_ended;
    std::erase(flooding, i);
  }
  index.erase(s.address);
  unlink(i);
  ++stats.evicted;
}

// Closes the tumbling windows before `window` into the EWMA (skipped during a flood: a flood is not normal).
void FloodDetector::State::roll_baseline(Source& s, int64_t window) const {
  if (window <= s.base_window) return;
  const double rate = static_cast<double>(s.base_count) / window_s;
  if (s.base_window >= 0 && (s.base_window + 1) * window_ns <= warm_until_ns) {
    // Warm-up: a client already busy when watching began gets its rate as baseline quickly (not from 0 in
    // ~20 windows), while it cannot fire. Its first window may be partial, so later ones weigh as much.
    s.baseline = s.seeded ? (s.baseline + rate) / 2 : rate;
    s.seeded = true;
  } else if (s.base_window >= 0 && !s.flood.open) {
    const double alpha = config.ewma_alpha;
    s.baseline = alpha * rate + (1 - alpha) * s.baseline;
    const int64_t empty = std::min<int64_t>(window - s.base_window - 1, 10000);  // quiet windows count as 0
    if (empty > 0) s.baseline *= std::pow(1 - alpha, static_cast<double>(empty));
  }
  s.base_window = window;
  s.base_count = 0;
}

void FloodDetector::State::add(int64_t time_ns, std::string_view address) {
  ++stats.requests;
  if (time_ns < 0) time_ns = 0;
  clock_ns = std::max(clock_ns, time_ns);
  if (warm_until_ns < 0) {
    warm_until_ns = time_ns + std::chrono::duration_cast<std::chrono::nanoseconds>(config.warmup).count();
  }
  const int64_t bucket = time_ns / bucket_ns;
  if (!total.add(bucket)) {
    ++stats.late;
    return;
  }
  Source& s = slots[find_or_insert(address)];
  s.window.advance(total.last);
  s.window.add(bucket);
  roll_baseline(s, clock_ns / window_ns);
  ++s.base_count;
  if (s.flood.open) ++s.flood.requests;
  const double rate = static_cast<double>(s.window.sum) / window_s;
  if (source_over(rate, s.baseline) && time_ns >= warm_until_ns) on_source_over(s, time_ns, rate);
  const double total_rate = static_cast<double>(total.sum) / window_s;
  if (total_flood.open) ++total_flood.requests;
  if (total_rate > config.total_capacity_rps) on_total_over(time_ns, total_rate);
}

void FloodDetector::State::on_source_over(Source& s, int64_t time_ns, double rate) {
  Flood& f = s.flood;
  if (!f.open) {
    f = Flood{true, time_ns, time_ns, rate, s.baseline, source_severity(rate), 1};
    flooding.push_back(static_cast<uint32_t>(&s - slots.data()));
    ++stats.floods_opened;
    pending.push_back(event(kRuleSource, s.address, f, time_ns, rate, config.source_capacity_rps, false));
    return;
  }
  f.last_over_ns = std::max(f.last_over_ns, time_ns);
  f.peak = std::max(f.peak, rate);
  if (source_severity(rate) > f.severity) {  // worse than when it opened: say so (the incident escalates)
    f.severity = source_severity(rate);
    pending.push_back(event(kRuleSource, s.address, f, time_ns, rate, config.source_capacity_rps, false));
  }
}

void FloodDetector::State::on_total_over(int64_t time_ns, double rate) {
  Flood& f = total_flood;
  if (!f.open) {
    f = Flood{true, time_ns, time_ns, rate, 0, total_severity(rate), 1};
    ++stats.floods_opened;
    pending.push_back(event(kRuleTotal, config.service, f, time_ns, rate, config.total_capacity_rps, false));
    return;
  }
  f.last_over_ns = std::max(f.last_over_ns, time_ns);
  f.peak = std::max(f.peak, rate);
  if (total_severity(rate) > f.severity) {
    f.severity = total_severity(rate);
    pending.push_back(event(kRuleTotal, config.service, f, time_ns, rate, config.total_capacity_rps, false));
  }
}

// Rates only rise in add(), so a flood whose last over-threshold request is clear_after old has been below the
// thresholds for that long: it has ended.
void FloodDetector::State::clear_quiet(int64_t now_ns) {
  const int64_t clear_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(config.clear_after).count();
  for (size_t k = 0; k < flooding.size();) {
    Source& s = slots[flooding[k]];
    if (now_ns - s.flood.last_over_ns < clear_ns) {
      ++k;
      continue;
    }
    const int64_t end = s.flood.last_over_ns + clear_ns;
    s.window.advance(now_ns / bucket_ns);
    pending.push_back(event(kRuleSource, s.address, s.flood, end, static_cast<double>(s.window.sum) / window_s,
                            config.source_capacity_rps, true));
    s.flood.open = false;
    ++stats.floods_ended;
    flooding[k] = flooding.back();
    flooding.pop_back();
  }
  if (total_flood.open && now_ns - total_flood.last_over_ns >= clear_ns) {
    total.advance(now_ns / bucket_ns);
    pending.push_back(event(kRuleTotal, config.service, total_flood, total_flood.last_over_ns + clear_ns,
                            static_cast<double>(total.sum) / window_s, config.total_capacity_rps, true));
    total_flood.open = false;
    ++stats.floods_ended;
  }
}

Event FloodDetector::State::event(std::string_view rule, std::string_view subject, const Flood& f, int64_t time_ns,
                                  double rate, double capacity, bool resolved) const {
  Event e;
  e.source = kSource;
  e.rule = rule;
  e.subject = subject;
  e.severity = f.severity;
  e.time_ns = time_ns;
  e.resolved = resolved;
  const bool total_rule = rule == kRuleTotal;
  if (resolved) {
    e.title =
        fmt::format("{} ended: {} ({} requests, peak {:.0f} requests/s)",
                    total_rule ? "Total request rate over capacity" : "Request flood", subject, f.requests, f.peak);
  } else if (total_rule) {
    e.title = fmt::format("Total request rate over capacity on {}: {:.0f} requests/s (capacity {:.0f}/s)", subject,
                          rate, capacity);
  } else {
    e.title = fmt::format("Request flood from {}: {:.0f} requests/s (baseline {:.1f}/s, capacity {:.0f}/s)", subject,
                          rate, f.baseline, capacity);
  }
  e.labels = {{"capacity", number(capacity)},
              {"peak", number(f.peak)},
              {"rate", number(rate)},
              {"service", config.service},
              {"window", fmt::format("{}ms", config.window.count())}};
  if (!total_rule) e.labels.emplace_back("baseline", number(f.baseline));
  if (resolved) {
    e.labels.emplace_back("requests", std::to_string(f.requests));
    e.labels.emplace_back("duration_s", number(static_cast<double>(time_ns - f.started_ns) / 1e9));
  }
  std::sort(e.labels.begin(), e.labels.end());
  e.fingerprint = default_fingerprint(e.source, e.rule, e.subject);
  return e;
}

FloodDetector::FloodDetector(FloodConfig config) : state_(std::make_unique<State>()) {
  State& st = *state_;
  st.config = std::move(config);
  st.config.window = std::clamp(st.config.window, std::chrono::milliseconds(1), std::chrono::milliseconds(3'600'000));
  st.window_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(st.config.window).count();
  st.bucket_ns = st.window_ns / kBuckets;
  st.window_ns = st.bucket_ns * kBuckets;
  st.window_s = static_cast<double>(st.window_ns) / 1e9;
  st.config.ewma_alpha = std::clamp(st.config.ewma_alpha, 0.0, 1.0);
  constexpr std::chrono::seconds kYear{int64_t{365} * 86400};  // keeps time arithmetic far from int64 overflow
  st.config.clear_after = std::clamp(st.config.clear_after, std::chrono::seconds(0), kYear);
  st.config.warmup = std::clamp(st.config.warmup, std::chrono::seconds(0), kYear);
  st.slots.reserve(std::min<size_t>(st.config.max_sources, 4096));
}

FloodDetector::~FloodDetector() = default;
FloodDetector::FloodDetector(FloodDetector&&) noexcept = default;
FloodDetector& FloodDetector::operator=(FloodDetector&&) noexcept = default;

void FloodDetector::add(const RequestRecord& record) {
  state_->add(record.time_ns, record.source);
}

void FloodDetector::add(int64_t time_ns, std::string_view source) {
  state_->add(time_ns, source);
}

std::vector<Event> FloodDetector::poll(int64_t now_ns) {
  State& st = *state_;
  st.clock_ns = std::max(st.clock_ns, now_ns);
  st.clear_quiet(st.clock_ns);
  std::vector<Event> out;
  out.swap(st.pending);
  std::stable_sort(out.begin(), out.end(), [](const Event& a, const Event& b) { return a.time_ns < b.time_ns; });
  return out;
}

FloodStats FloodDetector::stats() const {
  FloodStats s = state_->stats;
  s.sources = state_->index.size();
  s.flooding = state_->flooding.size() + (state_->total_flood.open ? 1 : 0);
  return s;
}

}  // namespace vigil::incidents::flood
