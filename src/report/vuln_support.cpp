// Helpers shared by the writers that render vulnerability findings.
#include "report/vuln_support.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>

#include "core/strings.hpp"

namespace vigil::report::vuln {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i], or 0 when the bytes there are not one (overlong forms,
// surrogates and code points above U+10FFFF included).
size_t utf8_length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  size_t len = 0;
  uint32_t cp = 0;
  if (b0 < 0x80) {
    return 1;
  } else if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07u;
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) {
      return 0;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return 0;
  }
  return len;
}

bool uri_path_byte(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  // unreserved, sub-delims, '@' and '/'; ':' is left out on purpose (see the header).
  return std::string_view("-._~!$&'()*+,;=@/").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string percent_encode(std::string_view s, bool (*keep)(unsigned char)) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (keep(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

void add_to(Counts& c, model::Severity rating, bool suppressed) {
  if (suppressed) {
    ++c.suppressed;
    return;
  }
  ++c.total;
  switch (rating) {
    case model::Severity::Critical: ++c.critical; break;
    case model::Severity::High: ++c.high; break;
    case model::Severity::Medium: ++c.medium; break;
    case model::Severity::Low: ++c.low; break;
    case model::Severity::Unknown: ++c.unknown; break;
  }
}

}  // namespace

std::string_view cve_of(const model::Vulnerability& v) {
  if (starts_with(v.id, "CVE-")) {
    return v.id;
  }
  for (const auto& alias : v.aliases) {
    if (starts_with(alias, "CVE-")) {
      return alias;
    }
  }
  return {};
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) {
      out += sep;
    }
    out += item;
  }
  return out;
}

std::vector<std::string> locations_of(const model::Vulnerability& v) {
  if (!v.locations.empty()) {
    return v.locations;
  }
  if (!v.package.location.empty()) {
    return {v.package.location};
  }
  return {};
}

Counts count(const std::vector<model::Vulnerability>& vulns) {
  Counts c;
  for (const auto& v : vulns) {
    add_to(c, v.severity.rating, v.suppressed.has_value());
  }
  return c;
}

Counts count(const std::vector<model::SecretFinding>& secrets) {
  Counts c;
  for (const auto& s : secrets) {
    add_to(c, s.severity, s.suppressed.has_value());
  }
  return c;
}

Counts count(const std::vector<model::Misconfiguration>& found) {
  Counts c;
  for (const auto& m : found) {
    add_to(c, m.severity, m.suppressed.has_value());
  }
  return c;
}

std::string security_severity(const model::SeverityInfo& s) {
  if (has_score(s)) {
    std::array<char, 16> buf{};
    std::snprintf(buf.data(), buf.size(), "%.1f", s.score);
    return buf.data();
  }
  switch (s.rating) {
    case model::Severity::Critical: return "9.5";
    case model::Severity::High: return "8.0";
    case model::Severity::Medium: return "5.5";
    case model::Severity::Low: return "2.0";
    case model::Severity::Unknown: break;
  }
  return "";
}

std::string osv_url(std::string_view id) {
  return "https://osv.dev/vulnerability/" + percent_encode(id, [](unsigned char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                  c == '_' || c == '~' || c == ':';
         });
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t len = utf8_length(s, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    // C0 controls, DEL and the C1 controls (U+0080-U+009F, which terminals also obey).
    const bool c1 = len == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if (c < 0x20 || c == 0x7F || c1) {
      out += ' ';
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string truncate(std::string_view s, size_t max_chars) {
  size_t chars = 0;
  size_t cut = std::string_view::npos;  // byte offset after max_chars - 3 code points
  for (size_t i = 0; i < s.size();) {
    if (chars == max_chars - std::min<size_t>(max_chars, 3)) {
      cut = i;
    }
    const size_t len = utf8_length(s, i);
    i += len == 0 ? 1 : len;
    if (++chars > max_chars) {
      return std::string(s.substr(0, cut)) + "...";
    }
  }
  return std::string(s);
}

std::string path_to_uri(std::string_view path) {
  return percent_encode(path, uri_path_byte);
}

std::string fingerprint(const std::vector<std::string_view>& parts) {
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      joined += '\0';
    }
    joined += parts[i];
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(joined.data(), joined.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    size = 0;  // cannot happen with the default provider; an empty fingerprint is still valid SARIF
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

}  // namespace vigil::report::vuln
