// The Slack notifier: an incoming-webhook message with a one-line text (what notifications and screen readers
// show) and one mrkdwn section per incident of the group.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "incidents/notify/http_send.hpp"
#include "incidents/notify/notifiers.hpp"

namespace vigil::incidents::notify {
namespace {

// Slack's mrkdwn treats &, < and > as control characters; everything else is text.
std::string escape_mrkdwn(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string section_text(const Notification& n) {
  const Incident& i = n.incident;
  const std::string link = incident_link(n);
  const std::string title = escape_mrkdwn(i.title);
  std::string text = fmt::format("*{}* [{}] {} #{}: ", escape_mrkdwn(change_kind_name(n.item.kind)),
                                 severity_name(i.severity), status_name(i.status), i.id);
  text += link.empty() ? title : fmt::format("<{}|{}>", escape_mrkdwn(link), title);
  text += fmt::format("\nsource `{}` rule `{}` subject `{}` events {}", escape_mrkdwn(i.source), escape_mrkdwn(i.rule),
                      escape_mrkdwn(i.subject), i.count);
  return text.substr(0, 2900);  // a section's text is limited to 3000 characters
}

}  // namespace

std::string slack_body(std::span<const Notification> group) {
  nlohmann::json blocks = nlohmann::json::array();
  // Slack accepts at most 50 blocks per message.
  for (size_t i = 0; i < group.size() && i < 50; ++i) {
    blocks.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", section_text(group[i])}}}});
  }
  const Incident& first = group.front().incident;
  std::string text = fmt::format("vigil: {} {} incident #{}: {}", change_kind_name(group.front().item.kind),
                                 severity_name(first.severity), first.id, escape_mrkdwn(first.title));
  if (group.size() > 1) text += fmt::format(" (+{} more)", group.size() - 1);
  const nlohmann::json body = {{"text", text}, {"blocks", blocks}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> validate_slack(const NotifierConfig& config) {
  if (config.url.empty()) return {"slack needs a url (the incoming webhook URL)"};
  if (!is_http_url(config.url)) return {"url must be an http:// or https:// URL"};
  return {};
}

Result<void> deliver_slack(const NotifierConfig& config, std::span<const Notification> group) {
  return post_expect_2xx("slack", config.url, slack_body(group), {"Content-Type: application/json"});
}

}  // namespace vigil::incidents::notify
