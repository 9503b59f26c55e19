// POST /api/v1/events body parsing: fields, defaults, every rejection with its message, limits, RFC 3339 forms.
#include "incidents/event_json.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace vigil::incidents {
namespace {

constexpr int64_t kNow = 1'795'000'000'000'000'000;
constexpr int64_t kT = 1'795'791'845'000'000'000;  // 2026-11-27T15:04:05Z

std::string event(std::string_view extra = "") {
  std::string out = R"({"source":"vigil-watch","rule":"shell in container","severity":"high",)"
                    R"("subject":"web-1:/bin/sh","title":"Shell spawned in nginx")";
  if (!extra.empty()) {
    out += ",";
    out += extra;
  }
  return out + "}";
}

// An event with one required field replaced (value is raw JSON) or removed (value empty).
std::string event_with(std::string_view field, std::string_view value) {
  std::string out = "{";
  for (const auto& [k, v] : {std::pair<std::string_view, std::string_view>{"source", "\"s\""},
                             {"rule", "\"r\""},
                             {"severity", "\"low\""},
                             {"subject", "\"x\""},
                             {"title", "\"t\""}}) {
    const std::string_view use = k == field ? value : v;
    if (use.empty()) continue;
    if (out.size() > 1) out += ",";
    out += "\"" + std::string(k) + "\":" + std::string(use);
  }
  return out + "}";
}

std::string error_of(std::string_view body) {
  auto r = parse_events_json(body, kNow);
  EXPECT_FALSE(r.has_value()) << body;
  return r ? std::string() : r.error().message;
}

TEST(EventJson, ParsesABatchWithEveryField) {
  const std::string body = "[" +
                           event(R"("time":"2026-11-27T15:04:05.123Z","labels":{"zone":"b","host":"web-1"},)"
                                 R"("details":{"pid": 42, "argv": ["sh", "-c", "id"]},"fingerprint":"fp-1",)"
                                 R"("state":"resolved","extra":"ignored")") +
                           "," + event() + "]";
  auto r = parse_events_json(body, kNow);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 2U);
  const Event& e = (*r)[0];
  EXPECT_EQ(e.source, "vigil-watch");
  EXPECT_EQ(e.rule, "shell in container");
  EXPECT_EQ(e.severity, Severity::High);
  EXPECT_EQ(e.subject, "web-1:/bin/sh");
  EXPECT_EQ(e.title, "Shell spawned in nginx");
  EXPECT_EQ(e.time_ns, kT + 123'000'000);
  EXPECT_EQ(e.labels, (Labels{{"host", "web-1"}, {"zone", "b"}}));  // sorted by key
  EXPECT_EQ(e.details_json, R"({"pid":42,"argv":["sh","-c","id"]})");
  EXPECT_EQ(e.fingerprint, "fp-1");
  EXPECT_TRUE(e.resolved);

  const Event& d = (*r)[1];  // defaults
  EXPECT_EQ(d.time_ns, kNow);
  EXPECT_TRUE(d.labels.empty());
  EXPECT_EQ(d.details_json, "");
  EXPECT_FALSE(d.resolved);
  EXPECT_EQ(d.fingerprint, default_fingerprint("vigil-watch", "shell in container", "web-1:/bin/sh"));
}

TEST(EventJson, DefaultFingerprintIsSha256OfSourceRuleSubject) {
  // printf 'a\nb\nc' | sha256sum
  EXPECT_EQ(default_fingerprint("a", "b", "c"), "ea7fb08b7a2dc4619ffb7c7bb38d95a2047935fa165d71b12efd3852a2e6d0cc");
}

