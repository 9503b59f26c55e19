// Shared by the CVSS v3 and v4 scorers: splitting "KEY:VALUE/KEY:VALUE" against a table of metrics,
// with one clear error per problem (unknown metric or value, duplicate, missing mandatory metric).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "formats/cvss.hpp"

namespace vigil::formats::cvss {

// Longest vector accepted: a v4.0 vector with every metric is about 200 bytes.
inline constexpr size_t kMaxVectorBytes = 512;

struct MetricSpec {
  std::string_view key;
  std::array<std::string_view, 5> values;  // unused slots stay empty; the index of a value is what scorers use
  bool mandatory = false;                  // base metrics
};

// Index of the value chosen for each metric of a table, or kAbsent.
inline constexpr int8_t kAbsent = -1;

// Makes a piece of untrusted input safe to quote in a message: short and printable.
inline std::string quote_input(std::string_view s) {
  constexpr size_t kMax = 24;
  std::string out;
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  if (s.size() > kMax) {
    out += "...";
  }
  return out;
}

// Parses body (the vector after its "CVSS:x.y/" prefix) into chosen[i] for specs[i].
// label is e.g. "CVSS 3.1 vector" and starts every message.
inline tl::expected<void, Error> parse_metrics(std::string_view body, std::string_view label,
                                               std::span<const MetricSpec> specs, std::span<int8_t> chosen) {
  const std::string prefix = std::string(label) + ": ";
  for (auto& c : chosen) {
    c = kAbsent;
  }
  size_t pos = 0;
  while (pos <= body.size()) {
    const size_t slash = body.find('/', pos);
    const size_t end = slash == std::string_view::npos ? body.size() : slash;
    const std::string_view part = body.substr(pos, end - pos);
    const size_t colon = part.find(':');
    if (part.empty() || colon == std::string_view::npos || colon == 0 || colon + 1 == part.size()) {
      return fail(prefix + "malformed component '" + quote_input(part) + "' (expected METRIC:VALUE)");
    }
    const std::string_view key = part.substr(0, colon);
    const std::string_view value = part.substr(colon + 1);
    size_t m = 0;
    while (m < specs.size() && specs[m].key != key) {
      ++m;
    }
    if (m == specs.size()) {
      return fail(prefix + "unknown metric '" + quote_input(key) + "'");
    }
    if (chosen[m] != kAbsent) {
      return fail(prefix + "metric '" + std::string(key) + "' appears more than once");
    }
    int8_t v = 0;
    while (v < static_cast<int8_t>(specs[m].values.size()) &&
           (specs[m].values[v].empty() || specs[m].values[v] != value)) {
      ++v;
    }
    if (v == static_cast<int8_t>(specs[m].values.size())) {
      return fail(prefix + "metric '" + std::string(key) + "' has invalid value '" + quote_input(value) + "'");
    }
    chosen[m] = v;
    if (slash == std::string_view::npos) {
      break;
    }
    pos = slash + 1;
  }
  for (size_t m = 0; m < specs.size(); ++m) {
    if (specs[m].mandatory && chosen[m] == kAbsent) {
      return fail(prefix + "missing base metric '" + std::string(specs[m].key) + "'");
    }
  }
  return {};
}

// The scorers behind base_score, given the vector without its prefix.
Result<BaseScore> score_v3(std::string_view body, bool v31);
Result<BaseScore> score_v4(std::string_view body);

}  // namespace vigil::formats::cvss
