#include "watch/incidents_sink.hpp"

#include <fmt/format.h>

#include "core/json_text.hpp"
#include "watch/detection_json.hpp"

namespace vigil::watch {
namespace jt = json_text;

namespace {

void append_field(std::string& out, std::string_view key, std::string_view value) {
  if (out.back() != '{') out += ',';
  jt::append_string(out, key);
  out += ':';
  jt::append_string(out, value);
}

}  // namespace

std::string_view severity_of(Priority priority) {
  switch (priority) {
    case Priority::Emergency:
    case Priority::Alert:
    case Priority::Critical: return "critical";
    case Priority::Error:
    case Priority::Warning: return "high";
    case Priority::Notice: return "medium";
    case Priority::Informational:
    case Priority::Debug: break;
  }
  return "low";
}

std::string incident_event_json(const Detection& detection, const std::string& host) {
  const Rule* rule = detection.rule;
  const std::string exe = detection.process.exe.empty() ? detection.event.comm : detection.process.exe;
  std::string out = "{";
  append_field(out, "source", "vigil-watch");
  append_field(out, "rule", rule != nullptr ? std::string_view(rule->name) : "");
  append_field(out, "severity", rule != nullptr ? severity_of(rule->priority) : "low");
  append_field(out, "subject", host + ":" + exe);
  append_field(out, "title", detection.output);
  append_field(out, "time", rfc3339_ns(detection.time_ns));
  out += ",\"labels\":{";
  append_field(out, "host", host);
  append_field(out, "priority", rule != nullptr ? priority_name(rule->priority) : "");
  append_field(out, "tags", rule != nullptr ? fmt::format("{}", fmt::join(rule->tags, ",")) : "");
  out += "},\"details\":";
  out += detection_json(detection);
  out += '}';
  return out;
}

}  // namespace vigil::watch
