// pnpm-lock.yaml: lockfileVersion 5.x ("/name/1.2.3"), 6.x ("/name@1.2.3") and 9.x ("name@1.2.3" plus snapshots).
// Direct dependencies come from the importers; dev scope from "dev:" (5/6) or, in 9.x, from which importer lists
// reach a package through the dependency graph.
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/strings.hpp"
#include "formats/npm.hpp"
#include "formats/npm/npm_common.hpp"
#include "formats/yaml/yaml_tree.hpp"

namespace vigil::formats {
namespace {

using npm_detail::PackageSet;
using yaml::Node;

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
  std::unordered_map<std::string, Node> info;                       // package key (no peers in 9.x) -> entry
  std::vector<std::string> order;                                   // graph keys in file order
  std::unordered_set<std::string> direct;
  std::vector<std::string> prod_roots;
  std::vector<std::string> dev_roots;
  bool has_importers = false;
};

void read_graph(const Node& section, Lock& lock) {
  for (const auto& kv : section.entries()) {
    std::string key(strip_leading_slash(kv.key.scalar()));
    auto& deps = lock.graph[key];
    lock.order.push_back(key);
    if (!kv.value.is_map()) {
      continue;
    }
    for (const char* list : {"dependencies", "optionalDependencies"}) {
      const Node d = kv.value.get(list);
      if (!d.is_map()) {
        continue;
      }
      for (const auto& dep : d.entries()) {
        std::string k = dep_key(dep.key.scalar(), dep.value.scalar(), lock.major);
        if (!k.empty()) {
          deps.push_back(std::move(k));
        }
      }
    }
  }
}

// One importer (a workspace folder, or the lockfile root before 6.x): {name: {specifier, version}} or {name: ver}.
void read_importer(const Node& importer, Lock& lock) {
  if (!importer.is_map()) {
    return;
  }
  for (const char* list : {"dependencies", "optionalDependencies", "devDependencies"}) {
    const Node d = importer.get(list);
    if (!d.is_map()) {
      continue;
    }
    lock.has_importers = true;
    const bool dev = std::string_view(list) == "devDependencies";
    for (const auto& dep : d.entries()) {
      const Node v = dep.value.is_map() ? dep.value.get("version") : dep.value;
      std::string k = dep_key(dep.key.scalar(), v.scalar(), lock.major);
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
    const Node entry = it == lock.info.end() ? Node() : it->second;
    std::string_view name = nv.name;
    std::string_view version = nv.version;
    model::Scope scope = prod.count(key)  ? model::Scope::Prod
                         : dev.count(key) ? model::Scope::Dev
                                          : model::Scope::Unknown;
    if (entry.is_map()) {
      if (const Node n = entry.get("name"); n.is_scalar()) {
        name = n.scalar();
      }
      if (const Node v = entry.get("version"); v.is_scalar()) {
        version = v.scalar();
      }
      if (const Node d = entry.get("dev"); d.is_scalar()) {
        scope = d.scalar() == "true" ? model::Scope::Dev : model::Scope::Prod;
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

int major_of(const Node& v) {
  const std::string_view s = v.scalar();
  int major = 0;
  for (size_t i = 0; i < s.size() && i < 4 && s[i] >= '0' && s[i] <= '9'; ++i) {
    major = major * 10 + (s[i] - '0');
  }
  return major;
}

Result<Parsed> parse_lock(std::string_view bytes) {
  // pnpm writes its lockfile with js-yaml's noRefs: an alias can only come from a hand-made (or hostile) file.
  yaml::Limits limits;
  limits.allow_aliases = false;
  const auto doc = yaml::load(bytes, limits);
  if (!doc) {
    return fail(doc.error().message);
  }
  const Node root = doc->root();
  if (!root.is_map()) {
    return fail("not a pnpm lockfile: the top level is not a mapping");
  }
  Lock lock;
  lock.major = major_of(root.get("lockfileVersion"));
  PackageSet out;
  if (lock.major < 5) {
    out.warn(0, "unknown lockfileVersion \"" + std::string(root.get("lockfileVersion").scalar()) + "\": read as 6.0");
    lock.major = 6;
  }
  const Node packages = root.get("packages");
  const Node snapshots = root.get("snapshots");
  if (packages.is_map()) {
    for (const auto& kv : packages.entries()) {
      lock.info.emplace(strip_leading_slash(kv.key.scalar()), kv.value);
    }
  }
  read_graph(snapshots.is_map() ? snapshots : packages.is_map() ? packages : Node(), lock);
  if (const Node importers = root.get("importers"); importers.is_map()) {
    for (const auto& kv : importers.entries()) {
      read_importer(kv.value, lock);
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
  } catch (const std::exception& e) {  // std::bad_alloc
    return fail(std::string("cannot read pnpm lockfile: ") + e.what());
  }
}

}  // namespace vigil::formats
