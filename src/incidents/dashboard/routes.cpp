// The dashboard's routes: session handling (an HttpOnly SameSite=Strict cookie carrying the API token, or a
// Bearer header), the pages, and the admin action forms with a CSRF token. Rendering is in render_*.cpp.
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <chrono>
#include <memory>

#include "incidents/dashboard/html.hpp"
#include "incidents/dashboard/pages.hpp"
#include "incidents/tokens.hpp"

namespace vigil::incidents {
namespace {

using server::Request;
using server::Response;

constexpr std::string_view kCookie = "vigil_session";
constexpr size_t kEventsShown = 100;
constexpr size_t kSourceScan = 500;  // recent incidents whose sources fill the source select
constexpr std::string_view kCsp =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

struct State {
  DashboardContext ctx;
  std::string csrf_key;  // random per process: CSRF tokens are HMAC(key, session token)
};

struct Session {
  Token token;
  std::string bearer;
};

Response html(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.headers = {{"Content-Security-Policy", std::string(kCsp)},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"},
               {"Cache-Control", "no-store"}};
  return r;
}

Response redirect(std::string location) {
  Response r = html(303, "");
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

Response message_page(int status, std::string_view title, std::string_view message) {
  std::string body = "<h1>";
  dashboard::append_escaped(body, title);
  body += "</h1><p class=\"error\" id=\"message\">";
  dashboard::append_escaped(body, message);
  body += "</p><p><a href=\"/\">← All incidents</a></p>";
  return html(status, dashboard::page_frame(title, body, true));
}

Response server_error(const Error& error) {
  return message_page(500, "Error", error.message);
}

std::string cookie_header(const State& state, std::string_view value, bool clear) {
  std::string c = fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict", kCookie, value);
  if (clear) c += "; Max-Age=0";
  if (state.ctx.tls) c += "; Secure";
  return c;
}

// Token text is "vgl_<id>_<base64url>": anything else cannot be valid and must not reach a Set-Cookie header.
bool cookie_safe(std::string_view token) {
  if (token.empty() || token.size() > 256) return false;
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> bearer_of(const Request& request) {
  if (auto auth = request.header("authorization")) {
    constexpr std::string_view kPrefix = "Bearer ";
    if (auth->size() > kPrefix.size() && auth->substr(0, kPrefix.size()) == kPrefix) {
      return std::string(auth->substr(kPrefix.size()));
    }
  }
  if (auto cookies = request.header("cookie")) {
    if (auto value = dashboard::cookie_value(*cookies, kCookie); value && !value->empty()) return std::string(*value);
  }
  return std::nullopt;
}

Result<std::optional<Session>> session_of(State& state, const Request& request) {
  std::optional<std::string> bearer = bearer_of(request);
  if (!bearer) return std::optional<Session>{};
  auto token = authenticate(state.ctx.store, *bearer);
  if (!token) return tl::unexpected(token.error());
  if (!*token || !role_allows((*token)->role, Role::Read)) return std::optional<Session>{};
  return std::optional<Session>{Session{**token, std::move(*bearer)}};
}

std::string csrf_token(const State& state, std::string_view bearer) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), state.csrf_key.data(), static_cast<int>(state.csrf_key.size()),
       reinterpret_cast<const unsigned char*>(bearer.data()), bearer.size(), mac, &mac_len);
  std::string hex;
  for (unsigned int i = 0; i < mac_len; ++i) hex += fmt::format("{:02x}", mac[i]);
  return hex;
}

bool csrf_ok(const State& state, std::string_view bearer, std::string_view presented) {
  const std::string expected = csrf_token(state, bearer);
  return presented.size() == expected.size() && CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

using PageHandler = std::function<Response(State&, const Request&, const Session&)>;

// Pages need a read token; without one a browser is sent to the login form.
server::Handler signed_in(std::shared_ptr<State> state, PageHandler page) {
  return [state, page = std::move(page)](const Request& request) {
    auto session = session_of(*state, request);
    if (!session) return server_error(session.error());
    if (!*session) return redirect("/login");
    return page(*state, request, **session);
  };
}

std::optional<int64_t> parse_id(std::string_view text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

std::vector<std::string> recent_sources(Store& store) {
  IncidentFilter filter;
  filter.limit = kSourceScan;
  std::vector<std::string> sources;
  if (auto recent = store.list_incidents(filter)) {
    for (const Incident& incident : *recent) sources.push_back(incident.source);
  }
  return sources;  // render_incident_list sorts and dedupes
}

Response list_page(State& state, const Request& request, const Session&) {
  ListPage page;
  page.query = parse_list_query(request);
  auto incidents = state.ctx.store.list_incidents(to_filter(page.query));
  if (!incidents) return server_error(incidents.error());
  page.incidents = std::move(*incidents);
  if (page.incidents.size() > page.query.limit) {
    page.incidents.resize(page.query.limit);
    page.has_more = true;
  }
  page.sources = recent_sources(state.ctx.store);
  if (auto counts = state.ctx.store.counts()) page.counts = *counts;
  return html(200, render_incident_list(page));
}

Response detail_page(State& state, const Request& request, const Session& session) {
  const std::optional<int64_t> id = parse_id(request.path_param("id"));
  if (!id) return message_page(404, "Not found", "No such incident.");
  Store& store = state.ctx.store;
  auto incident = store.get_incident(*id);
  if (!incident) return server_error(incident.error());
  if (!*incident) return message_page(404, "Not found", fmt::format("Incident {} does not exist.", *id));
  DetailPage page;
  page.incident = std::move(**incident);
  auto timeline = store.timeline(*id);
  if (!timeline) return server_error(timeline.error());
  auto events = store.events(*id, kEventsShown);
  if (!events) return server_error(events.error());
  auto deliveries = store.deliveries(*id);
  if (!deliveries) return server_error(deliveries.error());
  page.timeline = std::move(*timeline);
  page.events = std::move(*events);
  page.deliveries = std::move(*deliveries);
  if (state.ctx.action_policy && role_allows(session.token.role, Role::Admin)) {
    page.csrf_token = csrf_token(state, session.bearer);
  }
  return html(200, render_incident_detail(page));
}

std::string form_field(const std::vector<std::pair<std::string, std::string>>& form, std::string_view name) {
  for (const auto& [key, value] : form) {
    if (key == name) return value;
  }
  return "";
}

Response login_post(State& state, const Request& request) {
  const auto form = dashboard::parse_form(request.body);
  std::string token = form_field(form, "token");
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r')) token.pop_back();
  while (!token.empty() && token.front() == ' ') token.erase(0, 1);
  if (!cookie_safe(token)) return html(401, render_login("That is not a valid token."));
  auto found = authenticate(state.ctx.store, token);
  if (!found) return html(500, render_login("The token store is unavailable: " + found.error().message));
  if (!*found) return html(401, render_login("That is not a valid token."));
  if (!role_allows((*found)->role, Role::Read)) {
    return html(403, render_login("This token may only ingest events; the dashboard needs a read or admin token."));
  }
  Response r = redirect("/");
  r.headers.emplace_back("Set-Cookie", cookie_header(state, token, false));
  return r;
}

Response logout(State& state, const Request&) {
  Response r = redirect("/login");
  r.headers.emplace_back("Set-Cookie", cookie_header(state, "", true));
  return r;
}

std::optional<ChangeKind> action_kind(std::string_view name) {
  static constexpr std::pair<std::string_view, ChangeKind> kActions[] = {
      {"acknowledge", ChangeKind::Acknowledged}, {"resolve", ChangeKind::Resolved},  {"reopen", ChangeKind::Reopened},
      {"assign", ChangeKind::Assigned},          {"comment", ChangeKind::Commented},
  };
  for (const auto& [key, kind] : kActions) {
    if (key == name) return kind;
  }
  return std::nullopt;
}

int64_t now_ns(const DashboardContext& ctx) {
  if (ctx.now_ns) return ctx.now_ns();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Response action_post(State& state, const Request& request, const Session& session) {
  if (!role_allows(session.token.role, Role::Admin)) {
    return message_page(403, "Forbidden", "Changing incidents needs an admin token.");
  }
  const auto form = dashboard::parse_form(request.body);
  if (!csrf_ok(state, session.bearer, form_field(form, "csrf"))) {
    return message_page(403, "Forbidden", "The form has expired or did not come from this dashboard; reload it.");
  }
  const std::optional<int64_t> id = parse_id(request.path_param("id"));
  if (!id) return message_page(404, "Not found", "No such incident.");
  const std::optional<ChangeKind> kind = action_kind(form_field(form, "action"));
  if (!kind) return message_page(400, "Bad request", "Unknown action.");
  Action action{*kind, session.token.name, form_field(form, "text")};
  auto done = apply_action(state.ctx.store, *id, action, *state.ctx.action_policy, now_ns(state.ctx));
  if (!done) {
    const bool missing = done.error().message.find("not found") != std::string::npos;
    return message_page(missing ? 404 : 400, "Not done", done.error().message);
  }
  if (state.ctx.on_change) state.ctx.on_change();
  return redirect(fmt::format("/incidents/{}", *id));
}

}  // namespace

ListQuery parse_list_query(const server::Request& request) {
  ListQuery q;
  if (auto v = request.query_value("status")) q.status = parse_status(*v);
  if (auto v = request.query_value("severity")) q.severity = parse_severity(*v);
  if (auto v = request.query_value("source")) q.source = std::string(v->substr(0, 4096));
  if (auto v = request.query_value("before")) q.before_id = parse_id(*v).value_or(0);
  if (auto v = request.query_value("limit")) {
    if (auto n = parse_id(*v)) q.limit = static_cast<size_t>(std::min<int64_t>(*n, 200));
  }
  return q;
}

IncidentFilter to_filter(const ListQuery& query) {
  IncidentFilter filter;
  filter.status = query.status;
  filter.min_severity = query.severity;
  if (!query.source.empty()) filter.source = query.source;
  filter.before_id = query.before_id;
  filter.limit = query.limit + 1;
  return filter;
}

std::vector<server::Route> dashboard_routes(DashboardContext ctx) {
  auto state = std::make_shared<State>(State{std::move(ctx), std::string(32, '\0')});
  RAND_bytes(reinterpret_cast<unsigned char*>(state->csrf_key.data()), static_cast<int>(state->csrf_key.size()));
  std::vector<server::Route> routes = {
      {"GET", "/", signed_in(state, list_page)},
      {"GET", "/incidents/{id}", signed_in(state, detail_page)},
      {"GET", "/login", [](const Request&) { return html(200, render_login("")); }},
      {"POST", "/login", [state](const Request& r) { return login_post(*state, r); }},
      {"POST", "/logout", [state](const Request& r) { return logout(*state, r); }},
  };
  if (state->ctx.action_policy) routes.push_back({"POST", "/incidents/{id}/actions", signed_in(state, action_post)});
  return routes;
}

}  // namespace vigil::incidents
