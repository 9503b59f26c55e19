// Access-log parsers over realistic lines (tests/data/incidents/logs, also the fuzz seeds): nginx combined,
// Apache common/combined, JSON lines, the CLF time, and malformed lines rejected without a crash.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "incidents/flood/access_log.hpp"
#include "test_support.hpp"

namespace vigil::incidents::flood {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t k150405 = int64_t{1'795'791'845} * kSec;  // 2026-11-27T15:04:05Z

std::vector<std::string> lines_of(const std::string& rel) {
  std::istringstream in(test::read_data(rel));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

struct Expected {
  int64_t time_ns;
  std::string source, method, path;
  int status;
  int64_t bytes;
};

void expect_record(LogFormat format, const std::string& line, const Expected& want) {
  auto got = parse_access_line(format, line);
  ASSERT_TRUE(got) << line << ": " << got.error().message;
  EXPECT_EQ(got->time_ns, want.time_ns) << line;
  EXPECT_EQ(got->source, want.source) << line;
  EXPECT_EQ(got->method, want.method) << line;
  EXPECT_EQ(got->path, want.path) << line;
  EXPECT_EQ(got->status, want.status) << line;
  EXPECT_EQ(got->bytes, want.bytes) << line;
}

TEST(FloodAccessLog, ClfTimeIsParsedByHandWithItsOffset) {
  EXPECT_EQ(parse_clf_time("27/Nov/2026:15:04:05 +0000"), k150405);
  EXPECT_EQ(parse_clf_time("27/Nov/2026:16:04:05 +0100"), k150405);
  EXPECT_EQ(parse_clf_time("27/Nov/2026:10:34:05 -0430"), k150405);
  EXPECT_EQ(parse_clf_time("01/Jan/1970:00:00:00 +0000"), 0);
  EXPECT_EQ(parse_clf_time("29/Feb/2028:00:00:00 +0000"), int64_t{1'835'395'200} * kSec);
  for (const char* bad :
       {"27/nov/2026:15:04:05 +0000", "27/Nov/2026:15:04:05", "27/Nov/2026:25:04:05 +0000",
        "2x/Nov/2026:15:04:05 +0000", "27/Nov/2026:15:04:05 0000", "", "27/Nov/1969:15:04:05 +0000"}) {
    EXPECT_FALSE(parse_clf_time(bad)) << bad;
  }
}

TEST(FloodAccessLog, NginxCombinedLines) {
  const auto lines = lines_of("incidents/logs/nginx-combined.log");
  ASSERT_EQ(lines.size(), 8U);
  expect_record(LogFormat::Nginx, lines[0], {k150405, "192.0.2.10", "GET", "/index.html", 200, 5123});
  expect_record(LogFormat::Nginx, lines[1], {k150405, "198.51.100.23", "POST", "/api/v1/cart?item=42", 201, 87});
  expect_record(LogFormat::Nginx, lines[2], {k150405 + kSec, "2001:db8::7", "GET", "/static/app.js", 304, 0});
  // A TLS handshake on the plain port, and an empty request: still requests (they count for floods).
  expect_record(LogFormat::Nginx, lines[3], {k150405 + 2 * kSec, "203.0.113.9", "", "", 400, 157});
  expect_record(LogFormat::Nginx, lines[4], {k150405 + 2 * kSec, "203.0.113.9", "", "", 400, 0});
  expect_record(LogFormat::Nginx, lines[5], {k150405 + 3 * kSec, "10.1.2.3", "GET", "/search?q=%22quoted%22", 200, 0});
  EXPECT_FALSE(parse_access_line(LogFormat::Nginx, lines[6]));
  const auto bad_status = parse_access_line(LogFormat::Nginx, lines[7]);
  ASSERT_FALSE(bad_status);
  EXPECT_EQ(bad_status.error().message, "not a nginx access-log line");
}

TEST(FloodAccessLog, ApacheCommonAndCombinedLines) {
  const auto lines = lines_of("incidents/logs/apache-access.log");
  ASSERT_EQ(lines.size(), 5U);
  const int64_t t = int64_t{1'791'665'736} * kSec;  // 2026-10-10T20:55:36Z
  expect_record(LogFormat::Apache, lines[0], {t, "127.0.0.1", "GET", "/apache_pb.gif", 200, 2326});
  expect_record(LogFormat::Apache, lines[1], {t, "127.0.0.1", "GET", "/apache_pb.gif", 200, 2326});
  expect_record(LogFormat::Apache, lines[2], {t + kSec, "192.0.2.44", "GET", "/a\\\"b", 404, 209});
  expect_record(LogFormat::Apache, lines[3], {t + 2 * kSec, "192.0.2.44", "OPTIONS", "*", 200, 0});
  EXPECT_FALSE(parse_access_line(LogFormat::Apache, lines[4]));
}

TEST(FloodAccessLog, JsonLines) {
  const auto lines = lines_of("incidents/logs/app-requests.jsonl");
  ASSERT_EQ(lines.size(), 9U);
  expect_record(LogFormat::Json, lines[0], {k150405, "192.0.2.10", "GET", "/index.html", 200, 5123});
  expect_record(LogFormat::Json, lines[1], {k150405 + kSec / 4, "2001:db8::1", "PUT", "/api/items/7", 204, 0});
  expect_record(LogFormat::Json, lines[2], {k150405 + kSec, "198.51.100.2", "GET", "/health", 200, 2});
  expect_record(LogFormat::Json, lines[3],
                {k150405 + 2 * kSec + 123'000'000, "198.51.100.3", "GET", "/caf\xc3\xa9", 200, 12});
  for (size_t i = 4; i < lines.size(); ++i) {  // no source, no time, status 1200, an array, cut short
    EXPECT_FALSE(parse_access_line(LogFormat::Json, lines[i])) << lines[i];
  }
}

TEST(FloodAccessLog, CarriageReturnsAndGarbageNeverCrash) {
  expect_record(LogFormat::Nginx, "192.0.2.10 - - [27/Nov/2026:15:04:05 +0000] \"GET / HTTP/1.1\" 200 1\r",
                {k150405, "192.0.2.10", "GET", "/", 200, 1});
  const std::string cut = "192.0.2.10 - - [27/Nov/2026:15:04:05 +0000] \"GET / HTTP/1.1\" 200 12";
  for (size_t n = 0; n + 1 < cut.size(); ++n) {  // cut.size() - 1 still ends in a valid "1"
    RequestView view;
    EXPECT_FALSE(parse_access_view(LogFormat::Nginx, cut.substr(0, n), view)) << n;
  }
  RequestView view;
  EXPECT_FALSE(parse_access_view(LogFormat::Json, std::string("{\"time\":\0", 9), view));
  EXPECT_FALSE(parse_access_view(LogFormat::Nginx, std::string(70000, '"'), view));
}

TEST(FloodAccessLog, TheFormatTableNamesEveryFormat) {
  ASSERT_EQ(log_formats().size(), 3U);
  for (const auto& f : log_formats()) {
    EXPECT_EQ(parse_log_format(f.name), f.format);
    EXPECT_EQ(log_format_name(f.format), f.name);
  }
  EXPECT_FALSE(parse_log_format("combined"));
}

TEST(FloodAccessLog, FuzzEntryPicksTheFormatByName) {
  const auto nginx = test::read_data("incidents/logs/nginx-combined.log");
  EXPECT_EQ(parse_access_log_fuzz("access-nginx.log", nginx).value(), 6U);
  EXPECT_EQ(parse_access_log_fuzz("app.jsonl", test::read_data("incidents/logs/app-requests.jsonl")).value(), 4U);
  EXPECT_EQ(parse_access_log_fuzz("unknown", nginx).value(), 12U);  // nginx and apache read the same lines
}

}  // namespace
}  // namespace vigil::incidents::flood