TEST(EventJson, AcceptsASingleObjectAndAnEmptyArray) {
  auto one = parse_events_json(event(R"("state":"firing")"), kNow);
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_EQ(one->size(), 1U);
  EXPECT_FALSE((*one)[0].resolved);
  auto none = parse_events_json("[]", kNow);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(EventJson, MissingRequiredFieldsNameIndexAndField) {
  for (const char* field : {"source", "rule", "severity", "subject", "title"}) {
    const std::string body = "[" + event() + "," + event_with(field, "") + "]";
    EXPECT_EQ(error_of(body), "event 1: " + std::string(field) + ": missing");
  }
}

TEST(EventJson, InvalidRequiredFieldsAreRejected) {
  EXPECT_EQ(error_of(event_with("title", "\"\"")), "event 0: title: must not be empty");
  EXPECT_EQ(error_of(event_with("rule", "42")), "event 0: rule: must be a string");
  EXPECT_EQ(error_of(event_with("subject", "null")), "event 0: subject: must be a string");
  EXPECT_EQ(error_of("[" + event() + "," + event() + "," + event() + "," + event_with("severity", "\"urgent\"") + "]"),
            "event 3: severity: must be one of low, medium, high, critical");
  EXPECT_EQ(error_of(event_with("severity", "\"HIGH\"")),
            "event 0: severity: must be one of low, medium, high, critical");
  EXPECT_EQ(error_of(event_with("source", "\"" + std::string(4097, 'a') + "\"")),
            "event 0: source: longer than 4096 bytes");
  EXPECT_TRUE(parse_events_json(event_with("source", "\"" + std::string(4096, 'a') + "\""), kNow));
}

// PostgreSQL text cannot hold NUL, so no back end takes it (details keep it escaped, as JSON text).
TEST(EventJson, NulCharactersAreRejectedInStrings) {
  EXPECT_EQ(error_of(event_with("title", R"("a\u0000b")")), "event 0: title: contains a NUL character");
  EXPECT_EQ(error_of(event(R"("fingerprint": "f\u0000")")), "event 0: fingerprint: contains a NUL character");
  EXPECT_EQ(error_of(event(R"("labels": {"k": "v\u0000"})")), "event 0: labels.k: contains a NUL character");
  auto parsed = parse_events_json(event(R"("details": {"raw": "a\u0000b"})"), kNow);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ((*parsed)[0].details_json.find('\0'), std::string::npos);
}

TEST(EventJson, InvalidOptionalFieldsAreRejected) {
  EXPECT_EQ(error_of(event(R"("time":"yesterday")")),
            "event 0: time: not an RFC 3339 date-time in 1900-2199 (e.g. 2026-11-27T15:04:05Z)");
  EXPECT_EQ(error_of(event(R"("time":1795791845)")), "event 0: time: must be an RFC 3339 string");
  EXPECT_EQ(error_of(event(R"("labels":["a"])")), "event 0: labels: must be an object of strings");
  EXPECT_EQ(error_of(event(R"("labels":{"pid":42})")), "event 0: labels.pid: must be a string");
  EXPECT_EQ(error_of(event(R"("labels":{"a":"1","a":"2"})")), "event 0: labels.a: duplicate key");
  EXPECT_EQ(error_of(event(R"("fingerprint":"")")), "event 0: fingerprint: must be 1 to 128 bytes");
  EXPECT_EQ(error_of(event(R"("fingerprint":")" + std::string(129, 'f') + "\"")),
            "event 0: fingerprint: must be 1 to 128 bytes");
  EXPECT_EQ(error_of(event(R"("fingerprint":7)")), "event 0: fingerprint: must be a string");
  EXPECT_EQ(error_of(event(R"("state":"gone")")), "event 0: state: must be \"firing\" or \"resolved\"");
  EXPECT_EQ(error_of("[1]"), "event 0: event: is a JSON number, expected an object");
}

TEST(EventJson, NullOptionalFieldsCountAsAbsent) {
  auto r =
      parse_events_json(event(R"("time":null,"labels":null,"details":null,"fingerprint":null,"state":null)"), kNow);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].time_ns, kNow);
  EXPECT_EQ((*r)[0].details_json, "");
}

TEST(EventJson, BodyErrors) {
  EXPECT_EQ(error_of("\"text\""), "body is a JSON string, expected an array of events");
  EXPECT_TRUE(error_of("[{").starts_with("invalid JSON: "));
  EXPECT_TRUE(error_of("").starts_with("invalid JSON: "));
}

TEST(EventJson, Limits) {
  std::string batch = "[";
  for (int i = 0; i < 10001; ++i) batch += (i ? "," : "") + event_with("title", "\"t\"");
  batch += "]";
  EXPECT_EQ(error_of(batch), "batch has 10001 events, more than the limit of 10000");

  std::string labels;
  for (int i = 0; i < 65; ++i) labels += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v\"";
  EXPECT_EQ(error_of(event(R"("labels":{)" + labels + "}")), "event 0: labels: more than 64 labels");

  const std::string big = R"("details":{"blob":")" + std::string(65536, 'x') + "\"}";
  EXPECT_EQ(error_of(event(big)), "event 0: details: larger than 65536 bytes");
  EXPECT_TRUE(parse_events_json(event(R"("details":{"blob":")" + std::string(60000, 'x') + "\"}"), kNow));
}

