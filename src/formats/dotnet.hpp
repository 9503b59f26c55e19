// .NET: packages.lock.json and *.deps.json.
// Pure parsers: bytes in, packages out; every one has a libFuzzer target in fuzz/.
#pragma once

#include <string_view>

#include "formats/parsed.hpp"

namespace vigil::formats {

Result<Parsed> parse_nuget_packages_lock(std::string_view path, std::string_view bytes);
Result<Parsed> parse_dotnet_deps_json(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats
