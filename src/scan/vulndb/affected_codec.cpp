// Encoding of OSV `affected` entries and the schema's range evaluation (see affected_codec.hpp).
#include "scan/vulndb/affected_codec.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/strings.hpp"

namespace vigil::vulndb {
namespace {

using formats::osv::Event;

constexpr std::array<std::pair<char, Event::Kind>, 4> kEventTags{{
    {'I', Event::Kind::Introduced},
    {'F', Event::Kind::Fixed},
    {'L', Event::Kind::LastAffected},
    {'X', Event::Kind::Limit},
}};

char tag_of(Event::Kind kind) {
  for (const auto& [tag, k] : kEventTags) {
    if (k == kind) {
      return tag;
    }
  }
  return 'I';
}

bool clean(std::string_view s) {
  return !s.empty() && s.find('\n') == std::string_view::npos && s.find('\r') == std::string_view::npos;
}

void append_line(std::string& out, char tag, std::string_view value) {
  out += tag;
  out += ' ';
  out += value;
  out += '\n';
}

// "introduced: 0" means "from the beginning of time": lower than every version, whatever the ecosystem.
bool is_zero(const Event& e) {
  return e.kind == Event::Kind::Introduced && e.version == "0";
}

// Sorts events by version as the schema requires; a zero introduced comes first. Stable, so equal versions keep
// the record's order.
std::vector<Event> sorted_events(const std::vector<Event>& events, versions::CompareFn compare) {
  std::vector<Event> sorted = events;
  std::stable_sort(sorted.begin(), sorted.end(), [&](const Event& a, const Event& b) {
    if (is_zero(a) || is_zero(b)) {
      return is_zero(a) && !is_zero(b);
    }
    return compare(a.version, b.version) < 0;
  });
  return sorted;
}

// The schema's IsAffected(v, range): walk the sorted events, switching state at each boundary.
bool range_affects(const std::vector<Event>& sorted, std::string_view v, versions::CompareFn compare) {
  bool vulnerable = false;
  bool has_limit = false;
  bool below_a_limit = false;
  for (const auto& e : sorted) {
    switch (e.kind) {
      case Event::Kind::Introduced:
        if (is_zero(e) || compare(v, e.version) >= 0) {
          vulnerable = true;
        }
        break;
      case Event::Kind::Fixed:
        if (compare(v, e.version) >= 0) {
          vulnerable = false;
        }
        break;
      case Event::Kind::LastAffected:
        if (compare(v, e.version) > 0) {
          vulnerable = false;
        }
        break;
      case Event::Kind::Limit:
        has_limit = true;  // "*" is infinity; without any limit event an implicit "*" applies
        below_a_limit = below_a_limit || e.version.find('*') != std::string::npos || compare(v, e.version) < 0;
        break;
    }
  }
  return vulnerable && (!has_limit || below_a_limit);
}

// Explicit versions are compared as the ecosystem compares them ("1.0" and "1.0.0" are one PyPI version); the
// byte-equal pass first, because lists run to thousands of entries and parsing each one is the expensive part.
bool in_versions_list(const std::vector<std::string>& listed, std::string_view version, versions::CompareFn compare) {
  if (std::find(listed.begin(), listed.end(), version) != listed.end()) {
    return true;
  }
  return std::any_of(listed.begin(), listed.end(), [&](const std::string& v) { return compare(v, version) == 0; });
}

}  // namespace

std::string encode_affected(const formats::osv::Affected& affected) {
  std::string out;
  for (const auto& v : affected.versions) {
    if (clean(v)) {
      append_line(out, 'V', v);
    }
  }
  for (const auto& range : affected.ranges) {
    if (!clean(range.type)) {
      continue;
    }
    append_line(out, 'R', range.type);
    for (const auto& e : range.events) {
      if (clean(e.version)) {
        append_line(out, tag_of(e.kind), e.version);
      }
    }
  }
  return out;
}

formats::osv::Affected decode_affected(std::string_view encoded) {
  formats::osv::Affected out;
  for (const auto line : split(encoded, '\n')) {
    if (line.size() < 3 || line[1] != ' ') {
      continue;
    }
    const char tag = line[0];
    const std::string_view value = line.substr(2);
    if (tag == 'V') {
      out.versions.emplace_back(value);
    } else if (tag == 'R') {
      out.ranges.push_back({std::string(value), {}});
    } else if (!out.ranges.empty()) {
      for (const auto& [t, kind] : kEventTags) {
        if (t == tag) {
          out.ranges.back().events.push_back({kind, std::string(value)});
        }
      }
    }
  }
  return out;
}

Verdict evaluate(const formats::osv::Affected& affected, std::string_view version, versions::CompareFn compare,
                 EventOrder order) {
  Verdict verdict;
  bool any_evaluable = !affected.versions.empty();
  for (const auto& range : affected.ranges) {
    const bool semver = iequals(range.type, "SEMVER");
    if (!semver && !iequals(range.type, "ECOSYSTEM")) {
      continue;  // GIT: commit ranges need the source repository; never guessed from version strings
    }
    any_evaluable = true;
    const versions::CompareFn cmp = semver ? versions::compare_semver : compare;
    const auto sorted = order == EventOrder::Sorted ? range.events : sorted_events(range.events, cmp);
    if (!range_affects(sorted, version, cmp)) {
      continue;
    }
    verdict.affected = true;
    for (size_t i = 0; i < sorted.size(); ++i) {
      const auto& e = sorted[i];
      // [X-0, X) holds only pre-releases of X (RustSec writes unaffected versions so): X is not a fix to offer.
      const bool prerelease_gap = i > 0 && sorted[i - 1].kind == Event::Kind::Introduced &&
                                  sorted[i - 1].version == e.version + "-0" && cmp(sorted[i - 1].version, version) > 0;
      if (e.kind == Event::Kind::Fixed && cmp(e.version, version) > 0 && !prerelease_gap) {
        verdict.fixed_versions.push_back(e.version);
      }
    }
  }
  verdict.git_only = !any_evaluable && !affected.ranges.empty();
  if (!verdict.affected) {
    verdict.affected = in_versions_list(affected.versions, version, compare);
  }
  return verdict;
}

void normalize_affected(formats::osv::Affected& affected, versions::CompareFn compare) {
  for (auto& range : affected.ranges) {
    if (iequals(range.type, "SEMVER") || iequals(range.type, "ECOSYSTEM")) {
      range.events = sorted_events(range.events, iequals(range.type, "SEMVER") ? versions::compare_semver : compare);
    }
  }
  formats::osv::Affected ranges_only;
  ranges_only.ranges = affected.ranges;
  std::erase_if(affected.versions,
                [&](const std::string& v) { return evaluate(ranges_only, v, compare, EventOrder::Sorted).affected; });
}

}  // namespace vigil::vulndb
