// Gemfile.lock (Bundler): gems from the GEM, GIT and PATH sections' "specs:", with DEPENDENCIES telling which
// gems the Gemfile names (direct). Bundler writes a fixed indentation, which this parser relies on.
#include <fmt/format.h>

#include <map>
#include <set>
#include <string>

#include "core/strings.hpp"
#include "formats/ruby.hpp"

namespace vigil::formats {
namespace {

struct Spec {
  std::string name;
  std::string version;
  int line = 0;
};

// "    nokogiri (1.15.4-x86_64-linux)" -> nokogiri 1.15.4. A platform suffix follows the first '-': RubyGems
// spells pre-releases with dots ("7.1.0.beta1"), so a '-' in a locked version always starts the platform.
bool parse_spec(std::string_view text, Spec& spec) {
  const size_t open = text.find(" (");
  if (open == std::string_view::npos || text.back() != ')' || open == 0) {
    return false;
  }
  std::string_view version = text.substr(open + 2, text.size() - open - 3);
  version = version.substr(0, version.find('-'));
  spec.name = std::string(text.substr(0, open));
  spec.version = std::string(trim(version));
  return !spec.version.empty() && spec.name.find(' ') == std::string::npos;
}

// "  rails!" or "  puma (>= 5.0)" -> the gem name.
std::string_view dependency_name(std::string_view text) {
  text = text.substr(0, text.find(' '));
  if (ends_with(text, "!")) {
    text.remove_suffix(1);  // "!" marks a gem pinned to a GIT or PATH source
  }
  return text;
}

size_t indent_of(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') {
    ++n;
  }
  return n;
}

// Section headers start in column 0 ("GEM", "GIT", "PATH", "PLATFORMS", "DEPENDENCIES", "BUNDLED WITH"...).
enum class Section { Other, Source, Dependencies };

Section section_of(std::string_view header) {
  if (header == "GEM" || header == "GIT" || header == "PATH") {
    return Section::Source;
  }
  return header == "DEPENDENCIES" ? Section::Dependencies : Section::Other;
}

}  // namespace

Result<Parsed> parse_gemfile_lock(std::string_view /*path*/, std::string_view bytes) {
  Parsed parsed;
  std::vector<Spec> specs;
  std::set<std::string, std::less<>> direct;
  Section section = Section::Other;
  bool in_specs = false;
  bool saw_section = false;
  bool saw_dependencies = false;
  int line_no = 0;
  for (const std::string_view raw : lines(bytes)) {
    ++line_no;
    const std::string_view line = raw.substr(0, raw.find_last_not_of(" \t") + 1);
    if (line.empty()) {
      continue;
    }
    const size_t indent = indent_of(line);
    const std::string_view text = line.substr(indent);
    if (indent == 0) {
      section = section_of(text);
      saw_section = saw_section || section != Section::Other || text == "PLATFORMS" || text == "BUNDLED WITH";
      saw_dependencies = saw_dependencies || section == Section::Dependencies;
      in_specs = false;
    } else if (section == Section::Source && indent == 2) {
      in_specs = text == "specs:";
    } else if (section == Section::Source && in_specs && indent == 4) {
      Spec spec;
      spec.line = line_no;
      if (parse_spec(text, spec)) {
        specs.push_back(std::move(spec));
      } else {
        parsed.warnings.push_back({"", line_no, fmt::format("cannot read gem spec \"{}\"", text.substr(0, 80))});
      }
    } else if (section == Section::Dependencies && indent == 2) {
      direct.emplace(dependency_name(text));
    }
    // 6-space lines under a spec are that gem's own requirements, not installed gems.
  }
  if (!saw_section) {
    return fail("no GEM, GIT, PATH or DEPENDENCIES section: not a Gemfile.lock");
  }
  // The same gem appears once per platform ("nokogiri (1.15.4)", "nokogiri (1.15.4-x86_64-linux)"): report it once.
  std::set<std::pair<std::string, std::string>> seen;
  for (auto& spec : specs) {
    if (!seen.emplace(spec.name, spec.version).second) {
      continue;
    }
    model::Package pkg;
    if (saw_dependencies) {
      pkg.relation = direct.count(spec.name) != 0 ? model::Relation::Direct : model::Relation::Transitive;
    }
    pkg.name = std::move(spec.name);
    pkg.version = std::move(spec.version);
    pkg.ecosystem = model::Ecosystem::RubyGems;
    parsed.packages.push_back(std::move(pkg));
  }
  return parsed;
}

}  // namespace vigil::formats
