// Writing a report: to stdout, or to a file replaced atomically (never half-written).
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "core/result.hpp"

namespace vigil::cli {

// Empty path or "-": stdout. Otherwise render writes PATH.tmp-XXXXXX beside PATH, which is fsynced and
// renamed over PATH. The report is streamed, never held whole in memory.
Result<void> write_output(const std::string& path, const std::function<void(std::ostream&)>& render);

}  // namespace vigil::cli
