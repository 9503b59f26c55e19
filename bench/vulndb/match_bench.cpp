// Times vulnerability matching alone, without process start, purl parsing or report writing: opens the DB
// with vulndb::Reader, then times match_inventory over a purl list, as `vigil scan purl` runs it.
// Usage: match_bench DB PURL_FILE [REPEATS]   (prints a table on stderr and one JSON line on stdout)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "formats/sbom_in.hpp"
#include "scan/vulndb/affected_codec.hpp"
#include "scan/vulndb/ecosystems.hpp"
#include "scan/vulndb/match.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// CPU time of this thread: the machine is shared, and wall time then includes waiting for a core.
double cpu_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0 : (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

// Where the time goes inside a match: the DB lookups alone, then lookups plus decoding and range evaluation
// (match_inventory adds advisory reads, alias grouping and sorting on top).
struct Phases {
  double lookup_ms = 0, evaluate_ms = 0;
  size_t keys = 0, rows = 0, affected_rows = 0;
};

Phases time_phases(vigil::vulndb::Reader& reader, const vigil::model::Inventory& inventory) {
  using namespace vigil::vulndb;
  Phases p;
  const vigil::model::OsInfo* os = inventory.os ? &*inventory.os : nullptr;
  std::vector<AffectedRow> rows;
  auto start = Clock::now();
  for (const auto& pkg : inventory.packages) {
    for (const auto& key : lookup_keys(pkg, os)) {
      rows.clear();
      (void)reader.lookup(ecosystem_key(key.ecosystem), key.name, rows);
      p.keys += 1;
      p.rows += rows.size();
    }
  }
  p.lookup_ms = ms_since(start);
  start = Clock::now();
  for (const auto& pkg : inventory.packages) {
    for (const auto& key : lookup_keys(pkg, os)) {
      rows.clear();
      (void)reader.lookup(ecosystem_key(key.ecosystem), key.name, rows);
      for (const auto& row : rows) {
        p.affected_rows += evaluate(decode_affected(row.ranges), key.version, key.compare).affected ? 1U : 0U;
      }
    }
  }
  p.evaluate_ms = ms_since(start);
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    fmt::print(stderr, "usage: {} DB PURL_FILE [REPEATS]\n", argv[0]);
    return 2;
  }
  const std::string db = argv[1];
  const int repeats = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
  std::ifstream in(argv[2], std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string bytes = buf.str();
  auto start = Clock::now();
  auto parsed = vigil::formats::parse_purl_list(argv[2], bytes);
  if (!parsed) {
    fmt::print(stderr, "{}: {}\n", argv[2], parsed.error().message);
    return 2;
  }
  const double parse_ms = ms_since(start);
  vigil::model::Inventory inventory;
  inventory.os = parsed->os;
  inventory.packages = std::move(parsed->packages);

  std::vector<double> open_ms, first_ms, again_ms, first_cpu_ms;
  size_t findings = 0, checked = 0;
  for (int r = 0; r < repeats; ++r) {
    start = Clock::now();
    auto reader = vigil::vulndb::Reader::open(db);
    if (!reader) {
      fmt::print(stderr, "{}\n", reader.error().message);
      return 2;
    }
    open_ms.push_back(ms_since(start));
    // First match on a fresh connection (what one `vigil scan` does), then again on the warm connection.
    for (auto* slot : {&first_ms, &again_ms}) {
      start = Clock::now();
      const double cpu_start = cpu_ms();
      auto result = vigil::vulndb::match_inventory(*reader, inventory);
      slot->push_back(ms_since(start));
      if (slot == &first_ms) {
        first_cpu_ms.push_back(cpu_ms() - cpu_start);
      }
      if (!result) {
        fmt::print(stderr, "match failed: {}\n", result.error().message);
        return 2;
      }
      findings = result->vulnerabilities.size();
      checked = result->packages_checked;
    }
  }
  auto reader = vigil::vulndb::Reader::open(db);
  const Phases phases = time_phases(*reader, inventory);

  fmt::print(stderr,
             "{} packages ({} checked), {} findings; purl parse {:.1f} ms\n"
             "open {:.2f} ms | match, fresh connection {:.1f} ms (min {:.1f}, CPU {:.1f}) | match again {:.1f} ms "
             "(medians of {})\n"
             "phases (warm): lookups only {:.1f} ms for {} keys / {} rows; lookups+decode+evaluate {:.1f} ms "
             "({} rows affected)\n",
             inventory.packages.size(), checked, findings, parse_ms, median(open_ms), median(first_ms),
             *std::min_element(first_ms.begin(), first_ms.end()), median(first_cpu_ms), median(again_ms), repeats,
             phases.lookup_ms, phases.keys, phases.rows, phases.evaluate_ms, phases.affected_rows);
  fmt::print(
      "{{\"packages\":{},\"checked\":{},\"findings\":{},\"parse_ms\":{:.3f},\"open_ms\":{:.3f},\"match_ms\":{:.3f},"
      "\"match_min_ms\":{:.3f},\"match_cpu_ms\":{:.3f},\"match_again_ms\":{:.3f},\"lookup_ms\":{:.3f},"
      "\"evaluate_ms\":{:.3f},\"keys\":{},\"rows\":{},\"repeats\":{}}}\n",
      inventory.packages.size(), checked, findings, parse_ms, median(open_ms), median(first_ms),
      *std::min_element(first_ms.begin(), first_ms.end()), median(first_cpu_ms), median(again_ms), phases.lookup_ms,
      phases.evaluate_ms, phases.keys, phases.rows, repeats);
  return 0;
}
