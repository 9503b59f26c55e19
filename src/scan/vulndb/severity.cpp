// An advisory's severity from its CVSS vectors (scored by formats/cvss) or its own rating.
#include <array>
#include <string_view>

#include "core/strings.hpp"
#include "formats/cvss.hpp"
#include "scan/vulndb/match.hpp"

namespace vigil::vulndb {
namespace {

// Preference order: the newer CVSS first; "database" is the record's own word (GHSA "MODERATE", Ubuntu
// priorities), used only when no vector can be scored.
constexpr std::array<std::string_view, 2> kVectorTypes{"CVSS_V4", "CVSS_V3"};

}  // namespace

model::SeverityInfo advisory_severity(const Advisory& advisory) {
  for (const auto type : kVectorTypes) {
    for (const auto& s : advisory.severity) {
      if (!iequals(s.type, type)) {
        continue;
      }
      if (auto score = formats::cvss::base_score(s.score)) {
        return {model::severity_from_score(score->score), score->score, s.score, std::string(type)};
      }
    }
  }
  for (const auto& s : advisory.severity) {
    if (iequals(s.type, "database") || iequals(s.type, "Ubuntu")) {
      if (const auto rating = model::parse_severity(s.score)) {
        return {*rating, -1, "", "database"};
      }
    }
  }
  return {};
}

}  // namespace vigil::vulndb
