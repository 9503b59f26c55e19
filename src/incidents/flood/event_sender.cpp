// Flood events as JSON (event_sender.hpp); delivery is core/batch_poster.cpp's.
#include "incidents/flood/event_sender.hpp"

#include <fmt/format.h>

#include "core/json_text.hpp"
#include "incidents/incident_json.hpp"

namespace vigil::incidents::flood {
namespace jt = json_text;

namespace {

void field(std::string& out, std::string_view key, std::string_view value) {
  if (out.back() != '{') out += ',';
  jt::append_string(out, key);
  out += ':';
  jt::append_string(out, value);
}

}  // namespace

std::string event_json(const Event& event) {
  std::string out = "{";
  field(out, "source", event.source);
  field(out, "rule", event.rule);
  field(out, "severity", severity_name(event.severity));
  field(out, "subject", event.subject);
  field(out, "title", event.title);
  field(out, "time", rfc3339_ms(event.time_ns));
  if (!event.fingerprint.empty()) field(out, "fingerprint", event.fingerprint);
  field(out, "state", event.resolved ? "resolved" : "firing");
  out += ",\"labels\":";
  append_labels_json(out, event.labels);
  out += '}';
  return out;
}

}  // namespace vigil::incidents::flood
