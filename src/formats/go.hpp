// Go: go.mod and the build info Go embeds in binaries.
// Pure parsers: bytes in, packages out; every one has a libFuzzer target in fuzz/.
#pragma once

#include <string_view>

#include "formats/parsed.hpp"

namespace vigil::formats {

Result<Parsed> parse_go_mod(std::string_view path, std::string_view bytes);
Result<Parsed> parse_go_buildinfo(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats
