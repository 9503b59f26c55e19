// The incident detail page: its fields and labels, one timeline merging the incident's changes with its latest
// events in time order, its notification deliveries, and (for admins) the action forms; also the login page.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <tuple>

#include "incidents/dashboard/html.hpp"
#include "incidents/dashboard/pages.hpp"

namespace vigil::incidents {
namespace {

using dashboard::append_escaped;

constexpr size_t kMaxDetailsShown = 4096;             // a sender's details JSON beyond this is cut in the page
constexpr int64_t kSenderClockSlack = 1'000'000'000;  // sender and receipt times closer than this are not both shown

void append_field(std::string& out, std::string_view name, std::string_view value_html) {
  out += "<dt>";
  out += name;
  out += "</dt><dd>";
  out += value_html;
  out += "</dd>";
}

std::string escaped(std::string_view text) {
  return html_escape(text);
}

std::string time_html(int64_t ns) {
  std::string out;
  dashboard::append_time(out, ns);
  return out;
}

void append_fields(std::string& out, const Incident& in) {
  std::string severity;
  dashboard::append_severity_badge(severity, in.severity);
  std::string status;
  dashboard::append_status_badge(status, in.status);
  out += "<dl class=\"fields\" id=\"fields\">";
  append_field(out, "Status", status);
  append_field(out, "Severity", severity);
  append_field(out, "Source", escaped(in.source));
  append_field(out, "Rule", escaped(in.rule));
  append_field(out, "Subject", "<code>" + escaped(in.subject) + "</code>");
  append_field(out, "Fingerprint", "<code>" + escaped(in.fingerprint) + "</code>");
  append_field(out, "Events", std::to_string(in.count));
  append_field(out, "First seen", time_html(in.first_seen_ns));
  append_field(out, "Last seen", time_html(in.last_seen_ns));
  append_field(out, "Updated", time_html(in.updated_ns));
  if (in.resolved_ns != 0) append_field(out, "Resolved", time_html(in.resolved_ns));
  append_field(out, "Assignee", in.assignee.empty() ? "–" : escaped(in.assignee));
  out += "</dl>";
}

void append_labels(std::string& out, const Labels& labels) {
  out += "<section id=\"labels\"><h2>Labels</h2>";
  if (labels.empty()) {
    out += "<p class=\"empty\">No labels.</p></section>";
    return;
  }
  out += "<dl class=\"fields\">";
  for (const auto& [key, value] : labels) append_field(out, escaped(key), escaped(value));
  out += "</dl></section>";
}

void append_change(std::string& out, const TimelineEntry& entry) {
  const std::string_view kind = change_kind_name(entry.kind);
  out += fmt::format("<li class=\"change change-{0}\" data-kind=\"{0}\">", kind);
  dashboard::append_time(out, entry.time_ns);
  out += fmt::format("<span class=\"kind\">{}</span>", kind);
  if (!entry.actor.empty()) {
    out += "by <span class=\"actor\">";
    append_escaped(out, entry.actor);
    out += "</span>";
  }
  if (!entry.text.empty()) {
    out += entry.kind == ChangeKind::Commented ? "<pre class=\"text\">" : ": <span class=\"text\">";
    append_escaped(out, entry.text);
    out += entry.kind == ChangeKind::Commented ? "</pre>" : "</span>";
  }
  out += "</li>";
}

// Events are placed by when the service received them, so they line up with the changes they caused (created,
// escalated...); the sender's own time is shown beside when it differs.
int64_t event_time(const StoredEvent& stored) {
  return stored.received_ns != 0 ? stored.received_ns : stored.event.time_ns;
}

void append_event(std::string& out, const StoredEvent& stored) {
  const Event& e = stored.event;
  out += fmt::format("<li class=\"event{}\" data-kind=\"event\">", e.resolved ? " event-resolved" : "");
  dashboard::append_time(out, event_time(stored));
  out += "<span class=\"kind\">event</span>";
  dashboard::append_severity_badge(out, e.severity);
  out += " <span class=\"title\">";
  append_escaped(out, e.title);
  out += "</span> <span class=\"origin\">(";
  append_escaped(out, e.source);
  out += " / ";
  append_escaped(out, e.rule);
  out += e.resolved ? ", resolved)</span>" : ")</span>";
  if (e.time_ns != 0 && std::llabs(e.time_ns - event_time(stored)) >= kSenderClockSlack) {
    out += " <span class=\"sent\">sent ";
    dashboard::append_time(out, e.time_ns);
    out += "</span>";
  }
  if (!e.details_json.empty() && e.details_json != "null") {
    out += "<details><summary>details</summary><pre>";
    append_escaped(out, std::string_view(e.details_json).substr(0, kMaxDetailsShown));
    if (e.details_json.size() > kMaxDetailsShown) out += " …";
    out += "</pre></details>";
  }
  out += "</li>";
}

// Changes and events in time order; at equal times the change comes first (the event that created an incident is
// stored in the same transaction as the change).
void append_timeline(std::string& out, const DetailPage& page) {
  struct Item {
    int64_t time_ns;
    int rank;           // changes before events at the same time
    int64_t sender_ns;  // events received together: in the senders' order
    int64_t id;         // then in the order they were stored
    size_t index;
  };
  std::vector<Item> items;
  items.reserve(page.timeline.size() + page.events.size());
  for (size_t i = 0; i < page.timeline.size(); ++i) {
    const TimelineEntry& t = page.timeline[i];
    items.push_back({t.time_ns, 0, 0, t.id, i});
  }
  for (size_t i = 0; i < page.events.size(); ++i) {
    const StoredEvent& e = page.events[i];
    items.push_back({event_time(e), 1, e.event.time_ns, e.id, i});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return std::tie(a.time_ns, a.rank, a.sender_ns, a.id, a.index) <
           std::tie(b.time_ns, b.rank, b.sender_ns, b.id, b.index);
  });
  out += fmt::format(
      "<section id=\"timeline\"><h2>Timeline</h2><p class=\"summary\">{} changes, latest {} events"
      "</p><ol class=\"timeline\">",
      page.timeline.size(), page.events.size());
  for (const Item& item : items) {
    if (item.rank == 0) {
      append_change(out, page.timeline[item.index]);
    } else {
      append_event(out, page.events[item.index]);
    }
  }
  out += "</ol></section>";
}

void append_delivery(std::string& out, const OutboxItem& item) {
  const char* state = item.delivered_ns != 0 ? "delivered" : item.failed ? "failed" : "pending";
  out += fmt::format("<tr class=\"delivery {0}\" data-state=\"{0}\"><td class=\"notifier\">", state);
  append_escaped(out, item.notifier);
  out += fmt::format("</td><td class=\"kind\">{}</td><td class=\"attempts num\">{}</td><td class=\"state {}\">",
                     change_kind_name(item.kind), item.attempts, state);
  if (item.delivered_ns != 0) {
    out += "delivered ";
    dashboard::append_time(out, item.delivered_ns);
  } else if (item.failed) {
    out += "failed";
  } else {
    out += "pending, next attempt ";
    dashboard::append_time(out, item.next_attempt_ns);
  }
  out += "</td><td class=\"last-error\">";
  append_escaped(out, item.last_error);
  out += "</td></tr>";
}

void append_deliveries(std::string& out, const std::vector<OutboxItem>& deliveries) {
  out += "<section id=\"deliveries\"><h2>Notifications</h2>";
  if (deliveries.empty()) {
    out += "<p class=\"empty\">No notifications for this incident.</p></section>";
    return;
  }
  out +=
      "<table><thead><tr><th>Notifier</th><th>Change</th><th>Attempts</th><th>State</th><th>Last error</th>"
      "</tr></thead><tbody>";
  for (const OutboxItem& item : deliveries) append_delivery(out, item);
  out += "</tbody></table></section>";
}

void append_action_form(std::string& out, const DetailPage& page, std::string_view action, std::string_view label) {
  out += fmt::format("<form method=\"post\" action=\"/incidents/{}/actions\">", page.incident.id);
  out += "<input type=\"hidden\" name=\"csrf\" value=\"";
  append_escaped(out, page.csrf_token);
  out += fmt::format("\"><input type=\"hidden\" name=\"action\" value=\"{}\">", action);
  if (action == "comment") {
    out += "<textarea name=\"text\" rows=\"2\" cols=\"50\" required placeholder=\"Comment\"></textarea> ";
  } else if (action == "assign") {
    out += "<input type=\"text\" name=\"text\" placeholder=\"Assignee\" required> ";
  }
  out += fmt::format("<button type=\"submit\" id=\"action-{}\">{}</button></form>", action, label);
}

void append_actions(std::string& out, const DetailPage& page) {
  out += "<section class=\"actions\" id=\"actions\"><h2>Actions</h2>";
  const Status status = page.incident.status;
  if (status == Status::Open) append_action_form(out, page, "acknowledge", "Acknowledge");
  if (status != Status::Resolved) append_action_form(out, page, "resolve", "Resolve");
  if (status == Status::Resolved) append_action_form(out, page, "reopen", "Reopen");
  append_action_form(out, page, "assign", "Assign");
  append_action_form(out, page, "comment", "Comment");
  out += "</section>";
}

}  // namespace

std::string render_incident_detail(const DetailPage& page) {
  const Incident& in = page.incident;
  std::string body;
  body.reserve(8192 + page.events.size() * 400);
  body += "<p><a href=\"/\" id=\"back\">← All incidents</a></p><h1 id=\"incident-title\">";
  dashboard::append_severity_badge(body, in.severity);
  body += fmt::format(" #{} ", in.id);
  append_escaped(body, in.title);
  body += "</h1>";
  append_fields(body, in);
  append_labels(body, in.labels);
  if (!page.csrf_token.empty()) append_actions(body, page);
  append_timeline(body, page);
  append_deliveries(body, page.deliveries);
  return dashboard::page_frame(fmt::format("#{} {}", in.id, in.title), body, true);
}

std::string render_login(std::string_view error_message) {
  std::string body = "<h1>Sign in</h1>";
  if (!error_message.empty()) {
    body += "<p class=\"error\" id=\"login-error\">";
    append_escaped(body, error_message);
    body += "</p>";
  }
  body +=
      "<form method=\"post\" action=\"/login\" id=\"login\"><p><label>API token (read or admin role)<br>"
      "<input type=\"password\" name=\"token\" id=\"token\" size=\"60\" autocomplete=\"off\" required autofocus>"
      "</label></p><p><button type=\"submit\" id=\"sign-in\">Sign in</button></p></form>"
      "<p class=\"summary\">Create one with <code>vigil incidents token create --db URL --role read</code>.</p>";
  return dashboard::page_frame("Sign in", body, false);
}

}  // namespace vigil::incidents
