// The generic webhook notifier: one JSON POST per group, signed like Stripe and GitHub do it so a receiver can
// check origin and freshness: X-Vigil-Signature = "sha256=" + hex HMAC-SHA256(secret, timestamp "." body).
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/sha256.hpp"
#include "incidents/incident_json.hpp"
#include "incidents/notify/http_send.hpp"
#include "incidents/notify/notifiers.hpp"

namespace vigil::incidents::notify {
namespace {

std::string json_quoted(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A lone item keeps its own key; a group's key is derived from all of its items', so a re-sent group (same items)
// carries the same key and a different group a different one.
std::string group_idempotency_key(std::span<const Notification> group) {
  if (group.size() == 1) return group[0].item.idempotency_key;
  Sha256 sha;
  for (const Notification& n : group) sha.update(n.item.idempotency_key + "\n");
  return "group-" + sha.hex().substr(0, 32);
}

}  // namespace

std::string webhook_body(std::span<const Notification> group) {
  std::string out = "{\"notifications\":[";
  for (size_t i = 0; i < group.size(); ++i) {
    const Notification& n = group[i];
    if (i > 0) out += ',';
    out += fmt::format("{{\"idempotency_key\":{},\"kind\":{},", json_quoted(n.item.idempotency_key),
                       json_quoted(change_kind_name(n.item.kind)));
    const std::string link = incident_link(n);
    if (!link.empty()) out += "\"link\":" + json_quoted(link) + ",";
    out += "\"incident\":" + incident_json(n.incident) + "}";
  }
  out += "]}";
  return out;
}

std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
  std::string hex = "sha256=";
  for (unsigned int i = 0; i < mac_len; ++i) hex += fmt::format("{:02x}", mac[i]);
  return hex;
}

std::vector<std::string> validate_webhook(const NotifierConfig& config) {
  std::vector<std::string> problems;
  if (config.url.empty()) {
    problems.emplace_back("webhook needs a url");
  } else if (!is_http_url(config.url)) {
    problems.emplace_back("url must be an http:// or https:// URL");
  }
  return problems;
}

Result<void> deliver_webhook(const NotifierConfig& config, std::span<const Notification> group) {
  const std::string body = webhook_body(group);
  const std::string timestamp = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::vector<std::string> headers = {"Content-Type: application/json",
                                      "Idempotency-Key: " + group_idempotency_key(group),
                                      "X-Vigil-Timestamp: " + timestamp};
  if (!config.secret_env.empty()) {
    const char* secret = std::getenv(config.secret_env.c_str());
    if (secret == nullptr || *secret == '\0') {
      return fail(fmt::format("environment variable {} (the webhook secret) is not set", config.secret_env));
    }
    headers.push_back("X-Vigil-Signature: " + webhook_signature(secret, timestamp, body));
  }
  return post_expect_2xx("webhook", config.url, body, headers);
}

}  // namespace vigil::incidents::notify
