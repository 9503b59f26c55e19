// Reading Package URLs (the reverse of purl.cpp): purl-spec parsing, then a Package and the OS a purl names.
// Used for SBOM and purl-list inputs, so every purl is untrusted: lengths are bounded, no recursion.
#include <algorithm>
#include <array>
#include <string>

#include "core/strings.hpp"
#include "model/purl.hpp"

namespace vigil::model {
namespace {

constexpr size_t kMaxPurl = 16 * 1024;
constexpr size_t kMaxQualifiers = 64;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(std::string_view s, std::string_view what) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return fail("invalid percent-encoding in the " + std::string(what));
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Canonical encoding: unreserved characters and ':' stay (as in the spec's examples), plus keep_extra.
std::string encode(std::string_view s, std::string_view keep_extra = {}) {
  return purl_encode(s, std::string(":") + std::string(keep_extra));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool valid_type(std::string_view type) {
  if (type.empty() || is_digit(type[0])) {
    return false;
  }
  return std::all_of(type.begin(), type.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '+' || c == '-';
  });
}

bool valid_qualifier_key(std::string_view key) {
  if (key.empty() || is_digit(key[0])) {
    return false;
  }
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '.' || c == '-' || c == '_'; });
}

Result<std::vector<std::pair<std::string, std::string>>> parse_qualifiers(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto pair : split(text, '&')) {
    if (pair.empty()) {
      continue;
    }
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return fail("qualifier '" + std::string(pair.substr(0, 64)) + "' has no '='");
    }
    std::string key = to_lower(pair.substr(0, eq));
    if (!valid_qualifier_key(key)) {
      return fail("invalid qualifier key '" + key.substr(0, 64) + "'");
    }
    auto value = percent_decode(pair.substr(eq + 1), "qualifier value");
    if (!value) {
      return tl::unexpected(value.error());
    }
    if (value->empty()) {
      continue;  // the spec: a key with an empty value is the same as no key
    }
    if (std::any_of(out.begin(), out.end(), [&](const auto& kv) { return kv.first == key; })) {
      return fail("duplicate qualifier '" + key + "'");
    }
    if (out.size() >= kMaxQualifiers) {
      return fail("too many qualifiers");
    }
    out.emplace_back(std::move(key), std::move(*value));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Subpath segments joined by '/', without empty, "." and ".." segments.
Result<std::string> parse_subpath(std::string_view text) {
  std::string out;
  for (const auto segment : split(text, '/')) {
    if (segment.empty() || segment == "." || segment == "..") {
      continue;
    }
    auto decoded = percent_decode(segment, "subpath");
    if (!decoded) {
      return tl::unexpected(decoded.error());
    }
    if (decoded->find('/') != std::string::npos) {
      return fail("a subpath segment contains an encoded '/'");
    }
    out += out.empty() ? "" : "/";
    out += *decoded;
  }
  return out;
}

// The type-specific rules of the spec (PURL-TYPES.rst) for the types whose names are case-insensitive.
void normalise(ParsedPurl& p) {
  static constexpr std::array kLowerCase{"alpm", "apk", "bitbucket", "composer", "deb", "github", "hex"};
  if (std::find(kLowerCase.begin(), kLowerCase.end(), p.type) != kLowerCase.end()) {
    p.ns = to_lower(p.ns);
    p.name = to_lower(p.name);
  } else if (p.type == "pypi") {
    p.name = to_lower(p.name);
    std::replace(p.name.begin(), p.name.end(), '_', '-');
  }
}

Result<std::string> parse_namespace(std::string_view text) {
  std::string out;
  for (const auto segment : split(text, '/')) {
    if (segment.empty()) {
      continue;
    }
    auto decoded = percent_decode(segment, "namespace");
    if (!decoded) {
      return tl::unexpected(decoded.error());
    }
    if (decoded->find('/') != std::string::npos) {
      return fail("a namespace segment contains an encoded '/'");
    }
    out += out.empty() ? "" : "/";
    out += *decoded;
  }
  return out;
}

// Splits "type/namespace/name@version" (scheme, qualifiers and subpath already removed) into p.
Result<void> parse_path(std::string_view rest, ParsedPurl& p) {
  while (!rest.empty() && rest.front() == '/') {
    rest.remove_prefix(1);
  }
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return fail("no type/name");
  }
  const std::string_view type = rest.substr(0, slash);
  if (!valid_type(type)) {
    return fail("invalid type '" + std::string(type.substr(0, 64)) + "'");
  }
  p.type = to_lower(type);
  rest = rest.substr(slash + 1);
  // '@' separates the version unless it opens a namespace segment: "pkg:npm/@babel/core" is a scope written
  // unencoded, while "pkg:maven/@1.3.4" is a version without a name.
  const size_t at = rest.rfind('@');
  const bool opens_segment = at != std::string_view::npos && (at == 0 || rest[at - 1] == '/');
  if (at != std::string_view::npos && !(opens_segment && rest.find('/', at) != std::string_view::npos)) {
    auto version = percent_decode(rest.substr(at + 1), "version");
    if (!version) {
      return tl::unexpected(version.error());
    }
    p.version = std::move(*version);
    rest = rest.substr(0, at);
  }
  while (!rest.empty() && rest.back() == '/') {
    rest.remove_suffix(1);
  }
  const size_t last = rest.rfind('/');
  auto name = percent_decode(last == std::string_view::npos ? rest : rest.substr(last + 1), "name");
  if (!name) {
    return tl::unexpected(name.error());
  }
  if (name->empty()) {
    return fail("no name");
  }
  p.name = std::move(*name);
  if (last != std::string_view::npos) {
    auto ns = parse_namespace(rest.substr(0, last));
    if (!ns) {
      return tl::unexpected(ns.error());
    }
    p.ns = std::move(*ns);
  }
  return {};
}

