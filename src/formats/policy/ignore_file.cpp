// .vigilignore.yaml: the user's list of findings to suppress, each with a reason and an optional expiry date.
// A broken entry is reported with its line and dropped whole: half of an entry could suppress far more than meant.
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "formats/policy.hpp"
#include "formats/policy/purl_match.hpp"
#include "formats/yaml/yaml_tree.hpp"

namespace vigil::formats::policy {
namespace {

using yaml::Kind;
using yaml::Node;

constexpr size_t kMaxRules = 100000;
constexpr size_t kMaxValue = 4096;  // longer ids, names or globs are not real and would slow the matcher down

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::Map: return "map";
    case Kind::Seq: return "list";
    case Kind::Null: return "null";
    case Kind::Scalar: return "scalar";
    default: return "nothing";
  }
}

std::string quoted(std::string_view s) {
  return "\"" + std::string(s.substr(0, 80)) + (s.size() > 80 ? "...\"" : "\"");
}

// The field of rule a key fills.
std::string* field_of(IgnoreRule& rule, std::string_view key) {
  if (key == "id") return &rule.id;
  if (key == "package") return &rule.package;
  if (key == "version") return &rule.version;
  if (key == "path") return &rule.path;
  if (key == "reason") return &rule.reason;
  if (key == "expires") return &rule.expires;
  return nullptr;
}

class EntryReader {
 public:
  explicit EntryReader(std::vector<Diagnostic>& diagnostics) : diagnostics_(diagnostics) {}

  // The rule of one list item, or nothing when the item has a problem (reported).
  std::optional<IgnoreRule> read(Node entry) {
    ok_ = true;
    IgnoreRule rule;
    rule.line = entry.line();
    if (!entry.is_map()) {
      report(entry.line(), "ignore entry is a " + std::string(kind_name(entry.kind())) + ", expected a map of keys");
      return std::nullopt;
    }
    std::vector<std::string_view> seen;
    for (const auto& [key, value] : entry.entries()) {
      read_key(rule, key, value, seen);
    }
    check_rule(rule, seen);
    if (!ok_) {
      return std::nullopt;
    }
    return rule;
  }

 private:
  void report(int line, std::string message) {
    ok_ = false;
    diagnostics_.push_back({"", line, message + " (entry ignored)"});
  }

  void read_key(IgnoreRule& rule, Node key, Node value, std::vector<std::string_view>& seen) {
    const std::string_view name = key.scalar();
    std::string* field = field_of(rule, name);
    if (field == nullptr) {
      report(key.line(), "unknown key " + quoted(name) +
                             " in ignore entry; the keys are id, package, version, path, "
                             "reason, expires");
      return;
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      report(key.line(), "duplicate key " + quoted(name) + " in ignore entry");
      return;
    }
    seen.push_back(name);
    if (!value.is_scalar() && !value.is_null()) {
      report(value.line(), quoted(name) + " must be a single value, found a " + std::string(kind_name(value.kind())));
      return;
    }
    const std::string_view text = trim(value.scalar());
    if (text.size() > kMaxValue) {
      report(value.line(), quoted(name) + " is longer than " + std::to_string(kMaxValue) + " bytes");
      return;
    }
    if (text.empty()) {
      report(key.line(), quoted(name) + " is empty");
      return;
    }
    *field = std::string(text);
  }

  // Missing keys are checked against the keys seen, so that a key already reported as broken is not also missing.
  void check_rule(const IgnoreRule& rule, const std::vector<std::string_view>& seen) {
    const auto has = [&](std::string_view key) { return std::find(seen.begin(), seen.end(), key) != seen.end(); };
    if (!has("reason")) {
      report(rule.line, "ignore entry has no reason; every entry must say why it is ignored");
    }
    if (!has("id") && !has("package") && !has("path")) {
      report(rule.line, "ignore entry needs at least one of id, package or path");
    }
    if (!rule.version.empty() && !has("package")) {
      report(rule.line, "version " + quoted(rule.version) + " needs a package key");
    }
    if (starts_with(to_lower(rule.package.substr(0, 4)), "pkg:") && !parse_purl(rule.package)) {
      report(rule.line, "package " + quoted(rule.package) + " is not a valid package URL (pkg:type/name@version)");
    }
    if (!rule.expires.empty() && !is_valid_date(rule.expires)) {
      report(rule.line, "expires " + quoted(rule.expires) + " is not a date written YYYY-MM-DD");
    }
  }

  std::vector<Diagnostic>& diagnostics_;
  bool ok_ = true;
};

bool is_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool is_valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !is_digits(s.substr(0, 4)) || !is_digits(s.substr(5, 2)) ||
      !is_digits(s.substr(8, 2))) {
    return false;
  }
  const int year = std::stoi(std::string(s.substr(0, 4)));
  const int month = std::stoi(std::string(s.substr(5, 2)));
  const int day = std::stoi(std::string(s.substr(8, 2)));
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) {
    return false;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

Result<std::vector<IgnoreRule>> read_ignore_file(std::string_view bytes, std::vector<Diagnostic>& diagnostics) {
  yaml::Limits limits;
  limits.max_depth = 16;  // the format is three levels deep
  limits.max_nodes = size_t{1} << 20;
  auto doc = yaml::load(bytes, limits);
  if (!doc) {
    return tl::unexpected(doc.error());
  }
  std::vector<IgnoreRule> rules;
  const Node root = doc->root();
  if (root.kind() == Kind::None || root.is_null()) {
    return rules;  // an empty file ignores nothing
  }
  if (!root.is_map()) {
    return fail("ignore file is a YAML " + std::string(kind_name(root.kind())) +
                ", expected a map with an ignore: list");
  }
  Node list;
  for (const auto& [key, value] : root.entries()) {
    if (key.scalar() == "ignore" && !list.valid()) {
      list = value;
    } else {
      diagnostics.push_back({"", key.line(), "unknown top-level key " + quoted(key.scalar()) + "; expected ignore:"});
    }
  }
  if (!list.valid()) {
    diagnostics.push_back({"", root.line(), "no ignore: list; nothing is ignored"});
    return rules;
  }
  if (!list.is_seq()) {
    if (!list.is_null()) {
      diagnostics.push_back(
          {"", list.line(),
           "ignore: is a " + std::string(kind_name(list.kind())) + ", expected a list of entries; nothing is ignored"});
    }
    return rules;
  }
  EntryReader reader(diagnostics);
  for (size_t i = 0; i < list.size(); ++i) {
    if (rules.size() >= kMaxRules) {
      diagnostics.push_back({"", list.item(i).line(),
                             "more than " + std::to_string(kMaxRules) + " ignore entries; the rest are not read"});
      break;
    }
    if (auto rule = reader.read(list.item(i))) {
      rules.push_back(std::move(*rule));
    }
  }
  return rules;
}

Result<Parsed> parse_ignore_file(std::string_view /*path*/, std::string_view bytes) {
  Parsed parsed;
  auto rules = read_ignore_file(bytes, parsed.warnings);
  if (!rules) {
    return tl::unexpected(rules.error());
  }
  return parsed;
}

}  // namespace vigil::formats::policy
