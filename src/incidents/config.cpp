// Reading the service config: a tree walk over the YAML with one table of keys per section, collecting every
// problem with its line so one run shows them all. Nothing of a broken file is used.
#include "incidents/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>

#include "formats/yaml/yaml_tree.hpp"
#include "incidents/notify/notifiers.hpp"

namespace vigil::incidents {
namespace {

using formats::yaml::Node;
constexpr size_t kMaxFileBytes = size_t{1} << 20;

class Reader {
 public:
  explicit Reader(std::string_view name) : name_(name) {}

  void report(int line, std::string_view message) {
    problems_.push_back(fmt::format("{}:{}: {}", name_, line, message));
  }
  [[nodiscard]] const std::vector<std::string>& problems() const { return problems_; }

  bool scalar(Node key, Node value, std::string& out) {
    if (!value.is_scalar() || value.scalar().empty()) {
      report(value.valid() ? value.line() : key.line(), fmt::format("{} must be a non-empty value", key.scalar()));
      return false;
    }
    out = std::string(value.scalar());
    return true;
  }

  bool duration(Node key, Node value, int64_t& out) {
    std::string text;
    if (!scalar(key, value, text)) return false;
    const auto ns = parse_duration(text);
    if (!ns) {
      report(value.line(), fmt::format("{}: bad duration \"{}\" (use e.g. 500ms, 30s, 5m, 2h)", key.scalar(), text));
      return false;
    }
    out = *ns;
    return true;
  }

  template <class Number>
  bool number(Node key, Node value, Number& out, Number min) {
    std::string text;
    if (!scalar(key, value, text)) return false;
    Number parsed{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec != std::errc() || end != text.data() + text.size() || parsed < min) {
      report(value.line(), fmt::format("{}: \"{}\" is not a number >= {}", key.scalar(), text, min));
      return false;
    }
    out = parsed;
    return true;
  }

  // A list of scalars; a single scalar is accepted as a one-item list.
  bool list(Node key, Node value, std::vector<std::string>& out) {
    if (value.is_scalar()) {
      out.emplace_back(value.scalar());
      return true;
    }
    if (!value.is_seq()) {
      report(value.valid() ? value.line() : key.line(), fmt::format("{} must be a list of values", key.scalar()));
      return false;
    }
    for (size_t i = 0; i < value.size(); ++i) {
      const Node item = value.item(i);
      if (!item.is_scalar() || item.scalar().empty()) {
        report(item.line(), fmt::format("{}: every item must be a non-empty value", key.scalar()));
        return false;
      }
      out.emplace_back(item.scalar());
    }
    return true;
  }

  bool map(Node key, Node value) {
    if (value.is_map()) return true;
    report(value.valid() ? value.line() : key.line(), fmt::format("{} must be a map of keys", key.scalar()));
    return false;
  }

