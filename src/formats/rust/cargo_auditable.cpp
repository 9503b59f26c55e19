// cargo-auditable: the zlib-compressed JSON dependency tree embedded in the `.dep-v0` section of Rust binaries
// (format: https://github.com/rust-secure-code/cargo-auditable/blob/master/PARSING.md).
#include <fmt/format.h>
#include <simdjson.h>
#include <zlib.h>

#include <set>
#include <string>
#include <vector>

#include "formats/rust.hpp"

namespace vigil::formats {
namespace {

// The JSON is small (a few hundred bytes per crate); anything bigger is a zlib bomb, not a dependency list.
constexpr size_t kMaxJson = 8U << 20;

Result<std::string> inflate_bounded(std::string_view bytes) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) {
    return fail("zlib initialisation failed");
  }
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(std::min<size_t>(bytes.size(), UINT32_MAX));
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (out.size() >= kMaxJson) {
      inflateEnd(&zs);
      return fail(fmt::format("decompressed dependency list exceeds {} MiB", kMaxJson >> 20));
    }
    const size_t done = out.size();
    out.resize(std::min(kMaxJson, done + 64 * 1024));
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + done);
    zs.avail_out = static_cast<uInt>(out.size() - done);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(out.size() - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      break;  // input ended before the stream did
    }
  }
  const std::string msg = zs.msg != nullptr ? zs.msg : "";
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return fail(fmt::format("invalid zlib data after {} input bytes{}{}", zs.total_in, msg.empty() ? "" : ": ", msg));
  }
  return out;
}

struct Crate {
  std::string name;
  std::string version;
  std::string source;
  bool build = false;
  bool root = false;
  std::vector<uint64_t> dependencies;
};

Result<Crate> read_crate(simdjson::dom::element el) {
  Crate c;
  std::string_view s;
  if (el["name"].get(s) != simdjson::SUCCESS) {
    return fail("package without a string \"name\"");
  }
  c.name = std::string(s);
  if (el["version"].get(s) == simdjson::SUCCESS) {
    c.version = std::string(s);
  }
  if (el["source"].get(s) == simdjson::SUCCESS) {
    c.source = std::string(s);
  }
  c.build = el["kind"].get(s) == simdjson::SUCCESS && s == "build";
  bool root = false;
  c.root = el["root"].get(root) == simdjson::SUCCESS && root;
  simdjson::dom::array deps;
  if (el["dependencies"].get(deps) == simdjson::SUCCESS) {
    for (auto d : deps) {
      uint64_t index = 0;
      if (d.get(index) == simdjson::SUCCESS) {
        c.dependencies.push_back(index);
      }
    }
  }
  return c;
}

}  // namespace

Result<Parsed> parse_cargo_auditable(std::string_view /*path*/, std::string_view bytes) {
  auto json = inflate_bounded(bytes);
  if (!json) {
    return fail(json.error().message);
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (const auto err = parser.parse(json->data(), json->size()).get(doc); err != simdjson::SUCCESS) {
    return fail(fmt::format("invalid JSON in dependency list: {}", simdjson::error_message(err)));
  }
  simdjson::dom::array packages;
  if (doc["packages"].get(packages) != simdjson::SUCCESS) {
    return fail("dependency list has no \"packages\" array");
  }
  Parsed parsed;
  std::vector<Crate> crates;
  for (auto el : packages) {
    auto crate = read_crate(el);
    if (!crate) {
      parsed.warnings.push_back({"", 0, crate.error().message});
      crate = Crate{};  // keep indices aligned with the JSON array
    }
    crates.push_back(std::move(*crate));
  }
  // The root and other workspace crates ("local") are the binary's own code; what they use is direct.
  std::set<uint64_t> direct;
  for (const auto& c : crates) {
    if (c.root || c.source == "local") {
      direct.insert(c.dependencies.begin(), c.dependencies.end());
    }
  }
  for (size_t i = 0; i < crates.size(); ++i) {
    const Crate& c = crates[i];
    if (c.root || c.source == "local" || c.name.empty()) {
      continue;
    }
    if (c.version.empty()) {
      parsed.warnings.push_back({"", 0, fmt::format("crate {} has no version", c.name)});
    }
    model::Package pkg;
    pkg.name = c.name;
    pkg.version = c.version;
    pkg.ecosystem = model::Ecosystem::CratesIo;
    pkg.scope = c.build ? model::Scope::Dev : model::Scope::Prod;
    pkg.relation = direct.count(i) != 0 ? model::Relation::Direct : model::Relation::Transitive;
    parsed.packages.push_back(std::move(pkg));
  }
  return parsed;
}

}  // namespace vigil::formats
