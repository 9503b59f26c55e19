// Access-log lines (nginx, Apache, JSON lines) into request records: hand-written parsers (no regex, no locale,
// no allocation on the fast path) over one table of formats. Malformed lines are reported, never fatal.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "incidents/flood/detector.hpp"

namespace vigil::incidents::flood {

enum class LogFormat : uint8_t { Nginx, Apache, Json };

// One parsed line; the views point into the line (or, for JSON, into the parser's thread-local buffer) and are
// valid until the next parse on this thread.
struct RequestView {
  int64_t time_ns = 0;
  std::string_view source;
  std::string_view method;
  std::string_view path;
  int status = 0;
  int64_t bytes = 0;
};

// The table of formats: name (as --format takes it), file-name hints, parser.
struct LogFormatInfo {
  LogFormat format;
  std::string_view name;
  std::string_view description;
  bool (*parse)(std::string_view line, RequestView& out);
};
std::span<const LogFormatInfo> log_formats();
std::optional<LogFormat> parse_log_format(std::string_view name);  // "nginx", "apache", "json"
std::string_view log_format_name(LogFormat format);

// The fast form: false for a malformed line (out is then unspecified).
bool parse_access_view(LogFormat format, std::string_view line, RequestView& out);
// The checked form: an owned record, or why the line is not one.
Result<RequestRecord> parse_access_line(LogFormat format, std::string_view line);

// "27/Nov/2026:15:04:05 +0000" (nginx $time_local, Apache %t) to Unix ns; nullopt if malformed.
std::optional<int64_t> parse_clf_time(std::string_view text);

// libFuzzer entry point: every line of bytes with the format the name suggests (".json"/".jsonl": json, a name
// containing "apache": apache, "nginx": nginx), else with each format; records go through a detector. The result is
// the number of lines parsed.
Result<size_t> parse_access_log_fuzz(std::string_view name, std::string_view bytes);

}  // namespace vigil::incidents::flood
