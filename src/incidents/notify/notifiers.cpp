// The notifier table (see notifiers.hpp) and what the rows share.
#include "incidents/notify/notifiers.hpp"

#include <algorithm>
#include <array>

namespace vigil::incidents::notify {
namespace {

constexpr std::array<std::string_view, 2> kWebhookKeys = {"url", "secret_env"};
constexpr std::array<std::string_view, 1> kSlackKeys = {"url"};
constexpr std::array<std::string_view, 1> kAlertmanagerKeys = {"url"};
constexpr std::array<std::string_view, 5> kEmailKeys = {"smtp_url", "from", "to", "username", "password_env"};

constexpr std::array<NotifierType, 4> kTypes = {{
    {"webhook", "JSON POST signed with HMAC-SHA256 (X-Vigil-Signature)", kWebhookKeys, validate_webhook,
     deliver_webhook},
    {"slack", "Slack incoming webhook (mrkdwn text and blocks)", kSlackKeys, validate_slack, deliver_slack},
    {"alertmanager", "Prometheus Alertmanager v2 API (POST /api/v2/alerts)", kAlertmanagerKeys, validate_alertmanager,
     deliver_alertmanager},
    {"email", "SMTP mail through libcurl", kEmailKeys, validate_email, deliver_email},
}};

}  // namespace

std::span<const NotifierType> notifier_types() {
  return kTypes;
}

const NotifierType* find_notifier_type(std::string_view name) {
  const auto it = std::find_if(kTypes.begin(), kTypes.end(), [&](const auto& t) { return t.name == name; });
  return it == kTypes.end() ? nullptr : &*it;
}

std::string incident_link(const Notification& n) {
  if (n.external_url.empty()) return {};
  std::string base = n.external_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/incidents/" + std::to_string(n.incident.id);
}

}  // namespace vigil::incidents::notify
