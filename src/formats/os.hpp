// Operating-system inventories: os-release and fallbacks, dpkg, apk and rpm databases.
// Pure parsers: bytes in, packages out; every one has a libFuzzer target in fuzz/.
#pragma once

#include <string_view>

#include "formats/parsed.hpp"

namespace vigil::formats {

Result<Parsed> parse_os_release(std::string_view path, std::string_view bytes);
Result<Parsed> parse_dpkg_status(std::string_view path, std::string_view bytes);
Result<Parsed> parse_apk_installed(std::string_view path, std::string_view bytes);
Result<Parsed> parse_rpmdb_sqlite(std::string_view path, std::string_view bytes);
Result<Parsed> parse_rpmdb_unsupported(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats
