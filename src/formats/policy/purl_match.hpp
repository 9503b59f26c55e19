// Package URL comparison for VEX products and ignore entries: the parts that identify a package, normalised
// by the purl spec's case rules, so that two spellings of one package compare equal.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil::formats::policy {

struct PurlParts {
  std::string type;     // lowercase
  std::string ns;       // percent-decoded segments joined by '/', lowercased where the type says so
  std::string name;     // percent-decoded, lowercased (PyPI: also '_' and '.' as '-') where the type says so
  std::string version;  // percent-decoded; empty when the purl has none
};

// Parses "pkg:type/ns/name@version?qualifiers#subpath"; qualifiers and subpath are dropped.
// nullopt when it is not a purl (no "pkg:" scheme, no type or no name).
std::optional<PurlParts> parse_purl(std::string_view purl);

// The product names the package: same type, namespace and name, and the same version when the product has one.
bool purl_matches(const PurlParts& product, const PurlParts& package);

}  // namespace vigil::formats::policy
