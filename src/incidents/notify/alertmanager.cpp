// The Alertmanager notifier: each incident becomes an alert posted to /api/v2/alerts. Labels identify the alert
// (Alertmanager dedupes on them), so they hold only stable incident fields; a resolved incident is the same labels
// with endsAt = now.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "incidents/incident_json.hpp"
#include "incidents/notify/http_send.hpp"
#include "incidents/notify/notifiers.hpp"

namespace vigil::incidents::notify {
namespace {

// We post once per change rather than re-sending every minute as Prometheus does, so a firing alert needs an
// explicit end far enough away not to expire while the incident is open; resolving sends endsAt = now.
constexpr int64_t kFiringHorizonNs = int64_t{24} * 3600 * 1'000'000'000;

bool valid_label_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool ended(const Notification& n) {
  return n.item.kind == ChangeKind::Resolved || n.item.kind == ChangeKind::AutoResolved ||
         n.incident.status == Status::Resolved;
}

nlohmann::json alert(const Notification& n, int64_t now_ns) {
  const Incident& i = n.incident;
  nlohmann::json labels = {{"alertname", i.rule},
                           {"severity", std::string(severity_name(i.severity))},
                           {"source", i.source},
                           {"subject", i.subject},
                           {"incident", std::to_string(i.id)}};
  // The incident's own labels (env, host, ...) help Alertmanager routing; ours win on a clash.
  for (const auto& [k, v] : i.labels) {
    if (valid_label_name(k) && !labels.contains(k)) labels[k] = v;
  }
  nlohmann::json a = {
      {"labels", labels},
      {"annotations",
       {{"summary", i.title},
        {"description",
         fmt::format("{} events from {} about {}; status {}", i.count, i.source, i.subject, status_name(i.status))}}},
      {"startsAt", rfc3339_ms(i.first_seen_ns)},
      {"endsAt", rfc3339_ms(ended(n) ? now_ns : now_ns + kFiringHorizonNs)},
  };
  const std::string link = incident_link(n);
  if (!link.empty()) a["generatorURL"] = link;
  return a;
}

}  // namespace

std::string alertmanager_body(std::span<const Notification> group, int64_t now_ns) {
  nlohmann::json alerts = nlohmann::json::array();
  for (const Notification& n : group) alerts.push_back(alert(n, now_ns));
  return alerts.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> validate_alertmanager(const NotifierConfig& config) {
  if (config.url.empty()) return {"alertmanager needs a url (its base URL, e.g. http://127.0.0.1:9093)"};
  if (!is_http_url(config.url)) return {"url must be an http:// or https:// URL"};
  return {};
}

Result<void> deliver_alertmanager(const NotifierConfig& config, std::span<const Notification> group) {
  std::string url = config.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  const int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return post_expect_2xx("alertmanager", url + "/api/v2/alerts", alertmanager_body(group, now_ns),
                         {"Content-Type: application/json"});
}

}  // namespace vigil::incidents::notify
