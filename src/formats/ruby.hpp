// Ruby: Gemfile.lock.
// Pure parsers: bytes in, packages out; every one has a libFuzzer target in fuzz/.
#pragma once

#include <string_view>

#include "formats/parsed.hpp"

namespace vigil::formats {

Result<Parsed> parse_gemfile_lock(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats
