// Java: jar/war/ear archives (nested too), pom.xml and gradle.lockfile.
// Pure parsers: bytes in, packages out; every one has a libFuzzer target in fuzz/.
#pragma once

#include <string_view>

#include "formats/byte_source.hpp"
#include "formats/parsed.hpp"

namespace vigil::formats {

Result<Parsed> parse_jar(std::string_view path, std::string_view bytes);
// The same, reading the outer archive through source (64 KiB at a time) instead of from memory.
Result<Parsed> parse_jar_source(std::string_view path, const ByteSource& source);
Result<Parsed> parse_pom_xml(std::string_view path, std::string_view bytes);
Result<Parsed> parse_gradle_lockfile(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats
