// Recorded runtime events as JSON lines: one table of the Event's fields (name -> member) drives both the writer
// and the reader, so every field round-trips and a new field is one row. Reader: simdjson DOM, bounded.
#include "formats/events.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <array>
#include <limits>
#include <string>
#include <type_traits>
#include <variant>

#include "core/json_text.hpp"

namespace vigil::formats::events {
namespace {

using model::Event;

constexpr size_t kMaxLineBytes = 4U << 20U;  // a whole execve (argv + env) fits well below this
constexpr size_t kMaxStringBytes = 64U << 10U;
constexpr size_t kMaxListItems = 4096;

using Member = std::variant<std::string Event::*, std::vector<std::string> Event::*, int32_t Event::*,
                            uint32_t Event::*, int64_t Event::*, uint64_t Event::*, uint16_t Event::*>;

struct FieldSpec {
  std::string_view name;
  Member member;
};

// Every Event field but `type` and `family` (names, written specially), in the order lines show them.
const std::array<FieldSpec, 34> kFields = {{
    {"time_ns", &Event::time_ns},
    {"pid", &Event::pid},
    {"tid", &Event::tid},
    {"ppid", &Event::ppid},
    {"uid", &Event::uid},
    {"gid", &Event::gid},
    {"comm", &Event::comm},
    {"cgroup_id", &Event::cgroup_id},
    {"container_id", &Event::container_id},
    {"pid_ns", &Event::pid_ns},
    {"mnt_ns", &Event::mnt_ns},
    {"ret", &Event::ret},
    {"filename", &Event::filename},
    {"argv", &Event::argv},
    {"cwd", &Event::cwd},
    {"env", &Event::env},
    {"stdin_type", &Event::stdin_type},
    {"stdout_type", &Event::stdout_type},
    {"stderr_type", &Event::stderr_type},
    {"child_pid", &Event::child_pid},
    {"exit_code", &Event::exit_code},
    {"path", &Event::path},
    {"new_path", &Event::new_path},
    {"flags", &Event::flags},
    {"mode", &Event::mode},
    {"saddr", &Event::saddr},
    {"sport", &Event::sport},
    {"daddr", &Event::daddr},
    {"dport", &Event::dport},
    {"unix_path", &Event::unix_path},
    {"target_pid", &Event::target_pid},
    {"request", &Event::request},
    {"fd", &Event::fd},
    {"fd_type", &Event::fd_type},
}};

constexpr std::array<std::pair<model::SocketFamily, std::string_view>, 4> kFamilies = {{
    {model::SocketFamily::None, ""},
    {model::SocketFamily::Inet, "inet"},
    {model::SocketFamily::Inet6, "inet6"},
    {model::SocketFamily::Unix, "unix"},
}};

void append_key(std::string& out, std::string_view key) {
  out += ',';
  json_text::append_string(out, key);
  out += ':';
}

template <class T>
void append_value(std::string& out, const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    json_text::append_string(out, value);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    json_text::append_string_array(out, value);
  } else {
    out += std::to_string(value);
  }
}

// Reads one JSON value into the member's type, range-checked; returns an error message or "".
template <class T>
std::string read_value(simdjson::dom::element value, T& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    std::string_view text;
    if (value.get_string().get(text)) return "expected a string";
    if (text.size() > kMaxStringBytes) return "string longer than 64 KiB";
    out.assign(text);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    simdjson::dom::array items;
    if (value.get_array().get(items)) return "expected an array of strings";
    if (items.size() > kMaxListItems) return "more than 4096 items";
    out.clear();
    for (auto item : items) {
      std::string_view text;
      if (item.get_string().get(text)) return "expected an array of strings";
      if (text.size() > kMaxStringBytes) return "string longer than 64 KiB";
      out.emplace_back(text);
    }
  } else if constexpr (std::is_signed_v<T>) {
    int64_t number = 0;
    if (value.get_int64().get(number)) return "expected an integer";
    if (number < std::numeric_limits<T>::min() || number > std::numeric_limits<T>::max()) return "out of range";
    out = static_cast<T>(number);
  } else {
    uint64_t number = 0;
    if (value.get_uint64().get(number)) return "expected a non-negative integer";
    if (number > std::numeric_limits<T>::max()) return "out of range";
    out = static_cast<T>(number);
  }
  return {};
}

const FieldSpec* find_field(std::string_view key) {
  for (const auto& spec : kFields) {
    if (spec.name == key) return &spec;
  }
  return nullptr;
}

std::string read_special(std::string_view key, simdjson::dom::element value, Event& event, bool& has_type) {
  std::string_view text;
  if (value.get_string().get(text)) return "\"" + std::string(key) + "\": expected a string";
  if (key == "type") {
    const auto type = model::parse_event_type(text);
    if (!type) return "unknown event type \"" + std::string(text.substr(0, 64)) + "\"";
    event.type = *type;
    has_type = true;
    return {};
  }
  for (const auto& [family, name] : kFamilies) {
    if (name == text) {
      event.family = family;
      return {};
    }
  }
  return "unknown socket family \"" + std::string(text.substr(0, 64)) + "\"";
}

}  // namespace

std::string write_event(const Event& event) {
  static const Event kDefaults;
  std::string out = "{\"type\":";
  json_text::append_string(out, model::event_type_name(event.type));
  for (const auto& spec : kFields) {
    std::visit(
        [&](auto member) {
          if (spec.name == "time_ns" || event.*member != kDefaults.*member) {
            append_key(out, spec.name);
            append_value(out, event.*member);
          }
        },
        spec.member);
  }
  if (event.family != model::SocketFamily::None) {
    append_key(out, "family");
    json_text::append_string(out, kFamilies[static_cast<size_t>(event.family)].second);
  }
  out += '}';
  return out;
}

Result<Event> read_event(std::string_view line) {
  if (line.size() > kMaxLineBytes) return fail("line longer than 4 MiB");
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (const auto err = parser.parse(line.data(), line.size()).get(doc)) {
    return fail(std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object)) return fail("an event is a JSON object");
  Event event;
  bool has_type = false;
  for (const auto field : object) {
    std::string error;
    if (field.key == "type" || field.key == "family") {
      error = read_special(field.key, field.value, event, has_type);
    } else if (const FieldSpec* spec = find_field(field.key)) {
      error = std::visit([&](auto member) { return read_value(field.value, event.*member); }, spec->member);
      if (!error.empty()) error = fmt::format("\"{}\": {}", field.key, error);
    }  // unknown keys: a newer recorder's fields
    if (!error.empty()) return fail(error);
  }
  if (!has_type) return fail("missing \"type\"");
  return event;
}

Result<Parsed> parse_events_fuzz(std::string_view path, std::string_view bytes) {
  Parsed parsed;
  int line_number = 0;
  while (!bytes.empty()) {
    const size_t end = bytes.find('\n');
    const std::string_view line = bytes.substr(0, end);
    bytes = end == std::string_view::npos ? std::string_view() : bytes.substr(end + 1);
    ++line_number;
    if (line.empty()) continue;
    auto event = read_event(line);
    if (!event) {
      parsed.warnings.push_back({std::string(path), line_number, event.error().message});
      continue;
    }
    // What was read writes back to a line that reads back the same; a difference is a bug for the fuzzer to report.
    const std::string written = write_event(*event);
    auto again = read_event(written);
    if (!again || write_event(*again) != written) {
      __builtin_trap();
    }
  }
  return parsed;
}

}  // namespace vigil::formats::events
