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

enum class EventOrder { AsWritten, Sorted };

// Evaluates version against ranges of type ECOSYSTEM and SEMVER and the explicit versions list. compare is the
// ecosystem's comparator (SEMVER ranges always use SemVer 2.0 precedence). EventOrder::Sorted skips sorting
// the events: entries from the DB were normalized at import.
Verdict evaluate(const formats::osv::Affected& affected, std::string_view version, versions::CompareFn compare,
                 EventOrder order = EventOrder::AsWritten);

// What the DB stores, computed once at import instead of at every match: each range's events sorted as the
// schema's algorithm needs, and the explicit versions that the ranges already cover dropped (osv.dev
// enumerates them from the ranges; only the ones the ranges miss change the answer).
void normalize_affected(formats::osv::Affected& affected, versions::CompareFn compare);

}  // namespace vigil::vulndb
