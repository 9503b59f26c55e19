// Helpers shared by the CycloneDX and SPDX writers: identifiers, timestamps, license classification.
#include "report/sbom_support.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "core/strings.hpp"
#include "model/purl.hpp"
#include "report/sbom_license_ids.hpp"

namespace vigil::report::sbom {
namespace {

constexpr size_t kMaxLicenseText = 1024;  // longer "licenses" are prose, not expressions
constexpr size_t kMaxLicenseTokens = 128;
constexpr int kMaxLicenseDepth = 8;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool less_nocase(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

// Canonical spelling of an id from a case-insensitively sorted table, if present.
template <size_t N>
std::optional<std::string_view> find_id(const std::array<std::string_view, N>& table, std::string_view id) {
  const auto* it = std::lower_bound(table.begin(), table.end(), id, less_nocase);
  if (it != table.end() && !less_nocase(id, *it)) {
    return *it;
  }
  return std::nullopt;
}

std::vector<std::string_view> tokenize(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '(' || c == ')') {
      tokens.push_back(text.substr(i, 1));
      ++i;
    } else {
      const size_t start = i;
      while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r' &&
             text[i] != '(' && text[i] != ')') {
        ++i;
      }
      tokens.push_back(text.substr(start, i - start));
    }
  }
  return tokens;
}

// Recursive-descent check of the SPDX expression grammar (Annex D) over known ids, rebuilding the
// expression in canonical spelling. LicenseRef-s are not accepted: SPDX requires them to be defined in the
// document, and Vigil has no license text to define them with.
class ExpressionParser {
 public:
  explicit ExpressionParser(std::vector<std::string_view> tokens) : tokens_(std::move(tokens)) {}

  std::optional<std::string> parse() {
    std::string out;
    if (!expression(0, out) || pos_ != tokens_.size()) {
      return std::nullopt;
    }
    return out;
  }

 private:
  static std::optional<std::string_view> operator_name(std::string_view token) {
    for (const std::string_view op : {"AND", "OR", "WITH"}) {
      if (token == op || token == to_lower(op)) {
        return op;
      }
    }
    return std::nullopt;
  }

  bool expression(int depth, std::string& out) {
    if (!term(depth, out)) {
      return false;
    }
    while (pos_ < tokens_.size()) {
      const auto op = operator_name(tokens_[pos_]);
      if (!op || *op == "WITH") {
        return true;
      }
      ++pos_;
      out += ' ';
      out += *op;
      out += ' ';
      if (!term(depth, out)) {
        return false;
      }
    }
    return true;
  }

  bool term(int depth, std::string& out) {
    if (pos_ >= tokens_.size()) {
      return false;
    }
    if (tokens_[pos_] == "(") {
      if (depth >= kMaxLicenseDepth) {
        return false;
      }
      ++pos_;
      out += '(';
      if (!expression(depth + 1, out) || pos_ >= tokens_.size() || tokens_[pos_] != ")") {
        return false;
      }
      ++pos_;
      out += ')';
      return true;
    }
    if (!license(out)) {
      return false;
    }
    if (pos_ < tokens_.size() && operator_name(tokens_[pos_]) == "WITH") {
      ++pos_;
      const auto exception = pos_ < tokens_.size() ? find_id(kSpdxExceptionIds, tokens_[pos_]) : std::nullopt;
      if (!exception) {
        return false;
      }
      ++pos_;
      out += " WITH ";
      out += *exception;
    }
    return true;
  }

  bool license(std::string& out) {
    std::string_view token = tokens_[pos_];
    auto id = find_id(kSpdxLicenseIds, token);
    bool or_later = false;
    if (!id && token.size() > 1 && token.back() == '+') {  // "Apache-2.0+": this version or later
      id = find_id(kSpdxLicenseIds, token.substr(0, token.size() - 1));
      or_later = true;
    }
    if (!id) {
      return false;
    }
    ++pos_;
    out += *id;
    if (or_later) {
      out += '+';
    }
    return true;
  }

  std::vector<std::string_view> tokens_;
  size_t pos_ = 0;
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int v = 0;
  for (const char c : s) {
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string format_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 32> buf{};
  const size_t n = std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf.data(), n);
}

