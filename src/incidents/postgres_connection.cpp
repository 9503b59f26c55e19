// libpq plumbing for the PostgreSQL store; see postgres_connection.hpp.
#include "incidents/postgres_connection.hpp"

#include <poll.h>

#include <algorithm>
#include <charconv>

namespace vigil::incidents::pg {
namespace {

// libpq's messages end in newlines and continue on tab-indented lines; one line reads better in a log. The
// password is replaced wherever it might appear (libpq does not print it, but a bad URL might).
std::string clean(std::string_view message, const std::string& password) {
  std::string out;
  for (char c : message) out.push_back(c == '\n' || c == '\t' || c == '\r' ? ' ' : c);
  if (!password.empty()) {
    for (size_t at = out.find(password); at != std::string::npos; at = out.find(password, at + 3)) {
      out.replace(at, password.size(), "***");
    }
  }
  std::string collapsed;
  for (char c : out) {
    if (c == ' ' && (collapsed.empty() || collapsed.back() == ' ')) continue;
    collapsed.push_back(c);
  }
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return collapsed;
}

// The password of a URL libpq could not parse (so libpq cannot tell us): the userinfo after "user:" and before
// the last '@' of the authority. Only used to scrub it from the error, which may quote the URL.
std::string raw_password(std::string_view url) {
  const size_t start = url.find("://");
  if (start == std::string_view::npos) return {};
  std::string_view authority = url.substr(start + 3);
  authority = authority.substr(0, authority.find_first_of("/?"));
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return {};
  const std::string_view userinfo = authority.substr(0, at);
  const size_t colon = userinfo.find(':');
  return colon == std::string_view::npos ? std::string() : std::string(userinfo.substr(colon + 1));
}

// libpq's "connection to server at "h", port p failed: " repeats what our own prefix says.
std::string_view without_server_prefix(std::string_view message) {
  constexpr std::string_view kFailed = " failed: ";
  if (!message.starts_with("connection to server")) return message;
  const size_t at = message.find(kFailed);
  return at == std::string_view::npos ? message : message.substr(at + kFailed.size());
}

std::string option(const PQconninfoOption* options, std::string_view keyword) {
  for (const auto* o = options; o->keyword != nullptr; ++o) {
    if (keyword == o->keyword && o->val != nullptr) return o->val;
  }
  return {};
}

}  // namespace

Result<ConnectInfo> parse_url(std::string_view url) {
  if (!url.starts_with("postgres://") && !url.starts_with("postgresql://")) {
    return fail("postgres: the database URL must start with postgres:// or postgresql://");
  }
  ConnectInfo info;
  info.url = std::string(url);
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(info.url.c_str(), &message);
  if (options == nullptr) {
    std::string text = message != nullptr ? message : "out of memory";
    PQfreemem(message);
    return fail("postgres: invalid database URL: " + clean(text, raw_password(url)));
  }
  info.password = option(options, "password");
  std::string host = option(options, "host");
  if (host.empty()) host = option(options, "hostaddr");
  std::string port = option(options, "port");
  std::string user = option(options, "user");
  const std::string db = option(options, "dbname");
  PQconninfoFree(options);
  info.where = (host.empty() ? std::string("local socket") : host) + ":" + (port.empty() ? "5432" : port) + "/" +
               (db.empty() ? user : db);
  return info;
}

Params& Params::text(std::string_view value) {
  if (value.find('\0') != std::string_view::npos) has_nul_ = true;
  values_.emplace_back(value);
  return *this;
}

Params& Params::i64(int64_t value) {
  values_.push_back(std::to_string(value));
  return *this;
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v.c_str());
  return out;
}

std::string_view Rows::text(int row, int col) const {
  return {PQgetvalue(result_.get(), row, col), static_cast<size_t>(PQgetlength(result_.get(), row, col))};
}

