// Access-log line parsers (access_log.hpp). The common/combined shape (nginx "combined", Apache common and
// combined) is scanned by hand; JSON lines go through simdjson's on-demand parser with a reused padded buffer.
#include "incidents/flood/access_log.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "incidents/event_json.hpp"

namespace vigil::incidents::flood {
namespace {

constexpr int64_t kNsPerSec = 1'000'000'000;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    out = out * 10 + static_cast<int>(d);
  }
  return true;
}

// "Jan" -> 1 ... "Dec" -> 12; 0 otherwise. Case as the C locale writes it.
unsigned month_number(std::string_view m) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == m) return i + 1;
  }
  return 0;
}

template <class T>
bool to_number(std::string_view s, T& out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// The request line "GET /path HTTP/1.1": method and target; anything else (a client's garbage, "-") leaves both
// empty: the request still counts for rates.
void split_request(std::string_view request, RequestView& out) {
  out.method = {};
  out.path = {};
  const size_t sp = request.find(' ');
  if (sp == std::string_view::npos) return;
  out.method = request.substr(0, sp);
  const std::string_view rest = request.substr(sp + 1);
  out.path = rest.substr(0, rest.find(' '));
}

// $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent ["$http_referer" "$http_user_agent"]
bool parse_clf_line(std::string_view line, RequestView& out) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  const size_t sp = line.find(' ');
  if (sp == 0 || sp == std::string_view::npos) return false;
  out.source = line.substr(0, sp);
  const size_t lb = line.find('[', sp);
  if (lb == std::string_view::npos || lb + 28 > line.size() || line[lb + 27] != ']') return false;
  const auto time = parse_clf_time(line.substr(lb + 1, 26));
  if (!time) return false;
  out.time_ns = *time;
  size_t pos = lb + 28;
  if (line.substr(pos, 2) != " \"") return false;
  pos += 2;
  const size_t request_start = pos;
  while (pos < line.size() && line[pos] != '"') pos += line[pos] == '\\' ? 2 : 1;  // Apache writes \" and \\ .
  if (pos >= line.size()) return false;
  split_request(line.substr(request_start, pos - request_start), out);
  std::string_view rest = line.substr(pos + 1);
  if (rest.size() < 5 || rest[0] != ' ' || rest[4] != ' ' || !digits(rest, 1, 3, out.status)) return false;
  rest.remove_prefix(5);
  const std::string_view bytes = rest.substr(0, rest.find(' '));
  out.bytes = 0;
  return bytes == "-" || to_number(bytes, out.bytes);
}

enum class JsonKey : uint8_t { Time, Source, Method, Path, Status, Bytes, Request };

// Accepted JSON keys: one row per spelling (nginx `escape=json` templates, Caddy-like and generic loggers).
struct JsonKeyRow {
  std::string_view name;
  JsonKey key;
};
constexpr std::array<JsonKeyRow, 13> kJsonKeys = {{{"time", JsonKey::Time},
                                                   {"timestamp", JsonKey::Time},
                                                   {"remote_addr", JsonKey::Source},
                                                   {"source", JsonKey::Source},
                                                   {"client", JsonKey::Source},
                                                   {"method", JsonKey::Method},
                                                   {"path", JsonKey::Path},
                                                   {"uri", JsonKey::Path},
                                                   {"status", JsonKey::Status},
                                                   {"bytes", JsonKey::Bytes},
                                                   {"body_bytes_sent", JsonKey::Bytes},
                                                   {"bytes_sent", JsonKey::Bytes},
                                                   {"request", JsonKey::Request}}};

// Unix seconds as JSON numbers carry them: the fraction separately, so whole seconds stay exact.
std::optional<int64_t> seconds_to_ns(double seconds) {
  if (!(seconds >= 0 && seconds <= 9e9)) return std::nullopt;
  const double whole = std::floor(seconds);
  return static_cast<int64_t>(whole) * kNsPerSec + std::llround((seconds - whole) * 1e9);
}

