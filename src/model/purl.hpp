// Package URLs (https://github.com/package-url/purl-spec) for every ecosystem Vigil inventories.
#pragma once

#include <string>
#include <string_view>

#include "model/package.hpp"

namespace vigil::model {

// Builds the purl of a package; os gives the distro qualifier and namespace of OS packages.
std::string make_purl(const Package& pkg, const OsInfo* os);

// Percent-encodes a purl component (everything but unreserved characters; ':' kept in versions).
std::string purl_encode(std::string_view s, bool keep_colon = false);

// Fills Package::purl for every package of the inventory.
void assign_purls(Inventory& inventory);

}  // namespace vigil::model
