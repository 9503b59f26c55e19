// Helpers shared by the CycloneDX and SPDX writers: identifiers, timestamps, license classification.
#pragma once

#include <string>
#include <string_view>

#include "model/package.hpp"

namespace vigil::report::sbom {

// A random RFC 4122 version-4 UUID in lower-case hex ("3e671687-395b-41f5-a30f-a58921a69b79").
std::string random_uuid_v4();

// "YYYY-MM-DDThh:mm:ssZ" from an RFC 3339 UTC timestamp (fractions and "+00:00" dropped); the current time
// when the input is not of that form, since SPDX requires exactly this spelling.
std::string utc_seconds(std::string_view rfc3339);

// How a package's free-text license can be written in an SBOM.
enum class LicenseForm {
  None,        // no license given
  Id,          // one SPDX license id from the list (value = canonical spelling)
  Expression,  // a well-formed SPDX expression of known ids and LicenseRef-s (value = normalised spelling)
  Name,        // anything else (value = the text as given)
};

struct License {
  LicenseForm form = LicenseForm::None;
  std::string value;
};

License classify_license(std::string_view text);

// The purl of a package: Package::purl when the engine filled it, else computed here.
std::string purl_of(const model::Package& pkg, const model::OsInfo* os);

// Maven "group:artifact" and npm "@scope/name" split into the CycloneDX group and name; group is "" otherwise.
struct GroupAndName {
  std::string group;
  std::string name;
};
GroupAndName group_and_name(const model::Package& pkg);

}  // namespace vigil::report::sbom
