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

// Submits and answers: 202 with the summary, 429 when full, 503 when stopping or the store failed.
server::Response submit(ApiContext& ctx, std::vector<Event> events, size_t records) {
  const size_t n = events.size();
  auto summary = events.empty() ? Result<IngestSummary>(IngestSummary{}) : ctx.queue.submit(std::move(events));
  if (!summary) {
    const std::string& message = summary.error().message;
    if (message.starts_with("overloaded")) {
      ctx.metrics.add_rejected("overloaded", static_cast<int64_t>(n));
      return overloaded(ctx, message);
    }
    ctx.metrics.add_rejected("unavailable", static_cast<int64_t>(n));
    server::Response r = server::error_response(503, "events not stored: " + message);
    r.headers.emplace_back("Retry-After", std::to_string(ctx.retry_after_s));
    return r;
  }
  ctx.metrics.add_ingested(static_cast<int64_t>(n));
  server::Response r;
  r.status = 202;
  // Counts other than "accepted" are those of the whole group commit this batch was written in.
  r.body = fmt::format(R"({{"accepted":{},"incidents_created":{},"incidents_updated":{},"reopened":{},"escalated":{},)"
                       R"("notifications":{}{}}})",
                       records > 0 ? records : n, summary->created, summary->updated, summary->reopened,
                       summary->escalated, summary->outbox, records > 0 ? fmt::format(R"(,"flood_events":{})", n) : "");
  if (summary->outbox > 0 && ctx.on_change) ctx.on_change();
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
  return submit(ctx, std::move(*events), 0);
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
  if (events.empty()) return submit(ctx, {}, records->size());
  // The records are counted in the detector now: a 429 would have the client send them again and count them
  // twice. So the records are accepted, and flood events the queue refuses are held for the next request or tick.
  std::vector<Event> copy = events;
  server::Response r = submit(ctx, std::move(events), records->size());
  if (r.status != 202) {
    const size_t held = copy.size();
    if (const size_t dropped = ctx.flood->hold(std::move(copy)); dropped > 0) {
      fmt::print(stderr, "vigil incidents: {} held flood events dropped (over {})\n", dropped,
                 FloodFeed::kMaxHeldEvents);
    }
    r.status = 202;
    r.headers.clear();
    r.body = fmt::format(R"({{"accepted":{},"flood_events":0,"flood_events_held":{}}})", records->size(), held);
  }
  return r;
}

}  // namespace vigil::incidents::api
