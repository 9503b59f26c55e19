// What each notifier sends: the webhook body and its signature, Slack blocks, Alertmanager alerts and the email
// message, built from realistic incidents; and the notifier table's checks.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "incidents/notify/http_send.hpp"
#include "incidents/notify/notifiers.hpp"

namespace vigil::incidents::notify {
namespace {

constexpr int64_t kNow = int64_t{1'795'785'600} * 1'000'000'000;  // 2026-11-27T13:20:00Z

Notification notification(int64_t id, ChangeKind kind, std::string title) {
  Notification n;
  n.item.id = id * 10;
  n.item.incident_id = id;
  n.item.notifier = "hook";
  n.item.kind = kind;
  n.item.idempotency_key = std::to_string(id) + "-" + std::to_string(id * 3) + "-hook";
  n.item.group_key = "0|source=vigil-watch";
  n.incident.id = id;
  n.incident.status = kind == ChangeKind::Resolved ? Status::Resolved : Status::Open;
  n.incident.severity = Severity::Critical;
  n.incident.title = std::move(title);
  n.incident.source = "vigil-watch";
  n.incident.rule = "reverse-shell";
  n.incident.subject = "web-1:/usr/bin/bash";
  n.incident.fingerprint = "fp" + std::to_string(id);
  n.incident.count = 3;
  n.incident.first_seen_ns = kNow - int64_t{60} * 1'000'000'000;
  n.incident.last_seen_ns = kNow;
  n.incident.labels = {{"env", "prod"}, {"k8s.pod", "web-1"}};
  n.external_url = "https://vigil.example.com/";
  return n;
}

TEST(WebhookPayload, CarriesEveryNotificationWithItsIncident) {
  const std::vector<Notification> group = {notification(4, ChangeKind::Created, "Reverse shell \"bash -i\""),
                                           notification(5, ChangeKind::Escalated, "Second")};
  const auto body = nlohmann::json::parse(webhook_body(group));
  ASSERT_EQ(body["notifications"].size(), 2u);
  const auto& first = body["notifications"][0];
  EXPECT_EQ(first["idempotency_key"], "4-12-hook");
  EXPECT_EQ(first["kind"], "created");
  EXPECT_EQ(first["link"], "https://vigil.example.com/incidents/4");
  EXPECT_EQ(first["incident"]["id"], 4);
  EXPECT_EQ(first["incident"]["title"], "Reverse shell \"bash -i\"");
  EXPECT_EQ(first["incident"]["severity"], "critical");
  EXPECT_EQ(first["incident"]["labels"]["env"], "prod");
  EXPECT_EQ(body["notifications"][1]["kind"], "escalated");
}

TEST(WebhookPayload, SignatureIsHmacSha256OfTimestampDotBody) {
  // Expected value from Python: hmac.new(b'whsec_test', b'1764255845.{"a":1}', hashlib.sha256).hexdigest()
  EXPECT_EQ(webhook_signature("whsec_test", "1764255845", R"({"a":1})"),
            "sha256=adc555637c070947ccbb8a82507089c37a41ee6c74648b7af180fcfdcf3eaa7b");
  EXPECT_NE(webhook_signature("other", "1764255845", R"({"a":1})"),
            webhook_signature("whsec_test", "1764255845", R"({"a":1})"));
}

TEST(SlackPayload, OneEscapedSectionPerIncident) {
  const std::vector<Notification> group = {notification(4, ChangeKind::Created, "curl <evil> & wget"),
                                           notification(5, ChangeKind::Created, "Second")};
  const auto body = nlohmann::json::parse(slack_body(group));
  ASSERT_EQ(body["blocks"].size(), 2u);
  const std::string text = body["blocks"][0]["text"]["text"];
  EXPECT_EQ(body["blocks"][0]["text"]["type"], "mrkdwn");
  EXPECT_NE(text.find("<https://vigil.example.com/incidents/4|curl &lt;evil&gt; &amp; wget>"), std::string::npos)
      << text;
  EXPECT_NE(text.find("rule `reverse-shell`"), std::string::npos) << text;
  EXPECT_NE(std::string(body["text"]).find("(+1 more)"), std::string::npos);
}

TEST(AlertmanagerPayload, StableLabelsAndEndsAtNowWhenResolved) {
  const std::vector<Notification> group = {notification(4, ChangeKind::Created, "Reverse shell"),
                                           notification(5, ChangeKind::Resolved, "Done")};
  const auto alerts = nlohmann::json::parse(alertmanager_body(group, kNow));
  ASSERT_EQ(alerts.size(), 2u);
  const auto& firing = alerts[0];
  EXPECT_EQ(firing["labels"]["alertname"], "reverse-shell");
  EXPECT_EQ(firing["labels"]["severity"], "critical");
  EXPECT_EQ(firing["labels"]["source"], "vigil-watch");
  EXPECT_EQ(firing["labels"]["subject"], "web-1:/usr/bin/bash");
  EXPECT_EQ(firing["labels"]["incident"], "4");
  EXPECT_EQ(firing["labels"]["env"], "prod");
  EXPECT_FALSE(firing["labels"].contains("k8s.pod"));  // not a valid Alertmanager label name
  EXPECT_EQ(firing["annotations"]["summary"], "Reverse shell");
  EXPECT_EQ(firing["startsAt"], "2026-11-27T13:19:00.000Z");
  EXPECT_EQ(firing["endsAt"], "2026-11-28T13:20:00.000Z");  // far ahead while the incident is open
  EXPECT_EQ(firing["generatorURL"], "https://vigil.example.com/incidents/4");
  EXPECT_EQ(alerts[1]["endsAt"], "2026-11-27T13:20:00.000Z");
}

TEST(EmailMessage, HeadersCannotBeInjectedAndIdsAreStable) {
  NotifierConfig config;
  config.from = "vigil@example.com";
  config.to = {"secops@example.com", "oncall@example.com"};
  const std::vector<Notification> group = {notification(4, ChangeKind::Created, "evil\r\nBcc: attacker@example.com"),
                                           notification(5, ChangeKind::Created, "Second")};
  const std::string m = email_message(config, group, kNow);
  EXPECT_EQ(m.rfind("From: vigil@example.com\r\nTo: secops@example.com, oncall@example.com\r\n", 0), 0u) << m;
  EXPECT_NE(m.find("Subject: [vigil] created critical: evil  Bcc: attacker@example.com (+1 more)\r\n"),
            std::string::npos)
      << m;
  EXPECT_EQ(m.find("\r\nBcc:"), std::string::npos);
  EXPECT_NE(m.find("Date: Fri, 27 Nov 2026 13:20:00 +0000\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("Message-ID: <4-12-hook@vigil.incidents>\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("https://vigil.example.com/incidents/5"), std::string::npos);
  const std::vector<Notification> utf8 = {notification(6, ChangeKind::Created, "Übergriff")};
  EXPECT_NE(email_message(config, utf8, kNow).find("Subject: =?UTF-8?B?"), std::string::npos);
}

TEST(NotifierTable, EveryTypeIsListedOnceAndChecksItsConfig) {
  std::vector<std::string> names;
  for (const NotifierType& t : notifier_types()) names.emplace_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"webhook", "slack", "alertmanager", "email"}));
  EXPECT_EQ(find_notifier_type("pagerduty"), nullptr);
  NotifierConfig c;
  c.url = "ftp://example.com/x";
  EXPECT_EQ(find_notifier_type("webhook")->validate(c),
            std::vector<std::string>{"url must be an http:// or https:// URL"});
  c.url = "https://hooks.example.com/x";
  EXPECT_TRUE(find_notifier_type("webhook")->validate(c).empty());
  EXPECT_TRUE(find_notifier_type("slack")->validate(c).empty());
  EXPECT_FALSE(find_notifier_type("alertmanager")->validate(NotifierConfig{}).empty());
}

TEST(HttpSend, OriginHidesUserinfoPathAndQuery) {
  EXPECT_EQ(url_origin("https://user:pw@hooks.slack.com/services/T0/B0/secret?x=1"), "https://hooks.slack.com");
  EXPECT_EQ(url_origin("http://127.0.0.1:9093"), "http://127.0.0.1:9093");
  EXPECT_TRUE(is_http_url("http://127.0.0.1:1/x"));
  EXPECT_FALSE(is_http_url("http://"));
  EXPECT_FALSE(is_http_url("file:///etc/passwd"));
}

TEST(HttpSend, ConnectionErrorsNameOnlyTheOrigin) {
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  auto reply = http_post("http://user:pw@127.0.0.1:1/secret-path?token=t", "{}", {});
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.error().message.find("http://127.0.0.1:1"), std::string::npos) << reply.error().message;
  EXPECT_EQ(reply.error().message.find("secret"), std::string::npos);
  EXPECT_EQ(reply.error().message.find("pw"), std::string::npos);
}

}  // namespace
}  // namespace vigil::incidents::notify
