// The incidents service's configuration file (YAML, docs/incidents-config.md): timings, notifiers, routes,
// delivery retry and flood thresholds. load_config() reports every problem at once as "FILE:LINE: message".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "incidents/flood/detector.hpp"
#include "incidents/ingest.hpp"
#include "incidents/model.hpp"

namespace vigil::incidents {

// One configured notifier. Which fields a type uses is in its row of the notifier table (notify/notifiers.hpp).
struct NotifierConfig {
  std::string name;
  std::string type;        // webhook | slack | alertmanager | email
  std::string url;         // webhook, slack: where to POST; alertmanager: its base URL
  std::string secret_env;  // webhook: the environment variable holding the HMAC key (never the key itself)
  std::string smtp_url;    // email: smtp://host:port or smtps://host:port
  std::string from;        // email
  std::vector<std::string> to;
  std::string username;      // email: SMTP AUTH user (optional)
  std::string password_env;  // email: the environment variable holding the SMTP password
  int line = 0;              // where it is defined
};

// A route matches an incident when every non-empty list contains the incident's value and every label is equal.
struct RouteMatch {
  std::vector<Severity> severity;
  std::vector<std::string> source;
  std::vector<std::string> rule;
  Labels labels;
};

struct RouteConfig {
  RouteMatch match;
  std::vector<std::string> notifiers;
  // Incident fields whose values form the group key: source, rule, subject, severity, label:NAME. Empty: one
  // group per incident.
  std::vector<std::string> group_by;
  int64_t group_wait_ns = 0;       // a group is held until its oldest item is this old (0: send at once)
  bool continue_matching = false;  // YAML "continue": later routes are tried too
  int line = 0;
};

struct RetryConfig {
  int64_t initial_ns = int64_t{1'000'000'000};    // wait before the 2nd attempt; doubles per attempt
  int64_t max_ns = int64_t{300} * 1'000'000'000;  // cap of one wait
  int max_attempts = 20;                          // then the item is given up (failed)
  // How long an instance holds the items it is sending (several instances may share a database): longer than a
  // delivery can take (10 s HTTP timeout); items of an instance that died go out again after it.
  int64_t lease_ns = int64_t{30} * 1'000'000'000;
};

struct ServiceConfig {
  int64_t correlation_window_ns = int64_t{300} * 1'000'000'000;
  int64_t auto_resolve_after_ns = int64_t{3600} * 1'000'000'000;
  std::string external_url;  // the dashboard's base URL for links in notifications ("" : no links)
  std::vector<NotifierConfig> notifiers;
  std::vector<RouteConfig> routes;  // first match wins unless continue
  RetryConfig retry;
  flood::FloodConfig flood;

  [[nodiscard]] const NotifierConfig* notifier(std::string_view name) const;
};

struct ConfigOptions {
  // Check that the environment variables named by secret_env / password_env are set. The service wants this (a
  // missing secret should stop it at start, not fail every delivery); `vigil incidents tail`, which reads only
  // the flood section, does not.
  bool require_environment = true;
};

// Reads and checks the whole file; the error lists every problem, one "FILE:LINE: message" per line.
Result<ServiceConfig> load_config(const std::string& path, const ConfigOptions& options = {});
// The same over text already read (tests, fuzzing); `name` is what messages call the file.
Result<ServiceConfig> parse_config(std::string_view name, std::string_view text, const ConfigOptions& options = {});

// libFuzzer entry (fuzz/): parse_config without the environment check.
Result<ServiceConfig> parse_config_fuzz(std::string_view name, std::string_view bytes);

// "500ms", "30s", "5m", "2h", "1d" -> nanoseconds; nullopt for anything else (no sign, no fraction, no bare number).
std::optional<int64_t> parse_duration(std::string_view text);

// The ingest policy the config describes (correlation window, auto-resolve, make_router()).
IngestPolicy make_policy(const ServiceConfig& config);

// Targets of an incident change: walks the routes in order (first match wins unless continue), one target per
// notifier (a notifier reached by two routes gets the first one's group key). The group key is
// "<route index>|<field>=<value>,..." so the dispatcher can find the route's group_wait again.
Router make_router(const ServiceConfig& config);

// The group_wait of the route a group key came from (0 when the key names no route of this config).
int64_t group_wait_of(const ServiceConfig& config, std::string_view group_key);

}  // namespace vigil::incidents
