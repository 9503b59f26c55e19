// The email notifier against a local SMTP receiver (Python's smtpd, in Debian 12's python3) that writes every
// message it accepts to a directory.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "incidents/notify/notifiers.hpp"
#include "notify_peers.hpp"

namespace vigil::incidents {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSinkScript = R"PY(
import asyncore, json, os, sys, warnings
warnings.simplefilter("ignore")
import smtpd
out = sys.argv[1]
class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kw):
        path = os.path.join(out, "%d.json" % len(os.listdir(out)))
        with open(path + ".tmp", "w") as f:
            json.dump({"from": mailfrom, "to": rcpttos, "data": data.decode("utf-8")}, f)
        os.rename(path + ".tmp", path)
s = Sink(("127.0.0.1", 0), None, decode_data=False)
print(s.socket.getsockname()[1], flush=True)
asyncore.loop()
)PY";

notify::Notification change(int64_t id, std::string title) {
  notify::Notification n;
  n.item.incident_id = id;
  n.item.kind = ChangeKind::Created;
  n.item.notifier = "mail";
  n.item.idempotency_key = std::to_string(id) + "-1-mail";
  n.incident.id = id;
  n.incident.severity = Severity::High;
  n.incident.title = std::move(title);
  n.incident.source = "vigil-scan";
  n.incident.rule = "CVE-2026-4242";
  n.incident.subject = "registry.example.com/app@sha256:0123";
  n.incident.count = 1;
  n.incident.first_seen_ns = n.incident.last_seen_ns = int64_t{1'795'785'600} * 1'000'000'000;
  return n;
}

TEST(EmailNotifier, DeliversOneMessageToEveryRecipient) {
  const fs::path dir = fs::temp_directory_path() / ("vigil-smtp-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "mail");
  std::ofstream(dir / "sink.py") << kSinkScript;
  {
    test::ChildProcess sink({"/usr/bin/python3", (dir / "sink.py").string(), (dir / "mail").string()},
                            (dir / "sink.log").string());
    const std::string port = sink.read_line();
    ASSERT_FALSE(port.empty()) << "the SMTP sink did not start; see " << (dir / "sink.log");

    NotifierConfig config;
    config.name = "mail";
    config.type = "email";
    config.smtp_url = "smtp://127.0.0.1:" + port;
    config.from = "vigil@example.com";
    config.to = {"secops@example.com", "oncall@example.com"};
    ASSERT_TRUE(notify::validate_email(config).empty());
    const std::vector<notify::Notification> group = {change(7, "Critical CVE in app image"),
                                                     change(8, ".leading dot line")};
    auto sent = notify::deliver_email(config, group);
    ASSERT_TRUE(sent) << sent.error().message;

    // deliver_email returns after the server accepted DATA; the sink writes the file before answering.
    const fs::path file = dir / "mail" / "0.json";
    ASSERT_TRUE(fs::exists(file));
    std::stringstream text;
    text << std::ifstream(file).rdbuf();
    const auto mail = nlohmann::json::parse(text.str());
    EXPECT_EQ(mail["from"], "vigil@example.com");
    EXPECT_EQ(mail["to"], nlohmann::json::array({"secops@example.com", "oncall@example.com"}));
    const std::string data = mail["data"];
    EXPECT_NE(data.find("Subject: [vigil] created high: Critical CVE in app image (+1 more)"), std::string::npos)
        << data;
    EXPECT_NE(data.find("Message-ID: <7-1-mail@vigil.incidents>"), std::string::npos) << data;
    EXPECT_NE(data.find("subject: registry.example.com/app@sha256:0123"), std::string::npos) << data;
    EXPECT_NE(data.find("incident #8 (open): .leading dot line"), std::string::npos) << data;

    // A refused connection is an error for the dispatcher to retry.
    config.smtp_url = "smtp://127.0.0.1:1";
    EXPECT_FALSE(notify::deliver_email(config, group));
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vigil::incidents
