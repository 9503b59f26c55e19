// The Alertmanager notifier against a real Alertmanager (prometheus-alertmanager, Debian) that routes to a local
// webhook receiver with group_wait 1s: our alert arrives there with our labels, then resolves.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "incidents/notify/notifiers.hpp"
#include "notify_peers.hpp"
#include "notify_sink.hpp"

namespace vigil::incidents {
namespace {

namespace fs = std::filesystem;
constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

notify::Notification incident_change(ChangeKind kind) {
  notify::Notification n;
  n.item.incident_id = 42;
  n.item.kind = kind;
  n.item.notifier = "am";
  n.item.idempotency_key = "42-" + std::to_string(static_cast<int>(kind)) + "-am";
  n.incident.id = 42;
  n.incident.status = kind == ChangeKind::Resolved ? Status::Resolved : Status::Open;
  n.incident.severity = Severity::Critical;
  n.incident.title = "Reverse shell from nginx worker";
  n.incident.source = "vigil-watch";
  n.incident.rule = "reverse-shell";
  n.incident.subject = "web-1:/usr/sbin/nginx";
  n.incident.count = 2;
  n.incident.first_seen_ns = now_ns() - int64_t{5} * 1'000'000'000;
  n.incident.last_seen_ns = now_ns();
  n.incident.labels = {{"env", "prod"}};
  n.external_url = "http://127.0.0.1:8080";
  return n;
}

// The first webhook Alertmanager sends with the given status for our incident, or null after the timeout.
nlohmann::json wait_for_status(test::WebhookSink& sink, const std::string& status) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& r : sink.requests()) {
      const auto body = nlohmann::json::parse(r.body, nullptr, false);
      if (body.is_discarded() || body.value("status", "") != status) continue;
      for (const auto& alert : body["alerts"]) {
        if (alert["labels"].value("incident", "") == "42") return alert;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return nullptr;
}

TEST(AlertmanagerNotifier, AlertReachesTheReceiverAndResolves) {
  if (!fs::exists(kAlertmanager)) GTEST_SKIP() << "prometheus-alertmanager is not installed";
  const fs::path dir = fs::temp_directory_path() / ("vigil-am-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "data");
  test::WebhookSink sink;
  std::ofstream(dir / "am.yml") << "route:\n  receiver: sink\n  group_by: [incident]\n  group_wait: 1s\n"
                                   "  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: sink\n"
                                   "    webhook_configs:\n      - url: '"
                                << sink.url("/am") << "'\n        send_resolved: true\n";
  const int port = test::free_port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  {
    test::ChildProcess am(
        {kAlertmanager, "--config.file=" + (dir / "am.yml").string(), "--storage.path=" + (dir / "data").string(),
         "--web.listen-address=127.0.0.1:" + std::to_string(port), "--cluster.listen-address="},
        (dir / "am.log").string());
    httplib::Client client("127.0.0.1", port);
    bool ready = false;
    for (int i = 0; i < 300 && !ready; ++i) {
      auto res = client.Get("/-/ready");
      ready = res && res->status == 200;
      if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(ready) << "alertmanager did not start; see " << (dir / "am.log");

    NotifierConfig config;
    config.name = "am";
    config.type = "alertmanager";
    config.url = base + "/";
    const std::vector<notify::Notification> firing = {incident_change(ChangeKind::Created)};
    auto sent = notify::deliver_alertmanager(config, firing);
    ASSERT_TRUE(sent) << sent.error().message;

    const auto alert = wait_for_status(sink, "firing");
    ASSERT_FALSE(alert.is_null()) << "no firing alert reached the receiver";
    EXPECT_EQ(alert["labels"]["alertname"], "reverse-shell");
    EXPECT_EQ(alert["labels"]["severity"], "critical");
    EXPECT_EQ(alert["labels"]["source"], "vigil-watch");
    EXPECT_EQ(alert["labels"]["subject"], "web-1:/usr/sbin/nginx");
    EXPECT_EQ(alert["labels"]["env"], "prod");
    EXPECT_EQ(alert["annotations"]["summary"], "Reverse shell from nginx worker");
    EXPECT_EQ(alert["generatorURL"], "http://127.0.0.1:8080/incidents/42");

    const std::vector<notify::Notification> resolved = {incident_change(ChangeKind::Resolved)};
    sent = notify::deliver_alertmanager(config, resolved);
    ASSERT_TRUE(sent) << sent.error().message;
    const auto done = wait_for_status(sink, "resolved");
    ASSERT_FALSE(done.is_null()) << "the resolve did not reach the receiver";
    EXPECT_EQ(done["labels"]["alertname"], "reverse-shell");

    // A wrong URL is a delivery error, not a success.
    config.url = base + "/nothing-here";
    EXPECT_FALSE(notify::deliver_alertmanager(config, firing));
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vigil::incidents