 private:
  std::string name_;
  std::vector<std::string> problems_;
};

// A section's keys: name -> what reading it does. One table per section keeps the accepted keys visible.
template <class Target>
struct KeyRow {
  std::string_view key;
  void (*read)(Reader&, Node key, Node value, Target&);
};

template <class Target, size_t N>
void read_section(Reader& r, Node section, std::string_view what, const KeyRow<Target> (&rows)[N], Target& out) {
  std::vector<std::string_view> seen;
  for (const auto& [key, value] : section.entries()) {
    const std::string_view name = key.scalar();
    const auto* row = std::find_if(std::begin(rows), std::end(rows), [&](const auto& x) { return x.key == name; });
    if (row == std::end(rows)) {
      std::string known;
      for (const auto& x : rows) known += (known.empty() ? "" : ", ") + std::string(x.key);
      r.report(key.line(), fmt::format("unknown key \"{}\" in {} (known: {})", name, what, known));
    } else if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      r.report(key.line(), fmt::format("duplicate key \"{}\" in {}", name, what));
    } else {
      seen.push_back(name);
      row->read(r, key, value, out);
    }
  }
}

// ---- notifiers ----

void read_to(Reader& r, Node k, Node v, NotifierConfig& n) {
  r.list(k, v, n.to);
}

const KeyRow<NotifierConfig> kNotifierKeys[] = {
    {"name", [](Reader& r, Node k, Node v, NotifierConfig& n) { r.scalar(k, v, n.name); }},
    {"type", [](Reader& r, Node k, Node v, NotifierConfig& n) { r.scalar(k, v, n.type); }},
    {"url", [](Reader& r, Node k, Node v, NotifierConfig& n) { r.scalar(k, v, n.url); }},
    {"secret_env", [](Reader& r, Node k, Node v, NotifierConfig& n) { r.scalar(k, v, n.secret_env); }},
    {"smtp_url", [](Reader& r, Node k, Node v, NotifierConfig& n) { r.scalar(k, v, n.smtp_url); }},
    {"from", [](Reader& r, Node k, Node v, NotifierConfig& n) { r.scalar(k, v, n.from); }},
    {"to", read_to},
    {"username", [](Reader& r, Node k, Node v, NotifierConfig& n) { r.scalar(k, v, n.username); }},
    {"password_env", [](Reader& r, Node k, Node v, NotifierConfig& n) { r.scalar(k, v, n.password_env); }},
};

// Keys the notifier's type does not take are mistakes (a url on an email notifier would silently do nothing).
void check_notifier(Reader& r, Node entry, const NotifierConfig& n) {
  if (n.name.empty()) r.report(n.line, "notifier has no name");
  if (n.type.empty()) {
    r.report(n.line, fmt::format("notifier \"{}\" has no type", n.name));
    return;
  }
  const notify::NotifierType* type = notify::find_notifier_type(n.type);
  if (type == nullptr) {
    std::string known;
    for (const auto& t : notify::notifier_types()) known += (known.empty() ? "" : ", ") + std::string(t.name);
    r.report(entry.get("type").line(), fmt::format("unknown notifier type \"{}\" (known: {})", n.type, known));
    return;
  }
  for (const auto& [key, value] : entry.entries()) {
    const std::string_view k = key.scalar();
    const bool known =
        std::any_of(std::begin(kNotifierKeys), std::end(kNotifierKeys), [&](const auto& row) { return row.key == k; });
    const bool taken = std::find(type->keys.begin(), type->keys.end(), k) != type->keys.end();
    if (known && !taken && k != "name" && k != "type") {  // unknown keys are reported by read_section
      r.report(key.line(), fmt::format("notifier type {} does not take \"{}\"", n.type, k));
    }
  }
  for (const std::string& problem : type->validate(n)) {
    r.report(n.line, fmt::format("notifier \"{}\": {}", n.name, problem));
  }
}

void read_notifiers(Reader& r, Node key, Node value, ServiceConfig& config) {
  if (!value.is_seq()) {
    r.report(value.valid() ? value.line() : key.line(), "notifiers must be a list");
    return;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const Node entry = value.item(i);
    NotifierConfig n;
    n.line = entry.line();
    if (!entry.is_map()) {
      r.report(entry.line(), "a notifier must be a map with name and type");
      continue;
    }
    read_section(r, entry, "notifier", kNotifierKeys, n);
    check_notifier(r, entry, n);
    if (config.notifier(n.name) != nullptr) {
      r.report(n.line, fmt::format("notifier \"{}\" is defined twice", n.name));
      continue;
    }
    config.notifiers.push_back(std::move(n));
  }
}

// ---- routes ----

void read_severities(Reader& r, Node k, Node v, RouteMatch& m) {
  std::vector<std::string> names;
  if (!r.list(k, v, names)) return;
  for (const std::string& name : names) {
    if (auto s = parse_severity(name)) {
      m.severity.push_back(*s);
    } else {
      r.report(v.line(), fmt::format("severity: unknown \"{}\" (low, medium, high, critical)", name));
    }
  }
}

void read_labels(Reader& r, Node k, Node v, RouteMatch& m) {
  if (!r.map(k, v)) return;
  for (const auto& [lk, lv] : v.entries()) {
    std::string value;
    if (r.scalar(lk, lv, value)) m.labels.emplace_back(std::string(lk.scalar()), value);
  }
  std::sort(m.labels.begin(), m.labels.end());
}

const KeyRow<RouteMatch> kMatchKeys[] = {
    {"severity", read_severities},
    {"source", [](Reader& r, Node k, Node v, RouteMatch& m) { r.list(k, v, m.source); }},
    {"rule", [](Reader& r, Node k, Node v, RouteMatch& m) { r.list(k, v, m.rule); }},
    {"labels", read_labels},
};

bool valid_group_field(std::string_view f) {
  return f == "source" || f == "rule" || f == "subject" || f == "severity" ||
         (f.substr(0, 6) == "label:" && f.size() > 6);
}

void read_group_by(Reader& r, Node k, Node v, RouteConfig& route) {
  if (!r.list(k, v, route.group_by)) return;
  for (const std::string& f : route.group_by) {
    if (!valid_group_field(f)) {
      r.report(v.line(),
               fmt::format("group_by: unknown field \"{}\" (source, rule, subject, severity, label:NAME)", f));
    }
  }
}

void read_continue(Reader& r, Node k, Node v, RouteConfig& route) {
  std::string text;
  if (!r.scalar(k, v, text)) return;
  if (text == "true" || text == "false") {
    route.continue_matching = text == "true";
  } else {
    r.report(v.line(), fmt::format("continue must be true or false, not \"{}\"", text));
  }
}

const KeyRow<RouteConfig> kRouteKeys[] = {
    {"match",
     [](Reader& r, Node k, Node v, RouteConfig& route) {
       if (r.map(k, v)) read_section(r, v, "match", kMatchKeys, route.match);
     }},
    {"notifiers", [](Reader& r, Node k, Node v, RouteConfig& route) { r.list(k, v, route.notifiers); }},
    {"group_by", read_group_by},
    {"group_wait", [](Reader& r, Node k, Node v, RouteConfig& route) { r.duration(k, v, route.group_wait_ns); }},
    {"continue", read_continue},
};

void read_routes(Reader& r, Node key, Node value, ServiceConfig& config) {
  if (!value.is_seq()) {
    r.report(value.valid() ? value.line() : key.line(), "routes must be a list");
    return;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const Node entry = value.item(i);
    RouteConfig route;
    route.line = entry.line();
    if (!entry.is_map()) {
      r.report(entry.line(), "a route must be a map with notifiers");
      continue;
    }
    read_section(r, entry, "route", kRouteKeys, route);
    if (route.notifiers.empty()) r.report(route.line, "route has no notifiers");
    config.routes.push_back(std::move(route));
  }
}

// ---- retry, flood, top level ----

const KeyRow<RetryConfig> kRetryKeys[] = {
    {"initial", [](Reader& r, Node k, Node v, RetryConfig& c) { r.duration(k, v, c.initial_ns); }},
    {"max", [](Reader& r, Node k, Node v, RetryConfig& c) { r.duration(k, v, c.max_ns); }},
    {"max_attempts", [](Reader& r, Node k, Node v, RetryConfig& c) { r.number(k, v, c.max_attempts, 1); }},
    {"lease", [](Reader& r, Node k, Node v, RetryConfig& c) { r.duration(k, v, c.lease_ns); }},
};

template <class Duration>
void read_chrono(Reader& r, Node k, Node v, Duration& out) {
  int64_t ns = 0;
  if (r.duration(k, v, ns)) out = std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(ns));
}

