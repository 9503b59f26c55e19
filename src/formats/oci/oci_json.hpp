// Helpers shared by the OCI parsers: typed field reads over simdjson DOM that fail with the field's name, and
// a safe spelling of hostile strings inside error messages.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "formats/json_read.hpp"

namespace vigil::formats::oci::detail {

// Quoted, truncated to 80 bytes, control and non-ASCII bytes as \xNN: untrusted text never reaches a
// terminal or log raw through our messages.
inline std::string quoted(std::string_view s) {
  std::string out = "\"";
  const size_t n = s.size() < 80 ? s.size() : 80;
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += n < s.size() ? "\"..." : "\"";
  return out;
}

// Absent or null leaves out unchanged; a string sets it; anything else fails naming the field.
inline Result<void> read_string(json::object obj, std::string_view key, std::string_view where, std::string& out) {
  json::element e;
  if (obj[key].get(e) || e.is_null()) {
    return {};
  }
  std::string_view s;
  if (e.get_string().get(s)) {
    return fail(fmt::format("{}{} is a JSON {}, expected a string", where, key, json::type_name(e)));
  }
  out = std::string(s);
  return {};
}

// Absent or null gives an empty list; otherwise an array of at most max strings.
inline Result<void> read_string_array(json::object obj, std::string_view key, std::string_view where, size_t max,
                                      std::vector<std::string>& out) {
  json::element e;
  if (obj[key].get(e) || e.is_null()) {
    return {};
  }
  json::array arr;
  if (e.get_array().get(arr)) {
    return fail(fmt::format("{}{} is a JSON {}, expected an array", where, key, json::type_name(e)));
  }
  if (arr.size() > max) {
    return fail(fmt::format("{}{} has {} entries, more than the limit of {}", where, key, arr.size(), max));
  }
  size_t i = 0;
  for (json::element item : arr) {
    std::string_view s;
    if (item.get_string().get(s)) {
      return fail(fmt::format("{}{}[{}] is a JSON {}, expected a string", where, key, i, json::type_name(item)));
    }
    out.emplace_back(s);
    ++i;
  }
  return {};
}

}  // namespace vigil::formats::oci::detail
