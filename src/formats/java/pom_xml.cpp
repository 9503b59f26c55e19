// pom.xml: the project's declared dependencies, with ${property} versions resolved from the same file only
// (no parent POM, no BOM import, no repository access: what cannot be resolved is a warning).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <pugixml.hpp>
#include <string>

#include "formats/java.hpp"

namespace vigil::formats {
namespace {

constexpr int kMaxExpansionDepth = 10;
constexpr size_t kMaxExpandedSize = 4096;  // a version or group id; stops "${a}${a}" property bombs
constexpr int kMaxLookups = 1000;          // per value; stops wide trees of empty properties too

using Properties = std::map<std::string, std::string, std::less<>>;

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
Result<std::string> expand(std::string_view value, const Properties& props, int depth, int& lookups) {
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
    const auto it = props.find(name);
    if (it == props.end()) {
      return fail(fmt::format("property ${{{}}} is not defined in this file", name.substr(0, 100)));
    }
    auto inner = expand(it->second, props, depth + 1, lookups);
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

Result<std::string> expand(std::string_view value, const Properties& props) {
  int lookups = 0;
  return expand(value, props, 0, lookups);
}

// <properties> plus the project.* names Maven defines from the project and parent coordinates.
Properties read_properties(const pugi::xml_node& project) {
  Properties props;
  for (const auto& p : project.child("properties").children()) {
    if (p.type() == pugi::node_element) {
      props[p.name()] = p.text().get();
    }
  }
  const pugi::xml_node parent = project.child("parent");
  const std::string group = project.child("groupId") ? text_of(project, "groupId") : text_of(parent, "groupId");
  const std::string version = project.child("version") ? text_of(project, "version") : text_of(parent, "version");
  for (const std::string_view prefix : {"project.", "pom."}) {
    props[std::string(prefix) + "groupId"] = group;
    props[std::string(prefix) + "artifactId"] = text_of(project, "artifactId");
    props[std::string(prefix) + "version"] = version;
  }
  props["project.parent.groupId"] = text_of(parent, "groupId");
  props["project.parent.artifactId"] = text_of(parent, "artifactId");
  props["project.parent.version"] = text_of(parent, "version");
  return props;
}

// groupId:artifactId -> version for <dependencyManagement> entries of this file.
std::map<std::string, std::string> managed_versions(const pugi::xml_node& project) {
  std::map<std::string, std::string> managed;
  for (const auto& dep : project.child("dependencyManagement").child("dependencies").children("dependency")) {
    managed[text_of(dep, "groupId") + ":" + text_of(dep, "artifactId")] = text_of(dep, "version");
  }
  return managed;
}

model::Scope scope_of(std::string_view scope) {
  return scope == "test" || scope == "provided" ? model::Scope::Dev : model::Scope::Prod;
}

void add_dependency(const pugi::xml_node& dep, const Properties& props,
                    const std::map<std::string, std::string>& managed, std::string_view bytes, Parsed& parsed) {
  const int line = line_of(bytes, dep.offset_debug());
  auto group = expand(text_of(dep, "groupId"), props);
  auto artifact = expand(text_of(dep, "artifactId"), props);
  if (!group || !artifact) {
    parsed.warnings.push_back({"", line, (!group ? group : artifact).error().message});
    return;
  }
  if (group->empty() || artifact->empty()) {
    parsed.warnings.push_back({"", line, "dependency without groupId or artifactId"});
    return;
  }
  const std::string name = *group + ":" + *artifact;
  std::string raw_version = text_of(dep, "version");
  if (raw_version.empty()) {
    const auto it = managed.find(name);
    if (it == managed.end() || it->second.empty()) {
      parsed.warnings.push_back({"", line, fmt::format("{}: version is managed outside this file; skipped", name)});
      return;
    }
    raw_version = it->second;
  }
  auto version = expand(raw_version, props);
  if (!version || version->empty()) {
    parsed.warnings.push_back(
        {"", line, fmt::format("{}: {}; skipped", name, version ? "empty version" : version.error().message)});
    return;
  }
  model::Package pkg;
  pkg.name = name;
  pkg.version = std::move(*version);
  pkg.ecosystem = model::Ecosystem::Maven;
  pkg.scope = scope_of(dep.child("scope").text().get());
  pkg.relation = model::Relation::Direct;
  parsed.packages.push_back(std::move(pkg));
}

}  // namespace

Result<Parsed> parse_pom_xml(std::string_view /*path*/, std::string_view bytes) {
  pugi::xml_document doc;
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
  Parsed parsed;
  const Properties props = read_properties(project);
  const auto managed = managed_versions(project);
  for (const auto& dep : project.child("dependencies").children("dependency")) {
    add_dependency(dep, props, managed, bytes, parsed);
  }
  return parsed;
}

}  // namespace vigil::formats
