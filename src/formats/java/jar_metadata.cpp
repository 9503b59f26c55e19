// Identity of a jar from pom.properties (written by maven-archiver), MANIFEST.MF (JAR spec, OSGi headers)
// or its file name, in the order of preference Trivy uses.
#include "formats/java/jar_metadata.hpp"

#include <algorithm>
#include <map>

#include "core/strings.hpp"

namespace vigil::formats::java {
namespace {

// Main-section headers of a manifest; continuation lines start with one space (JAR File Specification).
std::map<std::string, std::string, std::less<>> manifest_headers(std::string_view text) {
  std::map<std::string, std::string, std::less<>> headers;
  std::string* last = nullptr;
  for (const auto line : lines(text)) {
    if (line.empty()) {
      break;  // end of the main section; per-entry sections follow
    }
    if (line.front() == ' ') {
      if (last != nullptr) {
        *last += line.substr(1);
      }
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      last = nullptr;
      continue;
    }
    last = &headers[std::string(trim(line.substr(0, colon)))];
    *last = std::string(line.substr(colon + 1));
  }
  for (auto& [key, value] : headers) {
    value = std::string(trim(value));
  }
  return headers;
}

// The first header present and non-empty among keys.
std::string first_of(const std::map<std::string, std::string, std::less<>>& headers,
                     std::initializer_list<std::string_view> keys) {
  for (const auto key : keys) {
    const auto it = headers.find(key);
    if (it != headers.end() && !it->second.empty()) {
      return it->second;
    }
  }
  return "";
}

}  // namespace

bool is_pom_properties(std::string_view entry, std::string* group, std::string* artifact) {
  const auto parts = split(entry, '/');
  if (parts.size() != 5 || parts[0] != "META-INF" || parts[1] != "maven" || parts[4] != "pom.properties" ||
      parts[2].empty() || parts[3].empty()) {
    return false;
  }
  *group = std::string(parts[2]);
  *artifact = std::string(parts[3]);
  return true;
}

Coordinates parse_pom_properties(std::string_view text, std::string_view path_group, std::string_view path_artifact) {
  Coordinates c;
  for (const auto raw : lines(text)) {
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == '!') {
      continue;
    }
    const size_t sep = line.find_first_of("=:");
    if (sep == std::string_view::npos) {
      continue;
    }
    const std::string_view key = trim(line.substr(0, sep));
    const std::string_view value = trim(line.substr(sep + 1));
    if (key == "groupId") {
      c.group = std::string(value);
    } else if (key == "artifactId") {
      c.artifact = std::string(value);
    } else if (key == "version") {
      c.version = std::string(value);
    }
  }
  if (c.group.empty()) {
    c.group = std::string(path_group);
  }
  if (c.artifact.empty()) {
    c.artifact = std::string(path_artifact);
  }
  return c;
}

std::optional<Coordinates> parse_manifest(std::string_view text) {
  const auto headers = manifest_headers(text);
  Coordinates c;
  c.group = first_of(headers, {"Implementation-Vendor-Id"});
  if (c.group.empty()) {
    // "com.fasterxml.jackson.core.jackson-databind;singleton:=true" -> "com.fasterxml.jackson.core"
    std::string symbolic = first_of(headers, {"Bundle-SymbolicName"});
    symbolic = std::string(trim(std::string_view(symbolic).substr(0, symbolic.find(';'))));
    const size_t dot = symbolic.rfind('.');
    c.group = dot != std::string::npos && dot > 0 ? symbolic.substr(0, dot) : symbolic;
  }
  if (c.group.empty()) {
    c.group = first_of(headers, {"Implementation-Vendor", "Specification-Vendor"});
  }
  c.artifact = first_of(headers, {"Implementation-Title", "Specification-Title", "Bundle-Name"});
  c.version = first_of(headers, {"Implementation-Version", "Specification-Version", "Bundle-Version"});
  if (c.group.empty() || c.artifact.empty() || c.version.empty()) {
    return std::nullopt;
  }
  return c;
}

std::optional<Coordinates> parse_file_name(std::string_view file_name) {
  const size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view stem = file_name.substr(0, dot);
  // The last "-<digit>" splits, as Trivy's greedy pattern does: "log4j-1.2-api-2.17.1" -> "log4j-1.2-api".
  for (size_t i = stem.size() - std::min<size_t>(stem.size(), 2); i > 0; --i) {
    if (stem[i] == '-' && stem[i + 1] >= '0' && stem[i + 1] <= '9') {
      return Coordinates{"", std::string(stem.substr(0, i)), std::string(stem.substr(i + 1))};
    }
  }
  return std::nullopt;
}

bool unsafe_entry_name(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  if (name.front() == '/' || name.front() == '\\' || (name.size() >= 2 && name[1] == ':')) {
    return true;  // absolute, Windows-rooted or drive-letter path
  }
  for (const auto part : split(name, '/')) {
    if (part == ".." || starts_with(part, "..\\") || ends_with(part, "\\..") ||
        part.find("\\..\\") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

bool is_nested_archive(std::string_view entry) {
  const std::string lower = to_lower(base_name(entry));
  return lower.size() > 4 &&
         (ends_with(lower, ".jar") || ends_with(lower, ".war") || ends_with(lower, ".ear") || ends_with(lower, ".par"));
}

}  // namespace vigil::formats::java
