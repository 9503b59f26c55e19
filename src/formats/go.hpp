// Go: go.mod and the build info Go embeds in binaries.
// Pure parsers: bytes in, packages out; every one has a libFuzzer target in fuzz/.
#pragma once

#include <string_view>

#include "formats/parsed.hpp"

namespace vigil::formats {

Result<Parsed> parse_go_mod(std::string_view path, std::string_view bytes);
Result<Parsed> parse_go_buildinfo(std::string_view path, std::string_view bytes);
// go.sum: every module whose source was downloaded (lines without "/go.mod"), highest version of each.
Result<Parsed> parse_go_sum(std::string_view path, std::string_view bytes);
// True when go.mod's "go" directive is older than 1.17: such files do not list indirect dependencies,
// so go.sum is the only record of them (the go command's own rule for module graph pruning).
bool go_mod_lacks_indirect(std::string_view go_mod);
// Orders Go module versions (semver with "v", pseudo-versions, +incompatible): <0, 0, >0.
int compare_go_versions(std::string_view a, std::string_view b);

}  // namespace vigil::formats
