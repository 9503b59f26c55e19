// pnpm-lock.yaml: lockfileVersion 5.x ("/name/1.2.3"), 6.x ("/name@1.2.3") and 9.x ("name@1.2.3" plus snapshots).
// Direct dependencies come from the importers; dev scope from "dev:" (5/6) or, in 9.x, from which importer lists
// reach a package through the dependency graph.
#include <yaml-cpp/yaml.h>

#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/strings.hpp"
#include "formats/npm.hpp"
#include "formats/npm/npm_common.hpp"

namespace vigil::formats {
namespace {

using npm_detail::PackageSet;

// yaml-cpp recurses once per nesting level with no limit of its own; pnpm never nests beyond ~6.
constexpr int kMaxYamlDepth = 128;

// Upper bound of the YAML nesting: indentation plus block indicators on the line plus open flow collections.
// Quoted scalars and comments are skipped so that brackets inside them do not close real collections.
bool yaml_too_deep(std::string_view s) {
  int flow = 0;
  int line_depth = 0;
  bool line_start = true;
  char prev = '\n';
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\n') {
      line_start = true;
      line_depth = 0;
    } else if (line_start && c == ' ') {
      ++line_depth;
    } else {
      line_start = false;
      const bool at_scalar_start = prev == '\n' || prev == ' ' || prev == '[' || prev == '{' || prev == ',';
      if ((c == '"' || c == '\'') && at_scalar_start) {
        for (++i; i < s.size(); ++i) {
          if (c == '"' && s[i] == '\\') {
            ++i;
          } else if (s[i] == c && (c == '"' || i + 1 >= s.size() || s[i + 1] != '\'')) {
            break;
          } else if (c == '\'' && s[i] == '\'') {
            ++i;  // '' is an escaped quote inside a single-quoted scalar
          }
        }
      } else if (c == '#' && (prev == ' ' || prev == '\n')) {
        while (i + 1 < s.size() && s[i + 1] != '\n') {
          ++i;
        }
      } else if (c == '[' || c == '{') {
        ++flow;
      } else if (c == ']' || c == '}') {
        flow = flow > 0 ? flow - 1 : 0;
      } else if ((c == '-' || c == '?' || c == ':') && (i + 1 == s.size() || s[i + 1] == ' ' || s[i + 1] == '\n')) {
        ++line_depth;
      }
    }
    if (line_depth + flow > kMaxYamlDepth) {
      return true;
    }
    prev = i < s.size() ? s[i] : '\n';
  }
  return false;
}

std::string_view scalar(const YAML::Node& n) {
  return n.IsScalar() ? std::string_view(n.Scalar()) : std::string_view{};
}

// node[key] without yaml-cpp's InvalidNode exception for missing keys or non-map nodes.
YAML::Node child(const YAML::Node& n, const char* key) {
  if (!n.IsMap()) {
    return YAML::Node();
  }
  const YAML::Node c = n[key];
  return c.IsDefined() ? c : YAML::Node();
}

std::string_view strip_leading_slash(std::string_view s) {
  return starts_with(s, "/") ? s.substr(1) : s;
}

// "1.2.3(react@18.2.0)(react-dom@18.2.0)" -> "1.2.3"; lockfile 5 writes "1.2.3_react@18.2.0".
std::string_view strip_peers(std::string_view v, int major) {
  return v.substr(0, v.find(major >= 6 ? '(' : '_'));
}

struct NameVersion {
  std::string_view name;
  std::string_view version;
};

// Package key -> name and version: "@s/a@1.0.0(peer@1)" (6, 9) or "/@s/a/1.0.0_peer@1" (5).
NameVersion split_key(std::string_view key, int major) {
  key = strip_leading_slash(key);
  if (major >= 6) {
    const std::string_view head = key.substr(0, key.find('('));
    const size_t at = head.find('@', 1);
    return at == std::string_view::npos ? NameVersion{head, {}} : NameVersion{head.substr(0, at), head.substr(at + 1)};
  }
  const size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? NameVersion{key, {}}
                                         : NameVersion{key.substr(0, slash), strip_peers(key.substr(slash + 1), 5)};
}

// The package key a dependency "name: value" points at; empty for workspace links.
std::string dep_key(std::string_view name, std::string_view value, int major) {
  if (value.empty() || starts_with(value, "link:")) {
    return {};
  }
  if (starts_with(value, "/")) {
    return std::string(value.substr(1));
  }
  if (major >= 6) {
    const std::string_view head = value.substr(0, value.find('('));
    if (head.find('@', 1) != std::string_view::npos) {
      return std::string(value);  // an alias ("lodash@4.17.20") is already a full key
    }
    return std::string(name) + '@' + std::string(value);
  }
  return std::string(name) + '/' + std::string(value);
}

struct Lock {
  int major = 0;
  std::unordered_map<std::string, std::vector<std::string>> graph;  // package key -> dependency keys
  std::unordered_map<std::string, YAML::Node> info;                 // package key (no peers in 9.x) -> entry
  std::vector<std::string> order;                                   // graph keys in file order
  std::unordered_set<std::string> direct;
  std::vector<std::string> prod_roots;
  std::vector<std::string> dev_roots;
  bool has_importers = false;
};

void read_graph(const YAML::Node& section, Lock& lock) {
  for (const auto& kv : section) {
    std::string key(strip_leading_slash(scalar(kv.first)));
    auto& deps = lock.graph[key];
    lock.order.push_back(key);
    if (!kv.second.IsMap()) {
      continue;
    }
    for (const char* list : {"dependencies", "optionalDependencies"}) {
      const YAML::Node d = child(kv.second, list);
      if (!d.IsMap()) {
        continue;
      }
      for (const auto& dep : d) {
        std::string k = dep_key(scalar(dep.first), scalar(dep.second), lock.major);
        if (!k.empty()) {
          deps.push_back(std::move(k));
        }
      }
    }
  }
}

// One importer (a workspace folder, or the lockfile root before 6.x): {name: {specifier, version}} or {name: ver}.
void read_importer(const YAML::Node& importer, Lock& lock) {
  if (!importer.IsMap()) {
    return;
  }
  for (const char* list : {"dependencies", "optionalDependencies", "devDependencies"}) {
    const YAML::Node d = child(importer, list);
    if (!d.IsMap()) {
      continue;
    }
    lock.has_importers = true;
    const bool dev = std::string_view(list) == "devDependencies";
    for (const auto& dep : d) {
      const YAML::Node v = dep.second.IsMap() ? child(dep.second, "version") : dep.second;
      std::string k = dep_key(scalar(dep.first), scalar(v), lock.major);
      if (!k.empty()) {
        lock.direct.insert(k);
        (dev ? lock.dev_roots : lock.prod_roots).push_back(std::move(k));
      }
    }
  }
}

std::unordered_set<std::string_view> reachable(const Lock& lock, const std::vector<std::string>& roots) {
  std::unordered_set<std::string_view> seen;
  std::deque<std::string_view> queue(roots.begin(), roots.end());
  while (!queue.empty()) {
    const std::string_view key = queue.front();
    queue.pop_front();
    const auto it = lock.graph.find(std::string(key));
    if (it == lock.graph.end() || !seen.insert(it->first).second) {
      continue;
    }
    queue.insert(queue.end(), it->second.begin(), it->second.end());
  }
  return seen;
}

void emit(const Lock& lock, PackageSet& out) {
  const auto prod = reachable(lock, lock.prod_roots);
  const auto dev = reachable(lock, lock.dev_roots);
  for (const std::string& key : lock.order) {
    const NameVersion nv = split_key(key, lock.major);
    const auto it = lock.info.find(lock.major >= 9 ? key.substr(0, key.find('(')) : key);
    const YAML::Node entry = it == lock.info.end() ? YAML::Node() : it->second;
    std::string_view name = nv.name;
    std::string_view version = nv.version;
    model::Scope scope = prod.count(key)  ? model::Scope::Prod
                         : dev.count(key) ? model::Scope::Dev
                                          : model::Scope::Unknown;
    if (entry.IsMap()) {
      if (const YAML::Node n = child(entry, "name"); n.IsScalar()) {
        name = n.Scalar();
      }
      if (const YAML::Node v = child(entry, "version"); v.IsScalar()) {
        version = v.Scalar();
      }
      if (const YAML::Node d = child(entry, "dev"); d.IsScalar()) {
        scope = d.Scalar() == "true" ? model::Scope::Dev : model::Scope::Prod;
      }
    }
    version = strip_peers(version, lock.major);
    if (version.empty() || name.empty()) {
      out.warn(0, "package \"" + key + "\" has no name or version: skipped");
      continue;
    }
    const model::Relation relation = !lock.has_importers      ? model::Relation::Unknown
                                     : lock.direct.count(key) ? model::Relation::Direct
                                                              : model::Relation::Transitive;
    out.add(std::string(name), std::string(version), scope, relation);
  }
}

int major_of(const YAML::Node& v) {
  const std::string_view s = scalar(v);
  int major = 0;
  for (size_t i = 0; i < s.size() && i < 4 && s[i] >= '0' && s[i] <= '9'; ++i) {
    major = major * 10 + (s[i] - '0');
  }
  return major;
}

Result<Parsed> parse_lock(std::string_view bytes) {
  if (yaml_too_deep(bytes)) {
    return fail("YAML nested deeper than " + std::to_string(kMaxYamlDepth) + " levels");
  }
  const YAML::Node root = YAML::Load(std::string(bytes));
  if (!root.IsMap()) {
    return fail("not a pnpm lockfile: the top level is not a mapping");
  }
  Lock lock;
  lock.major = major_of(child(root, "lockfileVersion"));
  PackageSet out;
  if (lock.major < 5) {
    out.warn(0, "unknown lockfileVersion \"" + std::string(scalar(child(root, "lockfileVersion"))) + "\": read as 6.0");
    lock.major = 6;
  }
  const YAML::Node packages = child(root, "packages");
  const YAML::Node snapshots = child(root, "snapshots");
  if (packages.IsMap()) {
    for (const auto& kv : packages) {
      lock.info.emplace(strip_leading_slash(scalar(kv.first)), kv.second);
    }
  }
  read_graph(snapshots.IsMap() ? snapshots : packages.IsMap() ? packages : YAML::Node(), lock);
  if (const YAML::Node importers = child(root, "importers"); importers.IsMap()) {
    for (const auto& kv : importers) {
      read_importer(kv.second, lock);
    }
  } else {
    read_importer(root, lock);
  }
  emit(lock, out);
  return out.take();
}

}  // namespace

Result<Parsed> parse_pnpm_lock(std::string_view /*path*/, std::string_view bytes) {
  try {
    return parse_lock(bytes);
  } catch (const YAML::Exception& e) {
    return fail(std::string("invalid YAML: ") + e.what());
  } catch (const std::exception& e) {
    return fail(std::string("cannot read pnpm lockfile: ") + e.what());
  }
}

}  // namespace vigil::formats
