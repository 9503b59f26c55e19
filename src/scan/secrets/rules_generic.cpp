// Secret rules: generic group (see groups.hpp): JWTs, URLs with embedded passwords, HTTP Authorization headers and
// password=/secret=/api_key:/token= assignments gated by context, entropy and a placeholder filter.
// Positive and negative tests: tests/unit/secrets/rules_b_test.cpp (cases in tests/data/secrets/rules_b/).
#include <algorithm>
#include <cctype>
#include <string>

#include "scan/secrets/groups.hpp"
#include "scan/secrets/validate.hpp"

namespace vigil::secrets {
namespace {

using model::Severity;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Values people write instead of a real secret: templates, variables, masks and documentation words. The engine's
// built-in allowlist filters more; these are the ones that must never pass a context-only (generic) rule.
bool is_placeholder(std::string_view value) {
  if (value.empty() || value.front() == '$' ||
      std::all_of(value.begin(), value.end(), [&](char c) { return c == value.front(); })) {
    return true;
  }
  const std::string v = lower(value);
  static constexpr std::string_view kMarkers[] = {
      "${",    "{{",       "}}",       "$(",       "%(",        "%s",        "<",           ">",           "[[",
      "xxxx",  "****",     "...",      "changeme", "change_me", "change-me", "example",     "placeholder", "your_",
      "your-", "yourpass", "redacted", "dummy",    "sample",    "password",  "process.env", "environ",     "getenv"};
  for (const auto marker : kMarkers) {
    if (v.find(marker) != std::string::npos) {
      return true;
    }
  }
  static constexpr std::string_view kWords[] = {
      "pass", "passwd",   "pwd",  "secret", "admin",     "root", "guest", "test", "postgres", "mysql", "redis",
      "user", "username", "null", "none",   "undefined", "true", "false", "todo", "fixme",    "tbd",   "token"};
  return std::find(std::begin(kWords), std::end(kWords), v) != std::end(kWords);
}

// A dotted identifier (config.password, self.secret_key) is a reference to the value, not the value.
bool is_dotted_identifier(std::string_view v) {
  bool saw_dot = false;
  bool at_start = true;
  for (const char c : v) {
    if (c == '.') {
      if (at_start) {
        return false;
      }
      saw_dot = true;
      at_start = true;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
               (!at_start && std::isdigit(static_cast<unsigned char>(c)))) {
      at_start = false;
    } else {
      return false;
    }
  }
  return saw_dot && !at_start;
}

// The value of a generic key=value rule: not a placeholder, variable reference, path, URL or call expression.
bool generic_value_ok(std::string_view v) {
  if (is_placeholder(v) || is_dotted_identifier(v) || v.front() == '/' || v.starts_with("./") || v.starts_with("../") ||
      v.starts_with("~/") || v.find("://") != std::string_view::npos) {
    return false;
  }
  return !(v.find('(') != std::string_view::npos && v.find(')') != std::string_view::npos);
}

// Unquoted values also match code (`password = key_password`, `pass=Executions` in a comment): such a value must
// carry a digit or a symbol, and must not start with an operator character (`Pass::init`).
bool unquoted_value_ok(std::string_view v) {
  if (!generic_value_ok(v) || v.front() == ':' || v.front() == '=') {
    return false;
  }
  return std::any_of(v.begin(), v.end(),
                     [](unsigned char c) { return std::isdigit(c) || (!std::isalpha(c) && c != '_' && c != '.'); });
}

bool url_password_ok(std::string_view password) {
  return !is_placeholder(password);
}

// Basic credentials decode to printable "user:password" with a real password.
bool basic_auth_ok(std::string_view encoded) {
  std::string decoded;
  if (!base64_decode(encoded, decoded, 1024, false)) {
    return false;
  }
  const auto colon = decoded.find(':');
  if (colon == std::string::npos || colon + 1 >= decoded.size()) {
    return false;
  }
  for (const unsigned char c : decoded) {
    if (c < 0x20 || c == 0x7f) {
      return false;
    }
  }
  return !is_placeholder(std::string_view(decoded).substr(colon + 1));
}

// Key names of the assignment rules. Every rule requires the name right before the operator, so that
// "password_hint = ..." or "passwordField: ..." do not match.
#define VIGIL_PW_NAME R"re((?:passwd|password|passphrase|_pass|\.pass|-pass|_pwd|\.pwd|-pwd))re"
// Unquoted values are rarer in code, so bare pass/pwd are allowed there (and Hyperscan runs a pure literal set
// several times faster than one with a leading class).
#define VIGIL_PW_NAME_UNQUOTED R"re((?:passwd|password|passphrase|pass|pwd))re"
// signing_key/encryption_key/master_key are left out on purpose: with them the set runs ~40x slower in Hyperscan.
#define VIGIL_SECRET_NAME R"re(secret(?:_key|key)?)re"
#define VIGIL_APIKEY_NAME R"re(api[_.-]?(?:key|secret))re"
#define VIGIL_TOKEN_NAME R"re((?:access|auth|api|bearer|refresh|session|private|client|secret|app)[_.-]?token)re"
#define VIGIL_PRIVKEY_NAME R"re(private[_.-]?key)re"
// Quoted: "name": "value", cfg["name"] = 'value', name => "value", Name: "value", name := "value" (any language).
#define VIGIL_QUOTED_OP R"re(["']?\]?[ \t]*(?:=|:|=>|:=)[ \t]*["'])re"
#define VIGIL_QUOTED_VALUE(min) R"re(([^"'\s]{)re" #min R"re(,})["'])re"
// Unquoted: KEY=value / key: value / --key=value running to the end of the line (.env, properties, YAML, shell).
// Not anchored at the line start: Hyperscan runs such patterns ~10x slower (start-of-match state on every newline);
// the value alphabet (no quotes, commas, parentheses, brackets) and unquoted_value_ok keep code expressions out.
#define VIGIL_LINE_START "(?i)"
#define VIGIL_LINE_VALUE(min) \
  R"re([ \t]*[=:][ \t]*([A-Za-z0-9!#$%&*+./:<=>?@^_{|}~\\-]{)re" #min R"re(,})[ \t]*(?:\r?\n|$))re"
// user:password@host; the password may not hold '@', '/', quotes or spaces (they must be percent-encoded).
#define VIGIL_URL_CREDS R"re(://[^\s:@/"'<>]*:([^\s@/"'<>?#]{3,})@[A-Za-z0-9.\[_-])re"

constexpr std::string_view kJwt[] = {"eyj"};
constexpr std::string_view kDbUrl[] = {"postgres",  "mysql",       "mariadb", "mssql",
                                       "sqlserver", "cockroachdb", "oracle",  "clickhouse"};
constexpr std::string_view kMongo[] = {"mongodb"};
constexpr std::string_view kRedis[] = {"redis"};
constexpr std::string_view kAmqp[] = {"amqp"};
constexpr std::string_view kFtp[] = {"ftp"};
constexpr std::string_view kSmtp[] = {"smtp"};
constexpr std::string_view kLdap[] = {"ldap"};
constexpr std::string_view kHttp[] = {"http"};
constexpr std::string_view kAuthorization[] = {"authorization"};
constexpr std::string_view kPw[] = {"pass", "pwd"};
constexpr std::string_view kSecret[] = {"secret", "signing", "encryption", "master"};
constexpr std::string_view kApi[] = {"api"};
constexpr std::string_view kToken[] = {"token"};
constexpr std::string_view kPrivate[] = {"private"};

constexpr SecretRule kUrlRules[] = {
    {.id = "url-password-database",
     .description = "Database URL with an embedded password (PostgreSQL, MySQL, MariaDB, SQL Server, Oracle...)",
     .severity = Severity::High,
     .pattern = R"re((?i)\b(?:postgres(?:ql)?|mysql|mariadb|mssql|sqlserver|cockroachdb|oracle|clickhouse))re"
                R"re((?:\+[a-z0-9]+)?)re" VIGIL_URL_CREDS,
     .secret_group = 1,
     .keywords = kDbUrl,
     .validation = {.check = url_password_ok}},
    {.id = "url-password-mongodb",
     .description = "MongoDB connection string with an embedded password",
     .severity = Severity::High,
     .pattern = R"re((?i)\bmongodb(?:\+srv)?)re" VIGIL_URL_CREDS,
     .secret_group = 1,
     .keywords = kMongo,
     .validation = {.check = url_password_ok}},
    {.id = "url-password-redis",
     .description = "Redis URL with an embedded password",
     .severity = Severity::High,
     .pattern = R"re((?i)\brediss?)re" VIGIL_URL_CREDS,
     .secret_group = 1,
     .keywords = kRedis,
     .validation = {.check = url_password_ok}},
    {.id = "url-password-amqp",
     .description = "AMQP (RabbitMQ) URL with an embedded password",
     .severity = Severity::High,
     .pattern = R"re((?i)\bamqps?)re" VIGIL_URL_CREDS,
     .secret_group = 1,
     .keywords = kAmqp,
     .validation = {.check = url_password_ok}},
    {.id = "url-password-ftp",
     .description = "FTP/SFTP URL with an embedded password",
     .severity = Severity::High,
     .pattern = R"re((?i)\b(?:s?ftp|ftps))re" VIGIL_URL_CREDS,
     .secret_group = 1,
     .keywords = kFtp,
     .validation = {.check = url_password_ok}},
    {.id = "url-password-smtp",
     .description = "SMTP URL with an embedded password",
     .severity = Severity::High,
     .pattern = R"re((?i)\bsmtps?)re" VIGIL_URL_CREDS,
     .secret_group = 1,
     .keywords = kSmtp,
     .validation = {.check = url_password_ok}},
    {.id = "url-password-ldap",
     .description = "LDAP URL with an embedded bind password",
     .severity = Severity::High,
     .pattern = R"re((?i)\bldaps?)re" VIGIL_URL_CREDS,
     .secret_group = 1,
     .keywords = kLdap,
     .validation = {.check = url_password_ok}},
    {.id = "url-password-http",
     .description = "HTTP(S) URL with embedded basic-auth credentials (scope unknown: often a registry or API)",
     .severity = Severity::Medium,
     .pattern = R"re((?i)\bhttps?)re" VIGIL_URL_CREDS,
     .secret_group = 1,
     .keywords = kHttp,
     .validation = {.check = url_password_ok}},
};

constexpr SecretRule kOtherRules[] = {
    {.id = "jwt",
     .description = "JSON Web Token (often short-lived; check its exp claim)",
     .severity = Severity::Medium,
     .pattern = R"re(\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})(?:[^A-Za-z0-9_.-]|$))re",
     .secret_group = 1,
     .keywords = kJwt,
     .validation = {.check = jwt_structure_ok}},
    {.id = "http-basic-auth",
     .description = "HTTP Authorization: Basic credentials",
     .severity = Severity::High,
     .pattern = R"re((?i)authorization["']?[ \t]*[:=][ \t]*["']?basic[ \t]+)re"
                R"re(([A-Za-z0-9+/]{8,}={0,2})(?:[^A-Za-z0-9+/=]|$))re",
     .secret_group = 1,
     .keywords = kAuthorization,
     .validation = {.check = basic_auth_ok}},
    {.id = "http-bearer-token",
     .description = "HTTP Authorization: Bearer token",
     .severity = Severity::Medium,
     .pattern = R"re((?i)authorization["']?[ \t]*[:=][ \t]*["']?bearer[ \t]+)re"
                R"re(([A-Za-z0-9._~+/-]{20,}=*)(?:[^A-Za-z0-9._~+/=-]|$))re",
     .secret_group = 1,
     .keywords = kAuthorization,
     .validation = {.min_entropy = 3.5, .check = generic_value_ok}},
    {.id = "generic-password",
     .description = "Hard-coded password (quoted value assigned to a password key)",
     .severity = Severity::Medium,
     .pattern = "(?i)" VIGIL_PW_NAME VIGIL_QUOTED_OP VIGIL_QUOTED_VALUE(8),
     .secret_group = 1,
     .keywords = kPw,
     .validation = {.min_entropy = 2.9, .check = generic_value_ok}},
    {.id = "generic-password-unquoted",
     .description = "Hard-coded password (unquoted KEY=value to the end of a line: .env, properties, YAML, shell)",
     .severity = Severity::Medium,
     .pattern = VIGIL_LINE_START VIGIL_PW_NAME_UNQUOTED VIGIL_LINE_VALUE(8),
     .secret_group = 1,
     .keywords = kPw,
     .validation = {.min_entropy = 2.9, .check = unquoted_value_ok}},
    {.id = "generic-secret",
     .description = "Hard-coded secret (quoted value assigned to a secret / secret_key / client_secret name)",
     .severity = Severity::Medium,
     .pattern = "(?i)" VIGIL_SECRET_NAME VIGIL_QUOTED_OP VIGIL_QUOTED_VALUE(8),
     .secret_group = 1,
     .keywords = kSecret,
     .validation = {.min_entropy = 3.0, .check = generic_value_ok}},
    {.id = "generic-secret-unquoted",
     .description = "Hard-coded secret (unquoted KEY=value to the end of a line: .env, properties, YAML, shell)",
     .severity = Severity::Medium,
     .pattern = VIGIL_LINE_START VIGIL_SECRET_NAME VIGIL_LINE_VALUE(8),
     .secret_group = 1,
     .keywords = kSecret,
     .validation = {.min_entropy = 3.0, .check = unquoted_value_ok}},
    {.id = "generic-api-key",
     .description = "Hard-coded API key (quoted value assigned to an api_key/apikey/api_secret name)",
     .severity = Severity::Medium,
     .pattern = "(?i)" VIGIL_APIKEY_NAME VIGIL_QUOTED_OP VIGIL_QUOTED_VALUE(16),
     .secret_group = 1,
     .keywords = kApi,
     .validation = {.min_entropy = 3.2, .check = generic_value_ok}},
    {.id = "generic-api-key-unquoted",
     .description = "Hard-coded API key (unquoted KEY=value to the end of a line: .env, properties, YAML, shell)",
     .severity = Severity::Medium,
     .pattern = VIGIL_LINE_START VIGIL_APIKEY_NAME VIGIL_LINE_VALUE(16),
     .secret_group = 1,
     .keywords = kApi,
     .validation = {.min_entropy = 3.2, .check = unquoted_value_ok}},
    {.id = "generic-token",
     .description = "Hard-coded token (quoted value assigned to an access/auth/api/refresh token name)",
     .severity = Severity::Medium,
     .pattern = "(?i)" VIGIL_TOKEN_NAME VIGIL_QUOTED_OP VIGIL_QUOTED_VALUE(16),
     .secret_group = 1,
     .keywords = kToken,
     .validation = {.min_entropy = 3.2, .check = generic_value_ok}},
    {.id = "generic-token-unquoted",
     .description = "Hard-coded token (unquoted KEY=value to the end of a line: .env, properties, YAML, shell)",
     .severity = Severity::Medium,
     .pattern = VIGIL_LINE_START VIGIL_TOKEN_NAME VIGIL_LINE_VALUE(16),
     .secret_group = 1,
     .keywords = kToken,
     .validation = {.min_entropy = 3.2, .check = unquoted_value_ok}},
    {.id = "generic-private-key",
     .description = "Hard-coded private key material in a private_key setting (hex, base64: wallets, signing)",
     .severity = Severity::High,
     .pattern = "(?i)" VIGIL_PRIVKEY_NAME VIGIL_QUOTED_OP VIGIL_QUOTED_VALUE(32),
     .secret_group = 1,
     .keywords = kPrivate,
     .validation = {.min_entropy = 3.2, .check = generic_value_ok}},
};

#undef VIGIL_PW_NAME
#undef VIGIL_PW_NAME_UNQUOTED
#undef VIGIL_SECRET_NAME
#undef VIGIL_APIKEY_NAME
#undef VIGIL_TOKEN_NAME
#undef VIGIL_PRIVKEY_NAME
#undef VIGIL_QUOTED_OP
#undef VIGIL_QUOTED_VALUE
#undef VIGIL_LINE_START
#undef VIGIL_LINE_VALUE
#undef VIGIL_URL_CREDS

// One contiguous table for generic_rules().
constexpr auto kRules = [] {
  std::array<SecretRule, std::size(kUrlRules) + std::size(kOtherRules)> all{};
  std::copy(std::begin(kOtherRules), std::end(kOtherRules), all.begin());
  std::copy(std::begin(kUrlRules), std::end(kUrlRules), all.begin() + std::size(kOtherRules));
  return all;
}();

}  // namespace

std::span<const SecretRule> generic_rules() {
  return kRules;
}

}  // namespace vigil::secrets
