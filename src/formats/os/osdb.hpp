// Helpers shared by the OS database parsers (dpkg, apk, rpm): a capped warning list, so a hostile or
// binary file cannot turn into millions of diagnostics, and the name/version sanity check.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diagnostic.hpp"

namespace vigil::formats::osdb {

class Warnings {
 public:
  explicit Warnings(std::vector<Diagnostic>& out, size_t limit = 100) : out_(out), limit_(limit) {}

  void add(int line, std::string message) {
    if (count_ < limit_) {
      out_.push_back({"", line, std::move(message)});
    } else if (count_ == limit_) {
      out_.push_back({"", line, "too many problems; further warnings for this file are suppressed"});
    }
    ++count_;
  }

 private:
  std::vector<Diagnostic>& out_;
  size_t limit_;
  size_t count_ = 0;
};

// Package names and versions never hold blanks or control characters in dpkg, apk or rpm.
inline bool is_token(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return false;
    }
  }
  return true;
}

}  // namespace vigil::formats::osdb