struct TypeRow {
  std::string_view type;
  Ecosystem ecosystem;
};

constexpr std::array kTypes{
    TypeRow{"deb", Ecosystem::Debian},
    TypeRow{"apk", Ecosystem::Alpine},
    TypeRow{"rpm", Ecosystem::Rpm},
    TypeRow{"npm", Ecosystem::Npm},
    TypeRow{"pypi", Ecosystem::PyPI},
    TypeRow{"golang", Ecosystem::Go},
    TypeRow{"cargo", Ecosystem::CratesIo},
    TypeRow{"maven", Ecosystem::Maven},
    TypeRow{"composer", Ecosystem::Packagist},
    TypeRow{"gem", Ecosystem::RubyGems},
    TypeRow{"nuget", Ecosystem::NuGet},
    TypeRow{"conan", Ecosystem::Conan},
};

// Ecosystem-native name: Maven "group:artifact"; npm, Go and Composer keep the namespace with '/'.
std::string native_name(const ParsedPurl& p, Ecosystem ecosystem) {
  if (p.ns.empty()) {
    return p.name;
  }
  switch (ecosystem) {
    case Ecosystem::Maven: return p.ns + ":" + p.name;
    case Ecosystem::Npm:
    case Ecosystem::Go:
    case Ecosystem::Packagist: return p.ns + "/" + p.name;
    default: return p.name;  // OS namespaces name the distro; conan's is the user
  }
}

// The "upstream" qualifier: "glibc", "glibc@2.36-9" (syft deb/apk) or "openssl-3.0.7-24.el9.src.rpm" (syft rpm).
void read_upstream(std::string_view upstream, Package& pkg) {
  if (const size_t at = upstream.find('@'); at != std::string_view::npos) {
    pkg.source_name = std::string(upstream.substr(0, at));
    pkg.source_version = std::string(upstream.substr(at + 1));
    return;
  }
  if (pkg.ecosystem == Ecosystem::Rpm && ends_with(upstream, ".src.rpm")) {
    const std::string_view nvr = upstream.substr(0, upstream.size() - 8);
    const size_t release = nvr.rfind('-');
    const size_t version =
        release == std::string_view::npos || release == 0 ? std::string_view::npos : nvr.rfind('-', release - 1);
    if (version != std::string_view::npos && version > 0) {
      const std::string_view epoch = pkg.version.find(':') != std::string::npos
                                         ? std::string_view(pkg.version).substr(0, pkg.version.find(':') + 1)
                                         : std::string_view{};
      pkg.source_name = std::string(nvr.substr(0, version));
      pkg.source_version = std::string(epoch) + std::string(nvr.substr(version + 1));
      return;
    }
  }
  pkg.source_name = std::string(upstream);
}

// "debian-12", "ubuntu-22.04", "rhel-9.3", "opensuse-leap-15.5": family and version; "3.19.1" (Vigil's and
// syft's apk spelling): the version of the namespace's distro; "bookworm": the namespace's distro, no version.
OsInfo os_of(const ParsedPurl& p, const std::string* distro) {
  OsInfo os;
  os.family = to_lower(p.ns);
  if (distro == nullptr) {
    return os;
  }
  const std::string_view d = *distro;
  if (!d.empty() && is_digit(d[0])) {
    os.version = std::string(d);
    return os;
  }
  for (size_t dash = d.find('-'); dash != std::string_view::npos; dash = d.find('-', dash + 1)) {
    if (dash + 1 < d.size() && is_digit(d[dash + 1])) {
      os.family = to_lower(d.substr(0, dash));
      os.version = std::string(d.substr(dash + 1));
      return os;
    }
  }
  if (os.family.empty()) {
    os.family = to_lower(d);
  }
  return os;
}

}  // namespace