TEST(EventJson, NonUtf8IsRejectedAsInvalidJson) {
  std::string body = event_with("title", "\"bad \xff\xfe byte\"");
  EXPECT_TRUE(error_of(body).starts_with("invalid JSON: "));
  // Escaped non-ASCII is fine and kept as UTF-8.
  auto r = parse_events_json(event_with("title", R"("caf\u00e9 \u2603")"), kNow);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].title, "caf\xc3\xa9 \xe2\x98\x83");
}

TEST(EventJson, DeeplyNestedDetails) {
  const std::string deep = std::string(500, '[') + std::string(500, ']');
  auto r = parse_events_json(event(R"("details":)" + deep), kNow);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].details_json, deep);
  // Beyond simdjson's depth limit the body is refused, not crashed on.
  const std::string deeper = std::string(5000, '[') + std::string(5000, ']');
  EXPECT_TRUE(error_of(event(R"("details":)" + deeper)).starts_with("invalid JSON: "));
}

TEST(EventJson, Rfc3339Forms) {
  EXPECT_EQ(parse_rfc3339("2026-11-27T15:04:05Z"), kT);
  EXPECT_EQ(parse_rfc3339("2026-11-27t15:04:05z"), kT);
  EXPECT_EQ(parse_rfc3339("2026-11-27 15:04:05Z"), kT);
  EXPECT_EQ(parse_rfc3339("2026-11-27T15:04:05.123Z"), kT + 123'000'000);
  EXPECT_EQ(parse_rfc3339("2026-11-27T15:04:05.123456789Z"), kT + 123'456'789);
  EXPECT_EQ(parse_rfc3339("2026-11-27T15:04:05.1234567891Z"), kT + 123'456'789);  // past ns: dropped
  EXPECT_EQ(parse_rfc3339("2026-11-27T17:04:05+02:00"), kT);
  EXPECT_EQ(parse_rfc3339("2026-11-27T10:04:05.5-05:00"), kT + 500'000'000);
  EXPECT_EQ(parse_rfc3339("2026-11-27T15:04:05+00:00"), kT);
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00Z"), 1'709'164'800'000'000'000);
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:59:59.5Z"), -500'000'000);
  EXPECT_EQ(parse_rfc3339("2199-12-31T23:59:59Z"), 7'258'118'399'000'000'000);
  EXPECT_EQ(parse_rfc3339("1900-01-01T00:00:00Z"), -2'208'988'800'000'000'000);
  for (const char* bad :
       {"2026-11-27", "2026-11-27T15:04:05", "2026-11-27T15:04:05.Z", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-11-27T24:00:00Z", "2026-11-27T15:04:05+0200", "2026-11-27T15:04:05+02:00x", "2026-11-27T15:04:05 Z",
        "2026-1x-27T15:04:05Z", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "2200-01-01T00:00:00Z",
        "1899-12-31T23:59:59Z"}) {
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
  }
}

TEST(EventJson, LabelsRoundTripThroughJsonText) {
  auto labels = parse_labels_json(R"({"z":"1","a":"2"})");
  ASSERT_TRUE(labels);
  EXPECT_EQ(*labels, (Labels{{"a", "2"}, {"z", "1"}}));
  EXPECT_FALSE(parse_labels_json(R"({"a":1})"));
  EXPECT_FALSE(parse_labels_json("[]"));
}

TEST(EventJson, FuzzEntryPointNeverThrowsOnJunk) {
  for (std::string_view junk : {"", "{", "[[[[", "\x00\x01", "[{\"source\":", "nul", "[null,true]"}) {
    auto r = parse_events_fuzz("fuzz/input", junk);
    EXPECT_FALSE(r.has_value()) << junk;
  }
}

// The fuzz seed corpus doubles as realistic input: every sample parses, except the deliberately invalid ones.
TEST(EventJson, SeedCorpusSamples) {
  const std::filesystem::path dir = std::filesystem::path(VIGIL_TEST_DATA) / "incidents" / "events";
  size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto r = parse_events_json(text.str(), kNow);
    const bool invalid = entry.path().filename().string().starts_with("invalid_");
    EXPECT_EQ(r.has_value(), !invalid) << entry.path() << ": " << (r ? "" : r.error().message);
    ++seen;
  }
  EXPECT_GE(seen, 5U);
}

}  // namespace
}  // namespace vigil::incidents
