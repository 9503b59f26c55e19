// POST /api/v1/events body parsing (see event_json.hpp). simdjson DOM with error codes; simdjson validates UTF-8,
// so a body with non-UTF-8 strings is rejected as invalid JSON before any field is read.
#include "incidents/event_json.hpp"

#include <algorithm>
#include <array>

#include "core/sha256.hpp"
#include "formats/json_read.hpp"

namespace vigil::incidents {
namespace {
namespace json = formats::json;

// One event's reading state: the error names the event's index and the field.
struct Reader {
  size_t index = 0;
  std::string error;

  bool bad(std::string_view field, std::string_view what) {
    error = "event " + std::to_string(index) + ": " + std::string(field) + ": " + std::string(what);
    return false;
  }
};

// "\u0000" decodes to a NUL byte, which PostgreSQL's text cannot hold: refused on every back end alike.
bool has_nul(std::string_view text) {
  return text.find('\0') != std::string_view::npos;
}

// A required string: present, a string, non-empty, at most kMaxEventString bytes.
bool required_string(json::object obj, std::string_view name, Reader& r, std::string& out) {
  json::element e;
  if (obj[name].get(e)) return r.bad(name, "missing");
  std::string_view text;
  if (e.get_string().get(text)) return r.bad(name, "must be a string");
  if (text.empty()) return r.bad(name, "must not be empty");
  if (text.size() > kMaxEventString) return r.bad(name, "longer than 4096 bytes");
  if (has_nul(text)) return r.bad(name, "contains a NUL character");
  out.assign(text);
  return true;
}

bool read_severity(json::object obj, Reader& r, Event& ev) {
  std::string text;
  if (!required_string(obj, "severity", r, text)) return false;
  const auto severity = parse_severity(text);
  if (!severity) return r.bad("severity", "must be one of low, medium, high, critical");
  ev.severity = *severity;
  return true;
}

bool read_time(json::object obj, int64_t now_ns, Reader& r, Event& ev) {
  ev.time_ns = now_ns;
  json::element e;
  if (obj["time"].get(e) || e.is_null()) return true;
  std::string_view text;
  if (e.get_string().get(text)) return r.bad("time", "must be an RFC 3339 string");
  const auto t = parse_rfc3339(text);
  if (!t) return r.bad("time", "not an RFC 3339 date-time in 1900-2199 (e.g. 2026-11-27T15:04:05Z)");
  ev.time_ns = *t;
  return true;
}

bool read_labels(json::object obj, Reader& r, Event& ev) {
  json::element e;
  if (obj["labels"].get(e) || e.is_null()) return true;
  json::object labels;
  if (e.get_object().get(labels)) return r.bad("labels", "must be an object of strings");
  if (labels.size() > kMaxEventLabels) return r.bad("labels", "more than 64 labels");
  for (auto [k, v] : labels) {
    std::string_view text;
    const std::string where = "labels." + std::string(k.substr(0, 64));
    if (v.get_string().get(text)) return r.bad(where, "must be a string");
    if (k.empty()) return r.bad("labels", "empty key");
    if (k.size() > kMaxEventString || text.size() > kMaxEventString) return r.bad(where, "longer than 4096 bytes");
    if (has_nul(k) || has_nul(text)) return r.bad(where, "contains a NUL character");
    ev.labels.emplace_back(std::string(k), std::string(text));
  }
  std::sort(ev.labels.begin(), ev.labels.end());
  const auto dup = std::adjacent_find(ev.labels.begin(), ev.labels.end(),
                                      [](const auto& a, const auto& b) { return a.first == b.first; });
  if (dup != ev.labels.end()) return r.bad("labels." + dup->first.substr(0, 64), "duplicate key");
  return true;
}

bool read_details(json::object obj, Reader& r, Event& ev) {
  json::element e;
  if (obj["details"].get(e) || e.is_null()) return true;
  ev.details_json = simdjson::minify(e);
  if (ev.details_json.size() > kMaxEventDetails) return r.bad("details", "larger than 65536 bytes");
  return true;
}

bool read_fingerprint_and_state(json::object obj, Reader& r, Event& ev) {
  json::element e;
  if (!obj["fingerprint"].get(e) && !e.is_null()) {
    std::string_view text;
    if (e.get_string().get(text)) return r.bad("fingerprint", "must be a string");
    if (text.empty() || text.size() > kMaxFingerprint) return r.bad("fingerprint", "must be 1 to 128 bytes");
    if (has_nul(text)) return r.bad("fingerprint", "contains a NUL character");
    ev.fingerprint.assign(text);
  } else {
    ev.fingerprint = default_fingerprint(ev.source, ev.rule, ev.subject);
  }
  if (!obj["state"].get(e) && !e.is_null()) {
    std::string_view text;
    if (e.get_string().get(text) || (text != "firing" && text != "resolved")) {
      return r.bad("state", "must be \"firing\" or \"resolved\"");
    }
    ev.resolved = text == "resolved";
  }
  return true;
}

bool read_event(json::element item, int64_t now_ns, Reader& r, Event& ev) {
  json::object obj;
  if (item.get_object().get(obj)) {
    return r.bad("event", "is a JSON " + std::string(json::type_name(item)) + ", expected an object");
  }
  return required_string(obj, "source", r, ev.source) && required_string(obj, "rule", r, ev.rule) &&
         read_severity(obj, r, ev) && required_string(obj, "subject", r, ev.subject) &&
         required_string(obj, "title", r, ev.title) && read_time(obj, now_ns, r, ev) && read_labels(obj, r, ev) &&
         read_details(obj, r, ev) && read_fingerprint_and_state(obj, r, ev);
}

// Reads n digits at s[pos]; false if any is not a digit.
bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// The fraction and zone after "YYYY-MM-DDTHH:MM:SS"; adds nanoseconds to frac_ns and the zone's offset to
// offset_s (seconds east of UTC).
bool parse_fraction_and_zone(std::string_view s, size_t pos, int64_t& frac_ns, int64_t& offset_s) {
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const size_t start = pos;
    int64_t scale = 100'000'000;
    for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
      frac_ns += (s[pos] - '0') * scale;  // digits past nanoseconds are dropped (scale reaches 0)
      scale /= 10;
    }
    if (pos == start) return false;
  }
  if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) return true;
  int hh = 0;
  int mm = 0;
  if (pos + 6 != s.size() || (s[pos] != '+' && s[pos] != '-') || !digits(s, pos + 1, 2, hh) || s[pos + 3] != ':' ||
      !digits(s, pos + 4, 2, mm) || hh > 23 || mm > 59) {
    return false;
  }
  offset_s = (s[pos] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
  return true;
}

}  // namespace

