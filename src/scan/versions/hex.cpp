// Hex (Elixir) versions: Elixir's Version.compare, i.e. strict SemVer 2.0 precedence with build
// metadata ignored; no leading "v", no surrounding whitespace, integers of any size compared exactly.
#include "scan/versions/compare.hpp"
#include "scan/versions/semver_parts.hpp"

namespace vigil::versions {

int compare_hex(std::string_view a, std::string_view b) {
  return semver_detail::compare_total(a, b, semver_detail::Dialect::Elixir);
}

}  // namespace vigil::versions
