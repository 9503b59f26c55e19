// The service config reader: the documented full example, every problem of a broken file at once with its
// line, durations, and the router the routes become.
#include "incidents/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace vigil::incidents {
namespace {

const std::string kData = std::string(VIGIL_TEST_DATA) + "/incidents/config/";
constexpr int64_t kSecond = 1'000'000'000;

Incident incident(std::string source, std::string rule, Severity severity, Labels labels = {}) {
  Incident i;
  i.id = 7;
  i.source = std::move(source);
  i.rule = std::move(rule);
  i.severity = severity;
  i.subject = "web-1:/usr/bin/curl";
  i.labels = std::move(labels);
  return i;
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("VIGIL_TEST_WEBHOOK_SECRET", "s3cret", 1); }
  void TearDown() override { unsetenv("VIGIL_TEST_WEBHOOK_SECRET"); }
};

TEST_F(ConfigTest, FullExampleLoads) {
  auto config = load_config(kData + "full.yaml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->correlation_window_ns, 300 * kSecond);
  EXPECT_EQ(config->auto_resolve_after_ns, 3600 * kSecond);
  EXPECT_EQ(config->external_url, "https://vigil.example.com");
  ASSERT_EQ(config->notifiers.size(), 4u);
  EXPECT_EQ(config->notifiers[0].type, "webhook");
  EXPECT_EQ(config->notifiers[0].secret_env, "VIGIL_TEST_WEBHOOK_SECRET");
  EXPECT_EQ(config->notifiers[2].url, "http://127.0.0.1:9093");
  const NotifierConfig* mail = config->notifier("mail");
  ASSERT_NE(mail, nullptr);
  EXPECT_EQ(mail->smtp_url, "smtp://127.0.0.1:2525");
  EXPECT_EQ(mail->to, (std::vector<std::string>{"secops@example.com", "oncall@example.com"}));
  ASSERT_EQ(config->routes.size(), 3u);
  const RouteConfig& first = config->routes[0];
  EXPECT_EQ(first.match.severity, (std::vector<Severity>{Severity::High, Severity::Critical}));
  EXPECT_EQ(first.match.labels, (Labels{{"env", "prod"}}));
  EXPECT_EQ(first.group_by, (std::vector<std::string>{"source", "rule"}));
  EXPECT_EQ(first.group_wait_ns, kSecond);
  EXPECT_TRUE(first.continue_matching);
  EXPECT_FALSE(config->routes[2].continue_matching);
  EXPECT_EQ(config->retry.initial_ns, kSecond);
  EXPECT_EQ(config->retry.max_ns, 300 * kSecond);
  EXPECT_EQ(config->retry.max_attempts, 20);
  EXPECT_EQ(config->flood.window, std::chrono::milliseconds(1000));
  EXPECT_EQ(config->flood.clear_after, std::chrono::seconds(10));
  EXPECT_DOUBLE_EQ(config->flood.source_capacity_rps, 100);
  EXPECT_EQ(config->flood.max_sources, 100000u);
  EXPECT_EQ(config->flood.service, "shop-frontend");
}

TEST_F(ConfigTest, ReportsEveryProblemWithItsLine) {
  auto config = load_config(kData + "broken.yaml");
  ASSERT_FALSE(config);
  const std::string& m = config.error().message;
  const std::string f = kData + "broken.yaml:";
  const std::vector<std::string> expected = {
      f + "1: correlation_window: bad duration \"5 minutes\"",
      f + "3: unknown key \"colour\" in the config",
      f + "5: notifier \"hook\": webhook needs a url",
      f + "8: unknown notifier type \"pagerduty\" (known: webhook, slack, alertmanager, email)",
      f + "15: notifier type email does not take \"url\"",
      f + "16: notifier \"hook\" is defined twice",
      f + "20: severity: unknown \"urgent\"",
      f + "20: route names notifier \"nobody\", which is not defined",
      f + "22: group_by: unknown field \"host\"",
      f + "23: group_wait: bad duration \"soon\"",
      f + "24: continue must be true or false, not \"maybe\"",
      f + "25: route has no notifiers",
      f + "26: max_attempts: \"0\" is not a number >= 1",
      f + "29: unknown key \"burst\" in flood",
  };
  for (const std::string& e : expected) EXPECT_NE(m.find(e), std::string::npos) << "missing: " << e << "\nin:\n" << m;
  EXPECT_EQ(std::count(m.begin(), m.end(), '\n') + 1, static_cast<long>(expected.size())) << m;
}

TEST_F(ConfigTest, MissingFileAndSyntaxErrorsNameTheFile) {
  auto missing = load_config(kData + "does-not-exist.yaml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("does-not-exist.yaml: cannot open"), std::string::npos);
  auto bad = parse_config("x.yaml", "routes: [\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("x.yaml: invalid YAML", 0), 0u) << bad.error().message;
}

TEST_F(ConfigTest, EmptyConfigHasDefaultsAndNoNotifiers) {
  auto config = parse_config("empty.yaml", "");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->notifiers.empty());
  EXPECT_EQ(config->correlation_window_ns, 300 * kSecond);
  EXPECT_FALSE(make_router(*config));  // no routes: ingest writes no outbox rows
}

TEST_F(ConfigTest, WebhookSecretMustBeInTheEnvironment) {
  auto config = parse_config("c.yaml",
                             "notifiers:\n  - {name: h, type: webhook, url: 'http://127.0.0.1:1/x', "
                             "secret_env: VIGIL_TEST_UNSET_SECRET}\n");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("c.yaml:2: notifier \"h\": secret_env: environment variable "
                                        "VIGIL_TEST_UNSET_SECRET is not set"),
            std::string::npos)
      << config.error().message;
  // `vigil incidents tail` reads the same file for its flood section without the service's secrets.
  EXPECT_TRUE(parse_config("c.yaml",
                           "notifiers:\n  - {name: h, type: webhook, url: 'http://127.0.0.1:1/x', "
                           "secret_env: VIGIL_TEST_UNSET_SECRET}\n",
                           {.require_environment = false}));
}

TEST_F(ConfigTest, EmailNeedsAddressesAndAnSmtpUrl) {
  auto config = parse_config("c.yaml", "notifiers:\n  - name: m\n    type: email\n    smtp_url: http://x\n");
  ASSERT_FALSE(config);
  const std::string& m = config.error().message;
  EXPECT_NE(m.find("smtp_url must start with smtp:// or smtps://"), std::string::npos) << m;
  EXPECT_NE(m.find("email needs a from address"), std::string::npos) << m;
  EXPECT_NE(m.find("email needs at least one to address"), std::string::npos) << m;
}

TEST_F(ConfigTest, RetryAndFloodRangesAreChecked) {
  auto config = parse_config("r.yaml",
                             "retry:\n  initial: 10m\n  max: 1m\nflood:\n  ewma_alpha: 1.5\n"
                             "  source_capacity_rps: lots\n");
  ASSERT_FALSE(config);
  const std::string& m = config.error().message;
  EXPECT_NE(m.find("r.yaml:2: retry: initial is longer than max"), std::string::npos) << m;
  EXPECT_NE(m.find("r.yaml:5: flood: ewma_alpha must be between 0 and 1"), std::string::npos) << m;
  EXPECT_NE(m.find("r.yaml:6: source_capacity_rps: \"lots\" is not a number >= 0"), std::string::npos) << m;
}

TEST(DurationTest, ParsesUnitsAndRejectsTheRest) {
  EXPECT_EQ(parse_duration("500ms"), int64_t{500'000'000});
  EXPECT_EQ(parse_duration("30s"), 30 * kSecond);
  EXPECT_EQ(parse_duration("5m"), 300 * kSecond);
  EXPECT_EQ(parse_duration("2h"), 7200 * kSecond);
  EXPECT_EQ(parse_duration("1d"), 86400 * kSecond);
  EXPECT_EQ(parse_duration("0s"), 0);
  for (const char* bad : {"", "5", "s", "-1s", "1.5s", "5 m", "5M", "1w", "99999999999999999999h", "1e3s"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

TEST_F(ConfigTest, RouterFirstMatchWinsUnlessContinue) {
  auto config = load_config(kData + "full.yaml");
  ASSERT_TRUE(config) << config.error().message;
  const Router route = make_router(*config);
  ASSERT_TRUE(route);

  // high + vigil-watch + env=prod: route 0 (continue) then route 2 (catch-all); route 1 does not match.
  auto targets =
      route(incident("vigil-watch", "shell-in-container", Severity::High, {{"env", "prod"}}), ChangeKind::Created);
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0].notifier, "oncall-webhook");
  EXPECT_EQ(targets[0].group_key, "0|source=vigil-watch,rule=shell-in-container");
  EXPECT_EQ(targets[1].notifier, "am");
  EXPECT_EQ(targets[2].notifier, "mail");
  EXPECT_EQ(targets[2].group_key, "2|incident=7");  // no group_by: one group per incident
  EXPECT_EQ(group_wait_of(*config, targets[0].group_key), kSecond);
  EXPECT_EQ(group_wait_of(*config, targets[2].group_key), 0);
  EXPECT_EQ(group_wait_of(*config, "junk"), 0);
  EXPECT_EQ(group_wait_of(*config, "9|x"), 0);

  // The label must be equal, the severity listed.
  targets = route(incident("vigil-watch", "r", Severity::High, {{"env", "dev"}}), ChangeKind::Created);
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].notifier, "mail");
  targets = route(incident("vigil-watch", "r", Severity::Medium, {{"env", "prod"}}), ChangeKind::Created);
  ASSERT_EQ(targets.size(), 1u);

  // vigil-scan: route 1 matches and stops there.
  targets = route(incident("vigil-scan", "CVE-2026-1234", Severity::Critical), ChangeKind::Escalated);
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].notifier, "chat");
}

TEST_F(ConfigTest, GroupKeysUseSeverityAndLabels) {
  auto config = parse_config("g.yaml", R"(
notifiers:
  - {name: a, type: slack, url: 'http://127.0.0.1:1/a'}
routes:
  - notifiers: [a, a]
    group_by: [severity, subject, label:team]
    continue: true
  - notifiers: [a]
)");
  ASSERT_TRUE(config) << config.error().message;
  auto targets = make_router(*config)(incident("s", "r", Severity::Critical, {{"team", "blue"}}), ChangeKind::Created);
  ASSERT_EQ(targets.size(), 1u);  // one target per notifier, whatever the routes reaching it
  EXPECT_EQ(targets[0].group_key, "0|severity=critical,subject=web-1:/usr/bin/curl,label:team=blue");
  const IngestPolicy policy = make_policy(*config);
  EXPECT_EQ(policy.correlation_window_ns, config->correlation_window_ns);
  EXPECT_TRUE(policy.route);
}

}  // namespace
}  // namespace vigil::incidents
