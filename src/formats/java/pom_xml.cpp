// pom.xml: the project's declared dependencies, with ${property} versions resolved from the file and from the
// local parent POMs the caller read (no BOM import, no repository access: what cannot be resolved is a warning).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <pugixml.hpp>
#include <set>
#include <string>

#include "formats/java.hpp"

namespace vigil::formats {
namespace {

constexpr int kMaxExpansionDepth = 10;
constexpr size_t kMaxExpandedSize = 4096;  // a version or group id; stops "${a}${a}" property bombs
constexpr int kMaxLookups = 1000;          // per value; stops wide trees of empty properties too
constexpr size_t kMaxParents = 8;          // Maven sets no limit; real chains are 1-4 deep

using Properties = std::map<std::string, std::string, std::less<>>;

// The properties ${name} is looked up in, and how a message says where that was.
struct Lookup {
  const Properties& props;
  std::string_view where;  // "this file", or "this file or its parent POMs"
};

// A <dependency> as written: before inheritance and interpolation.
struct RawDependency {
  std::string group;
  std::string artifact;
  std::string version;
  std::string scope;
  int line = 0;
};

// What one POM contributes to inheritance, uninterpolated (Maven interpolates the merged model, with the
// child's properties, so ${project.version} in a parent's dependencyManagement is the child's version).
struct PomFacts {
  PomIdentity identity;
  Properties properties;  // <properties> only
  std::vector<RawDependency> managed;
  std::vector<RawDependency> dependencies;
};

struct Managed {
  std::string version;
  std::string scope;
};
using ManagedMap = std::map<std::string, Managed, std::less<>>;

int line_of(std::string_view bytes, ptrdiff_t offset) {
  if (offset < 0) {
    return 0;
  }
  const auto end = bytes.begin() + std::min<ptrdiff_t>(offset, static_cast<ptrdiff_t>(bytes.size()));
  return 1 + static_cast<int>(std::count(bytes.begin(), end, '\n'));
}

std::string text_of(const pugi::xml_node& node, const char* child) {
  return std::string(node.child(child).text().get());
}

// Replaces every ${name}; fails on an unknown name, a cycle (depth), too much work or an oversized result.
Result<std::string> expand(std::string_view value, const Lookup& lookup, int depth, int& lookups) {
  if (depth > kMaxExpansionDepth) {
    return fail("property references nest too deeply (cycle?)");
  }
  std::string out;
  size_t pos = 0;
  while (pos < value.size()) {
    const size_t open = value.find("${", pos);
    if (open == std::string_view::npos) {
      out += value.substr(pos);
      break;
    }
    const size_t close = value.find('}', open + 2);
    if (close == std::string_view::npos) {
      return fail(fmt::format("unterminated property reference in \"{}\"", value.substr(0, 100)));
    }
    out += value.substr(pos, open - pos);
    const std::string_view name = value.substr(open + 2, close - open - 2);
    if (++lookups > kMaxLookups) {
      return fail("property expansion takes too many steps");
    }
    const auto it = lookup.props.find(name);
    if (it == lookup.props.end()) {
      return fail(fmt::format("property ${{{}}} is not defined in {}", name.substr(0, 100), lookup.where));
    }
    auto inner = expand(it->second, lookup, depth + 1, lookups);
    if (!inner) {
      return inner;
    }
    out += *inner;
    if (out.size() > kMaxExpandedSize) {
      return fail("property expansion is too large");
    }
    pos = close + 1;
  }
  return out;
}

Result<std::string> expand(std::string_view value, const Lookup& lookup) {
  int lookups = 0;
  return expand(value, lookup, 0, lookups);
}

Result<pugi::xml_node> load_project(pugi::xml_document& doc, std::string_view bytes) {
  const pugi::xml_parse_result result =
      doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default | pugi::parse_trim_pcdata);
  if (!result) {
    return fail(fmt::format("invalid XML at line {} (byte {}): {}", line_of(bytes, result.offset), result.offset,
                            result.description()));
  }
  const pugi::xml_node project = doc.child("project");
  if (!project) {
    return fail("no <project> root element");
  }
  return project;
}

PomIdentity identity_of(const pugi::xml_node& project) {
  PomIdentity id;
  const pugi::xml_node parent = project.child("parent");
  id.self.group_id = project.child("groupId") ? text_of(project, "groupId") : text_of(parent, "groupId");
  id.self.artifact_id = text_of(project, "artifactId");
  id.self.version = project.child("version") ? text_of(project, "version") : text_of(parent, "version");
  if (parent) {
    PomParentRef ref;
    ref.coordinates = {text_of(parent, "groupId"), text_of(parent, "artifactId"), text_of(parent, "version")};
    const pugi::xml_node relative = parent.child("relativePath");
    ref.relative_path_given = static_cast<bool>(relative);
    if (!relative) {
      ref.relative_path = "../pom.xml";
    } else if (*relative.text().get() != '\0') {
      ref.relative_path = relative.text().get();
    }
    id.parent = std::move(ref);
  }
  return id;
}

RawDependency raw_dependency(const pugi::xml_node& dep, std::string_view bytes) {
  return {text_of(dep, "groupId"), text_of(dep, "artifactId"), text_of(dep, "version"), text_of(dep, "scope"),
          line_of(bytes, dep.offset_debug())};
}

PomFacts facts_of(const pugi::xml_node& project, std::string_view bytes) {
  PomFacts facts;
  facts.identity = identity_of(project);
  for (const auto& p : project.child("properties").children()) {
    if (p.type() == pugi::node_element) {
      facts.properties[p.name()] = p.text().get();
    }
  }
  for (const auto& dep : project.child("dependencyManagement").child("dependencies").children("dependency")) {
    facts.managed.push_back(raw_dependency(dep, bytes));
  }
  for (const auto& dep : project.child("dependencies").children("dependency")) {
    facts.dependencies.push_back(raw_dependency(dep, bytes));
  }
  return facts;
}

std::string describe(const PomCoordinates& c) {
  return fmt::format("{}:{}:{}", c.group_id.substr(0, 200), c.artifact_id.substr(0, 200), c.version.substr(0, 100));
}

// Appends the parents that really are the chain's next link; stops at the first one that is not.
void add_parents(const std::vector<std::string_view>& parent_poms, std::vector<PomFacts>& chain, Parsed& parsed) {
  if (parent_poms.size() > kMaxParents) {
    parsed.warnings.push_back(
        {"", 0, fmt::format("parent POM chain is longer than {}; the farther parents are ignored", kMaxParents)});
  }
  for (size_t i = 0; i < std::min(parent_poms.size(), kMaxParents); ++i) {
    const auto& wanted = chain.back().identity.parent;
    if (!wanted) {
      parsed.warnings.push_back(
          {"", 0, fmt::format("parent POM {} ignored: the POM before it has no <parent>", i + 1)});
      return;
    }
    pugi::xml_document doc;
    const auto project = load_project(doc, parent_poms[i]);
    if (!project) {
      parsed.warnings.push_back(
          {"", 0, fmt::format("parent POM {} ignored: {}", describe(wanted->coordinates), project.error().message)});
      return;
    }
    PomFacts facts = facts_of(*project, parent_poms[i]);
    if (!pom_matches(facts.identity.self, wanted->coordinates)) {
      parsed.warnings.push_back({"", 0,
                                 fmt::format("parent POM ignored: the local file is {}, not {}",
                                             describe(facts.identity.self), describe(wanted->coordinates))});
      return;
    }
    chain.push_back(std::move(facts));
  }
}

// Farthest parent first, so nearer POMs override; then the project.* names Maven defines from the child.
Properties effective_properties(const std::vector<PomFacts>& chain) {
  Properties props;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    for (const auto& [name, value] : it->properties) {
      props[name] = value;
    }
  }
  const PomIdentity& child = chain.front().identity;
  for (const std::string_view prefix : {"project.", "pom."}) {
    props[std::string(prefix) + "groupId"] = child.self.group_id;
    props[std::string(prefix) + "artifactId"] = child.self.artifact_id;
    props[std::string(prefix) + "version"] = child.self.version;
  }
  const PomCoordinates parent = child.parent ? child.parent->coordinates : PomCoordinates{};
  props["project.parent.groupId"] = parent.group_id;
  props["project.parent.artifactId"] = parent.artifact_id;
  props["project.parent.version"] = parent.version;
  return props;
}

