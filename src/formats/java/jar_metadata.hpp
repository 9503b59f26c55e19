// What a jar says about its own identity: pom.properties, MANIFEST.MF, or as a last resort its file name.
// Shared by the archive walker (jar.cpp); pure string functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil::formats::java {

struct Coordinates {
  std::string group;  // may be empty when only the file name was known
  std::string artifact;
  std::string version;
  // "group:artifact", or just "artifact" without a group (what Trivy reports for a bare file name).
  [[nodiscard]] std::string name() const { return group.empty() ? artifact : group + ":" + artifact; }
};

// "META-INF/maven/<group>/<artifact>/pom.properties" -> true, with the path's group and artifact.
bool is_pom_properties(std::string_view entry, std::string* group, std::string* artifact);
// groupId/artifactId/version from pom.properties; path_group/path_artifact fill missing keys.
Coordinates parse_pom_properties(std::string_view text, std::string_view path_group, std::string_view path_artifact);
// From the manifest's main section (Implementation-*, Specification-*, Bundle-*), when all three are known.
std::optional<Coordinates> parse_manifest(std::string_view text);
// "commons-io-2.11.0.jar" -> artifact "commons-io", version "2.11.0"; nullopt when no version is in the name.
std::optional<Coordinates> parse_file_name(std::string_view file_name);
// Entry names that would escape an extraction directory ("../x", "/etc/x", "a/../../x").
bool unsafe_entry_name(std::string_view name);
bool is_nested_archive(std::string_view entry);

}  // namespace vigil::formats::java
