// requirements*.txt (pip): only pinned "name==version" (or "===") lines name an exact package; ranges, URLs,
// editables, includes and options do not, so they are reported once as not inventoried.
#include <cctype>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "formats/python.hpp"
#include "formats/python/python_common.hpp"

namespace vigil::formats {
namespace {

constexpr size_t kShownUnpinned = 10;

struct Logical {
  std::string text;
  int line = 0;  // where the logical line starts
};

// pip joins "\"-continued lines first, then drops comments ("#" at the start or after whitespace).
std::vector<Logical> logical_lines(std::string_view bytes) {
  std::vector<Logical> out;
  Logical cur;
  int line_no = 0;
  for (std::string_view line : lines(bytes)) {
    ++line_no;
    if (cur.text.empty()) {
      cur.line = line_no;
    }
    const bool continued = !line.empty() && line.back() == '\\';
    if (continued) {
      line.remove_suffix(1);
    }
    cur.text += line;
    if (!continued) {
      out.push_back(std::move(cur));
      cur = Logical{};
    }
  }
  if (!cur.text.empty()) {
    out.push_back(std::move(cur));
  }
  for (Logical& l : out) {
    for (size_t i = 0; i < l.text.size(); ++i) {
      if (l.text[i] == '#' && (i == 0 || l.text[i - 1] == ' ' || l.text[i - 1] == '\t')) {
        l.text.resize(i);
        break;
      }
    }
  }
  return out;
}

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// The exact version of "==1.2.3" / "===1.2.3" in a comma-separated specifier list, or empty.
std::string pinned_version(std::string_view spec) {
  for (std::string_view clause : split(spec, ',')) {
    clause = trim(clause);
    size_t skip = starts_with(clause, "===") ? 3 : starts_with(clause, "==") ? 2 : 0;
    if (skip == 0) {
      continue;
    }
    std::string version;
    for (const char c : clause.substr(skip)) {
      if (c != ' ' && c != '\t') {
        version += c;
      }
    }
    if (!version.empty() && version.find('*') == std::string::npos) {
      return version;
    }
  }
  return {};
}

struct Requirement {
  std::string_view name;
  std::string version;  // empty when not pinned
};

// "name[extra] == 1.0 ; marker --hash=..." -> name and pinned version; an empty name for URLs and paths.
Requirement parse_requirement(std::string_view text) {
  for (const std::string_view opt : {" --", "\t--", ";"}) {
    const size_t pos = text.find(opt);
    if (pos != std::string_view::npos) {
      text = text.substr(0, pos);
    }
  }
  text = trim(text);
  size_t end = 0;
  while (end < text.size() && name_char(text[end])) {
    ++end;
  }
  Requirement r{text.substr(0, end), {}};
  std::string_view rest = trim(text.substr(end));
  if (r.name.empty() || (!rest.empty() && std::string_view("[=<>!~(@").find(rest.front()) == std::string_view::npos)) {
    return {};  // "./local/path", "https://...", "pkg.whl": no name pip would look up
  }
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    rest = close == std::string_view::npos ? std::string_view{} : trim(rest.substr(close + 1));
  }
  if (!rest.empty() && rest.front() == '(' && rest.back() == ')') {
    rest = rest.substr(1, rest.size() - 2);  // legacy "name (==1.0)"
  }
  r.version = pinned_version(rest);
  return r;
}

}  // namespace

Result<Parsed> parse_requirements_txt(std::string_view /*path*/, std::string_view bytes) {
  try {
    Parsed parsed;
    std::vector<std::string> unpinned;
    for (const Logical& l : logical_lines(bytes)) {
      const std::string_view text = trim(l.text);
      if (text.empty() || text.front() == '-') {
        continue;  // -r/-c includes, -e editables, --index-url and other options
      }
      const Requirement r = parse_requirement(text);
      if (r.name.empty()) {
        continue;
      }
      if (r.version.empty()) {
        unpinned.emplace_back(r.name);
        continue;
      }
      parsed.packages.push_back(
          python_detail::make_package(r.name, r.version, model::Scope::Unknown, model::Relation::Direct));
    }
    if (!unpinned.empty()) {
      std::string msg = std::to_string(unpinned.size()) + " requirement" + (unpinned.size() == 1 ? " is" : "s are") +
                        " not pinned with == and not inventoried: ";
      for (size_t i = 0; i < unpinned.size() && i < kShownUnpinned; ++i) {
        msg += (i == 0 ? "" : ", ") + unpinned[i];
      }
      if (unpinned.size() > kShownUnpinned) {
        msg += ", and " + std::to_string(unpinned.size() - kShownUnpinned) + " more";
      }
      parsed.warnings.push_back({"", 0, std::move(msg)});
    }
    return parsed;
  } catch (const std::exception& e) {
    return fail(std::string("cannot read requirements file: ") + e.what());
  }
}

}  // namespace vigil::formats