int64_t Rows::i64(int row, int col) const {
  const std::string_view s = text(row, col);
  int64_t value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

int64_t Rows::affected() const {
  const std::string_view s = PQcmdTuples(result_.get());
  int64_t value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

Result<std::unique_ptr<Connection>> Connection::open(const ConnectInfo& info) {
  // Entries before dbname are defaults the URL may override; client_encoding after it is forced (every string
  // in the model is UTF-8).
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", "client_encoding", nullptr};
  const char* values[] = {"10", "vigil-incidents", info.url.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, 1);
  if (conn == nullptr) return fail("postgres: connection to " + info.where + " failed: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = clean(without_server_prefix(PQerrorMessage(conn)), info.password);
    PQfinish(conn);
    return fail("postgres: connection to " + info.where + " failed: " + message);
  }
  // Notices (and a restarting server's goodbye) would go to stderr by default; the errors that matter come back
  // as results.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn, info));
}

Connection::~Connection() {
  PQfinish(conn_);
}

bool Connection::dead() {
  // An idle connection has nothing to read unless the server said goodbye (FATAL, then EOF); reading that marks
  // the connection bad. Bounded: a healthy server sends nothing between statements.
  for (int i = 0; i < 4 && !broken(); ++i) {
    pollfd p{.fd = PQsocket(conn_), .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, 0) <= 0) break;
    if (PQconsumeInput(conn_) == 0) break;
  }
  return broken();
}

Error Connection::error(std::string_view what, const Rows* rows) const {
  // A statement's own error (constraint, syntax) is in its result; a broken connection's is on the connection.
  std::string message = PQerrorMessage(conn_);
  if (rows != nullptr && rows->error_message()[0] != '\0') message = rows->error_message();
  return Error{"postgres: " + std::string(what) + " (" + info_.where + "): " + clean(message, info_.password)};
}

Result<void> Connection::reconnect() {
  prepared_.clear();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return fail("postgres: reconnect to " + info_.where + " failed: " + clean(PQerrorMessage(conn_), info_.password));
  }
  return {};
}

Result<std::string> Connection::prepared_name(const std::string& sql) {
  if (auto it = prepared_.find(sql); it != prepared_.end()) return it->second;
  std::string name = "vigil_" + std::to_string(prepared_.size() + 1);
  Rows prepared(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
  if (!prepared.ok()) return tl::unexpected(error("prepare failed", &prepared));
  prepared_.emplace(sql, name);
  return name;
}

Result<Rows> Connection::exec(const std::string& sql, const Params& params) {
  if (params.has_nul()) return fail("postgres: text values cannot contain a NUL character");
  auto name = prepared_name(sql);
  if (!name) return tl::unexpected(name.error());
  const auto values = params.pointers();
  Rows rows(PQexecPrepared(conn_, name->c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0));
  if (!rows.ok()) return tl::unexpected(error("query failed", &rows));
  return rows;
}

Result<Rows> Connection::exec_retry(const std::string& sql, const Params& params) {
  auto rows = exec(sql, params);
  if (rows || !broken()) return rows;
  if (auto r = reconnect(); !r) return tl::unexpected(r.error());
  return exec(sql, params);
}

Result<std::string> Connection::run(const std::string& sql) {
  Rows rows(PQexec(conn_, sql.c_str()));
  if (!rows.ok()) return tl::unexpected(error("statement failed", &rows));
  return std::string(rows.command());
}

Result<void> Connection::copy_in(const std::string& copy_sql, std::string_view data) {
  Rows start(PQexec(conn_, copy_sql.c_str()));
  if (start.status() != PGRES_COPY_IN) return tl::unexpected(error("COPY failed", &start));
  constexpr size_t kChunk = size_t{1} << 20;
  for (size_t at = 0; at < data.size(); at += kChunk) {
    const size_t n = std::min(kChunk, data.size() - at);
    if (PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) != 1) break;  // the error surfaces below
  }
  PQputCopyEnd(conn_, nullptr);
  std::optional<Error> failure;
  while (PGresult* raw = PQgetResult(conn_)) {
    Rows result(raw);
    if (!result.ok() && !failure) failure = error("COPY failed", &result);
  }
  if (failure) return tl::unexpected(*failure);
  return {};
}

Result<void> append_copy_field(std::string& row, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\0': return fail("postgres: text values cannot contain a NUL character");
      case '\\': row += "\\\\"; break;
      case '\t': row += "\\t"; break;
      case '\n': row += "\\n"; break;
      case '\r': row += "\\r"; break;
      default: row.push_back(c);
    }
  }
  return {};
}

}  // namespace vigil::incidents::pg
