// Times the log follower + parser + flood detector alone on one core (what `vigil incidents tail --from-start
// --once` does without the CLI around it): reads FILE in blocks, parses every line, feeds the detector, polls
// after every block. Prints one JSON object: lines, malformed, seconds, lines_per_s, floods.
#include <chrono>
#include <cstdio>
#include <string>

#include "incidents/flood/access_log.hpp"
#include "incidents/flood/detector.hpp"
#include "incidents/flood/follower.hpp"

using namespace vigil::incidents::flood;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: follow_bench FILE nginx|apache|json\n");
    return 2;
  }
  const auto format = parse_log_format(argv[2]);
  if (!format) return 2;
  LogFollower follower(FollowerOptions{argv[1], true});
  FloodConfig config;
  config.total_capacity_rps = 10000;  // the generated site runs at ~2000 requests/s: its capacity is above that
  FloodDetector detector(config);
  uint64_t malformed = 0;
  size_t floods = 0;
  int64_t newest = 0;
  RequestView view;
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    auto n = follower.poll([&](std::string_view line) {
      if (!parse_access_view(*format, line, view)) {
        ++malformed;
        return;
      }
      detector.add(view.time_ns, view.source);
      newest = view.time_ns > newest ? view.time_ns : newest;
    });
    if (!n) {
      std::fprintf(stderr, "%s\n", n.error().message.c_str());
      return 2;
    }
    for (const auto& e : detector.poll(newest)) {  // on stderr: what was found (the run should find the flood)
      std::fprintf(stderr, "%s %s %s %s\n", e.rule.c_str(), e.subject.c_str(), e.resolved ? "resolved" : "firing",
                   e.title.c_str());
      ++floods;
    }
    if (*n == 0) break;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto lines = follower.stats().lines;
  std::printf(
      "{\"lines\": %llu, \"malformed\": %llu, \"seconds\": %.3f, \"lines_per_s\": %.0f, \"flood_events\": %zu}\n",
      static_cast<unsigned long long>(lines), static_cast<unsigned long long>(malformed), s,
      static_cast<double>(lines) / s, floods);
  return 0;
}
