// vcpkg's installed-package database (<installed>/vcpkg/status): dpkg-style paragraphs, one per installed port
// and one per installed feature of a port. Later paragraphs replace earlier ones for the same port and triplet.
#include <fmt/format.h>

#include <map>
#include <string>
#include <utility>

#include "core/strings.hpp"
#include "formats/cpp.hpp"

namespace vigil::formats {
namespace {

struct Paragraph {
  int line = 0;  // first line, for warnings
  std::string package;
  std::string version;
  std::string port_version;
  std::string architecture;
  std::string status;
  bool feature = false;
  bool any_field = false;
};

void set_field(Paragraph& p, std::string_view key, std::string_view value) {
  p.any_field = true;
  if (key == "Package") {
    p.package = std::string(value);
  } else if (key == "Version") {
    p.version = std::string(value);
  } else if (key == "Port-Version") {
    p.port_version = std::string(value);
  } else if (key == "Architecture") {
    p.architecture = std::string(value);
  } else if (key == "Status") {
    p.status = std::string(value);
  } else if (key == "Feature") {
    p.feature = true;  // "curl[ssl]": part of the curl package, not a package of its own
  }
}

std::vector<Paragraph> read_paragraphs(std::string_view bytes) {
  std::vector<Paragraph> out;
  Paragraph current;
  int line_no = 0;
  for (const std::string_view line : lines(bytes)) {
    ++line_no;
    if (trim(line).empty()) {
      if (current.any_field) {
        out.push_back(std::move(current));
      }
      current = Paragraph{};
      continue;
    }
    if (current.line == 0) {
      current.line = line_no;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      continue;  // continuation of a multi-line Description
    }
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      set_field(current, trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
  }
  if (current.any_field) {
    out.push_back(std::move(current));
  }
  return out;
}

}  // namespace

Result<Parsed> parse_vcpkg_status(std::string_view /*path*/, std::string_view bytes) {
  const std::vector<Paragraph> paragraphs = read_paragraphs(bytes);
  if (!bytes.empty() && paragraphs.empty()) {
    return fail("no \"Field: value\" paragraphs: not a vcpkg status file");
  }
  Parsed parsed;
  // The last paragraph for a (port, triplet) wins: vcpkg appends updates and compacts the file later.
  std::map<std::pair<std::string, std::string>, const Paragraph*> latest;
  std::vector<std::pair<std::string, std::string>> order;
  for (const Paragraph& p : paragraphs) {
    if (p.feature) {
      continue;
    }
    if (p.package.empty()) {
      parsed.warnings.push_back({"", p.line, "paragraph without a Package field"});
      continue;
    }
    auto key = std::make_pair(p.package, p.architecture);
    if (latest.insert_or_assign(key, &p).second) {
      order.push_back(std::move(key));
    }
  }
  for (const auto& key : order) {
    const Paragraph& p = *latest[key];
    if (p.status != "install ok installed") {
      continue;  // "purge ok not-installed", "deinstall ok installed"...: not (or no longer) installed
    }
    if (p.version.empty()) {
      parsed.warnings.push_back({"", p.line, fmt::format("{} has no Version", p.package)});
    }
    model::Package pkg;
    pkg.name = p.package;
    pkg.version = p.version;
    if (!p.port_version.empty() && p.port_version != "0" && !p.version.empty()) {
      pkg.version += "#" + p.port_version;  // vcpkg's spelling of a port revision
    }
    pkg.ecosystem = model::Ecosystem::Vcpkg;
    pkg.arch = p.architecture;  // the triplet: x64-linux, arm64-osx, x64-windows-static...
    parsed.packages.push_back(std::move(pkg));
  }
  return parsed;
}

}  // namespace vigil::formats
