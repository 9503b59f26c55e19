// The rule set's small pieces: priorities, durations, output rendering, the index by event type, and the fuzz
// entry point. Loading is in rules_loader.cpp, conditions in rules_condition.cpp, fields in rules_fields.cpp.
#include "watch/rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/strings.hpp"
#include "watch/rules_internal.hpp"

namespace vigil::watch {

namespace {
struct PriorityName {
  std::string_view name;
  Priority priority;
};
constexpr PriorityName kPriorities[] = {
    {"DEBUG", Priority::Debug},         {"INFORMATIONAL", Priority::Informational},
    {"INFO", Priority::Informational},  {"NOTICE", Priority::Notice},
    {"WARNING", Priority::Warning},     {"ERROR", Priority::Error},
    {"CRITICAL", Priority::Critical},   {"ALERT", Priority::Alert},
    {"EMERGENCY", Priority::Emergency},
};

struct Unit {
  std::string_view suffix;
  uint64_t ns;
};
// Longest suffix first: "ms" before "s" and "m".
constexpr Unit kUnits[] = {
    {"ms", 1'000'000ULL}, {"s", 1'000'000'000ULL}, {"m", 60'000'000'000ULL}, {"h", 3'600'000'000'000ULL}};
constexpr uint64_t kMaxWindow = 7 * 24 * 3'600'000'000'000ULL;

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}
}  // namespace

std::string_view priority_name(Priority p) {
  for (const auto& row : kPriorities) {
    if (row.priority == p) return row.name;
  }
  return "WARNING";
}

namespace detail {
std::optional<Priority> parse_priority(std::string_view text) {
  for (const auto& row : kPriorities) {
    if (iequals(row.name, text)) return row.priority;
  }
  return std::nullopt;
}

std::optional<uint64_t> parse_duration(std::string_view text) {
  for (const auto& unit : kUnits) {
    if (!text.ends_with(unit.suffix)) continue;
    const std::string_view digits = text.substr(0, text.size() - unit.suffix.size());
    uint64_t n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size() || n == 0 || n > kMaxWindow / unit.ns) {
      return std::nullopt;
    }
    return n * unit.ns;
  }
  return std::nullopt;
}

std::string format_duration(uint64_t ns) {
  for (auto it = std::rbegin(kUnits); it != std::rend(kUnits); ++it) {
    if (ns != 0 && ns % it->ns == 0) return fmt::format("{}{}", ns / it->ns, it->suffix);
  }
  return fmt::format("{}ns", ns);
}
}  // namespace detail

// %name is a field (with [N] or [NAME]), else a binding (%threshold.count, a sequence's %file), else left as is.
std::string render_output(const Rule& rule, const FieldContext& ctx) {
  const std::string_view t = rule.output;
  std::string out;
  for (size_t i = 0; i < t.size();) {
    if (t[i] != '%' || i + 1 >= t.size()) {
      out += t[i++];
      continue;
    }
    size_t end = i + 1;
    while (end < t.size() && name_char(t[end])) ++end;
    if (end < t.size() && t[end] == '[') {
      const size_t close = t.find(']', end);
      if (close != std::string_view::npos && close - end < 130) end = close + 1;
    }
    while (end > i + 1 && t[end - 1] == '.') --end;  // "... %proc.name." ends a sentence
    const std::string_view name = t.substr(i + 1, end - i - 1);
    const std::string* bound = nullptr;
    if (ctx.bindings != nullptr) {
      for (const auto& [k, v] : *ctx.bindings) {
        if (k == name) bound = &v;
      }
    }
    if (is_known_field(name)) {
      out += field_text(name, ctx);
    } else if (bound != nullptr) {
      out += *bound;
    } else {
      out += t.substr(i, end - i);
    }
    i = std::max(end, i + 1);
  }
  return out;
}

void RuleSet::index() {
  by_type_.assign(model::kEventTypeCount, {});
  sequences_.clear();
  for (const auto& rule : rules_) {
    if (!rule.enabled) continue;
    if (rule.kind == RuleKind::Sequence) {
      sequences_.push_back(&rule);
      continue;
    }
    for (size_t t = 0; t < model::kEventTypeCount; ++t) {
      const auto type = static_cast<model::EventType>(t);
      if (rule.event_types.empty() ||
          std::find(rule.event_types.begin(), rule.event_types.end(), type) != rule.event_types.end()) {
        by_type_[t].push_back(&rule);
      }
    }
  }
}

std::span<const Rule* const> RuleSet::rules_for(model::EventType type) const {
  const auto t = static_cast<size_t>(type);
  return t < by_type_.size() ? std::span<const Rule* const>(by_type_[t]) : std::span<const Rule* const>{};
}

