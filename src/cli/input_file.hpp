// Reading a whole input document (SBOM, purl list, ignore file, VEX) with a size cap; "-" is stdin.
#pragma once

#include <cstddef>
#include <string>

#include "core/result.hpp"

namespace vigil::cli {

// Fails naming the file when it cannot be read or holds more than max_bytes.
Result<std::string> read_input(const std::string& path, size_t max_bytes);

}  // namespace vigil::cli
