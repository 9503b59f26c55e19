// Validation helpers for secret rules: entropy, character sets, GitHub/npm CRC32 tails, JWT structure.
#include "scan/secrets/validate.hpp"

#include <zlib.h>

#include <array>
#include <cmath>
#include <string>

namespace vigil::secrets {
namespace {

constexpr std::string_view kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int base64_value(unsigned char c, bool url) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

// Body of a base64 string without its trailing '=' padding (at most two).
std::string_view strip_padding(std::string_view s) {
  int pad = 0;
  while (!s.empty() && s.back() == '=' && pad < 2) {
    s.remove_suffix(1);
    ++pad;
  }
  return s;
}

bool all_base64(std::string_view s, bool url) {
  s = strip_padding(s);
  for (const char c : s) {
    if (base64_value(static_cast<unsigned char>(c), url) < 0) return false;
  }
  return !s.empty();
}

}  // namespace

double shannon_entropy(std::string_view s) {
  if (s.empty()) return 0;
  std::array<uint32_t, 256> counts{};
  for (const char c : s) {
    ++counts[static_cast<unsigned char>(c)];
  }
  const double n = static_cast<double>(s.size());
  double h = 0;
  for (const uint32_t count : counts) {
    if (count != 0) {
      const double p = count / n;
      h -= p * std::log2(p);
    }
  }
  return h;
}

int distinct_bytes(std::string_view s) {
  std::array<bool, 256> seen{};
  int n = 0;
  for (const char c : s) {
    auto& slot = seen[static_cast<unsigned char>(c)];
    n += slot ? 0 : 1;
    slot = true;
  }
  return n;
}

bool all_of(std::string_view s, std::string_view set) {
  return s.find_first_not_of(set) == std::string_view::npos;
}

bool is_base62(std::string_view s) {
  for (const char c : s) {
    if (!is_alnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool is_hex(std::string_view s) {
  return all_of(s, "0123456789abcdefABCDEF");
}
bool is_base64(std::string_view s) {
  return all_base64(s, false);
}
bool is_base64url(std::string_view s) {
  return all_base64(s, true);
}

uint32_t crc32_of(std::string_view s) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; tokens are short but stay correct for any size.
  while (!s.empty()) {
    const size_t n = std::min<size_t>(s.size(), 1U << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(n));
    s.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

void crc32_base62(uint32_t crc, char out[6]) {
  for (int i = 5; i >= 0; --i) {
    out[i] = kBase62[crc % 62];
    crc /= 62;
  }
}

bool github_crc32_ok(std::string_view token) {
  const size_t underscore = token.rfind('_');
  if (underscore == std::string_view::npos || underscore == 0 || underscore > 12) return false;
  for (size_t i = 0; i < underscore; ++i) {
    if (token[i] < 'a' || token[i] > 'z') return false;
  }
  const std::string_view body = token.substr(underscore + 1);
  if (body.size() != 36 || !is_base62(body)) return false;
  char expected[6];
  crc32_base62(crc32_of(body.substr(0, 30)), expected);
  return body.substr(30) == std::string_view(expected, 6);
}

bool base64_decode(std::string_view in, std::string& out, size_t max_out, bool url_alphabet) {
  in = strip_padding(in);
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    const int v = base64_value(static_cast<unsigned char>(c), url_alphabet);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (out.size() >= max_out) return false;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return bits < 6;  // a lone trailing character cannot encode a byte
}

bool jwt_structure_ok(std::string_view token) {
  const size_t dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return false;
  const size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) return false;
  const std::string_view header = token.substr(0, dot1);
  const std::string_view payload = token.substr(dot1 + 1, dot2 - dot1 - 1);
  if (!is_base64url(header) || !is_base64url(payload)) return false;
  std::string json;
  if (!base64_decode(header, json, 4096, true)) return false;
  size_t first = json.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || json[first] != '{' || json.find("\"alg\"") == std::string::npos) return false;
  std::string body;
  return base64_decode(payload, body, 1 << 20, true) && !body.empty() &&
         body.find_first_not_of(" \t\r\n") != std::string::npos && body[body.find_first_not_of(" \t\r\n")] == '{';
}

}  // namespace vigil::secrets
