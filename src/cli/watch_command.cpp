// `vigil watch`: runs the runtime rules over events from the live eBPF sensor (watch/ebpf/) or from a recording
// (--replay, JSON lines, docs/watch.md) and writes one detection per line. --record keeps the live events.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/output_file.hpp"
#include "core/unique_fd.hpp"
#include "formats/events.hpp"
#include "watch/detection_json.hpp"
#include "watch/ebpf/sensor.hpp"
#include "watch/engine.hpp"
#include "watch/exe_hash.hpp"
#include "watch/incidents_sink.hpp"
#include "watch/process_tree.hpp"

namespace vigil::cli {
namespace {

constexpr size_t kMaxLineBytes = 4U << 20U;  // longer lines are skipped with a warning, never held whole
constexpr int kMaxWarnings = 20;

constexpr int kPollMs = 10;
constexpr size_t kMaxLatencySamples =
    1U << 20U;  // records wait at most this long in the ring buffer (detection latency)

struct WatchOptions {
  std::vector<std::string> rules;
  std::string output;
  std::string replay;
  std::string record;
  std::string cgroup;
  std::vector<int32_t> ignore_pids;
  bool env_values = false;
  bool fallback_probes = false;
  double duration = 0;
  std::string incidents_url;
  std::string token;
};

std::atomic<bool> g_stop{false};

// Reads a file or stdin line by line with a bounded buffer; over-long lines are reported, not kept.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  // False at end of input. `too_long` when the line was cut (line holds nothing then).
  bool next(std::string& line, bool& too_long, std::string& error) {
    line.clear();
    too_long = false;
    for (;;) {
      const size_t newline = buffer_.find('\n', pos_);
      if (newline != std::string::npos || eof_) {
        if (newline == std::string::npos && pos_ >= buffer_.size()) return !line.empty() || too_long;
        const size_t end = newline == std::string::npos ? buffer_.size() : newline;
        if (!too_long) line.append(buffer_, pos_, end - pos_);
        pos_ = newline == std::string::npos ? buffer_.size() : newline + 1;
        if (line.size() > kMaxLineBytes) too_long = true;
        if (too_long) line.clear();
        return true;
      }
      if (!too_long) line.append(buffer_, pos_);
      if (line.size() > kMaxLineBytes) {
        too_long = true;
        line.clear();
      }
      buffer_.clear();
      pos_ = 0;
      if (!fill(error)) return false;
    }
  }

 private:
  bool fill(std::string& error) {
    char chunk[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error = std::strerror(errno);
        return false;
      }
      if (n == 0) eof_ = true;
      buffer_.assign(chunk, static_cast<size_t>(n));
      return true;
    }
  }

  int fd_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
};

// Every problem, each as "FILE:LINE: message"; an empty set when all rules loaded.
watch::RuleSet load_rules(const std::vector<std::string>& paths, std::vector<watch::LoadProblem>& problems) {
  return watch::RuleSet::load_files(
      paths.empty() ? std::vector<std::string>{std::string(watch::kBuiltinRulesName)} : paths, problems);
}

// In the order of the files given, then by line, whatever order the loader found them in.
void sort_problems(std::vector<watch::LoadProblem>& problems, const std::vector<std::string>& paths) {
  const auto file_rank = [&](const std::string& file) {
    return static_cast<size_t>(std::find(paths.begin(), paths.end(), file) - paths.begin());
  };
  std::stable_sort(problems.begin(), problems.end(), [&](const auto& a, const auto& b) {
    return std::pair(file_rank(a.file), a.line) < std::pair(file_rank(b.file), b.line);
  });
}

