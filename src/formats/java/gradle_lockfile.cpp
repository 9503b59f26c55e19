// gradle.lockfile (Gradle dependency locking): "group:artifact:version=conf1,conf2" per locked module.
// Dependencies locked only for test configurations are Dev; the file does not tell direct from transitive.
#include <fmt/format.h>

#include <string>

#include "core/strings.hpp"
#include "formats/java.hpp"

namespace vigil::formats {
namespace {

// True when every configuration is a test one ("testCompileClasspath", "integrationTestRuntimeClasspath").
bool test_only(std::string_view configurations) {
  bool any = false;
  for (const auto conf : split(configurations, ',')) {
    const std::string_view c = trim(conf);
    if (c.empty()) {
      continue;
    }
    if (to_lower(c).find("test") == std::string::npos) {
      return false;
    }
    any = true;
  }
  return any;
}

}  // namespace

Result<Parsed> parse_gradle_lockfile(std::string_view /*path*/, std::string_view bytes) {
  Parsed parsed;
  int number = 0;
  for (const auto raw : lines(bytes)) {
    ++number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || starts_with(line, "empty=")) {
      continue;
    }
    const size_t eq = line.find('=');
    const std::string_view coordinates = trim(line.substr(0, eq));
    const auto parts = split(coordinates, ':');
    if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
      parsed.warnings.push_back(
          {"", number, fmt::format("expected group:artifact:version, got \"{}\"", coordinates.substr(0, 200))});
      continue;
    }
    model::Package pkg;
    pkg.name = fmt::format("{}:{}", parts[0], parts[1]);
    pkg.version = std::string(parts[2]);
    pkg.ecosystem = model::Ecosystem::Maven;
    const std::string_view configurations = eq == std::string_view::npos ? "" : line.substr(eq + 1);
    if (!trim(configurations).empty()) {
      pkg.scope = test_only(configurations) ? model::Scope::Dev : model::Scope::Prod;
    }
    parsed.packages.push_back(std::move(pkg));
  }
  return parsed;
}

}  // namespace vigil::formats
