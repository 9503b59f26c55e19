// os-release (freedesktop.org) and the distro-specific fallbacks for images without it.
#include <string>

#include "core/strings.hpp"
#include "formats/os.hpp"

namespace vigil::formats {
namespace {

// KEY="value" with shell-style quoting; returns the unquoted value.
std::string unquote(std::string_view value) {
  value = trim(value);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {
      ++i;
    }
    out += value[i];
  }
  return out;
}

Result<Parsed> parse_key_values(std::string_view bytes) {
  model::OsInfo os;
  for (const auto line : lines(bytes)) {
    const std::string_view l = trim(line);
    if (l.empty() || l.front() == '#') {
      continue;
    }
    const size_t eq = l.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    const std::string_view key = trim(l.substr(0, eq));
    if (key == "ID" || key == "DISTRIB_ID") {
      os.family = to_lower(unquote(l.substr(eq + 1)));
    } else if (key == "VERSION_ID" || key == "DISTRIB_RELEASE") {
      os.version = unquote(l.substr(eq + 1));
    } else if (key == "PRETTY_NAME" || key == "DISTRIB_DESCRIPTION") {
      os.name = unquote(l.substr(eq + 1));
    }
  }
  Parsed parsed;
  if (os.family.empty()) {
    parsed.warnings.push_back({"", 0, "no ID= line: operating system not identified"});
    return parsed;
  }
  parsed.os = std::move(os);
  return parsed;
}

// "Red Hat Enterprise Linux release 9.3 (Plow)" -> rhel 9.3; "Rocky Linux release 9.3" -> rocky 9.3.
model::OsInfo parse_redhat_release(std::string_view text) {
  model::OsInfo os;
  os.name = std::string(trim(text));
  const std::string lower = to_lower(os.name);
  os.family = lower.find("rocky") != std::string::npos    ? "rocky"
              : lower.find("alma") != std::string::npos   ? "almalinux"
              : lower.find("centos") != std::string::npos ? "centos"
              : lower.find("fedora") != std::string::npos ? "fedora"
                                                          : "rhel";
  const size_t pos = lower.find("release ");
  if (pos != std::string::npos) {
    const std::string_view rest = std::string_view(os.name).substr(pos + 8);
    os.version = std::string(rest.substr(0, rest.find(' ')));
  }
  return os;
}

}  // namespace

Result<Parsed> parse_os_release(std::string_view path, std::string_view bytes) {
  const std::string_view name = base_name(path);
  if (name == "os-release" || name == "lsb-release") {
    return parse_key_values(bytes);
  }
  const std::string_view first_line = trim(bytes.substr(0, bytes.find('\n')));
  if (first_line.empty()) {
    return Parsed{{}, {}, {{"", 0, "empty release file"}}};
  }
  Parsed parsed;
  if (name == "alpine-release") {
    parsed.os = model::OsInfo{"alpine", std::string(first_line), "Alpine Linux " + std::string(first_line), ""};
  } else if (name == "debian_version") {
    parsed.os = model::OsInfo{"debian", std::string(first_line), "Debian " + std::string(first_line), ""};
  } else {
    parsed.os = parse_redhat_release(first_line);
  }
  return parsed;
}

}  // namespace vigil::formats
