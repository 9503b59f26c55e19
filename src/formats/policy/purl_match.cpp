// Package URL parsing for matching only (the purl spec's case rules); building purls is model/purl.cpp's job.
#include "formats/policy/purl_match.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "core/strings.hpp"

namespace vigil::formats::policy {
namespace {

// Types whose namespace and name the spec declares case-insensitive, plus nuget (ids are case-insensitive on
// nuget.org) and npm (the registry refuses names differing only by case).
constexpr std::array<std::string_view, 11> kCaseInsensitive{"alpm", "apk", "bitbucket", "composer", "deb", "github",
                                                            "hex",  "npm", "nuget",     "pub",      "pypi"};

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// %XX sequences decoded; a malformed one is kept as written.
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void normalise(PurlParts& p) {
  const bool insensitive =
      std::find(kCaseInsensitive.begin(), kCaseInsensitive.end(), p.type) != kCaseInsensitive.end();
  if (insensitive) {
    p.ns = to_lower(p.ns);
    p.name = to_lower(p.name);
  } else if (p.type == "rpm") {
    p.ns = to_lower(p.ns);  // the vendor is case-insensitive, the name is not
  }
  if (p.type == "pypi") {
    std::replace(p.name.begin(), p.name.end(), '_', '-');
    std::replace(p.name.begin(), p.name.end(), '.', '-');
  }
}

}  // namespace

std::optional<PurlParts> parse_purl(std::string_view purl) {
  purl = trim(purl);
  if (purl.size() < 4 || !iequals(purl.substr(0, 4), "pkg:")) {
    return std::nullopt;
  }
  std::string_view rest = purl.substr(4);
  while (!rest.empty() && rest.front() == '/') {
    rest.remove_prefix(1);  // "pkg://type/..." is tolerated by the spec
  }
  rest = rest.substr(0, rest.find('#'));
  rest = rest.substr(0, rest.find('?'));
  PurlParts p;
  const size_t last_slash = rest.rfind('/');
  const size_t at = rest.find('@', last_slash == std::string_view::npos ? 0 : last_slash);
  if (at != std::string_view::npos) {
    p.version = percent_decode(rest.substr(at + 1));
    rest = rest.substr(0, at);
  }
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) {
    return std::nullopt;
  }
  p.type = to_lower(rest.substr(0, slash));
  std::vector<std::string> segments;
  for (const auto segment : split(rest.substr(slash + 1), '/')) {
    if (!segment.empty()) {
      segments.push_back(percent_decode(segment));
    }
  }
  if (segments.empty()) {
    return std::nullopt;
  }
  p.name = std::move(segments.back());
  segments.pop_back();
  for (const auto& segment : segments) {
    p.ns += p.ns.empty() ? segment : "/" + segment;
  }
  normalise(p);
  return p;
}

bool purl_matches(const PurlParts& product, const PurlParts& package) {
  return product.type == package.type && product.ns == package.ns && product.name == package.name &&
         (product.version.empty() || product.version == package.version);
}

}  // namespace vigil::formats::policy
