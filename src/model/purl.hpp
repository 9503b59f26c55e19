// Package URLs (https://github.com/package-url/purl-spec) for every ecosystem Vigil inventories.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "model/package.hpp"

namespace vigil::model {

// Builds the purl of a package; os gives the distro qualifier and namespace of OS packages.
std::string make_purl(const Package& pkg, const OsInfo* os);

// Percent-encodes a purl component: everything but unreserved characters and the characters in also_keep
// (":" in versions and qualifier values).
std::string purl_encode(std::string_view s, std::string_view also_keep = {});

// Fills Package::purl for every package of the inventory.
void assign_purls(Inventory& inventory);

// A purl split into its components, percent-decoded (purl_parse.cpp). The type is lower case, the
// qualifiers sorted by key (keys lower case, empty values dropped), subpath without empty, "." or ".." segments.
struct ParsedPurl {
  std::string type, ns, name, version, subpath;
  std::vector<std::pair<std::string, std::string>> qualifiers;
};

// Parses a purl by the purl-spec rules; the type-specific normalisations of the spec are applied
// (deb/apk/composer/github/bitbucket names lower case, pypi lower case with '_' as '-').
Result<ParsedPurl> parse_purl(std::string_view purl);

// The canonical spelling of a parsed purl (the purl-spec test suite's "canonical_purl").
std::string canonical_purl(const ParsedPurl& purl);

// The value of a qualifier, or nullptr.
const std::string* qualifier(const ParsedPurl& purl, std::string_view key);

// A Package from a purl: ecosystem from the type, native name ("@scope/pkg", "group:artifact", "ns/name"),
// version (with the epoch qualifier for deb/rpm), arch, source package from "upstream", Package::purl = purl.
// os_out (may be null) receives the OS of deb/apk/rpm purls from the "distro" qualifier and the namespace.
// Fails on an invalid purl and on a type without a Vigil ecosystem ("unsupported purl type 'x'").
Result<Package> package_from_purl(std::string_view purl, std::optional<OsInfo>* os_out);

}  // namespace vigil::model