Result<ParsedPurl> parse_purl(std::string_view purl) {
  purl = trim(purl);
  if (purl.size() > kMaxPurl) {
    return fail("purl longer than 16 KiB");
  }
  if (purl.size() < 4 || !iequals(purl.substr(0, 4), "pkg:")) {
    return fail("does not start with 'pkg:'");
  }
  // Unencoded whitespace is never part of a purl; usually it is a trailing comment ("pkg:x/y@1  # why").
  if (std::any_of(purl.begin(), purl.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; })) {
    return fail("contains whitespace or control characters (percent-encode them, e.g. %20)");
  }
  std::string_view rest = purl.substr(4);
  ParsedPurl p;
  if (const size_t hash = rest.rfind('#'); hash != std::string_view::npos) {
    auto subpath = parse_subpath(rest.substr(hash + 1));
    if (!subpath) {
      return tl::unexpected(subpath.error());
    }
    p.subpath = std::move(*subpath);
    rest = rest.substr(0, hash);
  }
  if (const size_t question = rest.rfind('?'); question != std::string_view::npos) {
    auto qualifiers = parse_qualifiers(rest.substr(question + 1));
    if (!qualifiers) {
      return tl::unexpected(qualifiers.error());
    }
    p.qualifiers = std::move(*qualifiers);
    rest = rest.substr(0, question);
  }
  if (auto ok = parse_path(rest, p); !ok) {
    return tl::unexpected(ok.error());
  }
  normalise(p);
  return p;
}

std::string canonical_purl(const ParsedPurl& p) {
  std::string out = "pkg:" + p.type + "/";
  if (!p.ns.empty()) {
    for (const auto segment : split(p.ns, '/')) {
      out += encode(segment);
      out += '/';
    }
  }
  out += encode(p.name);
  if (!p.version.empty()) {
    out += '@' + encode(p.version);
  }
  char sep = '?';
  for (const auto& [key, value] : p.qualifiers) {
    out += sep;
    out += key + "=" + encode(value, "/");
    sep = '&';
  }
  if (!p.subpath.empty()) {
    out += '#';
    std::string_view slash;
    for (const auto segment : split(p.subpath, '/')) {
      out += slash;
      out += encode(segment);
      slash = "/";
    }
  }
  return out;
}

const std::string* qualifier(const ParsedPurl& purl, std::string_view key) {
  for (const auto& [k, v] : purl.qualifiers) {
    if (k == key) {
      return &v;
    }
  }
  return nullptr;
}

Result<Package> package_from_purl(std::string_view purl, std::optional<OsInfo>* os_out) {
  auto parsed = parse_purl(purl);
  if (!parsed) {
    return tl::unexpected(parsed.error());
  }
  const ParsedPurl& p = *parsed;
  Package pkg;
  const auto* row = std::find_if(kTypes.begin(), kTypes.end(), [&](const TypeRow& r) { return r.type == p.type; });
  if (row != kTypes.end()) {
    pkg.ecosystem = row->ecosystem;
  } else if (p.type == "generic" && p.ns == "vcpkg") {
    pkg.ecosystem = Ecosystem::Vcpkg;  // how purl.cpp spells vcpkg ports (there is no vcpkg purl type)
  } else {
    return fail("unsupported purl type '" + p.type.substr(0, 64) + "'");
  }
  pkg.name = native_name(p, pkg.ecosystem);
  pkg.version = p.version;
  pkg.purl = std::string(trim(purl));
  const bool is_os =
      pkg.ecosystem == Ecosystem::Debian || pkg.ecosystem == Ecosystem::Alpine || pkg.ecosystem == Ecosystem::Rpm;
  if (!is_os) {
    return pkg;
  }
  // Trivy writes the epoch of deb and rpm versions as a qualifier; Vigil's model keeps it in the version.
  if (const std::string* epoch = qualifier(p, "epoch");
      epoch != nullptr && *epoch != "0" && !pkg.version.empty() && pkg.version.find(':') == std::string::npos) {
    pkg.version = *epoch + ":" + pkg.version;
  }
  if (const std::string* arch = qualifier(p, "arch")) {
    pkg.arch = *arch;
  }
  if (const std::string* upstream = qualifier(p, "upstream")) {
    read_upstream(*upstream, pkg);
  }
  // As the OS database parsers do: a package without a named source is its own source, same version.
  if (pkg.source_name.empty()) {
    pkg.source_name = pkg.name;
  }
  if (pkg.source_version.empty()) {
    pkg.source_version = pkg.version;
  }
  const std::string* distro = qualifier(p, "distro");
  if (os_out != nullptr && (distro != nullptr || !p.ns.empty())) {
    *os_out = os_of(p, distro);
  }
  return pkg;
}

}  // namespace vigil::model