// "1795791845.123" ($msec) exactly: digits, then up to nine fraction digits.
std::optional<int64_t> parse_unix_seconds(std::string_view text) {
  const size_t dot = text.find('.');
  int64_t whole = 0;
  if (!to_number(text.substr(0, dot), whole) || whole < 0 || whole > 9'000'000'000) return std::nullopt;
  int64_t ns = whole * kNsPerSec;
  if (dot == std::string_view::npos) return ns;
  const std::string_view fraction = text.substr(dot + 1);
  if (fraction.empty() || fraction.size() > 9) return std::nullopt;
  int digits_value = 0;
  if (!digits(fraction, 0, fraction.size(), digits_value)) return std::nullopt;
  for (size_t i = fraction.size(); i < 9; ++i) digits_value *= 10;
  return ns + digits_value;
}

// A time as JSON loggers write it: RFC 3339 ($time_iso8601), the CLF form ($time_local) or Unix seconds ($msec).
std::optional<int64_t> parse_any_time(std::string_view text) {
  if (text.size() == 26 && text[2] == '/') return parse_clf_time(text);
  if (text.find('T') != std::string_view::npos) return parse_rfc3339(text);
  return parse_unix_seconds(text);
}

bool json_time(simdjson::dom::element v, int64_t& out) {
  std::string_view text;
  if (v.is_number()) {
    double seconds = 0;
    if (v.get_double().get(seconds)) return false;
    const auto t = seconds_to_ns(seconds);
    if (!t) return false;
    out = *t;
    return true;
  }
  if (v.get_string().get(text)) return false;
  const auto t = parse_any_time(text);
  if (!t) return false;
  out = *t;
  return true;
}

// A number that loggers write either as a JSON number or as a string ("status": "200"); "-" is 0.
bool json_int(simdjson::dom::element v, int64_t& out) {
  if (v.is_number()) return !v.get_int64().get(out) && out >= 0;
  std::string_view text;
  if (v.get_string().get(text)) return false;
  if (text == "-" || text.empty()) {
    out = 0;
    return true;
  }
  return to_number(text, out) && out >= 0;
}

bool json_field(JsonKey key, simdjson::dom::element v, RequestView& out, bool& have_time, std::string_view& req) {
  int64_t n = 0;
  switch (key) {
    case JsonKey::Time: return have_time = json_time(v, out.time_ns);
    case JsonKey::Source: return !v.get_string().get(out.source);
    case JsonKey::Method: return !v.get_string().get(out.method);
    case JsonKey::Path: return !v.get_string().get(out.path);
    case JsonKey::Request: return !v.get_string().get(req);
    case JsonKey::Status:
      if (!json_int(v, n) || n > 999) return false;
      out.status = static_cast<int>(n);
      return true;
    case JsonKey::Bytes: return json_int(v, out.bytes);
  }
  return false;
}

// simdjson's DOM parser (runtime-dispatched SIMD) over a reused padded copy of the line: no allocation per line.
bool parse_json_line(std::string_view line, RequestView& out) {
  thread_local simdjson::dom::parser parser;
  thread_local std::string buffer;
  if (buffer.size() < line.size() + simdjson::SIMDJSON_PADDING) buffer.resize(line.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buffer.data(), line.data(), line.size());
  out = RequestView{};
  simdjson::dom::object obj;
  if (parser.parse(buffer.data(), line.size(), false).get_object().get(obj)) return false;
  bool have_time = false;
  std::string_view request;
  for (const auto [key, value] : obj) {
    const auto row = std::find_if(kJsonKeys.begin(), kJsonKeys.end(), [&](const auto& r) { return r.name == key; });
    if (row == kJsonKeys.end()) continue;
    if (!json_field(row->key, value, out, have_time, request)) return false;
  }
  if (out.method.empty() && !request.empty()) {
    const std::string_view path = out.path;
    split_request(request, out);
    if (!path.empty()) out.path = path;
  }
  return have_time && !out.source.empty();
}

constexpr std::array<LogFormatInfo, 3> kFormats = {{
    {LogFormat::Nginx, "nginx", "nginx \"combined\" (or the common prefix of it)", parse_clf_line},
    {LogFormat::Apache, "apache", "Apache common or combined (%h %l %u %t \"%r\" %>s %b ...)", parse_clf_line},
    {LogFormat::Json, "json", "JSON lines: time|timestamp, remote_addr|source|client, method, path|uri, status, bytes",
     parse_json_line},
}};

const LogFormatInfo& info(LogFormat format) {
  return *std::find_if(kFormats.begin(), kFormats.end(), [&](const auto& f) { return f.format == format; });
}

}  // namespace

