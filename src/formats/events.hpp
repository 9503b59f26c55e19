// Recorded runtime events: one JSON object per line (docs/watch.md has the schema). `vigil watch --record` writes
// them, `--replay` reads them back, so rules are tested on exactly what the sensor saw, without a kernel.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "formats/parsed.hpp"
#include "model/event.hpp"

namespace vigil::formats::events {

// One line, without the newline. Every field of the event with a non-default value, plus "type" and "time_ns".
std::string write_event(const model::Event& event);
// One line back into an event; fails naming what is wrong ("unknown event type \"x\"", "invalid JSON at ...").
// Unknown keys are ignored (newer recorders); strings are bounded (64 KiB each, 4096 argv/env items).
Result<model::Event> read_event(std::string_view line);

// ParseFn-shaped wrapper for the fuzzer: every line read; bad lines become warnings.
Result<Parsed> parse_events_fuzz(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats::events
