// POST /api/v1/requests bodies (detector.hpp): a JSON array of request records from an untrusted sender, read
// with simdjson's DOM and error codes; any invalid record rejects the batch with its index and field.
#include <cmath>
#include <limits>
#include <string>

#include "formats/json_read.hpp"
#include "incidents/event_json.hpp"
#include "incidents/flood/detector.hpp"

namespace vigil::incidents::flood {
namespace {
namespace json = formats::json;

constexpr double kMaxUnixSeconds = 9'000'000'000;  // year 2255: ns still fit in int64

struct Reader {
  size_t index = 0;
  std::string error;
  bool bad(std::string_view field, std::string_view what) {
    error = "record " + std::to_string(index) + ": " + std::string(field) + ": " + std::string(what);
    return false;
  }
};

bool read_string(json::object obj, std::string_view name, bool required, Reader& r, std::string& out) {
  json::element e;
  if (obj[name].get(e) || e.is_null()) return required ? r.bad(name, "missing") : true;
  std::string_view text;
  if (e.get_string().get(text)) return r.bad(name, "must be a string");
  if (required && text.empty()) return r.bad(name, "must not be empty");
  if (text.size() > kMaxRequestField) return r.bad(name, "longer than 4096 bytes");
  out.assign(text);
  return true;
}

// "time": an RFC 3339 string or Unix seconds (a number, fractions allowed); absent: now.
bool read_time(json::object obj, int64_t now_ns, Reader& r, RequestRecord& rec) {
  rec.time_ns = now_ns;
  json::element e;
  if (obj["time"].get(e) || e.is_null()) return true;
  std::string_view text;
  if (!e.get_string().get(text)) {
    const auto t = parse_rfc3339(text);
    if (!t || *t < 0) return r.bad("time", "not an RFC 3339 date-time after 1970 (e.g. 2026-11-27T15:04:05Z)");
    rec.time_ns = *t;
    return true;
  }
  double seconds = 0;
  if (e.get_double().get(seconds)) return r.bad("time", "must be an RFC 3339 string or Unix seconds");
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxUnixSeconds) return r.bad("time", "out of range");
  const double whole = std::floor(seconds);  // whole seconds stay exact; the fraction is rounded to the ns
  rec.time_ns = static_cast<int64_t>(whole) * 1'000'000'000 + std::llround((seconds - whole) * 1e9);
  return true;
}

bool read_int(json::object obj, std::string_view name, int64_t max, Reader& r, int64_t& out) {
  json::element e;
  if (obj[name].get(e) || e.is_null()) return true;
  int64_t v = 0;
  if (e.get_int64().get(v)) {
    uint64_t big = 0;
    if (!e.get_uint64().get(big)) return r.bad(name, "out of range");
    return r.bad(name, "must be an integer");
  }
  if (v < 0 || v > max) return r.bad(name, "out of range (0.." + std::to_string(max) + ")");
  out = v;
  return true;
}

bool read_record(json::element e, int64_t now_ns, Reader& r, RequestRecord& rec) {
  json::object obj;
  if (e.get_object().get(obj)) return r.bad("record", "must be an object");
  if (!read_string(obj, "source", true, r, rec.source) || !read_string(obj, "method", false, r, rec.method) ||
      !read_string(obj, "path", false, r, rec.path) || !read_time(obj, now_ns, r, rec)) {
    return false;
  }
  int64_t status = 0;
  if (!read_int(obj, "status", 999, r, status) ||
      !read_int(obj, "bytes", std::numeric_limits<int64_t>::max(), r, rec.bytes)) {
    return false;
  }
  rec.status = static_cast<int>(status);
  return true;
}

}  // namespace

Result<std::vector<RequestRecord>> parse_request_records_json(std::string_view body, int64_t now_ns) {
  simdjson::dom::parser parser;
  auto doc = json::parse(parser, body);
  if (!doc) return tl::unexpected(doc.error());
  json::array items;
  if (doc->get_array().get(items)) return fail("expected a JSON array of request records");
  if (items.size() > kMaxRequestRecords) return fail("more than 100000 request records in one body");
  std::vector<RequestRecord> out;
  out.reserve(items.size());
  Reader reader;
  for (json::element item : items) {
    RequestRecord rec;
    if (!read_record(item, now_ns, reader, rec)) return fail(reader.error);
    out.push_back(std::move(rec));
    ++reader.index;
  }
  return out;
}

Result<std::vector<RequestRecord>> parse_request_records_fuzz(std::string_view /*name*/, std::string_view bytes) {
  auto records = parse_request_records_json(bytes, 1'700'000'000'000'000'000);
  if (!records) return records;
  FloodConfig config;
  config.max_sources = 64;
  config.warmup = std::chrono::seconds(0);
  FloodDetector detector(config);
  for (const auto& r : *records) detector.add(r);
  (void)detector.poll(int64_t{9'000'000'000} * 1'000'000'000);
  return records;
}

}  // namespace vigil::incidents::flood
