// package-lock.json and npm-shrinkwrap.json: lockfileVersion 1 (nested "dependencies") and 2/3 ("packages" map).
// v2 carries both shapes; the "packages" map is the complete one, so it wins whenever present.
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/strings.hpp"
#include "formats/npm.hpp"
#include "formats/npm/npm_common.hpp"

namespace vigil::formats {
namespace {

using npm_detail::is_true;
using npm_detail::PackageSet;
using npm_detail::string_or_empty;
using NameSet = std::unordered_set<std::string_view>;

constexpr std::string_view kNodeModules = "node_modules/";
constexpr int kMaxV1Depth = 200;  // npm itself never nests this deep; a cap keeps hostile input bounded

// The fields of one "packages" entry that matter here.
struct LockEntry {
  std::string_view name;
  std::string_view version;
  std::string license;
  bool dev = false;
  bool link = false;
  bool in_bundle = false;
  bool extraneous = false;
};

LockEntry read_entry(simdjson::dom::object obj) {
  LockEntry e;
  for (const auto field : obj) {
    const std::string_view key = field.key;
    if (key == "name") {
      e.name = string_or_empty(field.value);
    } else if (key == "version") {
      e.version = string_or_empty(field.value);
    } else if (key == "license") {
      e.license = npm_detail::license_of(field.value);
    } else if (key == "dev" || key == "devOptional") {
      e.dev = e.dev || is_true(field.value);
    } else if (key == "link") {
      e.link = is_true(field.value);
    } else if (key == "inBundle") {
      e.in_bundle = is_true(field.value);
    } else if (key == "extraneous") {
      e.extraneous = is_true(field.value);
    }
  }
  return e;
}

// Position of the last "node_modules/" path segment of a "packages" key, or npos for a folder (workspace) key.
size_t last_node_modules(std::string_view key) {
  size_t pos = key.rfind(kNodeModules);
  while (pos != std::string_view::npos && pos != 0 && key[pos - 1] != '/') {
    pos = key.rfind(kNodeModules, pos - 1);
  }
  return pos;
}

void add_dependency_names(simdjson::dom::object obj, NameSet& names) {
  for (const std::string_view list : {"dependencies", "devDependencies", "optionalDependencies"}) {
    simdjson::dom::object deps;
    if (obj[list].get(deps) == simdjson::SUCCESS) {
      for (const auto dep : deps) {
        names.insert(dep.key);
      }
    }
  }
}

// Direct dependencies of the root project and of each workspace folder ("packages/util").
struct DirectDeps {
  std::unordered_map<std::string_view, NameSet> by_folder;
  NameSet any_folder;  // workspace dependencies are hoisted to the root node_modules
};

DirectDeps collect_direct(simdjson::dom::object packages) {
  DirectDeps direct;
  for (const auto field : packages) {
    simdjson::dom::object obj;
    if (last_node_modules(field.key) != std::string_view::npos || field.value.get_object().get(obj)) {
      continue;
    }
    NameSet& names = direct.by_folder[field.key];
    add_dependency_names(obj, names);
    direct.any_folder.insert(names.begin(), names.end());
  }
  return direct;
}

model::Relation relation_of(const DirectDeps& direct, std::string_view parent, std::string_view key_name) {
  if (parent.empty()) {
    return direct.any_folder.count(key_name) != 0 ? model::Relation::Direct : model::Relation::Transitive;
  }
  const auto it = direct.by_folder.find(parent);
  if (it != direct.by_folder.end()) {
    return it->second.count(key_name) != 0 ? model::Relation::Direct : model::Relation::Transitive;
  }
  return model::Relation::Transitive;
}

void parse_packages_map(simdjson::dom::object packages, PackageSet& out) {
  const DirectDeps direct = collect_direct(packages);
  for (const auto field : packages) {
    const std::string_view key = field.key;
    if (key.empty()) {
      continue;  // the project itself
    }
    simdjson::dom::object obj;
    if (field.value.get_object().get(obj) != simdjson::SUCCESS) {
      out.warn(0, "packages entry \"" + std::string(key) + "\" is not an object");
      continue;
    }
    LockEntry e = read_entry(obj);
    if (e.link) {
      continue;  // a workspace or file: link; the folder it points at has its own entry
    }
    const size_t pos = last_node_modules(key);
    const bool folder = pos == std::string_view::npos;
    const std::string_view key_name = folder ? base_name(key) : key.substr(pos + kNodeModules.size());
    const std::string_view parent = folder || pos == 0 ? std::string_view{} : key.substr(0, pos - 1);
    const std::string_view name = e.name.empty() ? key_name : e.name;
    if (e.version.empty()) {
      // npm writes no version for unversioned workspaces and for extraneous or bundled leftovers.
      if (!folder && !e.in_bundle && !e.extraneous) {
        out.warn(0, "packages entry \"" + std::string(key) + "\" has no version: skipped");
      }
      continue;
    }
    if (name.empty()) {
      out.warn(0, "packages entry \"" + std::string(key) + "\" has no package name: skipped");
      continue;
    }
    const model::Relation relation = folder ? model::Relation::Direct : relation_of(direct, parent, key_name);
    out.add(std::string(name), std::string(e.version), e.dev ? model::Scope::Dev : model::Scope::Prod, relation,
            std::move(e.license));
  }
}

// v1: {"name": {"version", "dev", "requires", "dependencies": {nested}}}.
struct V1Entry {
  std::string_view name;
  std::string_view version;
  bool dev = false;
  bool top_level = false;
};

void walk_v1(simdjson::dom::object root, std::vector<V1Entry>& entries, NameSet& required, PackageSet& out) {
  std::vector<std::pair<simdjson::dom::object, int>> stack{{root, 0}};
  bool depth_warned = false;
  while (!stack.empty()) {
    const auto [deps, depth] = stack.back();
    stack.pop_back();
    for (const auto field : deps) {
      simdjson::dom::object obj;
      if (field.value.get_object().get(obj) != simdjson::SUCCESS) {
        out.warn(0, "dependencies entry \"" + std::string(field.key) + "\" is not an object");
        continue;
      }
      V1Entry e{field.key, {}, false, depth == 0};
      for (const auto f : obj) {
        if (f.key == "version") {
          e.version = string_or_empty(f.value);
        } else if (f.key == "dev") {
          e.dev = is_true(f.value);
        } else if (simdjson::dom::object sub;
                   f.key == "requires" && f.value.get_object().get(sub) == simdjson::SUCCESS) {
          for (const auto r : sub) {
            required.insert(r.key);
          }
        } else if (f.key == "dependencies" && f.value.get_object().get(sub) == simdjson::SUCCESS) {
          if (depth + 1 < kMaxV1Depth) {
            stack.emplace_back(sub, depth + 1);
          } else if (!depth_warned) {
            depth_warned = true;
            out.warn(0, "dependencies nested deeper than " + std::to_string(kMaxV1Depth) + " levels: not read");
          }
        }
      }
      entries.push_back(e);
    }
  }
}

void parse_v1(simdjson::dom::object root, PackageSet& out) {
  std::vector<V1Entry> entries;
  NameSet required;
  walk_v1(root, entries, required, out);
  for (const V1Entry& e : entries) {
    std::string_view name = e.name;
    std::string_view version = e.version;
    if (version.empty()) {
      out.warn(0, "dependencies entry \"" + std::string(name) + "\" has no version: skipped");
      continue;
    }
    if (starts_with(version, "file:") || starts_with(version, "link:")) {
      continue;  // a local folder of the project, not a published package
    }
    if (starts_with(version, "npm:")) {  // alias: "npm:real-name@1.2.3"
      const std::string_view spec = version.substr(4);
      const size_t at = spec.rfind('@');
      if (at != std::string_view::npos && at > 0) {
        name = spec.substr(0, at);
        version = spec.substr(at + 1);
      }
    }
    // v1 does not record the root's dependencies: a top-level entry nothing requires must be one, a nested
    // entry is someone's dependency, and a required top-level entry may be either.
    model::Relation relation = model::Relation::Transitive;
    if (e.top_level) {
      relation = required.count(e.name) == 0 ? model::Relation::Direct : model::Relation::Unknown;
    }
    out.add(std::string(name), std::string(version), e.dev ? model::Scope::Dev : model::Scope::Prod, relation);
  }
}

Result<Parsed> parse_lock(std::string_view bytes) {
  simdjson::dom::parser parser;
  auto doc = npm_detail::parse_json(parser, bytes);
  if (!doc) {
    return tl::unexpected(doc.error());
  }
  simdjson::dom::object root;
  if (doc->get_object().get(root) != simdjson::SUCCESS) {
    return fail("package lock is not a JSON object");
  }
  PackageSet out;
  simdjson::dom::object section;
  if (root["packages"].get(section) == simdjson::SUCCESS) {
    parse_packages_map(section, out);
  } else if (root["dependencies"].get(section) == simdjson::SUCCESS) {
    parse_v1(section, out);
  } else {
    out.warn(0, "neither \"packages\" nor \"dependencies\": no packages listed");
  }
  return out.take();
}

}  // namespace

Result<Parsed> parse_npm_package_lock(std::string_view /*path*/, std::string_view bytes) {
  try {
    return parse_lock(bytes);
  } catch (const std::exception& e) {
    return fail(std::string("cannot read package lock: ") + e.what());
  }
}

}  // namespace vigil::formats
