// Which read-only opens a condition can match (RuleSet::read_open_bounds, for the sensor's in-kernel open filter):
// each node of a condition bounds the absolute paths of read-only opens it can be true for, by path prefix or by
// the prefix of a path component (ReadOpenBounds). Only what is certain narrows: anything else is "any" (nullopt).
#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "watch/rules_internal.hpp"

namespace vigil::watch::detail {
namespace {

// evt.flags of a read-only open (flags & (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | __O_TMPFILE) == 0, as the
// probe tests) never shows these names, and none of them is part of a name it does show (O_RDONLY, O_CLOEXEC...).
constexpr std::string_view kWriteFlagNames[] = {"O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND", "O_TMPFILE"};
// Past this many prefixes a combination gives up precision (a cross product) or the bound (a union), never soundness.
constexpr size_t kMaxBound = 100000;

bool names_write_flag(std::string_view operand) {
  std::string upper(operand);
  for (char& c : upper) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  return std::any_of(std::begin(kWriteFlagNames), std::end(kWriteFlagNames),
                     [&](std::string_view name) { return upper.find(name) != std::string::npos; });
}

PathBound by_path(std::vector<std::string> prefixes) {
  return ReadOpenBounds{std::move(prefixes), {}};
}

PathBound by_name(std::vector<std::string> prefixes) {
  return ReadOpenBounds{{}, std::move(prefixes)};
}

size_t bound_size(const ReadOpenBounds& b) {
  return b.path_prefixes.size() + b.basename_prefixes.size();
}

// `fd.name glob "/home/*/.ssh/*"` -> "/home/": the text before the first wildcard.
std::string glob_literal_prefix(std::string_view pattern) {
  return std::string(pattern.substr(0, std::min(pattern.find_first_of("*?[\\"), pattern.size())));
}

// `fd.name glob "*/actions-runner/.credentials*"` -> ".credentials": a matching path has a '/' (the pattern's last
// one) right before those characters, so one of its components starts with them; it need not be the last one,
// since '*' matches '/' too. Classes and escapes could hide a '/': no bound then.
PathBound glob_name_bound(std::string_view pattern) {
  if (pattern.find_first_of("[\\") != std::string_view::npos) return std::nullopt;
  const size_t slash = pattern.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string name = glob_literal_prefix(pattern.substr(slash + 1));
  if (name.empty()) return std::nullopt;
  return by_name({std::move(name)});
}

PathBound fd_name_bound(Op op, const std::string& operand, const std::vector<std::string>& items) {
  switch (op) {
    case Op::Eq:
    case Op::StartsWith: return by_path({operand});
    case Op::In:
    case Op::PMatch: return by_path(items);
    case Op::Glob: {
      std::string prefix = glob_literal_prefix(operand);
      if (prefix.empty()) return glob_name_bound(operand);
      return by_path({std::move(prefix)});
    }
    default: return std::nullopt;
  }
}

// fd.filename is fd.name's last component: `=`, `startswith` and `in` bound it by that component's beginning.
// (A value with '/' can never be a component: it would only widen the bound, so it is kept as it is.)
PathBound fd_filename_bound(Op op, const std::string& operand, const std::vector<std::string>& items) {
  switch (op) {
    case Op::Eq:
    case Op::StartsWith: return by_name({operand});
    case Op::In: return by_name(items);
    default: return std::nullopt;
  }
}

}  // namespace

PathBound no_open() {
  return ReadOpenBounds{};
}

// One predicate: fd.name / fd.filename bounded by their operand(s); evt.type other than open and evt.flags naming
// a write flag exclude read-only opens altogether. A $variable operand is unknown here: any path.
PathBound predicate_bound(const FieldRef& field, Op op, const std::string& operand, bool variable,
                          const std::vector<std::string>& items) {
  if (variable) return std::nullopt;
  const auto is_open = [](const std::string& v) { return model::parse_event_type(v) == model::EventType::Open; };
  if (field.name == "evt.type") {
    if (op == Op::Eq && model::parse_event_type(operand) && !is_open(operand)) return no_open();
    if (op == Op::Ne && is_open(operand)) return no_open();
    if (op == Op::In && std::none_of(items.begin(), items.end(), is_open)) return no_open();
    return std::nullopt;
  }
  if (field.name == "evt.flags") {
    const bool text_op =
        op == Op::Eq || op == Op::Contains || op == Op::IContains || op == Op::StartsWith || op == Op::EndsWith;
    if (text_op && names_write_flag(operand)) return no_open();
    if (op == Op::In && std::all_of(items.begin(), items.end(), names_write_flag)) return no_open();
    return std::nullopt;
  }
  if (field.name == "fd.name") return fd_name_bound(op, operand, items);
  if (field.name == "fd.filename") return fd_filename_bound(op, operand, items);
  return std::nullopt;
}

// `a and b`: an open both allow is within either bound, so either is sound. Two path-only bounds are intersected
// (a path under both starts with the longer of two nested prefixes); otherwise the side bounded by path only is
// kept (basename prefixes let through every directory's file of that name), else the smaller one.
PathBound intersect_bounds(const PathBound& a, const PathBound& b) {
  if (!a) return b;
  if (!b) return a;
  const bool a_paths = a->basename_prefixes.empty();
  const bool b_paths = b->basename_prefixes.empty();
  if (a_paths != b_paths) return a_paths ? a : b;
  if (!a_paths || a->path_prefixes.size() * b->path_prefixes.size() > kMaxBound) {
    return bound_size(*a) <= bound_size(*b) ? a : b;
  }
  std::vector<std::string> out;
  for (const auto& x : a->path_prefixes) {
    for (const auto& y : b->path_prefixes) {
      if (x.starts_with(y))
        out.push_back(x);
      else if (y.starts_with(x))
        out.push_back(y);
    }
  }
  return by_path(std::move(out));
}

// `a or b`: either side's opens, so both sets.
PathBound unite_bounds(const PathBound& a, const PathBound& b) {
  if (!a || !b || bound_size(*a) + bound_size(*b) > kMaxBound) return std::nullopt;
  ReadOpenBounds out = *a;
  out.path_prefixes.insert(out.path_prefixes.end(), b->path_prefixes.begin(), b->path_prefixes.end());
  out.basename_prefixes.insert(out.basename_prefixes.end(), b->basename_prefixes.begin(), b->basename_prefixes.end());
  return out;
}

}  // namespace vigil::watch::detail
