// Inventory -> findings (see match.hpp).
#include "scan/vulndb/match.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <numeric>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "core/strings.hpp"
#include "scan/vulndb/affected_codec.hpp"
#include "scan/vulndb/ecosystems.hpp"

namespace vigil::vulndb {
namespace {

// One distinct package (every place it was found shares the finding).
struct Candidate {
  const model::Package* package;
  std::vector<std::string> locations;
};

// An advisory as read once per match, with its severity scored once (CVSS parsing is not free).
struct CachedAdvisory {
  Advisory advisory;
  model::SeverityInfo severity;
};

struct Hit {
  int64_t advisory;
  std::string osv_ecosystem;
  versions::CompareFn compare;
  std::vector<std::string> fixed;
};

std::vector<Candidate> distinct_packages(const model::Inventory& inventory) {
  std::map<std::tuple<model::Ecosystem, std::string_view, std::string_view, std::string_view, std::string_view>, size_t>
      index;
  std::vector<Candidate> out;
  for (const auto& pkg : inventory.packages) {
    const auto key = std::make_tuple(pkg.ecosystem, std::string_view(pkg.name), std::string_view(pkg.version),
                                     std::string_view(pkg.source_name), std::string_view(pkg.source_version));
    auto [it, inserted] = index.emplace(key, out.size());
    if (inserted) {
      out.push_back({&pkg, {}});
    } else if (pkg.layer && out[it->second].package->layer &&
               pkg.layer->index < out[it->second].package->layer->index) {
      out[it->second].package = &pkg;  // images: the finding names the lowest layer that has the package
    }
    auto& locations = out[it->second].locations;
    if (!pkg.location.empty() && std::find(locations.begin(), locations.end(), pkg.location) == locations.end()) {
      locations.push_back(pkg.location);
    }
  }
  return out;
}

// Ecosystem-native ids first (RUSTSEC, GO, PYSEC, DSA...), then GHSA, then CVE: the most specific advisory
// names the finding, the others become aliases.
int id_rank(std::string_view id) {
  if (starts_with(id, "CVE-")) {
    return 2;
  }
  return starts_with(id, "GHSA-") ? 1 : 0;
}

// Advisories that name each other (id or shared alias) are one vulnerability.
std::vector<std::vector<size_t>> alias_groups(const std::vector<const CachedAdvisory*>& advisories) {
  std::vector<size_t> parent(advisories.size());
  std::iota(parent.begin(), parent.end(), 0);
  const auto find = [&](size_t i) {
    while (parent[i] != i) {
      i = parent[i] = parent[parent[i]];
    }
    return i;
  };
  std::unordered_map<std::string_view, size_t> owner;
  for (size_t i = 0; i < advisories.size(); ++i) {
    for (const auto& name : advisories[i]->advisory.aliases) {
      if (auto [it, inserted] = owner.emplace(name, i); !inserted) {
        parent[find(i)] = find(it->second);
      }
    }
    if (auto [it, inserted] = owner.emplace(advisories[i]->advisory.id, i); !inserted) {
      parent[find(i)] = find(it->second);
    }
  }
  std::map<size_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < advisories.size(); ++i) {
    groups[find(i)].push_back(i);
  }
  std::vector<std::vector<size_t>> out;
  for (auto& [root, members] : groups) {
    out.push_back(std::move(members));
  }
  return out;
}

model::Vulnerability merge_group(const Candidate& candidate, const std::vector<const CachedAdvisory*>& cached,
                                 const std::vector<Hit>& hits, const std::vector<size_t>& group) {
  const auto adv = [&](size_t i) -> const Advisory& { return cached[i]->advisory; };
  const size_t primary = *std::min_element(group.begin(), group.end(), [&](size_t a, size_t b) {
    return std::make_tuple(id_rank(adv(a).id), std::string_view(adv(a).id)) <
           std::make_tuple(id_rank(adv(b).id), std::string_view(adv(b).id));
  });
  model::Vulnerability v;
  v.id = adv(primary).id;
  v.summary = adv(primary).summary;
  v.package = *candidate.package;
  v.locations = candidate.locations;
  v.osv_ecosystem = hits[primary].osv_ecosystem;
  std::set<std::string> aliases;
  std::vector<std::string> fixed;
  for (const size_t i : group) {
    aliases.insert(adv(i).id);
    aliases.insert(adv(i).aliases.begin(), adv(i).aliases.end());
    fixed.insert(fixed.end(), hits[i].fixed.begin(), hits[i].fixed.end());
    v.modified = std::max(v.modified, adv(i).modified);
    if (v.summary.empty()) {
      v.summary = adv(i).summary;  // the primary record may have none (PYSEC) while its GHSA twin does
    }
    const auto& severity = cached[i]->severity;
    if (v.severity.source.empty() || severity.rating > v.severity.rating) {
      v.severity = severity;
    }
  }
  aliases.erase(v.id);
  v.aliases.assign(aliases.begin(), aliases.end());
  const auto compare = hits[primary].compare;
  std::sort(fixed.begin(), fixed.end(), [&](const auto& a, const auto& b) { return compare(a, b) < 0; });
  fixed.erase(std::unique(fixed.begin(), fixed.end(), [&](const auto& a, const auto& b) { return compare(a, b) == 0; }),
              fixed.end());
  v.fixed_versions = std::move(fixed);
  return v;
}

}  // namespace

