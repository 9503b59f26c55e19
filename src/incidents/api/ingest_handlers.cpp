// POST /api/v1/events and POST /api/v1/requests: parse, hand to the group-commit queue, answer 202 only once the
// batch is durable (an acknowledged event is never lost), 429 + Retry-After when the queue is full.
#include <fmt/format.h>

#include "incidents/api/api.hpp"
#include "incidents/event_json.hpp"

namespace vigil::incidents::api {
namespace {

server::Response overloaded(const ApiContext& ctx, std::string_view message) {
  server::Response r = server::error_response(429, message);
  r.headers.emplace_back("Retry-After", std::to_string(ctx.retry_after_s));
  return r;
}

// 202 with the summary of the group commit the batch was written in: n events, from `records` request records
// when > 0 (POST /api/v1/requests, whose events are the floods they started or ended).
server::Response accepted(ApiContext& ctx, const IngestSummary& summary, size_t n, size_t records) {
  ctx.metrics.add_ingested(static_cast<int64_t>(n));
  server::Response r;
  r.status = 202;
  r.body = fmt::format(R"({{"accepted":{},"incidents_created":{},"incidents_updated":{},"reopened":{},"escalated":{},)"
                       R"("notifications":{}{}}})",
                       records > 0 ? records : n, summary.created, summary.updated, summary.reopened, summary.escalated,
                       summary.outbox, records > 0 ? fmt::format(R"(,"flood_events":{})", n) : "");
  if (summary.outbox > 0 && ctx.on_change) ctx.on_change();
  return r;
}

// 429 when the queue is full, 503 when stopping or the store failed: the n events are counted as rejected.
server::Response refused(ApiContext& ctx, const std::string& message, size_t n) {
  if (message.starts_with("overloaded")) {
    ctx.metrics.add_rejected("overloaded", static_cast<int64_t>(n));
    return overloaded(ctx, message);
  }
  ctx.metrics.add_rejected("unavailable", static_cast<int64_t>(n));
  server::Response r = server::error_response(503, "events not stored: " + message);
  r.headers.emplace_back("Retry-After", std::to_string(ctx.retry_after_s));
  return r;
}

}  // namespace

server::Response post_events(ApiContext& ctx, const server::Request& request, const Token* /*caller*/) {
  auto events = parse_events_json(request.body, now_of(ctx));
  if (!events) {
    ctx.metrics.add_rejected("invalid", 1);
    return server::error_response(400, events.error().message);
  }
  if (events->empty()) {
    ctx.metrics.add_rejected("invalid", 1);
    return server::error_response(400, "no events: the batch is an empty array");
  }
  const size_t n = events->size();
  auto summary = ctx.queue.submit(std::move(*events));
  return summary ? accepted(ctx, *summary, n, 0) : refused(ctx, summary.error().message, n);
}

server::Response post_requests(ApiContext& ctx, const server::Request& request, const Token* /*caller*/) {
  if (ctx.flood == nullptr) return server::error_response(503, "flood detection is not running");
  const int64_t now = now_of(ctx);
  auto records = flood::parse_request_records_json(request.body, now);
  if (!records) {
    ctx.metrics.add_rejected("invalid", 1);
    return server::error_response(400, records.error().message);
  }
  if (records->empty()) {
    ctx.metrics.add_rejected("invalid", 1);
    return server::error_response(400, "no request records: the batch is an empty array");
  }
  std::vector<Event> events = ctx.flood->add(*records, now);
  if (events.empty()) return accepted(ctx, IngestSummary{}, 0, records->size());
  // The records are counted in the detector now: a 429 would have the client send them again and count them
  // twice. So the records are accepted, and flood events the queue refuses are held (not rejected) for the next
  // request or tick.
  const size_t n = events.size();
  std::vector<Event> copy = events;
  auto summary = ctx.queue.submit(std::move(events));
  if (summary) return accepted(ctx, *summary, n, records->size());
  if (const size_t dropped = ctx.flood->hold(std::move(copy)); dropped > 0) {
    fmt::print(stderr, "vigil incidents: {} held flood events dropped (over {})\n", dropped, FloodFeed::kMaxHeldEvents);
  }
  server::Response r;
  r.status = 202;
  r.body = fmt::format(R"({{"accepted":{},"flood_events":0,"flood_events_held":{}}})", records->size(), n);
  return r;
}

}  // namespace vigil::incidents::api
