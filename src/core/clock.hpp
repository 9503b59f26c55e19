// The current UTC time in the two spellings reports and policies use.
#pragma once

#include <string>

namespace vigil {

std::string utc_now_rfc3339();  // "2026-11-27T03:04:05Z"
std::string utc_today();        // "2026-11-27"

}  // namespace vigil
