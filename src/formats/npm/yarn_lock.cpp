// yarn.lock: yarn v1's own format and yarn berry's (v2+) YAML. Both are blocks of "key, key2:" headers with
// indented fields, so one line reader serves both; yarn.lock says nothing on dev or direct dependencies.
#include <cctype>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "formats/npm.hpp"
#include "formats/npm/npm_common.hpp"

namespace vigil::formats {
namespace {

using npm_detail::PackageSet;

// Removes "..." or '...' quoting; backslash escapes keep the escaped character.
std::string unquote(std::string_view s) {
  s = trim(s);
  if (s.size() < 2 || (s.front() != '"' && s.front() != '\'') || s.back() != s.front()) {
    return std::string(s);
  }
  s = s.substr(1, s.size() - 2);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
    }
    out += s[i];
  }
  return out;
}

// "a@^1", "@s/b@^2" -> first descriptor of a header, split at the '@' after the name (scoped names start with '@').
std::string first_descriptor(std::string_view header) {
  bool quoted = false;
  size_t end = 0;
  while (end < header.size() && (quoted || header[end] != ',')) {
    if (header[end] == '"') {
      quoted = !quoted;
    } else if (header[end] == '\\') {
      ++end;
    }
    ++end;
  }
  return unquote(header.substr(0, std::min(end, header.size())));
}

struct NameRange {
  std::string_view name;
  std::string_view range;
};

NameRange split_descriptor(std::string_view d) {
  const size_t at = d.find('@', 1);
  if (at == std::string_view::npos) {
    return {d, {}};
  }
  return {d.substr(0, at), d.substr(at + 1)};
}

// "%3A" -> ":" in berry's patch: descriptors.
std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool local_protocol(std::string_view range) {
  return starts_with(range, "workspace:") || starts_with(range, "link:") || starts_with(range, "portal:");
}

struct Block {
  int line = 0;
  std::string header;  // first descriptor, unquoted
  std::string version;
  std::string resolution;  // berry only
};

// The package a block describes, or an empty name for blocks that are the project's own folders.
void emit(const Block& b, PackageSet& out) {
  if (b.header.empty() || b.header == "__metadata") {
    return;
  }
  std::string name;
  if (!b.resolution.empty()) {  // berry: "lodash@npm:4.17.21", "fsevents@patch:fsevents@npm%3A2.3.3#..."
    NameRange nr = split_descriptor(b.resolution);
    std::string inner;
    if (starts_with(nr.range, "patch:")) {
      const std::string_view patched = nr.range.substr(6);
      inner = percent_decode(patched.substr(0, patched.find('#')));
      nr = split_descriptor(inner);
    }
    if (local_protocol(nr.range)) {
      return;
    }
    name = std::string(nr.name);
  } else {  // v1: the header names the package; "alias@npm:real@^1" installs real
    const NameRange nr = split_descriptor(b.header);
    if (local_protocol(nr.range)) {
      return;
    }
    name = std::string(nr.name);
    if (starts_with(nr.range, "npm:")) {
      name = std::string(split_descriptor(nr.range.substr(4)).name);
    }
  }
  if (b.version.empty()) {
    out.warn(b.line, "\"" + b.header + "\" has no version: skipped");
    return;
  }
  if (name.empty()) {
    out.warn(b.line, "\"" + b.header + "\" has no package name: skipped");
    return;
  }
  out.add(std::move(name), b.version, model::Scope::Unknown, model::Relation::Unknown);
}

// An indented "key value" (v1) or "key: value" (berry) line of the current block.
void read_field(std::string_view body, Block& b) {
  size_t end = 0;
  while (end < body.size() && body[end] != ' ' && body[end] != ':') {
    ++end;
  }
  const std::string_view key = body.substr(0, end);
  if (key != "version" && key != "resolution") {
    return;
  }
  std::string_view value = body.substr(end);
  if (!value.empty() && value.front() == ':') {
    value.remove_prefix(1);
  }
  (key == "version" ? b.version : b.resolution) = unquote(value);
}

Parsed parse_lines(std::string_view bytes) {
  PackageSet out;
  Block block;
  bool in_block = false;
  int line_no = 0;
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    std::string_view line = bytes.substr(0, nl);
    bytes.remove_prefix(nl == std::string_view::npos ? bytes.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (trim(line).empty() || line.front() == '#') {
      continue;
    }
    const size_t indent = line.find_first_not_of(' ');
    if (indent == 0) {
      if (in_block) {
        emit(block, out);
      }
      block = Block{line_no, {}, {}, {}};
      in_block = true;
      line = trim(line);
      if (line.back() != ':') {
        out.warn(line_no, "expected \"descriptor:\" header: " + std::string(line.substr(0, 80)));
        in_block = false;
        continue;
      }
      block.header = first_descriptor(line.substr(0, line.size() - 1));
    } else if (in_block && indent == 2) {
      read_field(line.substr(2), block);
    }
  }
  if (in_block) {
    emit(block, out);
  }
  return out.take();
}

}  // namespace

Result<Parsed> parse_yarn_lock(std::string_view /*path*/, std::string_view bytes) {
  try {
    return parse_lines(bytes);
  } catch (const std::exception& e) {
    return fail(std::string("cannot read yarn.lock: ") + e.what());
  }
}

}  // namespace vigil::formats