// Seconds east of UTC for "Z", "+hh:mm" or "-hh:mm"; nullopt when malformed.
std::optional<long> utc_offset(std::string_view zone) {
  if (zone == "Z" || zone == "z") {
    return 0;
  }
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !all_digits(zone.substr(1, 2)) ||
      !all_digits(zone.substr(4, 2))) {
    return std::nullopt;
  }
  const long seconds = to_int(zone.substr(1, 2)) * 3600L + to_int(zone.substr(4, 2)) * 60L;
  return zone[0] == '+' ? seconds : -seconds;
}

}  // namespace

std::string random_uuid_v4() {
  std::array<uint8_t, 16> bytes{};
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  if (!urandom.read(reinterpret_cast<char*>(bytes.data()), bytes.size())) {
    std::random_device rd;  // no /dev/urandom (e.g. a chroot): the platform's other entropy source
    for (auto& b : bytes) {
      b = static_cast<uint8_t>(rd());
    }
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out += '-';
    }
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0x0F];
  }
  return out;
}

std::string utc_seconds(std::string_view rfc3339) {
  // YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)
  const auto now = [] { return format_utc(std::time(nullptr)); };
  if (rfc3339.size() < 20 || rfc3339[4] != '-' || rfc3339[7] != '-' || (rfc3339[10] != 'T' && rfc3339[10] != 't') ||
      rfc3339[13] != ':' || rfc3339[16] != ':') {
    return now();
  }
  const std::array fields{rfc3339.substr(0, 4),  rfc3339.substr(5, 2),  rfc3339.substr(8, 2),
                          rfc3339.substr(11, 2), rfc3339.substr(14, 2), rfc3339.substr(17, 2)};
  if (!std::all_of(fields.begin(), fields.end(), all_digits)) {
    return now();
  }
  std::string_view zone = rfc3339.substr(19);
  if (!zone.empty() && zone[0] == '.') {
    const size_t end = zone.find_first_not_of("0123456789", 1);
    zone = end == std::string_view::npos ? std::string_view{} : zone.substr(end);
  }
  const auto offset = utc_offset(zone);
  if (!offset) {
    return now();
  }
  std::tm tm{};
  tm.tm_year = to_int(fields[0]) - 1900;
  tm.tm_mon = to_int(fields[1]) - 1;
  tm.tm_mday = to_int(fields[2]);
  tm.tm_hour = to_int(fields[3]);
  tm.tm_min = to_int(fields[4]);
  tm.tm_sec = to_int(fields[5]);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return now();
  }
  return format_utc(timegm(&tm) - *offset);
}

License classify_license(std::string_view text) {
  text = trim(text);
  if (text.empty()) {
    return {};
  }
  if (text.size() <= kMaxLicenseText) {
    auto tokens = tokenize(text);
    if (tokens.size() <= kMaxLicenseTokens) {
      if (tokens.size() == 1) {
        if (const auto id = find_id(kSpdxLicenseIds, tokens[0])) {
          return {LicenseForm::Id, std::string(*id)};
        }
      }
      if (auto expression = ExpressionParser(std::move(tokens)).parse()) {
        return {LicenseForm::Expression, std::move(*expression)};
      }
    }
  }
  return {LicenseForm::Name, std::string(text)};
}

std::string purl_of(const model::Package& pkg, const model::OsInfo* os) {
  return pkg.purl.empty() ? model::make_purl(pkg, os) : pkg.purl;
}

GroupAndName group_and_name(const model::Package& pkg) {
  const std::string_view name = pkg.name;
  if (pkg.ecosystem == model::Ecosystem::Maven) {
    const size_t colon = name.find(':');
    if (colon != std::string_view::npos && colon > 0 && colon + 1 < name.size()) {
      return {std::string(name.substr(0, colon)), std::string(name.substr(colon + 1))};
    }
  } else if (pkg.ecosystem == model::Ecosystem::Npm && starts_with(name, "@")) {
    const size_t slash = name.find('/');
    if (slash != std::string_view::npos && slash > 1 && slash + 1 < name.size()) {
      return {std::string(name.substr(0, slash)), std::string(name.substr(slash + 1))};
    }
  }
  return {"", std::string(name)};
}

}  // namespace vigil::report::sbom
