// Shared by the SBOM and purl-list readers: purl -> Package with de-duplication, caps on counts and warnings,
// and the choice of the OS (a document's own OS entry wins over the purls' distro qualifiers).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "formats/json_read.hpp"
#include "formats/parsed.hpp"

namespace vigil::formats::sbom_in {

constexpr size_t kMaxEntries = 250'000;  // components/packages/lines read; a bigger SBOM is cut with a warning
constexpr size_t kMaxWarnings = 200;     // then one summary warning
constexpr int kMaxDepth = 32;            // nesting of CycloneDX components

// What a document says about a package beside its purl; empty fields keep what the purl says.
struct Extras {
  std::string version;  // used only when the purl has none
  std::string location;
  std::string license;
  std::string source_name;
  std::string source_version;
  std::string arch;
  model::Scope scope = model::Scope::Unknown;
  model::Relation relation = model::Relation::Unknown;
};

class Collector {
 public:
  // Adds the package of purl; what names the entry in warnings ("component 'x'", "SPDXRef-Package-3").
  void add(std::string_view purl, const Extras& extras, std::string_view what, int line = 0);
  void warn(int line, std::string message);
  // The OS entry of the document itself; the first one is kept.
  void set_document_os(model::OsInfo os);
  // Counts an entry read; false once kMaxEntries were read (with one warning), when the caller must stop.
  bool take_entry();
  [[nodiscard]] size_t package_count() const { return parsed_.packages.size(); }
  Parsed finish();

 private:
  Parsed parsed_;
  std::set<std::pair<std::string, std::string>> seen_;  // canonical purl, location
  std::optional<model::OsInfo> document_os_;
  std::optional<model::OsInfo> purl_os_;
  size_t entries_ = 0;
  size_t suppressed_ = 0;
};

// The string of a JSON value or lookup that may be absent or of another type ("" then). Takes the lookup
// result itself: converting a failed lookup to an element would throw.
std::string_view string_of(simdjson::simdjson_result<json::element> e);
std::string_view string_of(json::element e);

// At most max characters of s, for messages about hostile input.
std::string clip(std::string_view s, size_t max = 120);

// "/var/lib/dpkg/status" -> "var/lib/dpkg/status": locations are relative to the scan root.
std::string relative_location(std::string_view path);

// The readers behind the public functions, on an already parsed document.
Result<Parsed> read_cyclonedx(json::object root);
Result<Parsed> read_spdx(json::object root);

}  // namespace vigil::formats::sbom_in
