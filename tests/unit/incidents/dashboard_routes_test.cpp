// The dashboard's routes called as functions over a real SQLite store: login and cookie attributes, redirects for
// missing or weak tokens, the security headers, pages with data, 404s, and the admin forms with their CSRF check.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "incidents/dashboard/pages.hpp"
#include "incidents/ingest.hpp"
#include "incidents/sqlite_store.hpp"
#include "incidents/tokens.hpp"
#include "test_support.hpp"

namespace vigil::incidents {
namespace {

namespace fs = std::filesystem;
using server::Request;
using server::Response;

constexpr int64_t kNow = 1'795'791'845'000'000'000;

std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class DashboardRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = open_sqlite_store((dir_.path() / "incidents.db").string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    clear_token_cache();
    read_ = *create_token(*store_, Role::Read, "reader", kNow);
    admin_ = *create_token(*store_, Role::Admin, "alice", kNow);
    ingest_ = *create_token(*store_, Role::Ingest, "sender", kNow);
    Event e{"vigil-watch", "shell", Severity::High, "web-1", "<script>x</script>", kNow, {}, "", "fp-1", false};
    Event e2{"vigil-scan", "CVE-1", Severity::Low, "pkg@1", "old package", kNow, {}, "", "fp-2", false};
    ASSERT_TRUE(ingest(*store_, std::vector<Event>{e, e2}, IngestPolicy{}, kNow));
    routes_ = make_routes(false);
  }
  void TearDown() override {
    routes_.clear();
    store_.reset();
  }

  std::vector<server::Route> make_routes(bool tls) {
    DashboardContext ctx{.store = *store_,
                         .tls = tls,
                         .action_policy = IngestPolicy{},
                         .on_change = [this] { ++changes_; },
                         .now_ns = [] { return kNow + 1; }};
    return dashboard_routes(std::move(ctx));
  }

  Response call(std::string method, std::string path, std::string body = "", std::string cookie = "",
                std::string bearer = "") {
    Request r;
    r.method = std::move(method);
    r.path = path;
    r.body = std::move(body);
    if (!cookie.empty()) r.headers.emplace_back("cookie", "other=1; vigil_session=" + cookie);
    if (!bearer.empty()) r.headers.emplace_back("authorization", "Bearer " + bearer);
    for (const auto& route : routes_) {
      r.path_params.clear();
      if (route.method == r.method && server::match_pattern(route.pattern, path, r.path_params)) {
        return route.handler(r);
      }
    }
    ADD_FAILURE() << "no route for " << r.method << " " << path;
    return {};
  }

