// The incidents endpoints: list with filters and paging, one incident with its timeline, events and deliveries,
// and people's changes (status, assignee, comments) through apply_action.
#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "incidents/api/api.hpp"
#include "incidents/incident_json.hpp"

namespace vigil::incidents::api {
namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 1000;
constexpr size_t kDetailEvents = 100;
constexpr size_t kMaxAssignee = 256;  // apply_action's limit

std::optional<int64_t> parse_positive(std::string_view text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

server::Response json_ok(std::string body, int status = 200) {
  server::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

server::Response store_error(const Error& error) {
  return server::error_response(503, "store: " + error.message);
}

// Builds the store filter from the query; the error is the 400 message.
Result<IncidentFilter> parse_filter(const server::Request& request) {
  IncidentFilter filter;
  filter.limit = kDefaultLimit;
  if (auto v = request.query_value("status"); v && !v->empty()) {
    filter.status = parse_status(*v);
    if (!filter.status) return fail(fmt::format("status: \"{}\" is not open, acknowledged or resolved", *v));
  }
  if (auto v = request.query_value("severity"); v && !v->empty()) {
    filter.min_severity = parse_severity(*v);
    if (!filter.min_severity) return fail(fmt::format("severity: \"{}\" is not low, medium, high or critical", *v));
  }
  if (auto v = request.query_value("source"); v && !v->empty()) filter.source = std::string(*v);
  if (auto v = request.query_value("limit"); v && !v->empty()) {
    const auto n = parse_positive(*v);
    if (!n || static_cast<size_t>(*n) > kMaxLimit) return fail(fmt::format("limit: must be 1..{}", kMaxLimit));
    filter.limit = static_cast<size_t>(*n);
  }
  if (auto v = request.query_value("before"); v && !v->empty()) {
    const auto n = parse_positive(*v);
    if (!n) return fail("before: must be an incident id (a positive integer)");
    filter.before_id = *n;
  }
  return filter;
}

// Maps apply_action's failures: unknown incident 404, a meaningless transition 409, bad text 400.
server::Response action_error(const Error& error) {
  const std::string& m = error.message;
  if (m.ends_with("not found")) return server::error_response(404, m);
  if (m.starts_with("incident ")) return server::error_response(409, m);
  if (m.starts_with("assignee:") || m.starts_with("comment:") || m.starts_with("text:")) {
    return server::error_response(400, m);
  }
  return store_error(error);
}

std::optional<int64_t> incident_id(const server::Request& request) {
  return parse_positive(request.path_param("id"));
}

const std::pair<std::string_view, ChangeKind> kStatusActions[] = {
    {"acknowledged", ChangeKind::Acknowledged},
    {"resolved", ChangeKind::Resolved},
    {"open", ChangeKind::Reopened},
};

// The actions a PATCH body asks for, in order (status first, then assignee); the error is the 400 message.
Result<std::vector<Action>> patch_actions(std::string_view body, const std::string& actor) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return fail("body: expected a JSON object");
  std::vector<Action> actions;
  for (const auto& [key, value] : doc.items()) {
    if (key != "status" && key != "assignee") {
      return fail(fmt::format("unknown field \"{}\" (expected status, assignee)", key));
    }
    if (!value.is_string()) return fail(fmt::format("{}: expected a string", key));
  }
  if (doc.contains("status")) {
    const auto status = doc["status"].get<std::string>();
    const auto* found = std::find_if(std::begin(kStatusActions), std::end(kStatusActions),
                                     [&](const auto& row) { return row.first == status; });
    if (found == std::end(kStatusActions)) {
      return fail(fmt::format("status: \"{}\" is not acknowledged, resolved or open", status));
    }
    actions.push_back(Action{found->second, actor, ""});
  }
  if (doc.contains("assignee")) {
    // Checked here too (apply_action checks it) so a bad assignee fails before the status change is applied.
    if (doc["assignee"].get_ref<const std::string&>().size() > kMaxAssignee) {
      return fail(fmt::format("assignee: longer than {} bytes", kMaxAssignee));
    }
    actions.push_back(Action{ChangeKind::Assigned, actor, doc["assignee"]});
  }
  if (actions.empty()) return fail("nothing to change: give status and/or assignee");
  return actions;
}

}  // namespace

server::Response list_incidents(ApiContext& ctx, const server::Request& request, const Token* /*caller*/) {
  auto filter = parse_filter(request);
  if (!filter) return server::error_response(400, filter.error().message);
  const size_t limit = filter->limit;
  filter->limit = limit + 1;  // one more tells whether an older page exists
  auto incidents = ctx.store.list_incidents(*filter);
  if (!incidents) return store_error(incidents.error());
  const bool more = incidents->size() > limit;
  if (more) incidents->resize(limit);
  const std::string next = more ? std::to_string(incidents->back().id) : "null";
  return json_ok(fmt::format(R"({{"incidents":{},"next":{}}})", incidents_json(*incidents), next));
}

server::Response get_incident(ApiContext& ctx, const server::Request& request, const Token* /*caller*/) {
  const auto id = incident_id(request);
  if (!id) return server::error_response(404, fmt::format("incident {} not found", request.path_param("id")));
  auto incident = ctx.store.get_incident(*id);
  if (!incident) return store_error(incident.error());
  if (!*incident) return server::error_response(404, fmt::format("incident {} not found", *id));
  auto timeline = ctx.store.timeline(*id);
  auto events = ctx.store.events(*id, kDetailEvents);
  auto deliveries = ctx.store.deliveries(*id);
  if (!timeline) return store_error(timeline.error());
  if (!events) return store_error(events.error());
  if (!deliveries) return store_error(deliveries.error());
  std::string body = incident_json(**incident);
  body.pop_back();  // the closing brace: the detail adds its lists to the incident object
  body += fmt::format(R"(,"timeline":{},"events":{},"deliveries":{}}})", timeline_json(*timeline),
                      stored_events_json(*events), outbox_items_json(*deliveries));
  return json_ok(std::move(body));
}

server::Response patch_incident(ApiContext& ctx, const server::Request& request, const Token* caller) {
  const auto id = incident_id(request);
  if (!id) return server::error_response(404, fmt::format("incident {} not found", request.path_param("id")));
  auto actions = patch_actions(request.body, caller != nullptr ? caller->name : "api");
  if (!actions) return server::error_response(400, actions.error().message);
  Incident result;
  for (const auto& action : *actions) {
    auto applied = apply_action(ctx.store, *id, action, ctx.policy, now_of(ctx));
    if (!applied) return action_error(applied.error());
    result = std::move(*applied);
  }
  if (ctx.on_change) ctx.on_change();
  return json_ok(incident_json(result));
}

server::Response post_comment(ApiContext& ctx, const server::Request& request, const Token* caller) {
  const auto id = incident_id(request);
  if (!id) return server::error_response(404, fmt::format("incident {} not found", request.path_param("id")));
  const auto doc = nlohmann::json::parse(request.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("text") || !doc["text"].is_string()) {
    return server::error_response(400, R"(body: expected {"text": "..."})");
  }
  const Action action{ChangeKind::Commented, caller != nullptr ? caller->name : "api", doc["text"]};
  auto applied = apply_action(ctx.store, *id, action, ctx.policy, now_of(ctx));
  if (!applied) return action_error(applied.error());
  return json_ok(incident_json(*applied), 201);
}

}  // namespace vigil::incidents::api
