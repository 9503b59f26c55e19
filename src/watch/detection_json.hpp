// A detection as one JSON line (docs/watch.md, "Detections"): what `vigil watch` writes and sinks forward.
#pragma once

#include <cstdint>
#include <string>

#include "watch/engine.hpp"

namespace vigil::watch {

// RFC 3339 UTC with nanoseconds: "2026-11-27T09:23:16.000000123Z".
std::string rfc3339_ns(uint64_t time_ns);
// One line, without the newline.
std::string detection_json(const Detection& detection);

}  // namespace vigil::watch
