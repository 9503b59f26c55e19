// Go module versions: the same ordering the go.sum reader uses (formats/go).
#include "formats/go.hpp"

#include "scan/versions/compare.hpp"

namespace vigil::versions {

int compare_go(std::string_view a, std::string_view b) {
  return formats::compare_go_versions(a, b);
}

}  // namespace vigil::versions
