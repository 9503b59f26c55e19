// Collector of SBOM packages (see common.hpp) and the format sniffing of `vigil scan sbom`.
#include "formats/sbom_in/common.hpp"

#include <fmt/format.h>

#include "core/strings.hpp"
#include "formats/sbom_in.hpp"
#include "model/purl.hpp"

namespace vigil::formats::sbom_in {

void Collector::warn(int line, std::string message) {
  if (parsed_.warnings.size() >= kMaxWarnings) {
    ++suppressed_;
    return;
  }
  parsed_.warnings.push_back({"", line, std::move(message)});
}

bool Collector::take_entry() {
  if (entries_ == kMaxEntries) {
    ++entries_;
    // Not subject to the warning cap: the user must learn that the inventory is incomplete.
    parsed_.warnings.push_back({"", 0, fmt::format("more than {} entries: the rest is not read", kMaxEntries)});
    return false;
  }
  if (entries_ > kMaxEntries) {
    return false;
  }
  ++entries_;
  return true;
}

void Collector::set_document_os(model::OsInfo os) {
  if (!document_os_ && !os.family.empty()) {
    document_os_ = std::move(os);
  }
}

void Collector::add(std::string_view purl, const Extras& extras, std::string_view what, int line) {
  std::optional<model::OsInfo> os;
  auto pkg = model::package_from_purl(purl, &os);
  if (!pkg) {
    warn(line, fmt::format("{}: skipped: purl '{}': {}", what, clip(purl), pkg.error().message));
    return;
  }
  const auto parsed = model::parse_purl(purl);  // cannot fail once package_from_purl succeeded
  if (!seen_.emplace(model::canonical_purl(*parsed), extras.location).second) {
    return;  // the same package listed twice (Trivy lists a package once per dependency path)
  }
  if (os && (!purl_os_ || (purl_os_->version.empty() && !os->version.empty()))) {
    purl_os_ = std::move(os);
  }
  if (pkg->version.empty()) {
    pkg->version = extras.version;
  }
  if (pkg->version.empty()) {
    warn(line, fmt::format("{}: '{}' has no version", what, clip(pkg->name)));
  }
  pkg->location = extras.location;
  pkg->license = extras.license;
  pkg->scope = extras.scope;
  pkg->relation = extras.relation;
  if (!extras.source_name.empty()) {
    pkg->source_name = extras.source_name;
  }
  if (!extras.source_version.empty()) {
    pkg->source_version = extras.source_version;
  }
  if (!extras.arch.empty()) {
    pkg->arch = extras.arch;
  }
  parsed_.packages.push_back(std::move(*pkg));
}

Parsed Collector::finish() {
  if (suppressed_ > 0) {
    parsed_.warnings.push_back({"", 0, fmt::format("{} more warnings not shown", suppressed_)});
  }
  if (document_os_) {
    parsed_.os = std::move(document_os_);
  } else if (purl_os_ && !purl_os_->family.empty()) {
    parsed_.os = std::move(purl_os_);
  }
  return std::move(parsed_);
}

std::string_view string_of(simdjson::simdjson_result<json::element> e) {
  std::string_view out;
  if (e.get_string().get(out)) {
    return {};
  }
  return out;
}

std::string_view string_of(json::element e) {
  std::string_view out;
  if (e.get_string().get(out)) {
    return {};
  }
  return out;
}

std::string clip(std::string_view s, size_t max) {
  if (s.size() <= max) {
    return std::string(s);
  }
  return std::string(s.substr(0, max)) + "...";
}

std::string relative_location(std::string_view path) {
  while (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  return std::string(path);
}

}  // namespace vigil::formats::sbom_in

namespace vigil::formats {

Result<Parsed> parse_sbom_auto(std::string_view /*path*/, std::string_view bytes) {
  simdjson::dom::parser parser;
  auto doc = json::parse(parser, bytes);
  if (!doc) {
    return fail("not a CycloneDX or SPDX JSON document (" + doc.error().message + ")");
  }
  json::object root;
  if (doc->get_object().get(root)) {
    return fail("not a CycloneDX or SPDX JSON document");
  }
  if (json::string_field(root, "bomFormat") == "CycloneDX") {
    return sbom_in::read_cyclonedx(root);
  }
  if (json::has_field(root, "spdxVersion")) {
    return sbom_in::read_spdx(root);
  }
  return fail("not a CycloneDX or SPDX JSON document");
}

}  // namespace vigil::formats