// groupId:artifactId -> version and scope from <dependencyManagement>; a nearer POM's non-empty fields win.
ManagedMap managed_versions(const std::vector<PomFacts>& chain, const Lookup& lookup) {
  ManagedMap managed;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    for (const auto& dep : it->managed) {
      const auto group = expand(dep.group, lookup);
      const auto artifact = expand(dep.artifact, lookup);
      Managed& entry = managed[(group ? *group : dep.group) + ":" + (artifact ? *artifact : dep.artifact)];
      if (!dep.version.empty() || entry.version.empty()) {
        entry.version = dep.version;
      }
      if (!dep.scope.empty()) {
        entry.scope = dep.scope;
      }
    }
  }
  return managed;
}

model::Scope scope_of(std::string_view scope) {
  return scope == "test" || scope == "provided" ? model::Scope::Dev : model::Scope::Prod;
}

// groupId:artifactId of a dependency, or a warning.
std::optional<std::string> dependency_name(const RawDependency& dep, const Lookup& lookup, int line,
                                           std::string_view note, Parsed& parsed) {
  auto group = expand(dep.group, lookup);
  auto artifact = expand(dep.artifact, lookup);
  if (!group || !artifact) {
    parsed.warnings.push_back({"", line, fmt::format("{}{}", note, (!group ? group : artifact).error().message)});
    return std::nullopt;
  }
  if (group->empty() || artifact->empty()) {
    parsed.warnings.push_back({"", line, fmt::format("{}dependency without groupId or artifactId", note)});
    return std::nullopt;
  }
  return *group + ":" + *artifact;
}