std::vector<model::EventType> RuleSet::wanted_event_types() const {
  std::vector<bool> wanted(model::kEventTypeCount, false);
  for (size_t t = 0; t < by_type_.size(); ++t) wanted[t] = !by_type_[t].empty();
  for (const Rule* rule : sequences_) {
    for (const auto& step : rule->steps) {
      for (size_t t = 0; t < model::kEventTypeCount; ++t) {
        const auto type = static_cast<model::EventType>(t);
        wanted[t] = wanted[t] || step.event_types.empty() ||
                    std::find(step.event_types.begin(), step.event_types.end(), type) != step.event_types.end();
      }
    }
  }
  std::vector<model::EventType> out;
  for (size_t t = 0; t < model::kEventTypeCount; ++t) {
    if (wanted[t]) out.push_back(static_cast<model::EventType>(t));
  }
  return out;
}

namespace {

// Sorted, a prefix comes before everything it covers, and whatever sorts between them has it too. An empty prefix
// (or "/" for paths) covers every read-only open: nothing to filter.
std::optional<std::vector<std::string>> minimal_prefixes(std::vector<std::string> all, std::string_view everything) {
  std::sort(all.begin(), all.end());
  std::vector<std::string> out;
  for (auto& prefix : all) {
    if (!out.empty() && prefix.starts_with(out.back())) continue;
    if (prefix.empty() || prefix == everything) return std::nullopt;
    out.push_back(std::move(prefix));
  }
  return out;
}

}  // namespace

// Why dropping the other read-only opens is sound: each enabled rule, and each sequence step, that can match an
// open was shown at load (rules_open_bounds.cpp) to be true for a read-only open of an absolute path only when the
// path starts with one of its path prefixes or has a component starting with one of its basename prefixes; an open
// outside all of them could match nothing, whatever its result (a rule on evt.res without a bound is unbounded, so
// no filter). Thresholds count matches only, and sequences advance on matching steps only, so neither sees a
// difference. The path compared is fd.name as the rules see it.
std::optional<ReadOpenBounds> RuleSet::read_open_bounds() const {
  ReadOpenBounds all;
  const auto add = [&](const std::vector<model::EventType>& types, const std::optional<ReadOpenBounds>& bounds) {
    if (!types.empty() && std::find(types.begin(), types.end(), model::EventType::Open) == types.end()) return true;
    if (!bounds) return false;
    all.path_prefixes.insert(all.path_prefixes.end(), bounds->path_prefixes.begin(), bounds->path_prefixes.end());
    all.basename_prefixes.insert(all.basename_prefixes.end(), bounds->basename_prefixes.begin(),
                                 bounds->basename_prefixes.end());
    return true;
  };
  for (const Rule& rule : rules_) {
    if (!rule.enabled) continue;
    if (rule.kind != RuleKind::Sequence && !add(rule.event_types, rule.read_open_bounds)) return std::nullopt;
    for (const auto& step : rule.steps) {
      if (!add(step.event_types, step.read_open_bounds)) return std::nullopt;
    }
  }
  auto paths = minimal_prefixes(std::move(all.path_prefixes), "/");
  auto names = minimal_prefixes(std::move(all.basename_prefixes), "");
  if (!paths || !names) return std::nullopt;
  return ReadOpenBounds{std::move(*paths), std::move(*names)};
}

Result<formats::Parsed> fuzz_rules(std::string_view path, std::string_view bytes) {
  std::vector<LoadProblem> problems;
  const RuleSet set = RuleSet::load_texts({{std::string(path), std::string(bytes)}}, problems);
  formats::Parsed parsed;
  for (auto& p : problems) parsed.warnings.push_back({p.file, p.line, std::move(p.message)});
  model::Event exec;
  exec.pid = 42;
  exec.comm = "bash";
  exec.filename = "/bin/bash";
  exec.argv = {"bash", "-c", "id"};
  exec.env = {"HOME=/root", "PATH"};
  model::Event open = exec;
  open.type = model::EventType::Open;
  open.path = "/tmp/x";
  open.flags = 0x241;
  model::Event connect = exec;
  connect.type = model::EventType::Connect;
  connect.family = model::SocketFamily::Inet;
  connect.daddr = "169.254.169.254";
  connect.dport = 80;
  connect.ret = -111;
  const ProcessTree tree;
  const Bindings bindings = {{"file", "/tmp/x"}, {"threshold.count", "3"}};
  for (const auto* event : {&exec, &open, &connect}) {
    const FieldContext ctx{*event, tree, &bindings};
    for (const auto& rule : set.rules()) {
      if (rule.condition) (void)rule.condition->eval(ctx);
      for (const auto& step : rule.steps) (void)step.condition->eval(ctx);
      (void)render_output(rule, ctx);
    }
  }
  return parsed;
}

}  // namespace vigil::watch