std::optional<int64_t> parse_clf_time(std::string_view t) {
  // 27/Nov/2026:15:04:05 +0000
  if (t.size() != 26 || t[2] != '/' || t[6] != '/' || t[11] != ':' || t[14] != ':' || t[17] != ':' || t[20] != ' ' ||
      (t[21] != '+' && t[21] != '-')) {
    return std::nullopt;
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, zone_h = 0, zone_m = 0;
  const unsigned month = month_number(t.substr(3, 3));
  if (!digits(t, 0, 2, day) || !digits(t, 7, 4, year) || !digits(t, 12, 2, hour) || !digits(t, 15, 2, minute) ||
      !digits(t, 18, 2, second) || !digits(t, 22, 2, zone_h) || !digits(t, 24, 2, zone_m) || month == 0) {
    return std::nullopt;
  }
  if (day < 1 || day > 31 || year < 1970 || year > 2200 || hour > 23 || minute > 59 || second > 60 || zone_h > 23 ||
      zone_m > 59) {
    return std::nullopt;
  }
  const int64_t offset = (zone_h * 3600 + zone_m * 60) * (t[21] == '-' ? -1 : 1);
  const int64_t secs =
      days_from_civil(year, month, static_cast<unsigned>(day)) * 86400 + hour * 3600 + minute * 60 + second - offset;
  if (secs < 0) return std::nullopt;
  return secs * kNsPerSec;
}

std::span<const LogFormatInfo> log_formats() {
  return kFormats;
}

std::optional<LogFormat> parse_log_format(std::string_view name) {
  for (const auto& f : kFormats) {
    if (f.name == name) return f.format;
  }
  return std::nullopt;
}

std::string_view log_format_name(LogFormat format) {
  return info(format).name;
}

bool parse_access_view(LogFormat format, std::string_view line, RequestView& out) {
  return info(format).parse(line, out);
}

Result<RequestRecord> parse_access_line(LogFormat format, std::string_view line) {
  RequestView view;
  if (!parse_access_view(format, line, view))
    return fail("not a " + std::string(info(format).name) + " access-log line");
  return RequestRecord{
      view.time_ns, std::string(view.source), std::string(view.method), std::string(view.path), view.status,
      view.bytes};
}

Result<size_t> parse_access_log_fuzz(std::string_view name, std::string_view bytes) {
  std::vector<LogFormat> formats;
  if (name.ends_with(".json") || name.ends_with(".jsonl")) {
    formats = {LogFormat::Json};
  } else if (name.find("apache") != std::string_view::npos) {
    formats = {LogFormat::Apache};
  } else if (name.find("nginx") != std::string_view::npos) {
    formats = {LogFormat::Nginx};
  } else {
    formats = {LogFormat::Nginx, LogFormat::Apache, LogFormat::Json};
  }
  FloodConfig config;
  config.max_sources = 64;
  config.warmup = std::chrono::seconds(0);
  config.source_capacity_rps = 2;
  config.total_capacity_rps = 5;
  FloodDetector detector(config);
  size_t parsed = 0;
  for (size_t start = 0; start < bytes.size();) {
    size_t end = bytes.find('\n', start);
    if (end == std::string_view::npos) end = bytes.size();
    const std::string_view line = bytes.substr(start, end - start);
    for (const LogFormat f : formats) {
      RequestView view;
      if (!parse_access_view(f, line, view)) continue;
      ++parsed;
      detector.add(view.time_ns, view.source);
    }
    start = end + 1;
  }
  (void)detector.poll(int64_t{9'000'000'000} * kNsPerSec);
  return parsed;
}

}  // namespace vigil::incidents::flood
