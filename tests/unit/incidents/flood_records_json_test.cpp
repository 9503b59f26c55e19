// POST /api/v1/requests bodies: valid batches (RFC 3339 or Unix-seconds times, defaults) and every rejection
// naming the record and field.
#include <gtest/gtest.h>

#include <string>

#include "incidents/flood/detector.hpp"
#include "test_support.hpp"

namespace vigil::incidents::flood {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kNow = int64_t{1'795'800'000} * kSec;

TEST(FloodRecordsJson, ReadsABatch) {
  auto records = parse_request_records_json(test::read_data("incidents/logs/requests-batch.json"), kNow);
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 3U);
  const auto& a = (*records)[0];
  EXPECT_EQ(a.time_ns, int64_t{1'795'791'845} * kSec + 120'000'000);
  EXPECT_EQ(a.source, "203.0.113.7");
  EXPECT_EQ(a.method, "GET");
  EXPECT_EQ(a.path, "/login");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.bytes, 1534);
  EXPECT_EQ((*records)[1].time_ns, int64_t{1'795'791'845} * kSec + kSec / 2);
  EXPECT_EQ((*records)[1].status, 401);
  EXPECT_EQ((*records)[2].time_ns, kNow) << "no time: received now";
  EXPECT_EQ((*records)[2].bytes, 0);
  EXPECT_TRUE(parse_request_records_json("[]", kNow).value().empty());
}

TEST(FloodRecordsJson, RejectsBadRecordsByIndexAndField) {
  const std::pair<const char*, const char*> cases[] = {
      {"{}", "expected a JSON array of request records"},
      {"[1", "invalid JSON"},
      {R"([{"source":"a"}, 5])", "record 1: record: must be an object"},
      {R"([{"method":"GET"}])", "record 0: source: missing"},
      {R"([{"source":""}])", "record 0: source: must not be empty"},
      {R"([{"source":7}])", "record 0: source: must be a string"},
      {R"([{"source":"a","time":"yesterday"}])", "record 0: time: not an RFC 3339"},
      {R"([{"source":"a","time":-5}])", "record 0: time: out of range"},
      {R"([{"source":"a","time":true}])", "record 0: time: must be an RFC 3339 string or Unix seconds"},
      {R"([{"source":"a","status":1000}])", "record 0: status: out of range (0..999)"},
      {R"([{"source":"a","status":"200"}])", "record 0: status: must be an integer"},
      {R"([{"source":"a","bytes":-1}])", "record 0: bytes: out of range"},
      {R"([{"source":"a","bytes":18446744073709551615}])", "record 0: bytes: out of range"},
      {R"([{"source":"a","bytes":1.5}])", "record 0: bytes: must be an integer"},
  };
  for (const auto& [body, message] : cases) {
    auto got = parse_request_records_json(body, kNow);
    ASSERT_FALSE(got) << body;
    EXPECT_EQ(got.error().message.rfind(message, 0), 0U) << body << " -> " << got.error().message;
  }
  const std::string long_source(kMaxRequestField + 1, 'x');
  EXPECT_FALSE(parse_request_records_json("[{\"source\":\"" + long_source + "\"}]", kNow));
}

TEST(FloodRecordsJson, BoundsTheBatch) {
  std::string body = "[";
  for (size_t i = 0; i <= kMaxRequestRecords; ++i) body += i == 0 ? "{\"source\":\"a\"}" : ",{\"source\":\"a\"}";
  body += ']';
  auto got = parse_request_records_json(body, kNow);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message, "more than 100000 request records in one body");
}

TEST(FloodRecordsJson, FuzzEntryFeedsADetector) {
  auto got = parse_request_records_fuzz("fuzz/input", test::read_data("incidents/logs/requests-batch.json"));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->size(), 3U);
  EXPECT_FALSE(parse_request_records_fuzz("fuzz/input", "\xff\xfe"));
}

}  // namespace
}  // namespace vigil::incidents::flood
