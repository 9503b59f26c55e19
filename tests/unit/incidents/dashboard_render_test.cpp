// The dashboard's pure renderers: escaping of untrusted strings, filters and paging links, empty states, the
// detail page's merged timeline and deliveries, and the small form/cookie parsers behind the login.
#include <gtest/gtest.h>

#include <string>

#include "incidents/dashboard/html.hpp"
#include "incidents/dashboard/pages.hpp"

namespace vigil::incidents {
namespace {

constexpr int64_t kT0 = 1'795'791'845'123'000'000;  // 2026-11-27T15:04:05.123Z
constexpr int64_t kSecond = 1'000'000'000;

const std::string kHostile = R"(<script>alert("x")</script> & 'quoted' <img src=x onerror=alert(1)>)";

Incident make_incident(int64_t id, Severity severity, std::string title) {
  Incident in;
  in.id = id;
  in.fingerprint = "fp" + std::to_string(id);
  in.severity = severity;
  in.status = Status::Open;
  in.title = std::move(title);
  in.source = "vigil-watch";
  in.rule = "shell_in_container";
  in.subject = "web-1:/bin/sh";
  in.count = 3;
  in.first_seen_ns = kT0;
  in.last_seen_ns = kT0 + 90 * kSecond;
  in.updated_ns = kT0 + 90 * kSecond;
  return in;
}

size_t occurrences(const std::string& haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

TEST(DashboardHtml, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(html_escape(R"(<a href="x">'&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("plain text ü"), "plain text ü");
  EXPECT_EQ(html_escape(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(DashboardHtml, FormatsTimesAsRfc3339Utc) {
  EXPECT_EQ(rfc3339_utc(kT0), "2026-11-27T15:04:05.123Z");
  EXPECT_EQ(rfc3339_utc(1 * kSecond), "1970-01-01T00:00:01.000Z");
  EXPECT_EQ(rfc3339_utc(0), "");
  EXPECT_EQ(rfc3339_utc(-1), "1969-12-31T23:59:59.999Z");
}

TEST(DashboardHtml, ListUrlKeepsFiltersAndEncodesThem) {
  ListQuery q;
  q.status = Status::Acknowledged;
  q.severity = Severity::High;
  q.source = "my source&x=1";
  EXPECT_EQ(dashboard::list_url(q, 42), "/?status=acknowledged&severity=high&source=my%20source%26x%3D1&before=42");
  EXPECT_EQ(dashboard::list_url(ListQuery{}, 0), "/");
  q = ListQuery{};
  q.limit = 10;
  EXPECT_EQ(dashboard::list_url(q, 7), "/?limit=10&before=7");
}

TEST(DashboardHtml, ParsesForms) {
  const auto form = dashboard::parse_form("token=vgl_1_abc-_&text=two+words%21%0A&empty=&flag&bad=%zz%4");
  ASSERT_EQ(form.size(), 5U);
  EXPECT_EQ(form[0], (std::pair<std::string, std::string>{"token", "vgl_1_abc-_"}));
  EXPECT_EQ(form[1].second, "two words!\n");
  EXPECT_EQ(form[2].second, "");
  EXPECT_EQ(form[3].first, "flag");
  EXPECT_EQ(form[4].second, "%zz%4");
}

TEST(DashboardHtml, FindsCookies) {
  EXPECT_EQ(dashboard::cookie_value("a=1; vigil_session=vgl_2_x; b=2", "vigil_session"), "vgl_2_x");
  EXPECT_EQ(dashboard::cookie_value("vigil_session=t", "vigil_session"), "t");
  EXPECT_FALSE(dashboard::cookie_value("xvigil_session=t; other=1", "vigil_session"));
  EXPECT_FALSE(dashboard::cookie_value("", "vigil_session"));
}

TEST(DashboardList, RendersRowsWithBadgesAndEscapedText) {
  ListPage page;
  page.incidents = {make_incident(7, Severity::Critical, kHostile), make_incident(5, Severity::Low, "disk full")};
  page.incidents[1].assignee = "<b>ops</b>";
  page.incidents[1].source = "vigil-scan";
  const std::string html = render_incident_list(page);
  EXPECT_EQ(occurrences(html, "<tr class=\"incident\""), 2U);
  EXPECT_NE(html.find("<span class=\"badge sev-critical\" data-severity=\"critical\">critical</span>"),
            std::string::npos);
  EXPECT_NE(html.find("sev-low"), std::string::npos);
  EXPECT_NE(html.find("href=\"/incidents/7\""), std::string::npos);
  EXPECT_NE(html.find("2026-11-27T15:04:05.123Z"), std::string::npos);
  EXPECT_NE(html.find("2026-11-27T15:05:35.123Z"), std::string::npos);
  // The hostile title and assignee appear only escaped.
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("<b>ops"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;ops&lt;/b&gt;"), std::string::npos);
  // No script, no external resource.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("id=\"older\""), std::string::npos);
}

TEST(DashboardList, EmptyListSaysSo) {
  const std::string html = render_incident_list(ListPage{});
  EXPECT_NE(html.find("id=\"no-incidents\""), std::string::npos);
  EXPECT_EQ(html.find("<table"), std::string::npos);
  EXPECT_NE(html.find("<form class=\"filters\" method=\"get\" action=\"/\""), std::string::npos);
}

TEST(DashboardList, FiltersAreSelectedAndOlderLinkKeepsThem) {
  ListPage page;
  page.query.status = Status::Open;
  page.query.severity = Severity::High;
  page.query.source = "vigil-flood";
  page.sources = {"vigil-watch", "vigil-scan", "vigil-watch", "<evil>"};
  page.incidents = {make_incident(9, Severity::High, "a"), make_incident(8, Severity::Critical, "b")};
  page.has_more = true;
  const std::string html = render_incident_list(page);
  EXPECT_NE(html.find("<option value=\"open\" selected>open</option>"), std::string::npos);
  EXPECT_NE(html.find("<option value=\"high\" selected>high</option>"), std::string::npos);
  EXPECT_NE(html.find("<option value=\"vigil-flood\" selected>vigil-flood</option>"), std::string::npos);
  EXPECT_EQ(occurrences(html, "<option value=\"vigil-watch\">"), 1U);  // deduplicated
  EXPECT_NE(html.find("<option value=\"&lt;evil&gt;\">&lt;evil&gt;</option>"), std::string::npos);
  EXPECT_NE(html.find("<a id=\"older\" rel=\"next\" href=\"/?status=open&amp;severity=high&amp;source=vigil-flood"
                      "&amp;before=8\">"),
            std::string::npos);
}

TEST(DashboardList, ParsesQueryAndBuildsFilter) {
  server::Request request;
  request.query = {
      {"status", "resolved"}, {"severity", "bogus"}, {"source", "vigil-scan"}, {"before", "17"}, {"limit", "1000"}};
  const ListQuery q = parse_list_query(request);
  EXPECT_EQ(q.status, Status::Resolved);
  EXPECT_FALSE(q.severity);  // invalid values are ignored
  EXPECT_EQ(q.source, "vigil-scan");
  EXPECT_EQ(q.before_id, 17);
  EXPECT_EQ(q.limit, 200U);
  const IncidentFilter f = to_filter(q);
  EXPECT_EQ(f.status, Status::Resolved);
  EXPECT_EQ(f.source, "vigil-scan");
  EXPECT_EQ(f.before_id, 17);
  EXPECT_EQ(f.limit, 201U);  // one extra row tells whether older ones exist
  request.query = {{"before", "-3"}, {"limit", "x"}};
  EXPECT_EQ(parse_list_query(request).before_id, 0);
  EXPECT_EQ(parse_list_query(request).limit, 50U);
}

DetailPage make_detail() {
  DetailPage page;
  page.incident = make_incident(3, Severity::Critical, kHostile);
  page.incident.labels = {{"cluster", "prod<1>"}, {"team", "payments"}};
  page.timeline = {
      {1, 3, kT0, ChangeKind::Created, "ingest", ""},
      {2, 3, kT0 + 60 * kSecond, ChangeKind::Escalated, "ingest", "severity high -> critical"},
      {3, 3, kT0 + 120 * kSecond, ChangeKind::Commented, "alice", "looking <now>"},
  };
  StoredEvent first{10, 3, kT0, Event{}};
  first.event = {"vigil-watch", "shell", Severity::High, "web-1", kHostile, kT0, {}, R"({"pid":1})", "fp3", false};
  StoredEvent second{11, 3, kT0 + 60 * kSecond, first.event};
  second.event.severity = Severity::Critical;
  second.event.time_ns = kT0 + 60 * kSecond;
  second.event.title = "second event";
  page.events = {second, first};  // newest first, as the store returns them
  OutboxItem delivered;
  delivered.notifier = "slack-ops";
  delivered.kind = ChangeKind::Created;
  delivered.attempts = 1;
  delivered.delivered_ns = kT0 + 1 * kSecond;
  OutboxItem failed = delivered;
  failed.notifier = "pager";
  failed.delivered_ns = 0;
  failed.failed = true;
  failed.attempts = 8;
  failed.last_error = "HTTP 500 from <receiver>";
  page.deliveries = {delivered, failed};
  return page;
}

TEST(DashboardDetail, MergesTimelineAndEventsInTimeOrder) {
  const std::string html = render_incident_detail(make_detail());
  const size_t created = html.find("data-kind=\"created\"");
  const size_t first_event = html.find("data-kind=\"event\"");
  const size_t escalated = html.find("data-kind=\"escalated\"");
  const size_t second_event = html.find("second event");
  const size_t commented = html.find("data-kind=\"commented\"");
  ASSERT_NE(created, std::string::npos);
  ASSERT_NE(commented, std::string::npos);
  EXPECT_LT(created, first_event);  // same time: the change first
  EXPECT_LT(first_event, escalated);
  EXPECT_LT(escalated, second_event);
  EXPECT_LT(second_event, commented);
  EXPECT_NE(html.find("looking &lt;now&gt;"), std::string::npos);
  EXPECT_NE(html.find("{&quot;pid&quot;:1}"), std::string::npos);
  EXPECT_NE(html.find("severity high -&gt; critical"), std::string::npos);
}

TEST(DashboardDetail, PlacesEventsByReceiptAndShowsTheSendersTime) {
  DetailPage page = make_detail();
  page.events[1].received_ns = kT0 + 90 * kSecond;  // the first event arrived late: after the escalation
  const std::string html = render_incident_detail(page);
  const size_t escalated = html.find("data-kind=\"escalated\"");
  const size_t late = html.find("<span class=\"sent\">sent <time datetime=\"2026-11-27T15:04:05.123Z\">");
  ASSERT_NE(late, std::string::npos);
  EXPECT_LT(escalated, late);
  EXPECT_EQ(occurrences(html, "class=\"sent\""), 1U);  // on time elsewhere: one time shown
}

TEST(DashboardDetail, EventsReceivedTogetherFollowTheSendersOrder) {
  DetailPage page = make_detail();
  page.timeline.clear();
  page.events[0].received_ns = page.events[1].received_ns = kT0 + 5 * kSecond;  // one batch
  const std::string html = render_incident_detail(page);
  EXPECT_LT(html.find("data-severity=\"high\">high</span> <span class=\"title\">"), html.find("second event"));
}

TEST(DashboardDetail, ShowsFieldsLabelsAndDeliveriesEscaped) {
  const std::string html = render_incident_detail(make_detail());
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(occurrences(html, "&lt;script&gt;alert"), 3U);  // <title>, heading, the first event
  EXPECT_NE(html.find("prod&lt;1&gt;"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"deliveries\">"), std::string::npos);
  EXPECT_NE(html.find("data-state=\"delivered\""), std::string::npos);
  EXPECT_NE(html.find("delivered <time datetime=\"2026-11-27T15:04:06.123Z\">"), std::string::npos);
  EXPECT_NE(html.find("data-state=\"failed\""), std::string::npos);
  EXPECT_NE(html.find("HTTP 500 from &lt;receiver&gt;"), std::string::npos);
  EXPECT_EQ(html.find("id=\"actions\""), std::string::npos);  // no CSRF token: read-only
}

TEST(DashboardDetail, EmptySectionsAndAdminForms) {
  DetailPage page;
  page.incident = make_incident(4, Severity::Low, "quiet");
  page.csrf_token = "c0ffee";
  const std::string html = render_incident_detail(page);
  EXPECT_NE(html.find("No labels."), std::string::npos);
  EXPECT_NE(html.find("No notifications for this incident."), std::string::npos);
  EXPECT_NE(html.find("<form method=\"post\" action=\"/incidents/4/actions\">"), std::string::npos);
  EXPECT_NE(html.find("name=\"csrf\" value=\"c0ffee\""), std::string::npos);
  EXPECT_NE(html.find("id=\"action-acknowledge\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"action-reopen\""), std::string::npos);
}

TEST(DashboardLogin, FormPostsTokenAndEscapesMessage) {
  const std::string html = render_login("bad <token>");
  EXPECT_NE(html.find("<form method=\"post\" action=\"/login\""), std::string::npos);
  EXPECT_NE(html.find("type=\"password\" name=\"token\""), std::string::npos);
  EXPECT_NE(html.find("bad &lt;token&gt;"), std::string::npos);
  EXPECT_EQ(html.find("id=\"logout\""), std::string::npos);
}

}  // namespace
}  // namespace vigil::incidents
