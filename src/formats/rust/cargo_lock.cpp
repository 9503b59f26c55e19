// Cargo.lock (lock format v1 to v4): every resolved crate. Packages without `source` are the workspace's own
// crates (path dependencies) and are skipped, as cargo-audit does; their dependencies are the direct ones.
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "formats/rust.hpp"

namespace vigil::formats {
namespace {

struct Entry {
  std::string name;
  std::string version;
  bool local = false;  // no source: a workspace member or path dependency
  std::vector<std::string> dependencies;
  int line = 0;
};

Entry read_entry(const toml::table& table, Parsed& parsed) {
  Entry e;
  e.line = static_cast<int>(table.source().begin.line);
  e.name = table["name"].value_or(std::string());
  e.version = table["version"].value_or(std::string());
  e.local = !table.contains("source");
  if (const toml::array* deps = table["dependencies"].as_array()) {
    for (const auto& dep : *deps) {
      if (const auto s = dep.value<std::string>()) {
        e.dependencies.push_back(*s);
      } else {
        parsed.warnings.push_back({"", e.line, fmt::format("package {}: dependency is not a string", e.name)});
      }
    }
  }
  return e;
}

// Entries by "name" (the first of that name) and by "name version".
struct EntryIndex {
  std::map<std::string, const Entry*, std::less<>> by_name;
  std::map<std::string, const Entry*, std::less<>> by_name_version;
};

// "name", "name version" (v2+) or "name version (source)" (v1): the entry it points at, if any.
const Entry* resolve(std::string_view dep, const EntryIndex& index) {
  const auto words = split(trim(dep), ' ');
  if (words.empty()) {
    return nullptr;
  }
  if (words.size() < 2) {
    const auto it = index.by_name.find(words[0]);
    return it == index.by_name.end() ? nullptr : it->second;
  }
  const auto it = index.by_name_version.find(fmt::format("{} {}", words[0], words[1]));
  return it == index.by_name_version.end() ? nullptr : it->second;
}

// Registry and git crates used by a workspace member.
std::set<const Entry*> direct_dependencies(const std::vector<Entry>& entries) {
  EntryIndex index;
  for (const auto& e : entries) {
    index.by_name.emplace(e.name, &e);
    index.by_name_version.emplace(fmt::format("{} {}", e.name, e.version), &e);
  }
  std::set<const Entry*> direct;
  for (const auto& e : entries) {
    if (!e.local) {
      continue;
    }
    for (const auto& dep : e.dependencies) {
      if (const Entry* target = resolve(dep, index)) {
        direct.insert(target);
      }
    }
  }
  return direct;
}

}  // namespace

Result<Parsed> parse_cargo_lock(std::string_view /*path*/, std::string_view bytes) {
  toml::table doc;
  try {
    doc = toml::parse(bytes);
  } catch (const toml::parse_error& e) {
    return fail(fmt::format("invalid TOML at line {}, column {}: {}", e.source().begin.line, e.source().begin.column,
                            e.description()));
  }
  Parsed parsed;
  const toml::node_view<toml::node> package_node = doc["package"];
  if (!package_node) {
    return parsed;  // a workspace with no dependencies at all
  }
  const toml::array* packages = package_node.as_array();
  if (packages == nullptr) {
    return fail("\"package\" is not an array of tables");
  }
  std::vector<Entry> entries;
  for (const auto& node : *packages) {
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      parsed.warnings.push_back({"", static_cast<int>(node.source().begin.line), "[[package]] entry is not a table"});
      continue;
    }
    Entry e = read_entry(*table, parsed);
    if (e.name.empty()) {
      parsed.warnings.push_back({"", e.line, "[[package]] without a name; skipped"});
      continue;
    }
    entries.push_back(std::move(e));
  }
  const bool has_members = std::any_of(entries.begin(), entries.end(), [](const Entry& e) { return e.local; });
  const std::set<const Entry*> direct = direct_dependencies(entries);
  for (const auto& e : entries) {
    if (e.local) {
      continue;
    }
    if (e.version.empty()) {
      parsed.warnings.push_back({"", e.line, fmt::format("package {} has no version", e.name)});
    }
    model::Package pkg;
    pkg.name = e.name;
    pkg.version = e.version;
    pkg.ecosystem = model::Ecosystem::CratesIo;
    if (has_members) {
      pkg.relation = direct.count(&e) != 0 ? model::Relation::Direct : model::Relation::Transitive;
    }
    parsed.packages.push_back(std::move(pkg));
  }
  return parsed;
}

}  // namespace vigil::formats