// Replays the events into the engine; returns how many lines were bad.
int replay(int fd, const std::string& name, watch::Engine& engine, std::string& read_error) {
  LineReader reader(fd);
  std::string line;
  bool too_long = false;
  int line_number = 0;
  int bad = 0;
  const auto warn = [&](const std::string& message) {
    if (++bad <= kMaxWarnings) std::cerr << fmt::format("warning: {}:{}: {}\n", name, line_number, message);
  };
  while (reader.next(line, too_long, read_error)) {
    ++line_number;
    if (too_long) {
      warn("line longer than 4 MiB, skipped");
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto event = formats::events::read_event(line);
    if (!event) {
      warn(event.error().message);
      continue;
    }
    watch::normalize_paths(*event);
    engine.process(*event);
  }
  engine.flush();
  if (bad > kMaxWarnings) std::cerr << fmt::format("warning: {}: {} more bad lines\n", name, bad - kMaxWarnings);
  return bad;
}

uint64_t wall_clock_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// "; 12 detections, latency p50 3.1 ms, p99 9.8 ms" (from the event's kernel time to the detection written).
std::string latency_summary(std::vector<uint64_t>& samples) {
  if (samples.empty()) return {};
  std::sort(samples.begin(), samples.end());
  const auto at = [&](double q) {
    return static_cast<double>(samples[static_cast<size_t>(q * static_cast<double>(samples.size() - 1))]) / 1e6;
  };
  return fmt::format("; {} detections, latency p50 {:.1f} ms, p99 {:.1f} ms", samples.size(), at(0.5), at(0.99));
}

// --incidents: the sink, or nullptr. The token comes from --token or VIGIL_INCIDENTS_TOKEN (kept out of `ps`).
std::unique_ptr<watch::IncidentsSink> make_incidents_sink(const WatchOptions& options) {
  if (options.incidents_url.empty()) return nullptr;
  watch::IncidentsOptions sink;
  sink.url = options.incidents_url;
  sink.token = options.token;
  if (sink.token.empty()) {
    if (const char* env = std::getenv("VIGIL_INCIDENTS_TOKEN")) sink.token = env;
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  sink.host = host;
  return std::make_unique<watch::IncidentsSink>(std::move(sink));
}

// Opens FILE for streaming (detections or recorded events as they happen); "" or "-" is stdout.
std::ostream* open_stream(const std::string& path, std::ofstream& file) {
  if (path.empty() || path == "-") return &std::cout;
  file.open(path, std::ios::out | std::ios::trunc);
  return file ? &file : nullptr;
}

int run_live(const WatchOptions& options, const watch::RuleSet& rules) {
  if (auto missing = watch::ebpf::missing_privileges(); !missing.empty()) {
    std::cerr << "error: " << missing << '\n';
    return kExitError;
  }
  std::ofstream output_file;
  std::ofstream record_file;
  std::ostream* out = open_stream(options.output, output_file);
  if (out == nullptr) {
    std::cerr << fmt::format("error: {}: cannot open for writing: {}\n", options.output, std::strerror(errno));
    return kExitError;
  }
  std::ostream* record = options.record.empty() ? nullptr : open_stream(options.record, record_file);
  if (!options.record.empty() && record == nullptr) {
    std::cerr << fmt::format("error: {}: cannot open for writing: {}\n", options.record, std::strerror(errno));
    return kExitError;
  }
  watch::ebpf::SensorOptions sensor_options;
  if (record == nullptr) {  // recording keeps every type and every open
    sensor_options.types = rules.wanted_event_types();
    if (auto bounds = rules.read_open_bounds()) {
      sensor_options.read_open_prefixes = std::move(bounds->path_prefixes);
      sensor_options.read_open_basenames = std::move(bounds->basename_prefixes);
    }
  }
  sensor_options.cgroup_path = options.cgroup;
  sensor_options.ignored_pids = options.ignore_pids;
  sensor_options.env_values = options.env_values;
  sensor_options.fallback_probes = options.fallback_probes;
  auto sensor = watch::ebpf::Sensor::start(sensor_options);
  if (!sensor) {
    std::cerr << "error: " << sensor.error().message << '\n';
    return kExitError;
  }
  struct sigaction action{};
  action.sa_handler = [](int) { g_stop = true; };
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);

  watch::EngineOptions engine_options;
  engine_options.tree.live_proc_root = "/proc";
  watch::ExeHashCache hashes;
  std::vector<uint64_t> latencies_ns;  // event time -> detection written, for the stop line
  const auto incidents = make_incidents_sink(options);
  watch::Engine engine(rules, engine_options, [&](const watch::Detection& d) {
    watch::Detection enriched = d;
    enriched.process.sha256 = hashes.sha256(d.process.pid, d.process.exe);
    *out << watch::detection_json(enriched) << '\n' << std::flush;
    if (incidents) incidents->add(enriched);
    if (d.repeats == 1 && latencies_ns.size() < kMaxLatencySamples)
      latencies_ns.push_back(wall_clock_ns() - d.event.time_ns);
  });
  engine.tree().snapshot();
  std::cerr << fmt::format("vigil watch: {} probes attached ({}), {} rules; watching{}\n", (*sensor)->attached_probes(),
                           (*sensor)->backend(), rules.rules().size(),
                           options.cgroup.empty() ? "" : " cgroup " + options.cgroup)
            << std::flush;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(options.duration);
  const std::function<void(model::Event&&)> sink = [&](model::Event&& event) {
    engine.tree().resolve_paths(event);
    engine.tree().add_container_id(event);
    if (event.context_only) {
      engine.tree().apply(event);
      return;
    }
    if (record != nullptr) *record << formats::events::write_event(event) << '\n';
    engine.process(event);
  };
  int status = kExitOk;
  while (!g_stop && (options.duration <= 0 || std::chrono::steady_clock::now() < deadline)) {
    auto polled = (*sensor)->poll(kPollMs, sink);
    if (!polled) {
      std::cerr << "error: " << polled.error().message << '\n';
      status = kExitError;
      break;
    }
    if (record != nullptr && *polled > 0) record->flush();
    if (incidents) incidents->pump();
  }
  (void)(*sensor)->poll(0, sink);  // what the probes wrote before we stopped
  engine.flush();
  if (incidents) incidents->pump(true);
  if (record != nullptr) record->flush();
  const auto stats = (*sensor)->stats();
  const std::string filtered = sensor_options.read_open_prefixes
                                   ? fmt::format(", {} read-only opens filtered in the kernel", stats.filtered)
                                   : "";
  std::cerr << fmt::format("vigil watch: stopped; {} events, {} dropped{}{}\n", stats.events, stats.dropped, filtered,
                           latency_summary(latencies_ns));
  return status;
}

int run_watch(const WatchOptions& options) {
  if (!options.replay.empty() && !options.record.empty()) {
    std::cerr << "error: --record keeps the live sensor's events; it cannot be combined with --replay\n";
    return kExitError;
  }
  std::vector<watch::LoadProblem> problems;
  const watch::RuleSet rules = load_rules(options.rules, problems);
  if (!problems.empty()) {
    sort_problems(problems, options.rules);
    for (const auto& p : problems) std::cerr << fmt::format("error: {}:{}: {}\n", p.file, p.line, p.message);
    return kExitError;
  }
  if (options.replay.empty()) return run_live(options, rules);
  const bool from_stdin = options.replay == "-";
  const std::string name = from_stdin ? "<stdin>" : options.replay;
  UniqueFd owned(from_stdin ? -1 : ::open(options.replay.c_str(), O_RDONLY | O_CLOEXEC));
  const int fd = from_stdin ? STDIN_FILENO : owned.get();
  if (fd < 0) {
    std::cerr << fmt::format("error: {}: cannot open: {}\n", name, std::strerror(errno));
    return kExitError;
  }
  std::string read_error;
  auto written = write_output(options.output, [&](std::ostream& out) {
    const auto incidents = make_incidents_sink(options);
    watch::Engine engine(rules, watch::EngineOptions{}, [&](const watch::Detection& d) {
      out << watch::detection_json(d) << '\n';
      if (incidents) incidents->add(d);
    });
    replay(fd, name, engine, read_error);
    if (incidents) incidents->pump(true);
  });
  if (!written) {
    std::cerr << "error: " << written.error().message << '\n';
    return kExitError;
  }
  if (!read_error.empty()) {
    std::cerr << fmt::format("error: {}: cannot read: {}\n", name, read_error);
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

void define_watch(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<WatchOptions>();
  CLI::App* sub = app.add_subcommand(
      "watch", "run the runtime rules over process, file and network events and report detections as JSON lines");
  sub->footer(
      "Examples:\n"
      "  sudo vigil watch                                        built-in rules over live events (eBPF)\n"
      "  sudo vigil watch -o detections.jsonl --record ev.jsonl  keep detections and every event\n"
      "  sudo vigil watch --cgroup /sys/fs/cgroup/unified/job1   only processes in that cgroup (v2) subtree\n"
      "  vigil watch --replay events.jsonl                       built-in rules over recorded events\n"
      "  vigil watch --replay events.jsonl --rules my-rules.yaml  your rules instead (repeat --rules for more)\n"
      "  vigil watch --replay - -o detections.jsonl < events.jsonl\n"
      "The live sensor needs root (or CAP_BPF and CAP_PERFMON); it runs until interrupted (Ctrl-C) or\n"
      "--duration ends, prints a line on stderr once its probes are attached and its counts when it stops.\n"
      "  vigil watch --rules builtin:default.yaml --rules site.yaml   the built-ins, then your list additions\n"
      "Exit codes: 0 success (detections do not change it), 2 error (bad rules, no privileges for the\n"
      "sensor, probes that cannot load, unreadable input). Formats and the sensor: docs/watch.md.\n");
  sub->add_option("--rules", options->rules,
                  "rule file (YAML); repeatable; default: the built-in rules, named builtin:default.yaml to combine")
      ->type_name("PATH");
  sub->add_option("-o,--output", options->output,
                  "write detections here instead of stdout (live: a flushed line per detection; replay: atomically)")
      ->type_name("FILE");
  sub->add_option("--replay", options->replay, "read recorded events (JSON lines) from FILE ('-' reads stdin)")
      ->type_name("FILE");
  sub->add_option("--record", options->record, "also write every live event to FILE (JSON lines, for --replay)")
      ->type_name("FILE");
  sub->add_option("--cgroup", options->cgroup, "trace only processes in this cgroup v2 directory and below")
      ->type_name("DIR");
  sub->add_option("--ignore-pid", options->ignore_pids, "never trace this process (repeatable)")->type_name("PID");
  sub->add_flag("--env-values", options->env_values,
                "keep environment variable values at exec (default: names only, values can be secrets)");
  sub->add_flag("--fallback-probes", options->fallback_probes,
                "also see attempts at system calls this kernel lacks (init_module without module support): one more "
                "probe on every system call, about 100 ns each");
  sub->add_option("--incidents", options->incidents_url,
                  "also send detections to this incidents endpoint (http(s)://HOST:PORT/api/v1/events)")
      ->type_name("URL");
  sub->add_option("--token", options->token,
                  "bearer token for --incidents (or set VIGIL_INCIDENTS_TOKEN, which `ps` does not show)")
      ->type_name("T");
  sub->add_option("--duration", options->duration, "stop after this many seconds (default: run until interrupted)")
      ->type_name("SECONDS");
  sub->callback([options, &exit_code] {
    try {
      exit_code = run_watch(*options);
    } catch (const std::exception& e) {  // out of memory and the like: reported, never a crash
      std::cerr << "error: " << e.what() << '\n';
      exit_code = kExitError;
    }
  });
}

}  // namespace vigil::cli