const KeyRow<flood::FloodConfig> kFloodKeys[] = {
    {"window", [](Reader& r, Node k, Node v, flood::FloodConfig& c) { read_chrono(r, k, v, c.window); }},
    {"source_capacity_rps",
     [](Reader& r, Node k, Node v, flood::FloodConfig& c) { r.number(k, v, c.source_capacity_rps, 0.0); }},
    {"total_capacity_rps",
     [](Reader& r, Node k, Node v, flood::FloodConfig& c) { r.number(k, v, c.total_capacity_rps, 0.0); }},
    {"baseline_factor",
     [](Reader& r, Node k, Node v, flood::FloodConfig& c) { r.number(k, v, c.baseline_factor, 1.0); }},
    {"ewma_alpha", [](Reader& r, Node k, Node v, flood::FloodConfig& c) { r.number(k, v, c.ewma_alpha, 0.0); }},
    {"clear_after", [](Reader& r, Node k, Node v, flood::FloodConfig& c) { read_chrono(r, k, v, c.clear_after); }},
    {"service", [](Reader& r, Node k, Node v, flood::FloodConfig& c) { r.scalar(k, v, c.service); }},
    {"warmup", [](Reader& r, Node k, Node v, flood::FloodConfig& c) { read_chrono(r, k, v, c.warmup); }},
    {"max_sources", [](Reader& r, Node k, Node v, flood::FloodConfig& c) { r.number(k, v, c.max_sources, size_t{1}); }},
};