Result<MatchResult> match_inventory(Reader& reader, const model::Inventory& inventory) {
  MatchResult result;
  const model::OsInfo* os = inventory.os ? &*inventory.os : nullptr;
  if (os != nullptr) {
    if (auto reason = os_unsupported_reason(*os); !reason.empty()) {
      result.warnings.push_back({os->location, 0, reason});
    }
  }
  std::vector<AffectedRow> rows;
  std::unordered_set<int64_t> git_only;  // advisories with entries that have only GIT ranges
  // Many versions of one package (and sibling binary packages of one source) hit the same advisories.
  std::unordered_map<int64_t, CachedAdvisory> advisory_cache;
  std::unordered_set<int64_t> seen;
  for (const auto& candidate : distinct_packages(inventory)) {
    const auto keys = lookup_keys(*candidate.package, os);
    result.packages_checked += keys.empty() ? 0 : 1;
    std::vector<Hit> hits;
    seen.clear();
    for (const auto& key : keys) {
      rows.clear();
      if (auto ok = reader.lookup(ecosystem_key(key.ecosystem), key.name, rows); !ok) {
        return tl::unexpected(ok.error());
      }
      for (const auto& row : rows) {
        auto verdict = evaluate(decode_affected(row.ranges), key.version, key.compare, EventOrder::Sorted);
        if (verdict.git_only) {
          git_only.insert(row.advisory);
        } else if (verdict.affected && seen.insert(row.advisory).second) {
          hits.push_back({row.advisory, key.ecosystem, key.compare, std::move(verdict.fixed_versions)});
        }
      }
    }
    if (hits.empty()) {
      continue;
    }
    std::vector<const CachedAdvisory*> advisories;
    for (const auto& hit : hits) {
      auto cached = advisory_cache.find(hit.advisory);
      if (cached == advisory_cache.end()) {
        auto adv = reader.advisory(hit.advisory);
        if (!adv) {
          return tl::unexpected(adv.error());
        }
        auto severity = advisory_severity(*adv);
        cached = advisory_cache.emplace(hit.advisory, CachedAdvisory{std::move(*adv), std::move(severity)}).first;
      }
      advisories.push_back(&cached->second);
    }
    const size_t first = result.vulnerabilities.size();
    for (const auto& group : alias_groups(advisories)) {
      result.vulnerabilities.push_back(merge_group(candidate, advisories, hits, group));
    }
    std::sort(result.vulnerabilities.begin() + static_cast<std::ptrdiff_t>(first), result.vulnerabilities.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
  }
  if (!git_only.empty()) {
    result.warnings.push_back(
        {"", 0,
         fmt::format("{} advisory entries have only GIT (commit) ranges and were not evaluated: Vigil does not "
                     "guess commit ranges from versions",
                     git_only.size())});
  }
  // Inventories arrive sorted (one package after another, each package's findings by id): sort only when not.
  if (!model::vulnerabilities_sorted(result.vulnerabilities)) {
    model::sort_vulnerabilities(result.vulnerabilities);
  }
  return result;
}

}  // namespace vigil::vulndb
