// The server stack: cpp-httplib underneath, Vigil's route table on top. One catch-all handler per method
// dispatches through match_pattern (404/405 are decided here, not by httplib's regexes); a pre-routing hook
// counts requests in flight and answers 429 before a body is read.
#include "server/http_server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <iostream>
#include <thread>

#include "core/json_text.hpp"

namespace vigil::server {
namespace {

constexpr size_t kKeepAliveMaxRequests = 10000;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits "a=1&b=%20x" into decoded pairs, in order (httplib's params multimap loses the order).
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view target) {
  std::vector<std::pair<std::string, std::string>> out;
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view part = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    const std::string key(part.substr(0, eq));
    const std::string value(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
    out.emplace_back(httplib::detail::decode_url(key, true), httplib::detail::decode_url(value, true));
  }
  return out;
}

Request to_request(const httplib::Request& in) {
  Request out;
  out.method = in.method == "HEAD" ? "GET" : in.method;
  out.path = in.path;
  out.query = parse_query(in.target);
  for (const auto& [name, value] : in.headers) out.headers.emplace_back(lower(name), value);
  out.body = in.body;
  out.remote_addr = in.remote_addr;
  return out;
}

void write_response(const Response& in, httplib::Response& out) {
  out.status = in.status;
  for (const auto& [name, value] : in.headers) out.set_header(name, value);
  out.set_content(in.body, in.content_type);
}

// The errno a plain bind() of host:port gets, to explain why httplib's bind failed.
std::string bind_failure_reason(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return ::gai_strerror(rc);
  }
  std::string reason = "cannot bind";
  const int fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd >= 0) {
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0) {
      reason = errno == EADDRINUSE ? "address in use" : std::strerror(errno);
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return reason;
}

// True when this worker thread counted the request it is serving (httplib serves a request on one thread from
// pre-routing to post-routing, so a thread-local pairs the increment with its decrement).
thread_local bool t_counted = false;

}  // namespace

std::optional<std::string_view> Request::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::query_value(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string_view Request::path_param(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

Response error_response(int status, std::string_view message) {
  Response r;
  r.status = status;
  r.body = "{\"error\":";
  json_text::append_string(r.body, message);  // messages may quote request bytes: not always valid UTF-8
  r.body += '}';
  return r;
}

bool match_pattern(std::string_view pattern, std::string_view path,
                   std::vector<std::pair<std::string, std::string>>& params) {
  params.clear();
  size_t p = 0;
  size_t s = 0;
  while (p < pattern.size() && s <= path.size()) {
    if (pattern[p] == '{') {
      const size_t close = pattern.find('}', p);
      if (close == std::string_view::npos) return false;
      size_t end = path.find('/', s);
      if (end == std::string_view::npos) end = path.size();
      if (end == s) return false;  // a capture is never empty
      params.emplace_back(std::string(pattern.substr(p + 1, close - p - 1)), std::string(path.substr(s, end - s)));
      p = close + 1;
      s = end;
      continue;
    }
    if (s >= path.size() || pattern[p] != path[s]) return false;
    ++p;
    ++s;
  }
  const bool ok = p == pattern.size() && s == path.size();
  if (!ok) params.clear();
  return ok;
}

struct Server::Impl {
  ServerOptions options;
  std::vector<Route> routes;
  std::unique_ptr<httplib::Server> http;
  std::atomic<size_t> in_flight{0};
  uint16_t bound_port = 0;
  bool bound = false;
  int listen_fd = -1;  // seen in the socket-options callback, which httplib calls for the listening socket only
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> run_entered{false};
  std::atomic<bool> run_returned{false};

  Response dispatch(const Request& request) const {
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<std::string> allowed;
    for (const auto& route : routes) {
      if (!match_pattern(route.pattern, request.path, params)) continue;
      if (route.method == request.method) {
        Request with_params = request;
        with_params.path_params = std::move(params);
        return route.handler(with_params);
      }
      if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) allowed.push_back(route.method);
    }
    if (allowed.empty()) return error_response(404, "not found: " + request.path);
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    Response r = error_response(
        405, fmt::format("method {} not allowed on {} (allowed: {})", request.method, request.path, allow));
    r.headers.emplace_back("Allow", allow);
    return r;
  }

  void serve(const httplib::Request& in, httplib::Response& out) const {
    const auto started = std::chrono::steady_clock::now();
    Response response;
    try {
      response = dispatch(to_request(in));
    } catch (const std::exception& e) {
      // Handlers return errors as responses; this is a bug's last line of defence, without the request's body.
      std::cerr << fmt::format("vigil server: internal error on {} {}: {}\n", in.method, in.path, e.what());
      response = error_response(500, "internal error");
    }
    write_response(response, out);
    if (options.access_log) {
      const auto ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
      std::cerr << fmt::format("{} {} {} {} {}ms\n", in.remote_addr, in.method, in.path, response.status, ms);
    }
  }

  httplib::Server::HandlerResponse admit(httplib::Response& out) {
    if (t_counted) in_flight.fetch_sub(1);  // a previous request on this thread never reached post-routing
    t_counted = false;
    if (in_flight.fetch_add(1) >= options.max_in_flight) {
      in_flight.fetch_sub(1);
      Response r = error_response(429, "too many requests in flight; retry later");
      r.headers.emplace_back("Retry-After", std::to_string(options.retry_after.count()));
      r.headers.emplace_back("Connection", "close");
      write_response(r, out);
      return httplib::Server::HandlerResponse::Handled;
    }
    t_counted = true;
    return httplib::Server::HandlerResponse::Unhandled;
  }

  void release() {
    if (t_counted) in_flight.fetch_sub(1);
    t_counted = false;
  }

  Result<void> make_server() {
    const bool tls = !options.tls_cert_file.empty() || !options.tls_key_file.empty();
    if (tls) {
      if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
        return fail("TLS needs both a certificate and a key file");
      }
      auto ssl = std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(), options.tls_key_file.c_str());
      if (!ssl->is_valid()) {
        return fail(
            fmt::format("cannot load the TLS certificate {} with key {} (missing, unreadable or not a "
                        "matching PEM pair)",
                        options.tls_cert_file, options.tls_key_file));
      }
      http = std::move(ssl);
    } else {
      http = std::make_unique<httplib::Server>();
    }
    configure();
    return {};
  }

  void configure() {
    const size_t threads = std::max<size_t>(options.threads, 1);
    http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http->set_payload_max_length(options.max_body_bytes);
    // httplib's default is SO_REUSEPORT, which lets a second server bind the same port silently; plain
    // SO_REUSEADDR keeps restarts quick and makes "address in use" an error.
    http->set_socket_options([this](int sock) {
      const int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      listen_fd = sock;
    });
    // httplib writes headers and body in two send()s; with Nagle on, the body waits for the client's delayed ACK
    // (~40 ms per kept-alive request, bench/server). Accepted sockets inherit the listener's TCP_NODELAY.
    http->set_tcp_nodelay(true);
    // httplib closes a kept-alive connection after 5 requests by default: busy senders then reconnect all the time.
    http->set_keep_alive_max_count(kKeepAliveMaxRequests);
    http->set_read_timeout(options.read_timeout);
    http->set_write_timeout(options.read_timeout);
    http->set_keep_alive_timeout(5);
    http->set_pre_routing_handler([this](const httplib::Request&, httplib::Response& out) { return admit(out); });
    http->set_post_routing_handler([this](const httplib::Request&, httplib::Response&) { release(); });
    const auto handler = [this](const httplib::Request& in, httplib::Response& out) { serve(in, out); };
    http->Get(".*", handler);
    http->Post(".*", handler);
    http->Put(".*", handler);
    http->Patch(".*", handler);
    http->Delete(".*", handler);
    http->Options(".*", handler);
    // httplib's own errors (413 for a large body, 400 for a malformed request) get the same JSON shape.
    http->set_error_handler([limit = options.max_body_bytes](const httplib::Request& in, httplib::Response& out) {
      if (!out.body.empty()) return;
      std::string message = fmt::format("HTTP {}", out.status);
      if (out.status == 400) message = "bad request";
      if (out.status == 413) {
        // httplib caps form-encoded bodies at 8 KiB whatever the limit: say what to send instead.
        message = in.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded")
                      ? "request body too large for Content-Type application/x-www-form-urlencoded (8 KiB); send "
                        "Content-Type: application/json"
                      : fmt::format("request body too large (limit {} bytes)", limit);
      }
      write_response(error_response(out.status, message), out);
    });
  }
};

