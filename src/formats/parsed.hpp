// What every pure parser in src/formats returns: packages, maybe the OS, and non-fatal problems.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/result.hpp"
#include "model/package.hpp"

namespace vigil::formats {

struct Parsed {
  std::vector<model::Package> packages;
  std::optional<model::OsInfo> os;
  std::vector<Diagnostic> warnings;
};

// Signature shared by the parsers: path (relative, for messages and name-dependent formats) and bytes.
using ParseFn = Result<Parsed> (*)(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats
