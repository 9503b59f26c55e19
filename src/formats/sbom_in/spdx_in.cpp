// SPDX 2.2/2.3 JSON input: every package with a "purl" external reference becomes a package. The packages
// the document describes (its root), the operating system and files are not packages and need no purl.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>

#include "core/strings.hpp"
#include "formats/sbom_in.hpp"
#include "formats/sbom_in/common.hpp"

namespace vigil::formats::sbom_in {
namespace {

constexpr std::string_view kVigilLicensePrefix = "declared license (not an SPDX expression): ";

// SPDX ids of the packages the document describes: documentDescribes and DESCRIBES relationships.
std::set<std::string_view> described_ids(json::object root) {
  std::set<std::string_view> ids;
  json::array list;
  if (!root["documentDescribes"].get_array().get(list)) {
    size_t count = 0;
    for (json::element e : list) {
      if (++count > kMaxEntries) break;
      ids.insert(string_of(e));
    }
  }
  const std::string_view document = json::string_field(root, "SPDXID");
  if (!root["relationships"].get_array().get(list)) {
    size_t count = 0;
    for (json::element e : list) {
      if (++count > kMaxEntries) break;
      const std::string_view type = string_of(e["relationshipType"]);
      const std::string_view from = string_of(e["spdxElementId"]);
      const std::string_view to = string_of(e["relatedSpdxElement"]);
      if (type == "DESCRIBES" && from == document) {
        ids.insert(to);
      } else if (type == "DESCRIBED_BY" && to == document) {
        ids.insert(from);
      }
    }
  }
  return ids;
}

// The first purl among externalRefs (category PACKAGE-MANAGER in 2.3, PACKAGE_MANAGER in 2.2).
std::string_view purl_of(json::object package) {
  json::array refs;
  if (package["externalRefs"].get_array().get(refs)) {
    return {};
  }
  size_t count = 0;
  for (json::element ref : refs) {
    if (++count > 256) break;
    const std::string_view category = string_of(ref["referenceCategory"]);
    if (string_of(ref["referenceType"]) == "purl" &&
        (category == "PACKAGE-MANAGER" || category == "PACKAGE_MANAGER" || category.empty())) {
      return string_of(ref["referenceLocator"]);
    }
  }
  return {};
}

bool is_assertion(std::string_view license) {
  return !license.empty() && license != "NOASSERTION" && license != "NONE";
}

std::string license_of(json::object package) {
  const std::string_view declared = json::string_field(package, "licenseDeclared");
  if (is_assertion(declared)) {
    return std::string(declared);
  }
  const std::string_view comments = json::string_field(package, "licenseComments");
  if (starts_with(comments, kVigilLicensePrefix)) {
    return std::string(comments.substr(kVigilLicensePrefix.size()));
  }
  const std::string_view concluded = json::string_field(package, "licenseConcluded");
  return is_assertion(concluded) ? std::string(concluded) : std::string();
}

Extras extras_of(json::object package) {
  Extras x;
  x.version = std::string(json::string_field(package, "versionInfo"));
  x.license = license_of(package);
  const std::string_view source_info = json::string_field(package, "sourceInfo");
  if (starts_with(source_info, "found in ")) {  // what Vigil writes
    x.location = relative_location(source_info.substr(9));
  } else if (starts_with(source_info, "built package from: ")) {  // Trivy: "built package from: glibc 2.36-9"
    const std::string_view source = trim(source_info.substr(20));
    const size_t space = source.find(' ');
    x.source_name = std::string(source.substr(0, space));
    if (space != std::string_view::npos) {
      x.source_version = std::string(trim(source.substr(space + 1)));
    }
  }
  return x;
}

bool is_os(std::string_view purpose) {
  return purpose == "OPERATING_SYSTEM" || purpose == "OPERATING-SYSTEM";
}

void read_os(json::object package, Collector& out) {
  model::OsInfo os;
  os.family = to_lower(trim(json::string_field(package, "name")));
  os.version = std::string(json::string_field(package, "versionInfo"));
  os.name = std::string(json::string_field(package, "description"));
  const std::string_view source_info = json::string_field(package, "sourceInfo");
  if (starts_with(source_info, "found in ")) {
    os.location = relative_location(source_info.substr(9));
  }
  out.set_document_os(std::move(os));
}

void read_package(json::object package, size_t index, const std::set<std::string_view>& described, Collector& out) {
  const std::string_view id = json::string_field(package, "SPDXID");
  const std::string_view name = json::string_field(package, "name");
  const std::string_view purpose = json::string_field(package, "primaryPackagePurpose");
  const std::string what = fmt::format("packages[{}] '{}'", index, clip(name, 80));
  if (is_os(purpose)) {
    read_os(package, out);
  }
  const std::string_view purl = purl_of(package);
  if (!purl.empty()) {
    out.add(purl, extras_of(package), what);
    return;
  }
  static constexpr std::array kNotPackages{"FILE", "CONTAINER", "OPERATING_SYSTEM", "OPERATING-SYSTEM", "SOURCE"};
  const bool silent =
      described.count(id) > 0 || std::find(kNotPackages.begin(), kNotPackages.end(), purpose) != kNotPackages.end();
  if (!silent) {
    out.warn(0, what + " has no purl: skipped");
  }
}

}  // namespace

Result<Parsed> read_spdx(json::object root) {
  Collector out;
  json::element packages;
  const bool has_packages = !root["packages"].get(packages);
  const std::string_view version = json::string_field(root, "spdxVersion");
  if (version.empty()) {
    if (json::has_field(root, "bomFormat")) {
      return fail("a CycloneDX document, not SPDX");
    }
    if (!has_packages) {
      return fail("not an SPDX document: no \"spdxVersion\" and no \"packages\"");
    }
    out.warn(0, "no \"spdxVersion\": read as SPDX");
  } else if (!starts_with(version, "SPDX-2.")) {
    out.warn(0, fmt::format("spdxVersion '{}': only SPDX 2.x JSON is known, read as such", clip(version, 40)));
  }
  if (!has_packages) {
    return out.finish();
  }
  json::array list;
  if (packages.get_array().get(list)) {
    out.warn(0, fmt::format("packages is a JSON {}, expected an array", json::type_name(packages)));
    return out.finish();
  }
  const auto described = described_ids(root);
  size_t index = 0;
  for (json::element e : list) {
    if (!out.take_entry()) {
      break;
    }
    json::object package;
    if (e.get_object().get(package)) {
      out.warn(0, fmt::format("packages[{}] is a JSON {}, expected an object", index, json::type_name(e)));
    } else {
      read_package(package, index, described, out);
    }
    ++index;
  }
  return out.finish();
}

}  // namespace vigil::formats::sbom_in

namespace vigil::formats {

Result<Parsed> parse_spdx_json(std::string_view /*path*/, std::string_view bytes) {
  simdjson::dom::parser parser;
  auto root = json::parse_object(parser, bytes, "SPDX document");
  if (!root) {
    return tl::unexpected(root.error());
  }
  return sbom_in::read_spdx(*root);
}

}  // namespace vigil::formats
