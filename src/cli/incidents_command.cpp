// `vigil incidents serve|token create|list|show|ack|resolve|tail` (docs/incidents.md): the service itself, its
// tokens, and a small client of its HTTP API for people at a terminal.
#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cli/command.hpp"
#include "core/http_request.hpp"
#include "incidents/api/service.hpp"
#include "incidents/store.hpp"
#include "incidents/tokens.hpp"

namespace vigil::cli {
void define_incidents_tail(CLI::App& incidents, int& exit_code);  // incidents_tail_command.cpp

namespace {

using nlohmann::json;

struct IncidentsOptions {
  // serve
  std::string listen = "127.0.0.1:8080";
  std::string db = "sqlite:vigil-incidents.db";
  std::string config;
  std::string tls_cert;
  std::string tls_key;
  size_t threads = 64;  // more than max_in_flight: spare workers answer 429 (see ServeOptions)
  size_t max_in_flight = 48;
  bool access_log = false;
  // token create
  std::string role;
  std::string name;
  // client commands
  std::string server = "http://127.0.0.1:8080";
  std::string token;
  std::string status;
  std::string severity;
  std::string source;
  size_t limit = 50;
  std::string format = "table";
  std::string id;
  std::string comment;
};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int error(const std::string& message) {
  fmt::print(stderr, "error: {}\n", message);
  return kExitError;
}

// "HOST:PORT", "[v6]:PORT" or ":PORT" (loopback) into host and port.
bool parse_listen(const std::string& text, std::string& host, uint16_t& port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  const std::string digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
  const unsigned long value = std::stoul(digits);
  if (value > 65535) return false;
  port = static_cast<uint16_t>(value);
  return true;
}

// ---- serve ----

int run_serve(const IncidentsOptions& o) {
  incidents::api::ServeOptions options;
  if (!parse_listen(o.listen, options.host, options.port)) {
    return error(fmt::format("--listen {}: expected HOST:PORT, e.g. 127.0.0.1:8080", o.listen));
  }
  options.db_url = o.db;
  options.config_path = o.config;
  options.tls_cert_file = o.tls_cert;
  options.tls_key_file = o.tls_key;
  options.threads = o.threads;
  options.max_in_flight = o.max_in_flight;
  options.access_log = o.access_log;
  // SIGINT/SIGTERM are blocked in every thread (workers inherit the mask) and taken by sigtimedwait below, so the
  // stop runs on an ordinary thread, not in a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
  auto service = incidents::api::Service::start(options);
  if (!service) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return error(service.error().message);
  }
  fmt::print(stderr, "vigil incidents: listening on {}\n", (*service)->describe());
  std::fflush(stderr);
  Result<void> served;
  std::atomic<bool> finished{false};
  std::thread server([&] {
    served = (*service)->run();
    finished = true;
  });
  const timespec tick{0, 200'000'000};
  while (!finished) {
    const int sig = sigtimedwait(&stop_signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      fmt::print(stderr, "vigil incidents: stopping (writing queued events, finishing deliveries)\n");
      (*service)->stop();
      break;
    }
  }
  server.join();
  service->reset();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (!served) return error(served.error().message);
  fmt::print(stderr, "vigil incidents: stopped\n");
  return kExitOk;
}

// ---- token create ----

int run_token_create(const IncidentsOptions& o) {
  const auto role = incidents::parse_role(o.role);
  if (!role) return error(fmt::format("--role {}: expected ingest, read or admin", o.role));
  auto store = incidents::open_store(o.db);
  if (!store) return error(fmt::format("{}: {}", o.db, store.error().message));
  const std::string name = o.name.empty() ? o.role : o.name;
  auto token = incidents::create_token(**store, *role, name, now_ns());
  if (!token) return error(token.error().message);
  std::cout << *token << "\n";
  return kExitOk;
}

// ---- client commands ----

std::string base_url(const IncidentsOptions& o) {
  std::string url = o.server;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// A request to the API; a non-2xx answer becomes the error "HTTP 403: the server's message".
Result<json> call(const IncidentsOptions& o, const std::string& method, const std::string& path,
                  const std::string& body = "") {
  auto response = http::http_request(method, base_url(o) + path, o.token, body);
  if (!response) return fail(fmt::format("{}: {}", base_url(o), response.error().message));
  const json doc = json::parse(response->body, nullptr, false);
  if (response->status < 200 || response->status >= 300) {
    const std::string message = doc.is_object() && doc.contains("error") && doc["error"].is_string()
                                    ? doc["error"].get<std::string>()
                                    : response->body.substr(0, 200);
    return fail(fmt::format("HTTP {}: {}", response->status, message));
  }
  if (doc.is_discarded()) return fail(fmt::format("{}: the answer is not JSON", base_url(o)));
  return doc;
}

std::string str(const json& doc, const char* key) {
  if (!doc.contains(key) || doc[key].is_null()) return "";
  return doc[key].is_string() ? doc[key].get<std::string>() : doc[key].dump();
}

// Cuts text to width columns (UTF-8 aware enough: never splits a multi-byte sequence).
std::string fit(std::string text, size_t width) {
  for (char& c : text) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  if (text.size() <= width) return text;
  size_t cut = width - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
  return text.substr(0, cut) + "~";
}

std::string query_of(const IncidentsOptions& o) {
  std::string query = fmt::format("?limit={}", o.limit);
  const std::pair<const char*, const std::string*> filters[] = {
      {"status", &o.status}, {"severity", &o.severity}, {"source", &o.source}};
  for (const auto& [key, value] : filters) {
    if (value->empty()) continue;
    std::string encoded;
    for (const unsigned char c : *value) {
      encoded += std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' ? std::string(1, static_cast<char>(c))
                                                                          : fmt::format("%{:02X}", c);
    }
    query += fmt::format("&{}={}", key, encoded);
  }
  return query;
}

int run_list(const IncidentsOptions& o) {
  auto doc = call(o, "GET", "/api/v1/incidents" + query_of(o));
  if (!doc) return error(doc.error().message);
  if (o.format == "json") {
    std::cout << doc->dump(2) << "\n";
    return kExitOk;
  }
  const json& incidents = (*doc)["incidents"];
  if (incidents.empty()) {
    fmt::print("no incidents\n");
    return kExitOk;
  }
  fmt::print("{:>6}  {:<12}  {:<8}  {:>7}  {:<24}  {:<14}  {}\n", "ID", "STATUS", "SEVERITY", "COUNT", "LAST SEEN",
             "SOURCE", "TITLE");
  for (const auto& i : incidents) {
    fmt::print("{:>6}  {:<12}  {:<8}  {:>7}  {:<24}  {:<14}  {}\n", str(i, "id"), str(i, "status"), str(i, "severity"),
               str(i, "count"), str(i, "last_seen"), fit(str(i, "source"), 14), fit(str(i, "title"), 60));
  }
  if (!(*doc)["next"].is_null()) {
    fmt::print("(more: --limit {} shows more; the API pages with before={})\n", o.limit * 2, str(*doc, "next"));
  }
  return kExitOk;
}

void print_show(const json& i) {
  fmt::print("Incident {}: {}\n", str(i, "id"), str(i, "title"));
  const char* fields[] = {"status", "severity", "count",   "first_seen", "last_seen",  "resolved_at",
                          "source", "rule",     "subject", "assignee",   "fingerprint"};
  for (const char* field : fields) {
    const std::string value = str(i, field);
    if (!value.empty()) fmt::print("  {:<12} {}\n", std::string(field) + ":", value);
  }
  fmt::print("\nTimeline:\n");
  for (const auto& t : i["timeline"]) {
    const std::string text = str(t, "text");
    fmt::print("  {}  {:<13} {}{}\n", str(t, "time"), str(t, "kind"), str(t, "actor"),
               text.empty() ? "" : ": " + fit(text, 100));
  }
  fmt::print("\nLatest events ({} shown):\n", i["events"].size());
  size_t shown = 0;
  for (const auto& e : i["events"]) {
    if (++shown > 10) break;
    fmt::print("  {}  {:<8} {}\n", str(e, "time"), str(e, "severity"), fit(str(e, "title"), 90));
  }
  fmt::print("\nDeliveries:\n");
  if (i["deliveries"].empty()) fmt::print("  none\n");
  for (const auto& d : i["deliveries"]) {
    const std::string state = str(d, "delivered").empty() ? (d.value("failed", false) ? "failed" : "pending")
                                                          : "delivered " + str(d, "delivered");
    fmt::print("  {:<16} {:<13} attempts {}  {}{}\n", fit(str(d, "notifier"), 16), str(d, "kind"), str(d, "attempts"),
               state, str(d, "last_error").empty() ? "" : "  (" + str(d, "last_error") + ")");
  }
}

int run_show(const IncidentsOptions& o) {
  auto doc = call(o, "GET", "/api/v1/incidents/" + o.id);
  if (!doc) return error(doc.error().message);
  if (o.format == "json") {
    std::cout << doc->dump(2) << "\n";
  } else {
    print_show(*doc);
  }
  return kExitOk;
}

// ack and resolve: the status change, then the comment when one is given.
int run_change(const IncidentsOptions& o, const char* status) {
  auto changed = call(o, "PATCH", "/api/v1/incidents/" + o.id, json{{"status", status}}.dump());
  if (!changed) return error(changed.error().message);
  if (!o.comment.empty()) {
    auto commented = call(o, "POST", "/api/v1/incidents/" + o.id + "/comments", json{{"text", o.comment}}.dump());
    if (!commented) return error("the status changed, but the comment failed: " + commented.error().message);
  }
  fmt::print("incident {} {}: {}\n", str(*changed, "id"), str(*changed, "status"), str(*changed, "title"));
  return kExitOk;
}

void add_client_options(CLI::App& command, IncidentsOptions& o) {
  command.add_option("--server", o.server, "the service's base URL (env VIGIL_INCIDENTS_URL)")
      ->envname("VIGIL_INCIDENTS_URL")
      ->capture_default_str();
  command.add_option("--token", o.token, "API token (env VIGIL_INCIDENTS_TOKEN): read for list/show, admin to change")
      ->envname("VIGIL_INCIDENTS_TOKEN");
}

void define_serve(CLI::App& incidents, const std::shared_ptr<IncidentsOptions>& o, int& exit_code) {
  CLI::App* serve = incidents.add_subcommand("serve", "run the incidents service (HTTP API, dashboard, notifications)");
  serve->footer(
      "Prints one line on stderr once listening; SIGINT/SIGTERM stop it gracefully (queued events are written,\n"
      "deliveries in flight finish). An event answered with 202 is durable.\n"
      "Examples:\n"
      "  vigil incidents serve                                        127.0.0.1:8080, sqlite:vigil-incidents.db\n"
      "  vigil incidents serve --listen 0.0.0.0:8443 --db sqlite:/var/lib/vigil/incidents.db \\\n"
      "      --config /etc/vigil/incidents.yaml --tls-cert cert.pem --tls-key key.pem\n"
      "  vigil incidents serve --db postgres://vigil@db.internal/vigil   several instances, one database\n"
      "  vigil incidents serve --listen 127.0.0.1:0                   an ephemeral port (printed)\n");
  serve->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
  serve->add_option("--db", o->db, "sqlite:PATH or postgres://...")->capture_default_str();
  serve->add_option("--config", o->config, "YAML file: notifiers, routes, flood thresholds (docs/incidents-config.md)");
  serve->add_option("--tls-cert", o->tls_cert, "PEM certificate (with --tls-key: serve HTTPS)");
  serve->add_option("--tls-key", o->tls_key, "PEM private key");
  serve->add_option("--threads", o->threads, "HTTP worker threads")->capture_default_str()->check(CLI::Range(1, 1024));
  serve->add_option("--max-in-flight", o->max_in_flight, "concurrent requests before 429 + Retry-After")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  serve->add_flag("--access-log", o->access_log,
                  "one line per request on stderr: client, method, path, status, time (never tokens or bodies)");
  serve->callback([o, &exit_code] { exit_code = run_serve(*o); });
}

void define_token(CLI::App& incidents, const std::shared_ptr<IncidentsOptions>& o, int& exit_code) {
  CLI::App* token = incidents.add_subcommand("token", "manage API tokens");
  token->require_subcommand(1);
  CLI::App* create = token->add_subcommand("create", "create an API token and print it (shown once)");
  create->footer(
      "Roles: ingest (POST events and request records), read (also list and show), admin (also ack, resolve,\n"
      "assign, comment). Only a hash of the token is stored; the token goes to stdout, nothing else does.\n"
      "Examples:\n"
      "  vigil incidents token create --db sqlite:vigil-incidents.db --role ingest --name ci-scanner\n"
      "  export VIGIL_INCIDENTS_TOKEN=$(vigil incidents token create --role admin --name alice)\n");
  create->add_option("--db", o->db, "sqlite:PATH or postgres://...")->capture_default_str();
  create->add_option("--role", o->role, "ingest, read or admin")
      ->required()
      ->check(CLI::IsMember({"ingest", "read", "admin"}));
  create->add_option("--name", o->name, "who or what uses it (shown as the actor of changes; default: the role)");
  create->callback([o, &exit_code] { exit_code = run_token_create(*o); });
}

void define_client(CLI::App& incidents, const std::shared_ptr<IncidentsOptions>& o, int& exit_code) {
  CLI::App* list = incidents.add_subcommand("list", "list incidents, newest first");
  list->footer(
      "Examples:\n"
      "  vigil incidents list                                   the 50 newest\n"
      "  vigil incidents list --status open --severity high     open, high or critical\n"
      "  vigil incidents list --source vigil-watch --format json\n");
  add_client_options(*list, *o);
  list->add_option("--status", o->status, "open, acknowledged or resolved")
      ->check(CLI::IsMember({"open", "acknowledged", "resolved"}));
  list->add_option("--severity", o->severity, "minimum severity: low, medium, high, critical")
      ->check(CLI::IsMember({"low", "medium", "high", "critical"}));
  list->add_option("--source", o->source, "only incidents from this source (e.g. vigil-watch)");
  list->add_option("--limit", o->limit, "at most this many")->capture_default_str()->check(CLI::Range(1, 1000));
  list->add_option("-f,--format", o->format, "table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  list->callback([o, &exit_code] { exit_code = run_list(*o); });

  CLI::App* show = incidents.add_subcommand("show", "one incident: fields, timeline, latest events, deliveries");
  show->footer("Examples:\n  vigil incidents show 42\n  vigil incidents show 42 --format json\n");
  add_client_options(*show, *o);
  show->add_option("ID", o->id, "incident id")->required()->check(CLI::PositiveNumber);
  show->add_option("-f,--format", o->format, "table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  show->callback([o, &exit_code] { exit_code = run_show(*o); });

  const std::pair<const char*, const char*> changes[] = {{"ack", "acknowledged"}, {"resolve", "resolved"}};
  for (const auto& [name, status] : changes) {
    CLI::App* change = incidents.add_subcommand(name, fmt::format("mark an incident {} (admin token)", status));
    change->footer(fmt::format("Examples:\n  vigil incidents {0} 42\n  vigil incidents {0} 42 --comment \"{1}\"\n",
                               name, std::string_view(name) == "ack" ? "looking into it" : "patched in 1.2.4"));
    add_client_options(*change, *o);
    change->add_option("ID", o->id, "incident id")->required()->check(CLI::PositiveNumber);
    change->add_option("--comment", o->comment, "also add this comment to the timeline");
    change->callback([o, &exit_code, status] { exit_code = run_change(*o, status); });
  }
}

}  // namespace

void define_incidents(CLI::App& app, int& exit_code) {
  CLI::App* incidents = app.add_subcommand("incidents", "the incidents service: serve, tokens, list/show/ack/resolve");
  incidents->require_subcommand(1);
  incidents->footer(
      "Findings and detections are deduplicated into incidents, notified once through an outbox, and\n"
      "acknowledged or resolved by people. See docs/incidents.md.\n"
      "Exit codes: 0 success, 2 error (bad options, the server refused, the server is unreachable).\n");
  auto options = std::make_shared<IncidentsOptions>();
  define_serve(*incidents, options, exit_code);
  define_token(*incidents, options, exit_code);
  define_client(*incidents, options, exit_code);
  define_incidents_tail(*incidents, exit_code);
}

}  // namespace vigil::cli