  test::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::vector<server::Route> routes_;
  std::string read_, admin_, ingest_;
  int changes_ = 0;
};

TEST_F(DashboardRoutesTest, PagesRedirectToLoginWithoutAReadToken) {
  for (const char* path : {"/", "/incidents/1"}) {
    const Response r = call("GET", path);
    EXPECT_EQ(r.status, 303) << path;
    EXPECT_EQ(header(r, "Location"), "/login");
  }
  EXPECT_EQ(call("GET", "/", "", ingest_).status, 303);      // ingest-only cookie
  EXPECT_EQ(call("GET", "/", "", "", ingest_).status, 303);  // ingest-only bearer
  EXPECT_EQ(call("GET", "/", "", read_ + "x").status, 303);  // wrong secret
  EXPECT_EQ(call("GET", "/", "", "", read_).status, 200);    // bearer header
  const Response login = call("GET", "/login");
  EXPECT_EQ(login.status, 200);
  EXPECT_NE(login.body.find("name=\"token\""), std::string::npos);
}

TEST_F(DashboardRoutesTest, LoginSetsAStrictHttpOnlyCookie) {
  const Response r = call("POST", "/login", "token=" + read_ + "%0A");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location"), "/");
  EXPECT_EQ(header(r, "Set-Cookie"), "vigil_session=" + read_ + "; Path=/; HttpOnly; SameSite=Strict");
  routes_ = make_routes(true);
  EXPECT_EQ(header(call("POST", "/login", "token=" + read_), "Set-Cookie"),
            "vigil_session=" + read_ + "; Path=/; HttpOnly; SameSite=Strict; Secure");
}

TEST_F(DashboardRoutesTest, LoginRefusesBadAndIngestTokens) {
  const Response bad = call("POST", "/login", "token=vgl_1_nope");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(header(bad, "Set-Cookie"), "");
  EXPECT_NE(bad.body.find("That is not a valid token."), std::string::npos);
  const Response hostile = call("POST", "/login", "token=a%3Bb%0D%0ASet-Cookie%3A+x");
  EXPECT_EQ(hostile.status, 401);
  EXPECT_EQ(header(hostile, "Set-Cookie"), "");
  const Response ingest_only = call("POST", "/login", "token=" + ingest_);
  EXPECT_EQ(ingest_only.status, 403);
  EXPECT_EQ(header(ingest_only, "Set-Cookie"), "");
}

TEST_F(DashboardRoutesTest, ListPageHasSecurityHeadersAndEscapedRows) {
  const Response r = call("GET", "/", "", read_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header(r, "Content-Security-Policy"),
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
            "base-uri 'none'");
  EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(r, "Cache-Control"), "no-store");
  EXPECT_NE(r.body.find("&lt;script&gt;x&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);
  EXPECT_NE(r.body.find("<option value=\"vigil-scan\">"), std::string::npos);
  EXPECT_NE(r.body.find("2 open"), std::string::npos);
}

TEST_F(DashboardRoutesTest, ListFiltersAndPages) {
  Request r;
  r.method = "GET";
  r.path = "/";
  r.headers.emplace_back("authorization", "Bearer " + read_);
  r.query = {{"severity", "high"}};
  const Response high = routes_[0].handler(r);
  EXPECT_NE(high.body.find("web-1"), std::string::npos);
  EXPECT_EQ(high.body.find("pkg@1"), std::string::npos);
  r.query = {{"limit", "1"}};
  const Response first = routes_[0].handler(r);
  EXPECT_NE(first.body.find("pkg@1"), std::string::npos);  // incident 2, the newest
  EXPECT_NE(first.body.find("id=\"older\" rel=\"next\" href=\"/?limit=1&amp;before=2\""), std::string::npos);
  r.query = {{"limit", "1"}, {"before", "2"}};
  const Response second = routes_[0].handler(r);
  EXPECT_NE(second.body.find("web-1"), std::string::npos);  // incident 1, the older one
  EXPECT_EQ(second.body.find("pkg@1"), std::string::npos);
  EXPECT_EQ(second.body.find("id=\"older\""), std::string::npos);
}

TEST_F(DashboardRoutesTest, DetailPageAndNotFound) {
  const Response r = call("GET", "/incidents/1", "", read_);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<section id=\"timeline\">"), std::string::npos);
  EXPECT_NE(r.body.find("data-kind=\"created\""), std::string::npos);
  EXPECT_NE(r.body.find("data-kind=\"event\""), std::string::npos);
  EXPECT_NE(r.body.find("<section id=\"deliveries\">"), std::string::npos);
  EXPECT_EQ(r.body.find("id=\"actions\""), std::string::npos);  // a read token gets no forms
  EXPECT_EQ(call("GET", "/incidents/99", "", read_).status, 404);
  EXPECT_EQ(call("GET", "/incidents/abc", "", read_).status, 404);
  EXPECT_EQ(call("GET", "/incidents/-1", "", read_).status, 404);
}

TEST_F(DashboardRoutesTest, AdminActionsNeedTheCsrfToken) {
  const Response page = call("GET", "/incidents/1", "", admin_);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]{64})\""))) << page.body;
  const std::string csrf = m[1];
  EXPECT_EQ(call("POST", "/incidents/1/actions", "action=acknowledge&csrf=" + std::string(64, '0'), admin_).status,
            403);
  EXPECT_EQ(call("POST", "/incidents/1/actions", "action=acknowledge", admin_).status, 403);
  EXPECT_EQ(call("POST", "/incidents/1/actions", "action=acknowledge&csrf=" + csrf, read_).status, 403);
  EXPECT_EQ(changes_, 0);
  const Response ack = call("POST", "/incidents/1/actions", "action=acknowledge&csrf=" + csrf, admin_);
  EXPECT_EQ(ack.status, 303);
  EXPECT_EQ(header(ack, "Location"), "/incidents/1");
  EXPECT_EQ((*store_->get_incident(1))->status, Status::Acknowledged);
  const Response comment =
      call("POST", "/incidents/1/actions", "action=comment&text=on+it+%3Cnow%3E&csrf=" + csrf, admin_);
  EXPECT_EQ(comment.status, 303);
  EXPECT_EQ(changes_, 2);
  const Response after = call("GET", "/incidents/1", "", admin_);
  EXPECT_NE(after.body.find("on it &lt;now&gt;"), std::string::npos);
  EXPECT_NE(after.body.find("by <span class=\"actor\">alice</span>"), std::string::npos);
  EXPECT_EQ(call("POST", "/incidents/1/actions", "action=comment&text=&csrf=" + csrf, admin_).status, 400);
  EXPECT_EQ(call("POST", "/incidents/1/actions", "action=explode&csrf=" + csrf, admin_).status, 400);
  EXPECT_EQ(call("POST", "/incidents/77/actions", "action=resolve&csrf=" + csrf, admin_).status, 404);
  // A CSRF token belongs to its session: another admin token's form does not validate it.
  const std::string other = *create_token(*store_, Role::Admin, "bob", kNow);
  EXPECT_EQ(call("POST", "/incidents/1/actions", "action=resolve&csrf=" + csrf, other).status, 403);
}

TEST_F(DashboardRoutesTest, LogoutClearsTheCookie) {
  const Response r = call("POST", "/logout", "", read_);
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location"), "/login");
  EXPECT_EQ(header(r, "Set-Cookie"), "vigil_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

}  // namespace
}  // namespace vigil::incidents
