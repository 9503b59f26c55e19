// Rust: Cargo.lock and the dependency list cargo-auditable embeds in binaries.
// Pure parsers: bytes in, packages out; every one has a libFuzzer target in fuzz/.
#pragma once

#include <string_view>

#include "formats/parsed.hpp"

namespace vigil::formats {

Result<Parsed> parse_cargo_lock(std::string_view path, std::string_view bytes);
Result<Parsed> parse_cargo_auditable(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats
