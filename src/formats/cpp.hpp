// C/C++: conan.lock (v1, v2), vcpkg.json manifests and vcpkg's installed status file.
// Pure parsers: bytes in, packages out; every one has a libFuzzer target in fuzz/.
#pragma once

#include <string_view>

#include "formats/parsed.hpp"

namespace vigil::formats {

Result<Parsed> parse_conan_lock(std::string_view path, std::string_view bytes);
Result<Parsed> parse_vcpkg_json(std::string_view path, std::string_view bytes);
Result<Parsed> parse_vcpkg_status(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats
