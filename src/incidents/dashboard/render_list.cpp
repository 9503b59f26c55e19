// The incident list page: filter form (a plain GET form, so it works without JavaScript), the table, and the
// "older" link that keeps the filters.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "incidents/dashboard/html.hpp"
#include "incidents/dashboard/pages.hpp"

namespace vigil::incidents {
namespace {

using dashboard::append_escaped;

constexpr std::array kStatuses{Status::Open, Status::Acknowledged, Status::Resolved};
constexpr std::array kSeverities{Severity::Low, Severity::Medium, Severity::High, Severity::Critical};

void append_option(std::string& out, std::string_view value, std::string_view label, bool selected) {
  out += "<option value=\"";
  append_escaped(out, value);
  out += selected ? "\" selected>" : "\">";
  append_escaped(out, label);
  out += "</option>";
}

void append_filter_form(std::string& out, const ListPage& page) {
  const ListQuery& q = page.query;
  out += "<form class=\"filters\" method=\"get\" action=\"/\" id=\"filters\">";
  out += "<label>Status<select name=\"status\" id=\"filter-status\">";
  append_option(out, "", "any", !q.status);
  for (Status s : kStatuses) append_option(out, status_name(s), status_name(s), q.status == s);
  out += "</select></label><label>Severity at least<select name=\"severity\" id=\"filter-severity\">";
  append_option(out, "", "any", !q.severity);
  for (Severity s : kSeverities) append_option(out, severity_name(s), severity_name(s), q.severity == s);
  out += "</select></label><label>Source<select name=\"source\" id=\"filter-source\">";
  append_option(out, "", "any", q.source.empty());
  std::vector<std::string> sources = page.sources;
  if (!q.source.empty()) sources.push_back(q.source);
  std::sort(sources.begin(), sources.end());
  sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
  for (const std::string& s : sources) append_option(out, s, s, s == q.source);
  out += "</select></label>";
  if (q.limit != ListQuery{}.limit) out += fmt::format("<input type=\"hidden\" name=\"limit\" value=\"{}\">", q.limit);
  out += "<button type=\"submit\" id=\"apply-filters\">Filter</button><a href=\"/\">Clear</a></form>";
}

void append_summary(std::string& out, const IncidentCounts& counts) {
  out += "<p class=\"summary\" id=\"summary\">";
  bool first = true;
  for (Status s : kStatuses) {
    int64_t n = 0;
    for (Severity sev : kSeverities) n += counts.by_status_severity[static_cast<int>(s)][static_cast<int>(sev)];
    if (!first) out += " · ";
    first = false;
    out += fmt::format("{} {}", n, status_name(s));
  }
  out += fmt::format(" · {} events · {} notifications pending", counts.events, counts.outbox_pending);
  if (counts.outbox_failed > 0) out += fmt::format(" · <span class=\"error\">{} failed</span>", counts.outbox_failed);
  out += "</p>";
}

void append_row(std::string& out, const Incident& incident) {
  out += fmt::format("<tr class=\"incident\" data-id=\"{}\"><td class=\"id\"><a href=\"/incidents/{}\">#{}</a></td>",
                     incident.id, incident.id, incident.id);
  out += "<td class=\"severity\">";
  dashboard::append_severity_badge(out, incident.severity);
  out += "</td><td class=\"status\">";
  dashboard::append_status_badge(out, incident.status);
  out += fmt::format("</td><td class=\"title\"><a href=\"/incidents/{}\">", incident.id);
  append_escaped(out, incident.title);
  out += "</a></td><td class=\"source\">";
  append_escaped(out, incident.source);
  out += "</td><td class=\"subject\">";
  append_escaped(out, incident.subject);
  out += fmt::format("</td><td class=\"count num\">{}</td><td class=\"first-seen\">", incident.count);
  dashboard::append_time(out, incident.first_seen_ns);
  out += "</td><td class=\"last-seen\">";
  dashboard::append_time(out, incident.last_seen_ns);
  out += "</td><td class=\"assignee\">";
  append_escaped(out, incident.assignee);
  out += "</td></tr>";
}

}  // namespace

std::string render_incident_list(const ListPage& page) {
  std::string body;
  body.reserve(4096 + page.incidents.size() * 700);
  body += "<h1>Incidents</h1>";
  append_filter_form(body, page);
  if (page.counts) append_summary(body, *page.counts);
  if (page.incidents.empty()) {
    body += "<p class=\"empty\" id=\"no-incidents\">No incidents match these filters.</p>";
  } else {
    body +=
        "<table id=\"incidents\"><thead><tr><th>ID</th><th>Severity</th><th>Status</th><th>Title</th>"
        "<th>Source</th><th>Subject</th><th>Count</th><th>First seen (UTC)</th><th>Last seen (UTC)</th>"
        "<th>Assignee</th></tr></thead><tbody>";
    for (const Incident& incident : page.incidents) append_row(body, incident);
    body += "</tbody></table>";
  }
  body += "<nav class=\"paging\">";
  if (page.query.before_id > 0) {
    body += "<a id=\"newest\" href=\"";
    append_escaped(body, dashboard::list_url(page.query, 0));
    body += "\">Newest</a> ";
  }
  if (page.has_more && !page.incidents.empty()) {
    body += "<a id=\"older\" rel=\"next\" href=\"";
    append_escaped(body, dashboard::list_url(page.query, page.incidents.back().id));
    body += "\">Older →</a>";
  }
  body += "</nav>";
  return dashboard::page_frame("Incidents", body, true);
}

}  // namespace vigil::incidents
