// Installed Python distributions: *.dist-info/METADATA, *.egg-info/PKG-INFO and single-file *.egg-info, all in
// the RFC 822 header style of the core metadata spec. Only the header block matters; the body is the README.
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "formats/python.hpp"
#include "formats/python/python_common.hpp"

namespace vigil::formats {
namespace {

constexpr size_t kMaxLicenseChars = 200;  // longer "License:" values are whole license texts, not names

struct Header {
  std::string name;
  std::string version;
  std::string license;
  std::string license_expression;
  bool license_multiline = false;
  std::vector<std::string> license_classifiers;  // "License :: OSI Approved :: MIT License" -> "MIT License"
};

void set_field(Header& h, std::string_view key, std::string_view value) {
  const std::string k = to_lower(key);
  if (k == "name") {
    h.name = std::string(value);
  } else if (k == "version") {
    h.version = std::string(value);
  } else if (k == "license") {
    h.license = std::string(value);
  } else if (k == "license-expression") {
    h.license_expression = std::string(value);
  } else if (k == "classifier" && starts_with(value, "License ::")) {
    const std::string_view last = trim(value.substr(value.rfind("::") + 2));
    if (last != "OSI Approved" && !last.empty()) {
      h.license_classifiers.emplace_back(last);
    }
  }
}

Header read_header(std::string_view bytes) {
  Header h;
  std::string_view key;
  bool in_license = false;
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    std::string_view line = bytes.substr(0, nl);
    bytes.remove_prefix(nl == std::string_view::npos ? bytes.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      break;  // the body (long description) starts here
    }
    if (line.front() == ' ' || line.front() == '\t') {  // continuation of the previous field
      if (in_license && !trim(line).empty()) {
        h.license_multiline = true;
      }
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    key = trim(line.substr(0, colon));
    in_license = to_lower(key) == "license";
    set_field(h, key, trim(line.substr(colon + 1)));
  }
  return h;
}

std::string license_of(const Header& h) {
  if (!h.license_expression.empty()) {
    return h.license_expression;
  }
  const bool usable = !h.license.empty() && h.license != "UNKNOWN" && h.license.size() <= kMaxLicenseChars;
  if (usable && !h.license_multiline) {
    return h.license;
  }
  std::string out;
  for (const std::string& c : h.license_classifiers) {
    out += out.empty() ? c : ", " + c;
  }
  return out.empty() && usable ? h.license : out;
}

}  // namespace

Result<Parsed> parse_python_metadata(std::string_view /*path*/, std::string_view bytes) {
  try {
    const Header h = read_header(bytes);
    Parsed parsed;
    if (h.name.empty() || h.version.empty()) {
      parsed.warnings.push_back({"", 0,
                                 h.name.empty() ? "no Name: field: not inventoried"
                                                : "no Version: field for " + h.name + ": not inventoried"});
      return parsed;
    }
    model::Package p = python_detail::make_package(h.name, h.version, model::Scope::Unknown, model::Relation::Unknown);
    p.license = license_of(h);
    parsed.packages.push_back(std::move(p));
    return parsed;
  } catch (const std::exception& e) {
    return fail(std::string("cannot read package metadata: ") + e.what());
  }
}

}  // namespace vigil::formats
