// The API's one route table, with the role each route needs, and what every route shares: bearer-token
// authorization (401/403) and request counting for /metrics.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>

#include "incidents/api/api.hpp"
#include "incidents/tokens.hpp"

namespace vigil::incidents::api {
namespace {

// nullopt: no authentication (/metrics and /healthz are for scrapers and load balancers).
struct ApiRoute {
  const char* method;
  const char* pattern;
  std::optional<Role> role;
  server::Response (*handler)(ApiContext&, const server::Request&, const Token*);
};

// The table: docs/incidents.md documents each row.
const ApiRoute kRoutes[] = {
    {"POST", "/api/v1/events", Role::Ingest, post_events},
    {"POST", "/api/v1/requests", Role::Ingest, post_requests},
    {"GET", "/api/v1/incidents", Role::Read, list_incidents},
    {"GET", "/api/v1/incidents/{id}", Role::Read, get_incident},
    {"PATCH", "/api/v1/incidents/{id}", Role::Admin, patch_incident},
    {"POST", "/api/v1/incidents/{id}/comments", Role::Admin, post_comment},
    {"GET", "/metrics", std::nullopt, metrics},
    {"GET", "/healthz", std::nullopt, healthz},
};

std::optional<std::string_view> bearer_of(const server::Request& request) {
  const auto header = request.header("authorization");
  if (!header) return std::nullopt;
  constexpr std::string_view kScheme = "bearer ";
  if (header->size() <= kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>((*header)[i])) != kScheme[i]) return std::nullopt;
  }
  std::string_view token = header->substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\r')) token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

server::Response unauthorized(std::string_view message) {
  server::Response r = server::error_response(401, message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"vigil-incidents\"");
  return r;
}

}  // namespace

int64_t now_of(const ApiContext& ctx) {
  if (ctx.now_ns) return ctx.now_ns();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Authorized authorize(ApiContext& ctx, const server::Request& request, Role need) {
  Authorized out;
  const auto bearer = bearer_of(request);
  if (!bearer) {
    out.denied = unauthorized("missing bearer token (Authorization: Bearer TOKEN)");
    return out;
  }
  auto token = authenticate(ctx.store, *bearer);
  if (!token) {
    out.denied = server::error_response(503, "token check failed: " + token.error().message);
    return out;
  }
  if (!*token) {
    out.denied = unauthorized("invalid token");
    return out;
  }
  if (!role_allows((*token)->role, need)) {
    out.denied = server::error_response(403, fmt::format("token \"{}\" has role {}; this needs {}", (*token)->name,
                                                         role_name((*token)->role), role_name(need)));
    return out;
  }
  out.token = std::move(**token);
  return out;
}

std::vector<server::Route> api_routes(ApiContext& ctx) {
  std::vector<server::Route> routes;
  for (const auto& row : kRoutes) {
    routes.push_back(server::Route{row.method, row.pattern, [&ctx, row](const server::Request& request) {
                                     if (row.role) {
                                       Authorized auth = authorize(ctx, request, *row.role);
                                       if (!auth.token) {
                                         if (row.role == Role::Ingest && auth.denied.status != 503)
                                           ctx.metrics.add_rejected("unauthorized", 1);
                                         return auth.denied;
                                       }
                                       return row.handler(ctx, request, &*auth.token);
                                     }
                                     return row.handler(ctx, request, nullptr);
                                   }});
  }
  return counted_routes(std::move(routes), ctx.metrics);
}

std::vector<server::Route> counted_routes(std::vector<server::Route> routes, ApiMetrics& metrics) {
  for (auto& route : routes) {
    route.handler = [&metrics, pattern = route.pattern, inner = std::move(route.handler)](const server::Request& r) {
      server::Response response = inner(r);
      metrics.add_request(pattern, response.status);
      return response;
    };
  }
  return routes;
}

void ApiMetrics::add_rejected(const std::string& reason, int64_t n) {
  const std::lock_guard lock(mutex_);
  rejected_[reason] += n;
}

void ApiMetrics::add_request(const std::string& route, int code) {
  const std::lock_guard lock(mutex_);
  ++requests_[{route, code}];
}

std::map<std::string, int64_t> ApiMetrics::rejected() const {
  const std::lock_guard lock(mutex_);
  return rejected_;
}

std::map<std::pair<std::string, int>, int64_t> ApiMetrics::requests() const {
  const std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<Event> FloodFeed::add(const std::vector<flood::RequestRecord>& records, int64_t now_ns) {
  const std::lock_guard lock(mutex_);
  for (const auto& record : records) detector_.add(record);
  return take_held_locked(detector_.poll(now_ns));
}

std::vector<Event> FloodFeed::poll(int64_t now_ns) {
  const std::lock_guard lock(mutex_);
  return take_held_locked(detector_.poll(now_ns));
}

size_t FloodFeed::hold(std::vector<Event> events) {
  const std::lock_guard lock(mutex_);
  // In event-time order, whichever thread held first, so a flood's start is still stored before its end.
  held_.insert(held_.end(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
  std::stable_sort(held_.begin(), held_.end(), [](const Event& a, const Event& b) { return a.time_ns < b.time_ns; });
  const size_t dropped = held_.size() > kMaxHeldEvents ? held_.size() - kMaxHeldEvents : 0;
  held_.erase(held_.begin(), held_.begin() + static_cast<ptrdiff_t>(dropped));
  return dropped;
}

size_t FloodFeed::held() const {
  const std::lock_guard lock(mutex_);
  return held_.size();
}

std::vector<Event> FloodFeed::take_held_locked(std::vector<Event> fresh) {
  if (held_.empty()) return fresh;
  std::vector<Event> out = std::move(held_);
  held_.clear();
  out.insert(out.end(), std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
  return out;
}

}  // namespace vigil::incidents::api
