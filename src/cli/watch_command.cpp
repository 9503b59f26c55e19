// `vigil watch`: runs the runtime rules over events. This build has no live sensor yet, so it replays recorded
// events (JSON lines, docs/watch.md) through the engine and writes one detection per line.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/output_file.hpp"
#include "core/unique_fd.hpp"
#include "formats/events.hpp"
#include "watch/detection_json.hpp"
#include "watch/engine.hpp"

namespace vigil::cli {
namespace {

constexpr size_t kMaxLineBytes = 4U << 20U;  // longer lines are skipped with a warning, never held whole
constexpr int kMaxWarnings = 20;

const char* const kNoSensor =
    "error: the eBPF sensor is not part of this build yet; use --replay FILE (recorded events)";

struct WatchOptions {
  std::vector<std::string> rules;
  std::string output;
  std::string replay;
  std::string record;
};

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
  if (paths.empty()) {
    return watch::RuleSet::load_texts({{"builtin:default.yaml", std::string(watch::default_rules_yaml())}}, problems);
  }
  return watch::RuleSet::load_files(paths, problems);
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
    engine.process(*event);
  }
  engine.flush();
  if (bad > kMaxWarnings) std::cerr << fmt::format("warning: {}: {} more bad lines\n", name, bad - kMaxWarnings);
  return bad;
}

int run_watch(const WatchOptions& options) {
  if (options.replay.empty() || !options.record.empty()) {
    std::cerr << kNoSensor << '\n';
    return kExitError;
  }
  std::vector<watch::LoadProblem> problems;
  const watch::RuleSet rules = load_rules(options.rules, problems);
  if (!problems.empty()) {
    sort_problems(problems, options.rules);
    for (const auto& p : problems) std::cerr << fmt::format("error: {}:{}: {}\n", p.file, p.line, p.message);
    return kExitError;
  }
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
    watch::Engine engine(rules, watch::EngineOptions{},
                         [&out](const watch::Detection& d) { out << watch::detection_json(d) << '\n'; });
    replay(fd, name, engine, read_error);
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
      "  vigil watch --replay events.jsonl                       built-in rules over recorded events\n"
      "  vigil watch --replay events.jsonl --rules my-rules.yaml  your rules instead (repeat --rules for more)\n"
      "  vigil watch --replay - -o detections.jsonl < events.jsonl\n"
      "This build has no live (eBPF) sensor yet: --replay is required and --record is not available.\n"
      "Exit codes: 0 success (detections do not change it), 2 error (bad rules, unreadable input).\n");
  sub->add_option("--rules", options->rules, "rule file (YAML); repeatable; default: the built-in rules")
      ->type_name("PATH");
  sub->add_option("-o,--output", options->output, "write detections here (atomically) instead of stdout")
      ->type_name("FILE");
  sub->add_option("--replay", options->replay, "read recorded events (JSON lines) from FILE ('-' reads stdin)")
      ->type_name("FILE");
  sub->add_option("--record", options->record, "record the live sensor's events to FILE (needs the live sensor)")
      ->type_name("FILE");
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
