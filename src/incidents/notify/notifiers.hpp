// The notifier table: every notifier type with the config keys it takes, its checks and its delivery. Adding a
// type means one file (notify/<type>.cpp), one row in notifiers.cpp and a test.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "incidents/config.hpp"
#include "incidents/model.hpp"

namespace vigil::incidents::notify {

// One outbox item with the incident as it is at delivery time.
struct Notification {
  OutboxItem item;
  Incident incident;
  std::string external_url;  // the dashboard's base URL ("" : no link)
};

struct NotifierType {
  std::string_view name;
  std::string_view summary;
  std::span<const std::string_view> keys;  // config keys besides name and type
  // Problems of a parsed config (missing url, bad scheme, ...); empty when it is usable.
  std::vector<std::string> (*validate)(const NotifierConfig& config);
  // Sends a group of notifications as one message; succeeds only when the receiver accepted it.
  Result<void> (*deliver)(const NotifierConfig& config, std::span<const Notification> group);
};

std::span<const NotifierType> notifier_types();
const NotifierType* find_notifier_type(std::string_view name);

// The incident's dashboard link ("" without external_url).
std::string incident_link(const Notification& n);

// The rows' functions (one file each).
std::vector<std::string> validate_webhook(const NotifierConfig& config);
Result<void> deliver_webhook(const NotifierConfig& config, std::span<const Notification> group);
std::vector<std::string> validate_slack(const NotifierConfig& config);
Result<void> deliver_slack(const NotifierConfig& config, std::span<const Notification> group);
std::vector<std::string> validate_alertmanager(const NotifierConfig& config);
Result<void> deliver_alertmanager(const NotifierConfig& config, std::span<const Notification> group);
std::vector<std::string> validate_email(const NotifierConfig& config);
Result<void> deliver_email(const NotifierConfig& config, std::span<const Notification> group);

// Message bodies, exposed for tests.
// {"notifications":[{"idempotency_key","kind","link","incident":{...}}]}
std::string webhook_body(std::span<const Notification> group);
// "sha256=" + lowercase hex HMAC-SHA256(secret, timestamp + "." + body)
std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body);
std::string slack_body(std::span<const Notification> group);
// The Alertmanager v2 alerts array; now_ns is endsAt for resolved incidents.
std::string alertmanager_body(std::span<const Notification> group, int64_t now_ns);
// The RFC 5322 message (CRLF line ends).
std::string email_message(const NotifierConfig& config, std::span<const Notification> group, int64_t now_ns);

}  // namespace vigil::incidents::notify
