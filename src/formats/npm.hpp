// JavaScript: npm, yarn and pnpm lockfiles and installed node_modules.
// Pure parsers: bytes in, packages out; every one has a libFuzzer target in fuzz/.
#pragma once

#include <string_view>

#include "formats/parsed.hpp"

namespace vigil::formats {

Result<Parsed> parse_npm_package_lock(std::string_view path, std::string_view bytes);
Result<Parsed> parse_yarn_lock(std::string_view path, std::string_view bytes);
Result<Parsed> parse_pnpm_lock(std::string_view path, std::string_view bytes);
Result<Parsed> parse_node_package_json(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats
