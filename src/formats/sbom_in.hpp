// SBOM and purl-list inputs (`vigil scan sbom`, `vigil scan purl`): the packages an SBOM lists, as an inventory.
#pragma once

#include <string_view>

#include "formats/parsed.hpp"

namespace vigil::formats {

// CycloneDX 1.4-1.6 JSON: every component with a purl, nested components included; the OS from the
// "operating-system" component or the purls' distro qualifier.
Result<Parsed> parse_cyclonedx_json(std::string_view path, std::string_view bytes);

// SPDX 2.2/2.3 JSON: every package with a purl external reference.
Result<Parsed> parse_spdx_json(std::string_view path, std::string_view bytes);

// One purl per line; blank lines and lines starting with '#' are skipped; a bad line is a warning.
Result<Parsed> parse_purl_list(std::string_view path, std::string_view bytes);

// CycloneDX or SPDX JSON, whichever the document is.
Result<Parsed> parse_sbom_auto(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats
