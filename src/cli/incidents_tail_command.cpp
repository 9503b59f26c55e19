// `vigil incidents tail FILE`: follows an access log (nginx, Apache, JSON lines), measures request rates per client
// and in total, and reports floods (start and end) as incidents events: JSON lines on stdout and/or batches to an
// incidents endpoint. docs/incidents-tail.md.
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "cli/command.hpp"
#include "incidents/config.hpp"
#include "incidents/flood/access_log.hpp"
#include "incidents/flood/detector.hpp"
#include "incidents/flood/event_sender.hpp"
#include "incidents/flood/follower.hpp"

namespace vigil::cli {
void define_incidents_tail(CLI::App& incidents, int& exit_code);

namespace {
namespace flood = incidents::flood;
using Clock = std::chrono::steady_clock;

constexpr auto kIdleSleep = std::chrono::milliseconds(150);
constexpr int kMaxWarnings = 5;

struct TailOptions {
  std::string file;
  std::string format = "nginx";
  std::string config;
  std::string incidents_url;
  std::string token;
  std::string service;
  bool from_start = false;
  bool print = false;
  bool once = false;
  double source_capacity = -1;  // < 0: from the config (or the default)
  double total_capacity = -1;
  int64_t window_ms = -1;
  int64_t clear_after_s = -1;
  int64_t warmup_s = -1;
};

std::atomic<bool> g_stop{false};

Result<flood::FloodConfig> flood_config(const TailOptions& options) {
  flood::FloodConfig config;
  if (!options.config.empty()) {
    auto loaded = incidents::load_config(options.config, {.require_environment = false});
    if (!loaded) return tl::unexpected(loaded.error());
    config = loaded->flood;
  }
  if (options.source_capacity >= 0) config.source_capacity_rps = options.source_capacity;
  if (options.total_capacity >= 0) config.total_capacity_rps = options.total_capacity;
  if (options.window_ms > 0) config.window = std::chrono::milliseconds(options.window_ms);
  if (options.clear_after_s >= 0) config.clear_after = std::chrono::seconds(options.clear_after_s);
  if (options.warmup_s >= 0) config.warmup = std::chrono::seconds(options.warmup_s);
  if (!options.service.empty()) {
    config.service = options.service;
  } else if (config.service == flood::FloodConfig{}.service) {
    config.service = options.file.substr(options.file.find_last_of('/') + 1);
  }
  return config;
}

// The log's clock: the newest request time seen, moved on by the time that has passed since (so floods end while
// the log is quiet, and a log replayed with --from-start runs on its own timestamps).
struct LogClock {
  int64_t newest_ns = -1;
  Clock::time_point newest_at{};
  void saw(int64_t t) {
    if (t > newest_ns) newest_ns = t;
  }
  void mark_read() { newest_at = Clock::now(); }
  [[nodiscard]] int64_t now() const {
    return newest_ns + std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - newest_at).count();
  }
};

struct Counters {
  uint64_t malformed = 0;
};

class Tail {
 public:
  Tail(const TailOptions& options, flood::LogFormat format, flood::FloodConfig config)
      : options_(options),
        format_(format),
        follower_(flood::FollowerOptions{options.file, options.from_start}),
        detector_(std::move(config)) {
    if (!options.incidents_url.empty()) {
      flood::SenderOptions sender;
      sender.url = options.incidents_url;
      sender.token = options.token;
      sender.interval = std::chrono::milliseconds(500);
      sender.noun = "flood events";
      if (sender.token.empty()) {
        if (const char* env = std::getenv("VIGIL_INCIDENTS_TOKEN")) sender.token = env;
      }
      sender_ = std::make_unique<flood::EventSender>(std::move(sender));
    }
  }

  int run() {
    const auto started = Clock::now();
    int status = kExitOk;
    while (!g_stop) {
      const int64_t before = clock_.newest_ns;
      auto n = follower_.poll([this](std::string_view line) { on_line(line); });
      if (!n) {
        std::cerr << "error: " << n.error().message << '\n';
        status = kExitError;
        break;
      }
      if (clock_.newest_ns != before) clock_.mark_read();
      report(clock_.newest_ns < 0 ? std::vector<incidents::Event>{} : detector_.poll(clock_.now()));
      if (sender_) sender_->pump();
      if (*n == 0) {
        if (options_.once && !follower_.is_open()) {
          std::cerr << fmt::format("error: {}: cannot open\n", options_.file);
          status = kExitError;
          break;
        }
        if (options_.once) break;
        std::this_thread::sleep_for(kIdleSleep);
      }
    }
    if (clock_.newest_ns >= 0) report(detector_.poll(options_.once ? clock_.newest_ns : clock_.now()));
    if (sender_) sender_->pump(true);
    stop_line(std::chrono::duration<double>(Clock::now() - started).count());
    return status;
  }

 private:
  void on_line(std::string_view line) {
    if (line.empty() || line == "\r") return;
    if (!flood::parse_access_view(format_, line, view_)) {
      if (++counters_.malformed <= kMaxWarnings) {
        std::cerr << fmt::format("warning: {}: line {}: not a {} access-log line\n", options_.file,
                                 follower_.stats().lines, flood::log_format_name(format_));
      }
      return;
    }
    detector_.add(view_.time_ns, view_.source);
    clock_.saw(view_.time_ns);
  }

  void report(const std::vector<incidents::Event>& events) {
    for (const auto& e : events) {
      if (options_.print || !sender_) std::cout << flood::event_json(e) << '\n';
      if (sender_) sender_->add(e);
    }
    if (!events.empty()) std::cout << std::flush;
  }

  void stop_line(double seconds) const {
    const auto& f = follower_.stats();
    const auto d = detector_.stats();
    std::string delivery;
    if (sender_) delivery = fmt::format("; {} events delivered, {} dropped", sender_->delivered(), sender_->dropped());
    std::cerr << fmt::format(
        "vigil incidents tail: stopped; {} lines read ({:.0f} lines/s), {} malformed, {} too long, {} rotations, {} "
        "truncations; {} sources tracked; floods opened {}, ended {}{}\n",
        f.lines, seconds > 0 ? static_cast<double>(f.lines) / seconds : 0.0, counters_.malformed, f.long_lines,
        f.rotations, f.truncations, d.sources, d.floods_opened, d.floods_ended, delivery);
  }

  const TailOptions& options_;
  flood::LogFormat format_;
  flood::LogFollower follower_;
  flood::FloodDetector detector_;
  std::unique_ptr<flood::EventSender> sender_;
  flood::RequestView view_;
  LogClock clock_;
  Counters counters_;
};

int run_tail(const TailOptions& options) {
  const auto format = flood::parse_log_format(options.format);
  if (!format) {
    std::cerr << fmt::format("error: --format {}: expected nginx, apache or json\n", options.format);
    return kExitError;
  }
  auto config = flood_config(options);
  if (!config) {
    std::cerr << "error: " << config.error().message << '\n';
    return kExitError;
  }
  struct sigaction action{};
  action.sa_handler = [](int) { g_stop = true; };
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  std::cerr << fmt::format(
                   "vigil incidents tail: following {} ({}{}); per source > {:.0f}/s and > {:.0f}x baseline, total "
                   "> {:.0f}/s, window {} ms\n",
                   options.file, options.format, options.from_start ? ", from the start" : "",
                   config->source_capacity_rps, config->baseline_factor, config->total_capacity_rps,
                   config->window.count())
            << std::flush;
  Tail tail(options, *format, std::move(*config));
  return tail.run();
}

}  // namespace

void define_incidents_tail(CLI::App& incidents, int& exit_code) {
  auto options = std::make_shared<TailOptions>();
  CLI::App* sub = incidents.add_subcommand(
      "tail", "follow an access log and report request floods (per client and in total) as incidents events");
  sub->footer(
      "Examples:\n"
      "  vigil incidents tail /var/log/nginx/access.log                 flood events as JSON lines on stdout\n"
      "  vigil incidents tail access.log --incidents http://127.0.0.1:8080/api/v1/events --token T\n"
      "  vigil incidents tail app.jsonl --format json --source-capacity 50 --total-capacity 2000\n"
      "  vigil incidents tail old.log --from-start --once               analyse a log once and exit\n"
      "Follows the file like `tail -F` (rotation by rename or truncation); runs until interrupted and prints its\n"
      "counts on stderr when it stops. Exit codes: 0 stopped, 2 error. Details: docs/incidents-tail.md.\n");
  sub->add_option("file", options->file, "the access log to follow")->required()->type_name("FILE");
  sub->add_option("--format", options->format, "nginx (combined), apache (common or combined) or json (lines)")
      ->type_name("FORMAT")
      ->capture_default_str();
  sub->add_option("--config", options->config, "the incidents config file; its flood: section sets the thresholds")
      ->type_name("FILE");
  sub->add_option("--incidents", options->incidents_url,
                  "send flood events to this incidents endpoint (http(s)://HOST:PORT/api/v1/events)")
      ->type_name("URL");
  sub->add_option("--token", options->token,
                  "bearer token for --incidents (or set VIGIL_INCIDENTS_TOKEN, which `ps` does not show)")
      ->type_name("T");
  sub->add_flag("--from-start", options->from_start, "read what the file holds already (default: only new lines)");
  sub->add_flag("--print", options->print, "also print flood events on stdout when sending them to --incidents");
  sub->add_flag("--once", options->once, "stop at the end of the file instead of following it");
  sub->add_option("--source-capacity", options->source_capacity, "requests/s one client may send (default 100)")
      ->type_name("RPS");
  sub->add_option("--total-capacity", options->total_capacity, "requests/s of all clients together (default 1000)")
      ->type_name("RPS");
  sub->add_option("--window", options->window_ms, "rate window in milliseconds (default 1000)")->type_name("MS");
  sub->add_option("--clear-after", options->clear_after_s, "seconds below the thresholds that end a flood (default 10)")
      ->type_name("SECONDS");
  sub->add_option("--warmup", options->warmup_s,
                  "seconds of log time after the first request in which client baselines are learned and no client "
                  "flood fires (default 10)")
      ->type_name("SECONDS");
  sub->add_option("--service", options->service, "subject of total-over-capacity events (default: the file's name)")
      ->type_name("NAME");
  sub->callback([options, &exit_code] {
    try {
      exit_code = run_tail(*options);
    } catch (const std::exception& e) {  // out of memory and the like: reported, never a crash
      std::cerr << "error: " << e.what() << '\n';
      exit_code = kExitError;
    }
  });
}

}  // namespace vigil::cli
