// Writing a report: to stdout, or to a file replaced atomically (never half-written).
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vigil::cli {

// Empty path: stdout. Otherwise writes PATH.tmp-XXXXXX beside it, fsyncs and renames over PATH.
Result<void> write_output(const std::string& path, std::string_view content);

}  // namespace vigil::cli