Server::Server(ServerOptions options, std::vector<Route> routes) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->routes = std::move(routes);
}

Server::~Server() {
  if (impl_->http) impl_->http->stop();
}

Result<void> Server::bind() {
  if (impl_->bound) return {};
  if (auto made = impl_->make_server(); !made) return made;
  const auto& o = impl_->options;
  const std::string where = fmt::format("{}:{}", o.host, o.port);
  if (o.port == 0) {
    const int port = impl_->http->bind_to_any_port(o.host);
    if (port <= 0) return fail(fmt::format("{}: {}", where, bind_failure_reason(o.host, 0)));
    impl_->bound_port = static_cast<uint16_t>(port);
  } else {
    if (!impl_->http->bind_to_port(o.host, o.port)) {
      return fail(fmt::format("{}: {}", where, bind_failure_reason(o.host, o.port)));
    }
    impl_->bound_port = o.port;
  }
  // Debian's libcpp-httplib is built with a listen backlog of 5: a burst of new connections overflows it and
  // clients wait a full second for their SYN retry. listen() again on a listening socket only sets the backlog.
  if (impl_->listen_fd >= 0) ::listen(impl_->listen_fd, SOMAXCONN);
  impl_->bound = true;
  return {};
}

uint16_t Server::port() const {
  return impl_->bound_port;
}

Result<void> Server::run() {
  if (auto b = bind(); !b) return b;
  impl_->run_entered.store(true);
  Result<void> result;
  if (!impl_->stop_requested.load() && !impl_->http->listen_after_bind()) {
    result = fail(fmt::format("{}:{}: the server stopped with an error", impl_->options.host, impl_->bound_port));
  }
  impl_->run_returned.store(true);
  return result;
}

void Server::stop() {
  // httplib's stop() is a no-op until listening has begun: a stop() that comes first sets the flag run() checks,
  // and one that races with run() waits for the listen loop to start (or for run() to return) before stopping it.
  impl_->stop_requested.store(true);
  if (!impl_->http) return;
  if (impl_->run_entered.load()) {
    while (!impl_->http->is_running() && !impl_->run_returned.load()) std::this_thread::yield();
  }
  impl_->http->stop();
}

}  // namespace vigil::server