const KeyRow<ServiceConfig> kTopKeys[] = {
    {"correlation_window",
     [](Reader& r, Node k, Node v, ServiceConfig& c) { r.duration(k, v, c.correlation_window_ns); }},
    {"auto_resolve_after",
     [](Reader& r, Node k, Node v, ServiceConfig& c) { r.duration(k, v, c.auto_resolve_after_ns); }},
    {"external_url", [](Reader& r, Node k, Node v, ServiceConfig& c) { r.scalar(k, v, c.external_url); }},
    {"notifiers", read_notifiers},
    {"routes", read_routes},
    {"retry",
     [](Reader& r, Node k, Node v, ServiceConfig& c) {
       if (!r.map(k, v)) return;
       read_section(r, v, "retry", kRetryKeys, c.retry);
       if (c.retry.initial_ns > c.retry.max_ns) r.report(v.line(), "retry: initial is longer than max");
     }},
    {"flood",
     [](Reader& r, Node k, Node v, ServiceConfig& c) {
       if (!r.map(k, v)) return;
       read_section(r, v, "flood", kFloodKeys, c.flood);
       if (c.flood.ewma_alpha > 1.0) r.report(v.line(), "flood: ewma_alpha must be between 0 and 1");
     }},
};

void check_references(Reader& r, const ServiceConfig& config) {
  for (const RouteConfig& route : config.routes) {
    for (const std::string& name : route.notifiers) {
      if (config.notifier(name) == nullptr) {
        r.report(route.line, fmt::format("route names notifier \"{}\", which is not defined", name));
      }
    }
  }
}

// Secrets come from the environment only; a variable that is named but unset is caught before the first delivery.
void check_environment(Reader& r, const ServiceConfig& config) {
  for (const NotifierConfig& n : config.notifiers) {
    const std::pair<std::string_view, const std::string*> vars[] = {{"secret_env", &n.secret_env},
                                                                    {"password_env", &n.password_env}};
    for (const auto& [key, var] : vars) {
      if (var->empty()) continue;
      const char* value = std::getenv(var->c_str());
      if (value == nullptr || *value == '\0') {
        r.report(n.line, fmt::format("notifier \"{}\": {}: environment variable {} is not set", n.name, key, *var));
      }
    }
  }
}

}  // namespace

const NotifierConfig* ServiceConfig::notifier(std::string_view name) const {
  const auto it = std::find_if(notifiers.begin(), notifiers.end(), [&](const auto& n) { return n.name == name; });
  return it == notifiers.end() ? nullptr : &*it;
}

std::optional<int64_t> parse_duration(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    int64_t ns;
  };
  // "ms" before "m" and "s": the longest suffix that fits wins.
  static constexpr Unit kUnits[] = {{"ms", 1'000'000},
                                    {"s", 1'000'000'000},
                                    {"m", 60'000'000'000},
                                    {"h", 3'600'000'000'000},
                                    {"d", 86'400'000'000'000}};
  for (const Unit& unit : kUnits) {
    if (text.size() <= unit.suffix.size() || text.substr(text.size() - unit.suffix.size()) != unit.suffix) continue;
    const std::string_view digits = text.substr(0, text.size() - unit.suffix.size());
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size() || n < 0) return std::nullopt;
    if (n > INT64_MAX / unit.ns) return std::nullopt;
    return n * unit.ns;
  }
  return std::nullopt;
}

Result<ServiceConfig> parse_config(std::string_view name, std::string_view text, const ConfigOptions& options) {
  Reader r(name);
  auto doc = formats::yaml::load(text, {.max_depth = 32, .max_nodes = 100000, .allow_aliases = false});
  if (!doc) return fail(fmt::format("{}: {}", name, doc.error().message));
  ServiceConfig config;
  const Node root = doc->root();
  if (root.is_map()) {
    read_section(r, root, "the config", kTopKeys, config);
    check_references(r, config);
    if (options.require_environment) check_environment(r, config);
  } else if (root.valid() && !root.is_null()) {
    r.report(root.line(), "the config must be a map of keys");
  }
  if (!r.problems().empty()) {
    std::string message;
    for (const std::string& p : r.problems()) message += (message.empty() ? "" : "\n") + p;
    return fail(message);
  }
  return config;
}

Result<ServiceConfig> parse_config_fuzz(std::string_view name, std::string_view bytes) {
  return parse_config(name, bytes, {.require_environment = false});
}

Result<ServiceConfig> load_config(const std::string& path, const ConfigOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("{}: cannot open the config file", path));
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) return fail(fmt::format("{}: the config file is larger than 1 MiB", path));
  return parse_config(path, text, options);
}

}  // namespace vigil::incidents
