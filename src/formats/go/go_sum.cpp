// go.sum: the modules a build downloaded, used for go.mod files older than Go 1.17 (which list only
// direct dependencies); and the "go" directive check that decides when it is needed.
#include <fmt/format.h>

#include <charconv>
#include <map>
#include <string>

#include "core/strings.hpp"
#include "formats/go.hpp"

namespace vigil::formats {
namespace {

constexpr size_t kMaxModules = 200000;

// Splits "v1.2.3-pre+build" into numbers and the prerelease; build metadata (+incompatible) is ignored.
struct GoVersion {
  unsigned long long major = 0, minor = 0, patch = 0;
  std::string_view prerelease;
};

GoVersion split_version(std::string_view v) {
  GoVersion out;
  if (!v.empty() && v.front() == 'v') {
    v.remove_prefix(1);
  }
  v = v.substr(0, v.find('+'));
  const size_t dash = v.find('-');
  if (dash != std::string_view::npos) {
    out.prerelease = v.substr(dash + 1);
    v = v.substr(0, dash);
  }
  unsigned long long* parts[] = {&out.major, &out.minor, &out.patch};
  size_t i = 0;
  for (const auto field : split(v, '.')) {
    if (i < 3) {
      std::from_chars(field.data(), field.data() + field.size(), *parts[i++]);
    }
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// SemVer 2.0 prerelease precedence: identifiers left to right, numeric ones numerically and below alphanumerics.
int compare_prerelease(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) {
    return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);  // a release is above its prereleases
  }
  const auto as = split(a, '.');
  const auto bs = split(b, '.');
  for (size_t i = 0; i < as.size() && i < bs.size(); ++i) {
    const bool an = all_digits(as[i]);
    const bool bn = all_digits(bs[i]);
    if (an && bn) {
      if (as[i].size() != bs[i].size()) {
        return as[i].size() < bs[i].size() ? -1 : 1;
      }
    } else if (an != bn) {
      return an ? -1 : 1;
    }
    if (const int c = as[i].compare(bs[i]); c != 0) {
      return c < 0 ? -1 : 1;
    }
  }
  return as.size() == bs.size() ? 0 : (as.size() < bs.size() ? -1 : 1);
}

}  // namespace

int compare_go_versions(std::string_view a, std::string_view b) {
  const GoVersion x = split_version(a);
  const GoVersion y = split_version(b);
  if (x.major != y.major) {
    return x.major < y.major ? -1 : 1;
  }
  if (x.minor != y.minor) {
    return x.minor < y.minor ? -1 : 1;
  }
  if (x.patch != y.patch) {
    return x.patch < y.patch ? -1 : 1;
  }
  return compare_prerelease(x.prerelease, y.prerelease);
}

bool go_mod_lacks_indirect(std::string_view go_mod) {
  for (const auto line : lines(go_mod)) {
    const std::string_view l = trim(line);
    if (!starts_with(l, "go ") && !starts_with(l, "go\t")) {
      continue;
    }
    const auto fields = split(trim(l.substr(3)), '.');
    unsigned major = 0;
    unsigned minor = 0;
    std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), major);
    if (fields.size() > 1) {
      std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), minor);
    }
    return major == 1 && minor < 17;
  }
  return true;  // no go directive: the go command assumes 1.16 semantics
}

Result<Parsed> parse_go_sum(std::string_view /*path*/, std::string_view bytes) {
  std::map<std::string, std::string, std::less<>> highest;  // module path -> version
  Parsed parsed;
  int number = 0;
  for (const auto line : lines(bytes)) {
    ++number;
    const std::string_view l = trim(line);
    if (l.empty()) {
      continue;
    }
    const auto fields = split(l, ' ');
    if (fields.size() != 3 || !starts_with(fields[2], "h1:")) {
      parsed.warnings.push_back({"", number, "not a 'module version h1:hash' line"});
      continue;
    }
    if (ends_with(fields[1], "/go.mod")) {
      continue;  // only the module's go.mod was fetched: its code is not in the build
    }
    auto [it, inserted] = highest.try_emplace(std::string(fields[0]), std::string(fields[1]));
    if (!inserted && compare_go_versions(it->second, fields[1]) < 0) {
      it->second = std::string(fields[1]);
    }
    if (highest.size() > kMaxModules) {
      return fail(fmt::format("more than {} modules", kMaxModules));
    }
  }
  for (const auto& [name, version] : highest) {
    model::Package pkg;
    pkg.name = name;
    pkg.version = version;
    pkg.ecosystem = model::Ecosystem::Go;
    pkg.relation = model::Relation::Transitive;
    parsed.packages.push_back(std::move(pkg));
  }
  return parsed;
}

}  // namespace vigil::formats
