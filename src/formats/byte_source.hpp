// Random access to input bytes: a buffer in memory (tests, fuzzing, nested archives) or a file read by
// offset, so a parser of a large file (a 100 MB jar) holds a small window of it instead of all of it.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string_view>

#include "core/result.hpp"

namespace vigil::formats {

struct ByteSource {
  uint64_t size = 0;
  // Reads up to out.size() bytes at offset; returns how many were read (0 at the end).
  std::function<Result<size_t>(uint64_t offset, std::span<char> out)> read_at;

  static ByteSource of(std::string_view bytes) {
    return {bytes.size(), [bytes](uint64_t offset, std::span<char> out) -> Result<size_t> {
              if (offset >= bytes.size()) {
                return size_t{0};
              }
              const size_t n = std::min<uint64_t>(out.size(), bytes.size() - offset);
              std::memcpy(out.data(), bytes.data() + offset, n);
              return n;
            }};
  }
};

}  // namespace vigil::formats
