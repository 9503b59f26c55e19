// pom.xml + its local parent POMs. Parents that are only in a repository (no file at relativePath) are not an
// error: the scan is offline, and the parser warns about each dependency whose version stays unresolved.
#include "scan/analyzers/maven_pom.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "formats/java.hpp"

namespace vigil::scan {
namespace {

constexpr uint64_t kMaxParentPom = 1ULL << 20;
constexpr size_t kMaxParents = 8;  // the parser uses no more

// dir/relative with "." and ".." resolved, relative to the scan root ("" is the root itself); nullopt when it is
// absolute or climbs above the root.
std::optional<std::string> join_beneath(std::string_view dir, std::string_view relative) {
  if (relative.empty() || relative.front() == '/') {
    return std::nullopt;
  }
  std::vector<std::string_view> parts;
  for (const std::string_view part : split(dir, '/')) {
    if (!part.empty()) {
      parts.push_back(part);
    }
  }
  for (const std::string_view part : split(relative, '/')) {
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      if (parts.empty()) {
        return std::nullopt;
      }
      parts.pop_back();
    } else {
      parts.push_back(part);
    }
  }
  std::string joined;
  for (const std::string_view part : parts) {
    if (!joined.empty()) {
      joined += '/';
    }
    joined += part;
  }
  return joined;
}

std::string describe(const formats::PomCoordinates& c) {
  return fmt::format("{}:{}:{}", c.group_id.substr(0, 200), c.artifact_id.substr(0, 200), c.version.substr(0, 100));
}

// The parent POM file that ref points at from the POM at pom_path; path is set to where it was found. Warns
// unless the file is simply absent (or a default relativePath leaves the root): then the parent is an artifact
// in a repository.
std::optional<std::string> read_parent(const FileContent& file, std::string_view pom_path,
                                       const formats::PomParentRef& ref, std::string& path,
                                       std::vector<Diagnostic>& warnings) {
  const auto joined = join_beneath(dir_name(pom_path), *ref.relative_path);
  if (!joined) {
    if (ref.relative_path_given) {
      warnings.push_back({"", 0,
                          fmt::format("parent POM {}: relativePath \"{}\" leads out of the scan root; not read",
                                      describe(ref.coordinates), ref.relative_path->substr(0, 200))});
    }
    return std::nullopt;
  }
  path = joined->empty() ? "pom.xml" : *joined;
  auto bytes = file.read_beneath_root(path, kMaxParentPom);
  if (!bytes && errno == EISDIR && !joined->empty()) {  // relativePath names the parent's directory
    path += "/pom.xml";
    bytes = file.read_beneath_root(path, kMaxParentPom);
  }
  if (!bytes) {
    if (errno != ENOENT && errno != ENOTDIR) {
      warnings.push_back(
          {"", 0, fmt::format("parent POM {} not read: {}", describe(ref.coordinates), bytes.error().message)});
    }
    return std::nullopt;
  }
  return std::move(*bytes);
}

// Parent POM bytes, nearest first, as long as each file is the POM its child's <parent> names.
std::vector<std::string> read_parents(const FileContent& file, std::string_view child,
                                      std::vector<Diagnostic>& warnings) {
  std::vector<std::string> parents;
  std::set<std::string, std::less<>> visited{std::string(file.info().path)};
  std::string pom_path(file.info().path);
  auto identity = formats::pom_identity(child);
  while (identity && identity->parent && identity->parent->relative_path) {
    const formats::PomParentRef ref = *identity->parent;
    if (parents.size() == kMaxParents) {
      warnings.push_back({"", 0,
                          fmt::format("parent POM chain is longer than {}; {} and farther are not read", kMaxParents,
                                      describe(ref.coordinates))});
      break;
    }
    std::string path;
    auto bytes = read_parent(file, pom_path, ref, path, warnings);
    if (!bytes) {
      break;
    }
    if (!visited.insert(path).second) {
      warnings.push_back({"", 0, fmt::format("parent POM chain loops back to {}; stopped there", path)});
      break;
    }
    identity = formats::pom_identity(*bytes);
    if (!identity) {
      warnings.push_back({"", 0, fmt::format("parent POM {} not used: {}", path, identity.error().message)});
      break;
    }
    if (!formats::pom_matches(identity->self, ref.coordinates)) {
      if (ref.relative_path_given) {  // a default ../pom.xml that is another project (an aggregator) is normal
        warnings.push_back({"", 0,
                            fmt::format("parent POM {} is {}, not {}; not used", path, describe(identity->self),
                                        describe(ref.coordinates))});
      }
      break;
    }
    parents.push_back(std::move(*bytes));
    pom_path = std::move(path);
  }
  return parents;
}

}  // namespace

void analyze_maven_pom(FileContent& file, AnalyzerOutput& out) {
  auto bytes = file.bytes();
  if (!bytes) {
    out.warnings.push_back({std::string(file.info().path), 0, bytes.error().message});
    return;
  }
  const std::vector<std::string> parents = read_parents(file, *bytes, out.warnings);
  const std::vector<std::string_view> views(parents.begin(), parents.end());
  add_parsed(formats::parse_pom_xml_with_parents(file.info().path, *bytes, views), file, out);
}

}  // namespace vigil::scan
