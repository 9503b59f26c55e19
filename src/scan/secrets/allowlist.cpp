// Built-in allowlist: values and paths whose findings are noise in practice (see allowlist.hpp).
#include "scan/secrets/allowlist.hpp"

#include <array>
#include <string>

#include "core/strings.hpp"
#include "scan/secrets/validate.hpp"

namespace vigil::secrets {
namespace {

// Credentials that vendors publish in their documentation; exact values (case-sensitive).
constexpr std::array<std::string_view, 13> kDocumentedExamples = {
    "AKIAIOSFODNN7EXAMPLE",                      // AWS access key id (IAM docs)
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  // AWS secret access key (IAM docs)
    "AKIAI44QH8DHBEXAMPLE",                      // AWS access key id (S3 docs)
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",  // AWS secret access key (S3 docs)
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",          // Stripe API reference test key
    "pk_test_TYooMQauvdEDq54NiTphI7jx",          // Stripe API reference publishable key
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",          // Stripe docs test key
    "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",   // Google Maps docs API key
    "gho_16C7e42F292c6912E7710c838347Ae178B4a",  // GitHub docs OAuth token
    // jwt.io's default token (HS256, "John Doe"): in countless READMEs and tests
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "2YotnFZFEjr1zCsicMWpAA",        // RFC 6749 example access token
    "czZCaGRSa3F0MzpnWDFmQmF0M2JW",  // RFC 6749 example client credentials (Basic s6BhdRkqt3:gX1fBat3bV)
    "tGzv3JOkF0XG5Qx2TlKWIA",        // RFC 6749 example refresh token
};

// Case-insensitive substrings that mark a value as a placeholder or template, not a credential. A random
// token contains none of these by chance (each is 4+ characters from a 36+ symbol alphabet, or punctuation
// that token alphabets exclude).
constexpr std::array<std::string_view, 36> kPlaceholderParts = {
    "xxxx",     "****",  "....",     "<",         ">",         "${",         "{{",         "$(",          "%s",
    "%(",       "%d",    "changeme", "change_me", "change-me", "changeit",   "example",    "placeholder", "dummy",
    "redacted", "your_", "your-",    "yourtoken", "yourkey",   "yourpass",   "replace_me", "replaceme",   "insert_",
    "insert-",  "_here", "-here",    "notreal",   "not_real",  "not-a-real", "getenv",     "environ",     "process.env",
};

// Whole values (case-insensitive) that are words, not secrets.
constexpr std::array<std::string_view, 20> kWeakWords = {
    "password", "passwd", "passw0rd",  "secret", "admin", "root",   "test",    "testing", "null",   "none",
    "true",     "false",  "undefined", "empty",  "token", "apikey", "api_key", "default", "string", "required",
};

// Ascending runs that appear in hand-typed fake values; 8 characters so random tokens never contain one.
constexpr std::array<std::string_view, 3> kRuns = {"12345678", "abcdefgh", "qwertyui"};

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

bool dir_is(std::string_view segment, std::initializer_list<std::string_view> names) {
  for (const auto name : names) {
    if (iequals(segment, name)) return true;
  }
  return false;
}

bool is_test_file_name(std::string_view name) {
  const std::string lower = to_lower(name);
  const std::string_view n = lower;
  const size_t dot = n.rfind('.');
  const std::string_view stem = dot == std::string_view::npos ? n : n.substr(0, dot);
  return ends_with(stem, "_test") || ends_with(stem, ".test") || ends_with(stem, ".spec") || ends_with(stem, "_spec") ||
         (starts_with(stem, "test_") && ends_with(n, ".py")) ||
         (ends_with(n, "test.java") && name.size() > 9 && name[name.size() - 9] == 'T') || ends_with(n, "tests.cs") ||
         ends_with(n, "test.cs") || ends_with(n, "test.kt");
}

}  // namespace

ValueVerdict check_value(std::string_view secret) {
  for (const auto example : kDocumentedExamples) {
    if (secret == example) return ValueVerdict::ExampleValue;
  }
  if (contains(secret, "EXAMPLE")) return ValueVerdict::ExampleValue;  // AWS's documented convention
  const std::string lower = to_lower(secret);
  for (const auto part : kPlaceholderParts) {
    if (contains(lower, part)) return ValueVerdict::Placeholder;
  }
  for (const auto word : kWeakWords) {
    if (lower == word) return ValueVerdict::Placeholder;
  }
  if (!secret.empty() && (secret.front() == '$' || (secret.front() == '%' && secret.back() == '%'))) {
    return ValueVerdict::Placeholder;  // $VAR, %VAR%
  }
  for (const auto run : kRuns) {
    if (contains(lower, run)) return ValueVerdict::LowDiversity;
  }
  if (distinct_bytes(secret) <= 3) return ValueVerdict::LowDiversity;
  return ValueVerdict::Keep;
}

PathClass classify_path(std::string_view path) {
  const auto parts = split(path, '/');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const auto dir = parts[i];
    if (dir_is(dir, {"node_modules", "vendor", "site-packages", "dist-packages", "third_party", "bower_components"})) {
      return PathClass::ThirdParty;
    }
    if (dir_is(dir, {"test", "tests", "testdata", "test-data", "test_data", "fixtures", "__fixtures__", "__tests__",
                     "__mocks__", "spec", "example", "examples"})) {
      return PathClass::TestFixture;
    }
  }
  if (!parts.empty() && is_test_file_name(parts.back())) return PathClass::TestFixture;
  return PathClass::Normal;
}

}  // namespace vigil::secrets
