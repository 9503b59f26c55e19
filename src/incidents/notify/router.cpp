// Routing incident changes to notifiers (make_router, declared in config.hpp): the routes in order, first match
// wins unless continue, and the group key that lets the dispatcher batch related changes into one message.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <memory>

#include "incidents/config.hpp"

namespace vigil::incidents {
namespace {

template <class T>
bool listed(const std::vector<T>& list, const T& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

std::string_view label_value(const Labels& labels, std::string_view key) {
  for (const auto& [k, v] : labels) {
    if (k == key) return v;
  }
  return {};
}

bool matches(const RouteMatch& m, const Incident& incident) {
  if (!listed(m.severity, incident.severity) || !listed(m.source, incident.source) || !listed(m.rule, incident.rule)) {
    return false;
  }
  return std::all_of(m.labels.begin(), m.labels.end(), [&](const auto& kv) {
    return std::any_of(incident.labels.begin(), incident.labels.end(), [&](const auto& have) { return have == kv; });
  });
}

std::string field_value(const Incident& incident, std::string_view field) {
  if (field == "source") return incident.source;
  if (field == "rule") return incident.rule;
  if (field == "subject") return incident.subject;
  if (field == "severity") return std::string(severity_name(incident.severity));
  if (field.substr(0, 6) == "label:") return std::string(label_value(incident.labels, field.substr(6)));
  return {};
}

std::string group_key(size_t route_index, const RouteConfig& route, const Incident& incident) {
  std::string key = fmt::format("{}|", route_index);
  if (route.group_by.empty()) return key + fmt::format("incident={}", incident.id);
  for (size_t i = 0; i < route.group_by.size(); ++i) {
    key += fmt::format("{}{}={}", i == 0 ? "" : ",", route.group_by[i], field_value(incident, route.group_by[i]));
  }
  return key;
}

}  // namespace

Router make_router(const ServiceConfig& config) {
  if (config.routes.empty()) return {};
  auto routes = std::make_shared<const std::vector<RouteConfig>>(config.routes);
  return [routes](const Incident& incident, ChangeKind) {
    std::vector<RouteTarget> targets;
    for (size_t i = 0; i < routes->size(); ++i) {
      const RouteConfig& route = (*routes)[i];
      if (!matches(route.match, incident)) continue;
      for (const std::string& notifier : route.notifiers) {
        const bool have =
            std::any_of(targets.begin(), targets.end(), [&](const auto& t) { return t.notifier == notifier; });
        if (!have) targets.push_back({notifier, group_key(i, route, incident)});
      }
      if (!route.continue_matching) break;
    }
    return targets;
  };
}

IngestPolicy make_policy(const ServiceConfig& config) {
  IngestPolicy policy;
  policy.correlation_window_ns = config.correlation_window_ns;
  policy.auto_resolve_after_ns = config.auto_resolve_after_ns;
  policy.route = make_router(config);
  return policy;
}

int64_t group_wait_of(const ServiceConfig& config, std::string_view group_key) {
  const size_t bar = group_key.find('|');
  if (bar == std::string_view::npos) return 0;
  size_t index = 0;
  const auto [end, ec] = std::from_chars(group_key.data(), group_key.data() + bar, index);
  if (ec != std::errc() || end != group_key.data() + bar || index >= config.routes.size()) return 0;
  return config.routes[index].group_wait_ns;
}

}  // namespace vigil::incidents
