// Detections as JSON lines, written by hand (this layer does not link nlohmann_json) with the escaping the event
// recorder uses, and the triggering event in exactly the record format so a detection can be replayed.
#include "watch/detection_json.hpp"

#include <ctime>

#include "core/json_text.hpp"
#include "fmt/format.h"
#include "formats/events.hpp"

namespace vigil::watch {
namespace {

namespace jt = json_text;

void append_key(std::string& out, std::string_view key) {
  jt::append_string(out, key);
  out += ':';
}

void append_process(std::string& out, const ProcessSummary& process) {
  out += fmt::format("{{\"pid\":{},\"ppid\":{},", process.pid, process.ppid);
  append_key(out, "exe");
  jt::append_string(out, process.exe);
  out += ',';
  append_key(out, "cmdline");
  jt::append_string(out, process.cmdline);
  if (!process.sha256.empty()) {
    out += ',';
    append_key(out, "sha256");
    jt::append_string(out, process.sha256);
  }
  out += ",\"ancestors\":[";
  for (size_t i = 0; i < process.ancestors.size(); ++i) {
    out += i == 0 ? "{" : ",{";
    append_key(out, "exe");
    jt::append_string(out, process.ancestors[i].first);
    out += ',';
    append_key(out, "cmdline");
    jt::append_string(out, process.ancestors[i].second);
    out += '}';
  }
  out += "]}";
}

}  // namespace

std::string rfc3339_ns(uint64_t time_ns) {
  const auto seconds = static_cast<time_t>(time_ns / 1'000'000'000ULL);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, time_ns % 1'000'000'000ULL);
}

std::string detection_json(const Detection& detection) {
  std::string out = "{\"time\":\"" + rfc3339_ns(detection.time_ns) + "\",";
  const Rule* rule = detection.rule;
  append_key(out, "rule");
  jt::append_string(out, rule != nullptr ? std::string_view(rule->name) : std::string_view());
  out += ',';
  append_key(out, "priority");
  jt::append_string(out, rule != nullptr ? priority_name(rule->priority) : std::string_view());
  out += ",\"tags\":";
  jt::append_string_array(out, rule != nullptr ? rule->tags : std::vector<std::string>());
  out += ',';
  append_key(out, "output");
  jt::append_string(out, detection.output);
  out += ",\"process\":";
  append_process(out, detection.process);
  out += ",\"event\":";
  out += formats::events::write_event(detection.event);
  out += fmt::format(",\"repeats\":{}}}", detection.repeats);
  return out;
}

}  // namespace vigil::watch
