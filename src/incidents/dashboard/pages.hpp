// The incidents dashboard: server-rendered HTML pages (list with filters, detail with timeline and deliveries) and
// the cookie login that lets a browser carry a read token. No JavaScript, no external resources; every dynamic
// string is HTML-escaped because titles and subjects come from untrusted senders.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "incidents/ingest.hpp"
#include "incidents/model.hpp"
#include "incidents/store.hpp"
#include "server/http_server.hpp"

namespace vigil::incidents {

struct DashboardContext {
  Store& store;
  // Sets the Secure flag on the session cookie (the server runs with TLS).
  bool tls = false;
  // Optional: admin-only POST forms (acknowledge, resolve, comment) go through apply_action with this policy.
  // Unset: the pages are read-only and the POST action routes are not served.
  std::optional<IngestPolicy> action_policy;
  // Called after an admin action wrote outbox rows (e.g. to wake the notification dispatcher). May be empty.
  std::function<void()> on_change;
  // Clock (Unix ns) for actions; empty: the system clock.
  std::function<int64_t()> now_ns;
};

// GET /, GET /incidents/{id}, GET+POST /login, POST /logout (and POST /incidents/{id}/actions when
// ctx.action_policy is set). Add them to the served route table beside the API routes.
std::vector<server::Route> dashboard_routes(DashboardContext ctx);

// ---- Pure rendering (unit-tested without a server) ----

// The list page's filter state as parsed from the query string (invalid values are ignored, not errors).
struct ListQuery {
  std::optional<Status> status;
  std::optional<Severity> severity;  // minimum severity
  std::string source;                // "" = any
  int64_t before_id = 0;             // paging: only ids below this
  size_t limit = 50;                 // rows per page (1..200)
};
ListQuery parse_list_query(const server::Request& request);
// The store filter for one page; asks for one row more than shown so the page knows whether older rows exist.
IncidentFilter to_filter(const ListQuery& query);

std::string html_escape(std::string_view text);
std::string rfc3339_utc(int64_t unix_ns);  // "2026-11-27T15:04:05.123Z"; "" for 0

struct ListPage {
  ListQuery query;
  std::vector<Incident> incidents;       // newest first, at most page_size
  bool has_more = false;                 // show the "older" link (before = last shown id)
  std::vector<std::string> sources;      // choices for the source select (the current filter is always offered)
  std::optional<IncidentCounts> counts;  // the summary line above the table, when known
};
std::string render_incident_list(const ListPage& page);

struct DetailPage {
  Incident incident;
  std::vector<TimelineEntry> timeline;  // oldest first
  std::vector<StoredEvent> events;      // latest (any order; merged by time)
  std::vector<OutboxItem> deliveries;   // oldest first
  std::string csrf_token;               // non-empty: render the admin action forms
};
std::string render_incident_detail(const DetailPage& page);

std::string render_login(std::string_view error_message);

}  // namespace vigil::incidents
