// The two routes both bench servers serve, written once so Beast and cpp-httplib run the same handler code:
// GET /healthz (a fixed small JSON) and POST /api/v1/echo (parse an events batch with simdjson, as the incidents
// service's ingest does, read each event's required fields, answer 202 with the count).
#pragma once

#include <simdjson.h>

#include <array>
#include <string>
#include <string_view>

namespace bench {

struct Reply {
  int status = 200;
  std::string body;
};

inline Reply healthz() {
  return {200, R"({"status":"ok"})"};
}

inline Reply echo(std::string_view body) {
  // One parser per thread, as the service keeps one per ingest call: its buffers are reused across requests.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc)) return {400, R"({"error":"invalid JSON"})"};
  simdjson::dom::array events;
  if (doc.get_array().get(events)) return {400, R"({"error":"expected a JSON array of events"})"};
  static constexpr std::array<std::string_view, 5> kRequired = {"source", "rule", "severity", "subject", "title"};
  size_t count = 0;
  size_t field_bytes = 0;  // read every required field, so the parse is not optimised into a validation only
  for (const auto event : events) {
    simdjson::dom::object object;
    if (event.get_object().get(object)) return {400, R"({"error":"an event is not an object"})"};
    for (const auto key : kRequired) {
      std::string_view value;
      if (object[key].get_string().get(value)) return {400, R"({"error":"an event lacks a required field"})"};
      field_bytes += value.size();
    }
    ++count;
  }
  return {202, "{\"accepted\":" + std::to_string(count) + ",\"field_bytes\":" + std::to_string(field_bytes) + "}"};
}

}  // namespace bench