// note is "" for the file's own dependencies and "inherited from g:a:v: " for a parent's (line 0: another file).
void add_dependency(const RawDependency& dep, const std::string& name, const Lookup& lookup, const ManagedMap& managed,
                    int line, std::string_view note, Parsed& parsed) {
  std::string raw_version = dep.version;
  std::string scope = dep.scope;
  const auto it = managed.find(name);
  if (raw_version.empty()) {
    if (it == managed.end() || it->second.version.empty()) {
      parsed.warnings.push_back(
          {"", line, fmt::format("{}{}: version is managed outside this file; skipped", note, name)});
      return;
    }
    raw_version = it->second.version;
  }
  if (scope.empty() && it != managed.end()) {
    scope = it->second.scope;
  }
  auto version = expand(raw_version, lookup);
  if (!version || version->empty()) {
    parsed.warnings.push_back(
        {"", line, fmt::format("{}{}: {}; skipped", note, name, version ? "empty version" : version.error().message)});
    return;
  }
  model::Package pkg;
  pkg.name = name;
  pkg.version = std::move(*version);
  pkg.ecosystem = model::Ecosystem::Maven;
  pkg.scope = scope_of(scope);
  pkg.relation = model::Relation::Direct;
  parsed.packages.push_back(std::move(pkg));
}

// The child's own dependencies, then each parent's that no nearer POM declares (Maven merges by key).
void add_dependencies(const std::vector<PomFacts>& chain, const Lookup& lookup, Parsed& parsed) {
  const ManagedMap managed = managed_versions(chain, lookup);
  std::set<std::string, std::less<>> declared;
  for (size_t level = 0; level < chain.size(); ++level) {
    const std::string note =
        level == 0 ? std::string() : fmt::format("inherited from {}: ", describe(chain[level].identity.self));
    std::set<std::string, std::less<>> here;
    for (const auto& dep : chain[level].dependencies) {
      const int line = level == 0 ? dep.line : 0;
      const auto name = dependency_name(dep, lookup, line, note, parsed);
      if (!name || declared.contains(*name)) {
        continue;
      }
      here.insert(*name);
      add_dependency(dep, *name, lookup, managed, line, note, parsed);
    }
    declared.merge(here);
  }
}

bool same_or_unresolved(const std::string& a, const std::string& b) {
  return a == b || a.empty() || b.empty() || a.find("${") != std::string::npos || b.find("${") != std::string::npos;
}

}  // namespace

Result<PomIdentity> pom_identity(std::string_view bytes) {
  pugi::xml_document doc;
  const auto project = load_project(doc, bytes);
  if (!project) {
    return tl::unexpected(project.error());
  }
  return identity_of(*project);
}

std::optional<std::string> pom_parent_path(std::string_view bytes) {
  auto identity = pom_identity(bytes);
  if (!identity || !identity->parent) {
    return std::nullopt;
  }
  return std::move(identity->parent->relative_path);
}

bool pom_matches(const PomCoordinates& candidate, const PomCoordinates& wanted) {
  return !candidate.artifact_id.empty() && candidate.artifact_id == wanted.artifact_id &&
         same_or_unresolved(candidate.group_id, wanted.group_id) &&
         same_or_unresolved(candidate.version, wanted.version);
}

Result<Parsed> parse_pom_xml_with_parents(std::string_view /*path*/, std::string_view bytes,
                                          const std::vector<std::string_view>& parent_poms) {
  pugi::xml_document doc;
  const auto project = load_project(doc, bytes);
  if (!project) {
    return tl::unexpected(project.error());
  }
  Parsed parsed;
  std::vector<PomFacts> chain;
  chain.push_back(facts_of(*project, bytes));
  add_parents(parent_poms, chain, parsed);
  const Properties props = effective_properties(chain);
  const Lookup lookup{props, chain.size() == 1 ? "this file" : "this file or its parent POMs"};
  add_dependencies(chain, lookup, parsed);
  return parsed;
}

Result<Parsed> parse_pom_xml(std::string_view path, std::string_view bytes) {
  return parse_pom_xml_with_parents(path, bytes, {});
}

}  // namespace vigil::formats
