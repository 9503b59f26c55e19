// The compact text form of one OSV `affected` entry as the DB stores it, and the evaluation of a version
// against it following the OSV schema's "Evaluation" section (ossf/osv-schema docs/schema.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "formats/osv.hpp"
#include "scan/versions/compare.hpp"

namespace vigil::vulndb {

// One line per item: "V <version>" (explicit affected version), "R <TYPE>" (starts a range), then its events
// "I <introduced>", "F <fixed>", "L <last_affected>", "X <limit>". Versions never hold a newline (entries
// whose versions do are dropped at import).
std::string encode_affected(const formats::osv::Affected& affected);
formats::osv::Affected decode_affected(std::string_view encoded);

struct Verdict {
  bool affected = false;
  bool git_only = false;                    // every range was GIT: the DB cannot say (reported, never guessed)
  std::vector<std::string> fixed_versions;  // fixes above the version in the ranges that affect it
};

// Evaluates version against ranges of type ECOSYSTEM and SEMVER and the explicit versions list. compare is the
// ecosystem's comparator (SEMVER ranges always use SemVer 2.0 precedence).
Verdict evaluate(const formats::osv::Affected& affected, std::string_view version, versions::CompareFn compare);

}  // namespace vigil::vulndb
