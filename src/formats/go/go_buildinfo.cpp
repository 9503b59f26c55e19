// Go build info: the .go.buildinfo section the Go linker (1.18+) writes into every binary, holding the
// toolchain version and the module list that `go version -m` prints. Layout from debug/buildinfo.
#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "formats/go.hpp"

namespace vigil::formats {
namespace {

constexpr std::string_view kMagic("\xff Go buildinf:", 14);
constexpr size_t kHeaderSize = 32;  // magic, ptrsize, flags, then pointers (pre-1.18) or padding
constexpr uint8_t kFlagVersionInline = 2;
constexpr size_t kSentinelSize = 16;  // modinfo is framed by 16-byte sentinels (cmd/go/internal/modload)

// Reads a uvarint-length-prefixed string at data[pos]; advances pos.
std::optional<std::string_view> read_string(std::string_view data, size_t& pos) {
  uint64_t length = 0;
  for (int shift = 0;; shift += 7) {
    if (pos >= data.size() || shift > 63) {
      return std::nullopt;
    }
    const auto b = static_cast<uint8_t>(data[pos++]);
    length |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      break;
    }
  }
  if (length > data.size() - pos) {
    return std::nullopt;
  }
  const std::string_view s = data.substr(pos, static_cast<size_t>(length));
  pos += static_cast<size_t>(length);
  return s;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// "go1.21.5" -> "v1.21.5", "go1.20" -> "v1.20.0", "go1.21rc2" -> "v1.21.0-rc.2" (govulncheck's semver form).
std::optional<std::string> stdlib_version(std::string_view go_version) {
  go_version = go_version.substr(0, go_version.find(' '));  // "go1.21.5 X:boringcrypto"
  if (!starts_with(go_version, "go1.")) {
    return std::nullopt;  // "devel +abc..." and other non-release toolchains
  }
  std::string_view rest = go_version.substr(2);
  const size_t end = rest.find_first_not_of("0123456789.");
  const std::string_view numbers = rest.substr(0, end);
  const std::string_view suffix = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  const auto parts = split(numbers, '.');
  if (parts.size() < 2 || parts.size() > 3 || !all_digits(parts[0]) || !all_digits(parts[1]) ||
      (parts.size() == 3 && !all_digits(parts[2]))) {
    return std::nullopt;
  }
  std::string v = fmt::format("v{}.{}.{}", parts[0], parts[1], parts.size() == 3 ? parts[2] : "0");
  for (const std::string_view pre : {std::string_view("rc"), std::string_view("beta")}) {
    if (starts_with(suffix, pre) && all_digits(suffix.substr(pre.size()))) {
      v += fmt::format("-{}.{}", pre, suffix.substr(pre.size()));
    }
  }
  return v;
}

model::Package go_package(std::string_view name, std::string_view version, model::Relation relation) {
  model::Package pkg;
  pkg.name = std::string(name);
  pkg.version = std::string(version);
  pkg.ecosystem = model::Ecosystem::Go;
  pkg.scope = model::Scope::Prod;  // compiled into the binary
  pkg.relation = relation;
  return pkg;
}

bool local_path(std::string_view path) {
  return starts_with(path, "./") || starts_with(path, "../") || starts_with(path, "/") || path == "." || path == "..";
}

// The module lines of modinfo: "mod", "dep" and "=>" (replacement of the dep just before it).
void parse_modinfo(std::string_view modinfo, Parsed& parsed) {
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t last_dep = kNone;  // index in parsed.packages of the previous dep line (gcc 12 misreads an optional here)
  bool last_dep_dropped = false;
  int devel_deps = 0;
  int number = 0;
  for (const auto line : lines(modinfo)) {
    ++number;
    const auto fields = split(line, '\t');
    if (fields.size() < 2) {
      continue;
    }
    const std::string_view kind = fields[0];
    const std::string_view path = fields[1];
    const std::string_view version = fields.size() > 2 ? fields[2] : std::string_view();
    if (kind == "mod") {
      if (!version.empty() && version != "(devel)") {
        parsed.packages.push_back(go_package(path, version, model::Relation::Unknown));
      }
    } else if (kind == "dep") {
      last_dep = parsed.packages.size();
      last_dep_dropped = false;
      parsed.packages.push_back(go_package(path, version, model::Relation::Transitive));
    } else if (kind == "=>") {
      if (last_dep == kNone || last_dep_dropped) {
        parsed.warnings.push_back({"", number, "replacement line without a dep line before it"});
        continue;
      }
      if (local_path(path)) {
        // Replaced by a directory of the main module's tree: no module version to match. Removed below.
        parsed.packages[last_dep].name.clear();
        last_dep_dropped = true;
        last_dep = kNone;
        continue;
      }
      parsed.packages[last_dep].name = std::string(path);
      parsed.packages[last_dep].version = std::string(version);
    }
  }
  std::erase_if(parsed.packages, [](const model::Package& p) { return p.name.empty(); });
  for (auto& pkg : parsed.packages) {
    if (pkg.version == "(devel)" || pkg.version.empty()) {
      pkg.version.clear();
      ++devel_deps;
    }
  }
  if (devel_deps > 0) {
    parsed.warnings.push_back(
        {"", 0, fmt::format("{} module(s) built from a development tree have no version", devel_deps)});
  }
}

}  // namespace

Result<Parsed> parse_go_buildinfo(std::string_view /*path*/, std::string_view bytes) {
  // The linker aligns the header to 16 bytes; it starts the section but search in case of padding.
  size_t start = std::string_view::npos;
  for (size_t off = 0; off + kHeaderSize <= bytes.size() && off <= 4096; off += 16) {
    if (bytes.substr(off, kMagic.size()) == kMagic) {
      start = off;
      break;
    }
  }
  if (start == std::string_view::npos) {
    return fail("no Go build info header (magic \"\\xff Go buildinf:\" not found)");
  }
  const std::string_view data = bytes.substr(start);
  Parsed parsed;
  const auto flags = static_cast<uint8_t>(data[15]);
  if ((flags & kFlagVersionInline) == 0) {
    parsed.warnings.push_back({"", 0, "Go build info older than Go 1.18 is not supported"});
    return parsed;
  }
  size_t pos = kHeaderSize;
  const auto version = read_string(data, pos);
  const auto modinfo = version ? read_string(data, pos) : std::nullopt;
  if (!version || !modinfo) {
    return fail(fmt::format("Go build info truncated at byte {}", start + pos));
  }
  std::string_view mod = *modinfo;
  if (mod.size() >= 2 * kSentinelSize + 1 && mod[mod.size() - kSentinelSize - 1] == '\n') {
    mod = mod.substr(kSentinelSize, mod.size() - 2 * kSentinelSize);
  } else if (!mod.empty()) {
    parsed.warnings.push_back({"", 0, "Go module info is not framed as the go command writes it; ignored"});
    mod = {};
  }
  parse_modinfo(mod, parsed);
  if (const auto stdlib = stdlib_version(*version)) {
    parsed.packages.push_back(go_package("stdlib", *stdlib, model::Relation::Unknown));
  } else {
    parsed.warnings.push_back(
        {"", 0,
         fmt::format("Go toolchain version \"{}\" is not a release: standard library not reported",
                     version->substr(0, 64))});
  }
  return parsed;
}

}  // namespace vigil::formats