std::optional<int64_t> parse_rfc3339(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (s.size() < 20 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  // Years 1900-2199 only: Unix ns in int64 end in 2262, and times stay far enough from that for the window
  // arithmetic done on them (correlation) not to overflow.
  if (y < 1900 || y > 2199) return std::nullopt;
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0) || h > 23 || mi > 59 ||
      sec > 60) {  // 60: a leap second, counted as the next second's start
    return std::nullopt;
  }
  int64_t frac_ns = 0;
  int64_t offset_s = 0;
  if (!parse_fraction_and_zone(s, 19, frac_ns, offset_s)) return std::nullopt;
  const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_s;
  return secs * 1'000'000'000 + frac_ns;
}

std::string default_fingerprint(std::string_view source, std::string_view rule, std::string_view subject) {
  Sha256 h;
  h.update(source);
  h.update("\n");
  h.update(rule);
  h.update("\n");
  h.update(subject);
  return h.hex();
}

Result<std::vector<Event>> parse_events_json(std::string_view body, int64_t now_ns) {
  thread_local simdjson::dom::parser parser;  // reused: the server parses thousands of batches a second
  auto doc = json::parse(parser, body);
  if (!doc) return tl::unexpected(doc.error());
  std::vector<Event> out;
  Reader r;
  const auto one = [&](json::element item) -> bool {
    Event ev;
    if (!read_event(item, now_ns, r, ev)) return false;
    out.push_back(std::move(ev));
    ++r.index;
    return true;
  };
  json::array arr;
  if (doc->get_array().get(arr)) {
    if (!doc->is_object()) {
      return fail("body is a JSON " + std::string(json::type_name(*doc)) + ", expected an array of events");
    }
    if (!one(*doc)) return fail(r.error);
    return out;
  }
  if (arr.size() > kMaxBatchEvents) {
    return fail("batch has " + std::to_string(arr.size()) + " events, more than the limit of 10000");
  }
  out.reserve(arr.size());
  for (json::element item : arr) {
    if (!one(item)) return fail(r.error);
  }
  return out;
}

Result<Labels> parse_labels_json(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  auto root = json::parse_object(parser, text, "labels");
  if (!root) return tl::unexpected(root.error());
  Labels out;
  for (auto [k, v] : *root) {
    std::string_view value;
    if (v.get_string().get(value)) return fail("labels: " + std::string(k.substr(0, 64)) + ": must be a string");
    out.emplace_back(std::string(k), std::string(value));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<Event>> parse_events_fuzz(std::string_view /*name*/, std::string_view bytes) {
  return parse_events_json(bytes, 1'700'000'000'000'000'000);
}

}  // namespace vigil::incidents
