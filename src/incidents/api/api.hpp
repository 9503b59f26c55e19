// The incidents service's HTTP API (docs/incidents.md): one route table over handlers that are plain functions of
// (ApiContext, Request), so tests call them without sockets. Dependencies come in through ApiContext; no globals.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "incidents/flood/detector.hpp"
#include "incidents/ingest.hpp"
#include "incidents/ingest_queue.hpp"
#include "incidents/model.hpp"
#include "incidents/notify/dispatcher.hpp"
#include "incidents/store.hpp"
#include "server/http_server.hpp"

namespace vigil::incidents::api {

// Process-wide counters for /metrics (the store answers the rest). Thread safe.
class ApiMetrics {
 public:
  void add_ingested(int64_t n) { ingested_.fetch_add(n); }
  void add_rejected(const std::string& reason, int64_t n);
  void add_request(const std::string& route, int code);

  [[nodiscard]] int64_t ingested() const { return ingested_.load(); }
  [[nodiscard]] std::map<std::string, int64_t> rejected() const;
  [[nodiscard]] std::map<std::pair<std::string, int>, int64_t> requests() const;

 private:
  std::atomic<int64_t> ingested_{0};
  mutable std::mutex mutex_;
  std::map<std::string, int64_t> rejected_;                  // reason -> events (or batches for auth failures)
  std::map<std::pair<std::string, int>, int64_t> requests_;  // (route pattern, status) -> requests
};

// The flood detector behind POST /api/v1/requests, shared with the ticker that notices floods ending.
class FloodFeed {
 public:
  static constexpr size_t kMaxHeldEvents = 10000;

  explicit FloodFeed(flood::FloodConfig config) : detector_(config) {}
  // Adds the records and returns the events of floods that started or ended by now_ns, after any held back.
  std::vector<Event> add(const std::vector<flood::RequestRecord>& records, int64_t now_ns);
  std::vector<Event> poll(int64_t now_ns);
  // Events the ingest queue refused (full, or the store failing): the detector will not produce them again, so
  // they are held and returned first by the next add() or poll(). Beyond kMaxHeldEvents the oldest are dropped;
  // returns how many were.
  size_t hold(std::vector<Event> events);
  [[nodiscard]] size_t held() const;

 private:
  std::vector<Event> take_held_locked(std::vector<Event> fresh);

  mutable std::mutex mutex_;
  flood::FloodDetector detector_;
  std::vector<Event> held_;
};

struct ApiContext {
  Store& store;
  IngestQueue& queue;
  IngestPolicy policy;  // for people's actions (apply_action)
  ApiMetrics& metrics;
  FloodFeed* flood = nullptr;       // unset: POST /api/v1/requests answers 503
  std::function<void()> on_change;  // an action wrote outbox rows (wakes the dispatcher)
  std::function<std::vector<notify::NotifierCounters>()> notifier_counters;  // empty: none reported
  std::function<int64_t()> now_ns;                                           // Unix ns; the system clock when empty
  int64_t retry_after_s = 1;                                                 // Retry-After on 429
};

// Every API route (including /metrics and /healthz), each counted into metrics by route pattern.
std::vector<server::Route> api_routes(ApiContext& ctx);
// Wraps routes (e.g. the dashboard's) so their requests are counted in vigil_http_requests_total too.
std::vector<server::Route> counted_routes(std::vector<server::Route> routes, ApiMetrics& metrics);

// ---- Handlers (called by the routes; public for tests). caller: the authorized token (null on open routes) ----
server::Response post_events(ApiContext& ctx, const server::Request& request, const Token* caller);
server::Response post_requests(ApiContext& ctx, const server::Request& request, const Token* caller);
server::Response list_incidents(ApiContext& ctx, const server::Request& request, const Token* caller);
server::Response get_incident(ApiContext& ctx, const server::Request& request, const Token* caller);
server::Response patch_incident(ApiContext& ctx, const server::Request& request, const Token* caller);
server::Response post_comment(ApiContext& ctx, const server::Request& request, const Token* caller);
server::Response metrics(ApiContext& ctx, const server::Request& request, const Token* caller);
server::Response healthz(ApiContext& ctx, const server::Request& request, const Token* caller);

// The caller's token when the request carries a valid one with at least `need`; otherwise the 401/403 response.
struct Authorized {
  std::optional<Token> token;
  server::Response denied;
};
Authorized authorize(ApiContext& ctx, const server::Request& request, Role need);

int64_t now_of(const ApiContext& ctx);

}  // namespace vigil::incidents::api
