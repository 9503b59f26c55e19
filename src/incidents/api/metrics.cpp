// GET /metrics (Prometheus text format 0.0.4) and GET /healthz. Both are unauthenticated: they carry counts, never
// incident titles, subjects or tokens.
#include <fmt/format.h>

#include "incidents/api/api.hpp"

namespace vigil::incidents::api {
namespace {

// Label values are route patterns, reasons and notifier names; escape them anyway.
std::string label_value(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void incident_gauges(std::string& out, const IncidentCounts& counts) {
  out += "# HELP vigil_incidents Incidents by status and severity.\n# TYPE vigil_incidents gauge\n";
  for (const Status status : {Status::Open, Status::Acknowledged, Status::Resolved}) {
    for (const Severity severity : {Severity::Low, Severity::Medium, Severity::High, Severity::Critical}) {
      out += fmt::format("vigil_incidents{{status=\"{}\",severity=\"{}\"}} {}\n", status_name(status),
                         severity_name(severity),
                         counts.by_status_severity[static_cast<int>(status)][static_cast<int>(severity)]);
    }
  }
  out += "# HELP vigil_events_stored Events stored in the database.\n# TYPE vigil_events_stored gauge\n";
  out += fmt::format("vigil_events_stored {}\n", counts.events);
  out += "# HELP vigil_outbox_pending Notifications not yet delivered.\n# TYPE vigil_outbox_pending gauge\n";
  out += fmt::format("vigil_outbox_pending {}\n", counts.outbox_pending);
  out += "# HELP vigil_outbox_failed Notifications given up after retries.\n# TYPE vigil_outbox_failed gauge\n";
  out += fmt::format("vigil_outbox_failed {}\n", counts.outbox_failed);
}

void process_counters(std::string& out, const ApiContext& ctx) {
  out += "# HELP vigil_events_ingested_total Events accepted (202) by this process.\n";
  out += "# TYPE vigil_events_ingested_total counter\n";
  out += fmt::format("vigil_events_ingested_total {}\n", ctx.metrics.ingested());
  out += "# HELP vigil_ingest_rejected_total Events (or batches, for invalid and unauthorized) refused.\n";
  out += "# TYPE vigil_ingest_rejected_total counter\n";
  auto rejected = ctx.metrics.rejected();
  for (const char* reason : {"invalid", "overloaded", "unauthorized", "unavailable"}) rejected.try_emplace(reason, 0);
  for (const auto& [reason, n] : rejected) {
    out += fmt::format("vigil_ingest_rejected_total{{reason=\"{}\"}} {}\n", label_value(reason), n);
  }
  out += "# HELP vigil_http_requests_total HTTP requests by route pattern and status code.\n";
  out += "# TYPE vigil_http_requests_total counter\n";
  for (const auto& [key, n] : ctx.metrics.requests()) {
    out += fmt::format("vigil_http_requests_total{{route=\"{}\",code=\"{}\"}} {}\n", label_value(key.first), key.second,
                       n);
  }
}

void notifier_counters(std::string& out, const ApiContext& ctx) {
  if (!ctx.notifier_counters) return;
  out += "# HELP vigil_notifications_total Notification items by notifier and result.\n";
  out += "# TYPE vigil_notifications_total counter\n";
  for (const auto& c : ctx.notifier_counters()) {
    const std::pair<const char*, int64_t> results[] = {
        {"sent", c.sent}, {"failed", c.failed}, {"retried", c.retried}, {"gave_up", c.gave_up}};
    for (const auto& [result, n] : results) {
      out += fmt::format("vigil_notifications_total{{notifier=\"{}\",result=\"{}\"}} {}\n", label_value(c.notifier),
                         result, n);
    }
  }
}

}  // namespace

server::Response metrics(ApiContext& ctx, const server::Request& /*request*/, const Token* /*caller*/) {
  auto counts = ctx.store.counts();
  if (!counts) return server::error_response(503, "store: " + counts.error().message);
  server::Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  incident_gauges(r.body, *counts);
  process_counters(r.body, ctx);
  notifier_counters(r.body, ctx);
  r.body += "# HELP vigil_ingest_queue_pending Events queued or being written.\n";
  r.body += "# TYPE vigil_ingest_queue_pending gauge\n";
  r.body += fmt::format("vigil_ingest_queue_pending {}\n", ctx.queue.pending_events());
  return r;
}

server::Response healthz(ApiContext& ctx, const server::Request& /*request*/, const Token* /*caller*/) {
  // counts() is a real query: a locked, missing or unreachable database fails it.
  auto counts = ctx.store.counts();
  if (!counts) {
    return server::error_response(503, fmt::format("{}: {}", ctx.store.backend(), counts.error().message));
  }
  server::Response r;
  r.body = fmt::format(R"({{"status":"ok","db":"{}"}})", ctx.store.backend());
  return r;
}

}  // namespace vigil::incidents::api
