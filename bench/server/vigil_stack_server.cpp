// Bench server on OUR HTTP stack (src/server: vigil::server::Server over cpp-httplib) serving routes.hpp.
// Usage: vigil_stack_server [THREADS [MAX_IN_FLIGHT]]; defaults are `vigil incidents serve`'s (64 and 48).
// Prints "listening on 127.0.0.1:PORT" (ephemeral port) and serves until SIGTERM or SIGINT.
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "routes.hpp"
#include "server/http_server.hpp"

namespace {

vigil::server::Response to_response(bench::Reply reply) {
  vigil::server::Response r;
  r.status = reply.status;
  r.body = std::move(reply.body);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  vigil::server::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 64;
  options.max_in_flight = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 48;
  std::vector<vigil::server::Route> routes = {
      {"GET", "/healthz", [](const vigil::server::Request&) { return to_response(bench::healthz()); }},
      {"POST", "/api/v1/echo",
       [](const vigil::server::Request& request) { return to_response(bench::echo(request.body)); }},
  };
  // Signals are taken by one thread with sigwait, so stop() runs on an ordinary thread (not in a handler).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  vigil::server::Server server(options, std::move(routes));
  if (auto bound = server.bind(); !bound) {
    std::fprintf(stderr, "bind: %s\n", bound.error().message.c_str());
    return 1;
  }
  std::printf("listening on 127.0.0.1:%u (threads %zu, max in flight %zu)\n", server.port(), options.threads,
              options.max_in_flight);
  std::fflush(stdout);
  std::thread stopper([&server, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
  });
  auto ran = server.run();
  if (!ran) {
    std::fprintf(stderr, "run: %s\n", ran.error().message.c_str());
    std::_Exit(1);  // the stopper thread still waits for a signal
  }
  stopper.join();
  return 0;
}
