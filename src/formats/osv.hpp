// OSV advisory records (ossf/osv-schema): the model of one record and its pure parser,
// the first brick of Vigil's vulnerability database.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "formats/parsed.hpp"

namespace vigil::formats::osv {

// One entry of a range's "events" list; each event object carries exactly one of these keys.
struct Event {
  enum class Kind { Introduced, Fixed, LastAffected, Limit };
  Kind kind = Kind::Introduced;
  std::string version;
};

struct Range {
  std::string type;  // ECOSYSTEM, SEMVER, GIT
  std::vector<Event> events;
};

struct Affected {
  std::string ecosystem;
  std::string name;
  std::string purl;
  std::vector<Range> ranges;
  std::vector<std::string> versions;
};

struct Severity {
  std::string type;  // CVSS_V2, CVSS_V3, CVSS_V4, Ubuntu
  std::string score;
};

struct Record {
  std::string id, modified, published, withdrawn, summary;
  std::vector<std::string> aliases;
  std::vector<Severity> severity;
  std::string database_severity;  // database_specific.severity when present, e.g. GHSA's "HIGH"
  std::vector<Affected> affected;
};

// Parses one OSV JSON record. Fails when the bytes are not JSON, the top level is not an object, the id is
// missing or a list is absurdly long; unknown fields are ignored and optional fields of the wrong type skipped.
Result<Record> parse_osv_record(std::string_view bytes);

// ParseFn-shaped wrapper for the fuzzer: parses the record and returns an empty Parsed (or the error).
Result<Parsed> parse_osv_fuzz(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats::osv
