// Java: jar/war/ear archives (nested too), pom.xml and gradle.lockfile.
// Pure parsers: bytes in, packages out; every one has a libFuzzer target in fuzz/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/byte_source.hpp"
#include "formats/parsed.hpp"

namespace vigil::formats {

Result<Parsed> parse_jar(std::string_view path, std::string_view bytes);
// The same, reading the outer archive through source (64 KiB at a time) instead of from memory.
Result<Parsed> parse_jar_source(std::string_view path, const ByteSource& source);
Result<Parsed> parse_pom_xml(std::string_view path, std::string_view bytes);

// pom.xml parent chains (Maven inheritance from parent POMs found on disk through <parent><relativePath>).
struct PomCoordinates {
  std::string group_id;
  std::string artifact_id;
  std::string version;
};
struct PomParentRef {
  PomCoordinates coordinates;                // as written in <parent>
  std::optional<std::string> relative_path;  // "../pom.xml" when absent; nullopt when empty (repository only)
  bool relative_path_given = false;          // false: Maven's default was assumed
};
// A POM's own coordinates (groupId and version inherited from <parent> when absent) and its <parent>.
struct PomIdentity {
  PomCoordinates self;
  std::optional<PomParentRef> parent;
};
// Fails like parse_pom_xml on invalid XML or a missing <project>.
Result<PomIdentity> pom_identity(std::string_view bytes);
// relativePath of <parent> ("../pom.xml" when not given); nullopt without <parent>, with an empty
// <relativePath/>, or when bytes is not a POM. Relative to the POM's directory; may name a directory.
std::optional<std::string> pom_parent_path(std::string_view bytes);
// Whether a POM with coordinates `candidate` is the one a <parent> names: same groupId:artifactId and the same
// version unless one of them is a ${property} (Maven makes this check before using a relativePath POM).
bool pom_matches(const PomCoordinates& candidate, const PomCoordinates& wanted);
// parse_pom_xml with the bytes of its local parent POMs, nearest first (at most 8 are used): properties and
// dependencyManagement are inherited (the child wins), <dependencies> of parents are inherited too, and everything
// is interpolated with the child's effective properties, as Maven does. The chain stops at the first parent that
// is not valid XML or is not the POM its child names (a warning). No parents: exactly parse_pom_xml.
Result<Parsed> parse_pom_xml_with_parents(std::string_view path, std::string_view bytes,
                                          const std::vector<std::string_view>& parent_poms);
Result<Parsed> parse_gradle_lockfile(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats
