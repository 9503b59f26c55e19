// go.mod: the module's requirements, with replace directives applied the way the go command does.
// Only what the file states: no go.sum, no module graph (indirect requirements come from "// indirect").
#include <fmt/format.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/strings.hpp"
#include "formats/go.hpp"

namespace vigil::formats {
namespace {

struct Line {
  std::vector<std::string> tokens;
  std::string comment;  // text after "//", trimmed
  int number = 0;
};

struct Require {
  std::string path;
  std::string version;
  bool indirect = false;
  int line = 0;
};

struct Replace {
  std::string old_path;
  std::string old_version;  // empty: every version of old_path
  std::string new_path;
  std::string new_version;  // empty: new_path is a directory on disk
};

// Reads a "..." (with escapes) or `...` token starting at text[i]; advances i past it.
bool read_quoted(std::string_view text, size_t& i, std::string& out) {
  const char quote = text[i++];
  while (i < text.size()) {
    const char c = text[i++];
    if (c == quote) {
      return true;
    }
    if (c == '\\' && quote == '"' && i < text.size()) {
      out += text[i++];
      continue;
    }
    out += c;
  }
  return false;
}

// Splits one line into tokens; '(' and ')' are tokens of their own, as in cmd/go's modfile lexer.
Result<Line> tokenize(std::string_view text, int number) {
  Line line;
  line.number = number;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      line.comment = std::string(trim(text.substr(i + 2)));
      break;
    } else if (c == '(' || c == ')') {
      line.tokens.emplace_back(1, c);
      ++i;
    } else if (c == '"' || c == '`') {
      std::string token;
      if (!read_quoted(text, i, token)) {
        return fail("unterminated quoted string");
      }
      line.tokens.push_back(std::move(token));
    } else {
      const size_t start = i;
      while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '(' &&
             text[i] != ')' && text[i] != '"' && text[i] != '`' &&
             !(text[i] == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
        ++i;
      }
      line.tokens.emplace_back(text.substr(start, i - start));
    }
  }
  return line;
}

// "// indirect" or "// indirect; other text", as modfile.isIndirect accepts.
bool is_indirect(std::string_view comment) {
  return comment == "indirect" || starts_with(comment, "indirect;") || starts_with(comment, "indirect ");
}

void add_require(const std::vector<std::string>& args, const Line& line, std::vector<Require>& out, Parsed& parsed) {
  if (args.size() != 2) {
    parsed.warnings.push_back({"", line.number, "require needs a module path and a version"});
    return;
  }
  out.push_back({args[0], args[1], is_indirect(line.comment), line.number});
}

void add_replace(const std::vector<std::string>& args, const Line& line, std::vector<Replace>& out, Parsed& parsed) {
  size_t arrow = 0;
  while (arrow < args.size() && args[arrow] != "=>") {
    ++arrow;
  }
  const size_t rhs = args.size() - std::min(args.size(), arrow + 1);
  if ((arrow != 1 && arrow != 2) || (rhs != 1 && rhs != 2)) {
    parsed.warnings.push_back({"", line.number, "replace must be: old [version] => new [version]"});
    return;
  }
  Replace r;
  r.old_path = args[0];
  r.old_version = arrow == 2 ? args[1] : "";
  r.new_path = args[arrow + 1];
  r.new_version = rhs == 2 ? args[arrow + 2] : "";
  out.push_back(std::move(r));
}

// Replacements by (old path, old version); an empty old version applies to every version.
using ReplaceIndex = std::map<std::pair<std::string_view, std::string_view>, const Replace*>;

// The replacement for a requirement: one naming its exact version wins over one for every version.
const Replace* find_replace(const ReplaceIndex& replaces, const Require& req) {
  auto it = replaces.find({req.path, req.version});
  if (it == replaces.end()) {
    it = replaces.find({req.path, std::string_view()});
  }
  return it == replaces.end() ? nullptr : it->second;
}

void emit_packages(const std::vector<Require>& reqs, const std::vector<Replace>& replaces, Parsed& parsed) {
  ReplaceIndex index;
  for (const auto& r : replaces) {
    index[{r.old_path, r.old_version}] = &r;  // the go command rejects duplicates; the last one wins here
  }
  for (const auto& req : reqs) {
    model::Package pkg;
    pkg.name = req.path;
    pkg.version = req.version;
    pkg.ecosystem = model::Ecosystem::Go;
    pkg.relation = req.indirect ? model::Relation::Transitive : model::Relation::Direct;
    if (const Replace* r = find_replace(index, req)) {
      if (r->new_version.empty()) {
        continue;  // replaced by a local directory: part of this source tree, not a module to match
      }
      pkg.name = r->new_path;
      pkg.version = r->new_version;
    }
    parsed.packages.push_back(std::move(pkg));
  }
}

}  // namespace

Result<Parsed> parse_go_mod(std::string_view /*path*/, std::string_view bytes) {
  Parsed parsed;
  std::vector<Require> reqs;
  std::vector<Replace> replaces;
  std::string block;  // verb of the open "verb (" block, empty outside one
  int number = 0;
  for (const auto text : lines(bytes)) {
    ++number;
    auto line = tokenize(text, number);
    if (!line) {
      parsed.warnings.push_back({"", number, line.error().message});
      continue;
    }
    std::vector<std::string>& tokens = line->tokens;
    if (tokens.empty()) {
      continue;
    }
    std::string verb;
    std::vector<std::string> args;
    if (!block.empty()) {
      if (tokens[0] == ")") {
        block.clear();
        continue;
      }
      verb = block;
      args = std::move(tokens);
    } else {
      verb = tokens[0];
      args.assign(tokens.begin() + 1, tokens.end());
      if (!args.empty() && args[0] == "(") {
        // "require (" opens a block; "require ()" is an empty one.
        if (args.size() == 1) {
          block = verb;
        } else if (args.size() != 2 || args[1] != ")") {
          parsed.warnings.push_back({"", number, fmt::format("unexpected text after '{} ('", verb)});
        }
        continue;
      }
    }
    if (verb == "require") {
      add_require(args, *line, reqs, parsed);
    } else if (verb == "replace") {
      add_replace(args, *line, replaces, parsed);
    }
    // module, go, toolchain, godebug, exclude, retract, tool, ignore: nothing to inventory.
  }
  if (!block.empty()) {
    parsed.warnings.push_back({"", number, fmt::format("'{} (' block is not closed", block)});
  }
  emit_packages(reqs, replaces, parsed);
  return parsed;
}

}  // namespace vigil::formats
