// Bench server on Boost.Beast 1.74 (header-only, Asio): HTTP/1.1 with keep-alive, one io_context run by THREADS
// threads (default: one per core), one strand per connection; serves routes.hpp like vigil_stack_server.
// Usage: beast_server [THREADS]. Prints "listening on 127.0.0.1:PORT" and serves until SIGTERM or SIGINT.
// Boost 1.74's asio/awaitable.hpp uses std::exchange without <utility>; GCC 12 in C++20 mode needs it first.
#include <utility>
// clang-format off
#include <boost/asio.hpp>
// clang-format on
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "routes.hpp"

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// The same limits as vigil_server's defaults that matter on this path: 16 MiB bodies, 10 s read timeout.
constexpr size_t kMaxBody = size_t{16} << 20;
constexpr auto kTimeout = std::chrono::seconds(10);

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : stream_(std::move(socket)) {
    // Beast reads at most the buffer's free capacity (at least 512 bytes) per recvmsg; the parser moves the body
    // out of it, so an unreserved buffer never grows and a 16 KiB body took 33 recvmsg (and timer resets) here.
    buffer_.reserve(64 * 1024);
  }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxBody);
    stream_.expires_after(kTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return close();
    if (ec == http::error::body_limit) return reply(11, false, {413, R"({"error":"request body too large"})"});
    if (ec) return;  // timeout or reset: the socket closes with the session
    const auto& request = parser_->get();
    const bool keep_alive = request.keep_alive();
    const unsigned version = request.version();
    bench::Reply r;
    if (request.target() == "/healthz" && request.method() == http::verb::get) {
      r = bench::healthz();
    } else if (request.target() == "/api/v1/echo" && request.method() == http::verb::post) {
      r = bench::echo(request.body());
    } else {
      r = {404, R"({"error":"not found"})"};
    }
    reply(version, keep_alive, std::move(r));
  }

  void reply(unsigned version, bool keep_alive, bench::Reply r) {
    response_ = {};
    response_.version(version);
    response_.result(static_cast<http::status>(r.status));
    response_.set(http::field::content_type, "application/json");
    response_.keep_alive(keep_alive);
    response_.body() = std::move(r.body);
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      if (!self->response_.keep_alive()) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& io, tcp::endpoint where) : io_(io), acceptor_(net::make_strand(io)) {
    acceptor_.open(where.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(where);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }
  [[nodiscard]] unsigned short port() const { return acceptor_.local_endpoint().port(); }

  void accept() {
    acceptor_.async_accept(net::make_strand(io_), [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
      if (!ec) {
        s.set_option(tcp::no_delay(true));
        std::make_shared<Session>(std::move(s))->start();
      }
      self->accept();
    });
  }

 private:
  net::io_context& io_;
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned threads = argc > 1 ? static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)) : cores;
  net::io_context io(static_cast<int>(threads));
  auto listener = std::make_shared<Listener>(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  listener->accept();
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](beast::error_code, int) { io.stop(); });
  std::printf("listening on 127.0.0.1:%u (threads %u)\n", listener->port(), threads);
  std::fflush(stdout);
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  return 0;
}
