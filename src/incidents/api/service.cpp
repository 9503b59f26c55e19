// Wiring of `vigil incidents serve`: what starts in which order and how it stops without losing an acknowledged
// event (the server stops accepting first; the ingest queue writes what it holds; the dispatcher stops last).
#include "incidents/api/service.hpp"

#include <fmt/format.h>

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "incidents/api/api.hpp"
#include "incidents/config.hpp"
#include "incidents/dashboard/pages.hpp"
#include "incidents/ingest_queue.hpp"
#include "incidents/notify/dispatcher.hpp"
#include "incidents/store.hpp"
#include "server/http_server.hpp"

namespace vigil::incidents::api {
namespace {

constexpr auto kFloodTick = std::chrono::milliseconds(250);

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The database URL without a password (userinfo after ':' and the query, where libpq URLs may carry one).
std::string redacted(std::string url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  if (const size_t query = url.find('?', scheme); query != std::string::npos) url.resize(query);
  const size_t at = url.find('@', scheme);
  if (at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon != std::string::npos && colon < at) url.erase(colon, at - colon);
  return url;
}

}  // namespace

struct Service::State {
  ServeOptions options;
  ServiceConfig config;
  std::unique_ptr<Store> store;
  std::unique_ptr<IngestQueue> queue;
  std::unique_ptr<notify::Dispatcher> dispatcher;
  std::unique_ptr<FloodFeed> flood;
  ApiMetrics metrics;
  std::unique_ptr<ApiContext> context;
  std::unique_ptr<server::Server> server;

  std::thread ticker;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  bool shut_down = false;
  bool flood_events_waiting = false;  // the ticker's last submit of flood events failed

  // Floods end when their requests stop coming, so nothing posts the resolve: poll the detector on a timer.
  void tick_floods() {
    std::unique_lock lock(mutex);
    while (!wake.wait_for(lock, kFloodTick, [&] { return stopping; })) {
      lock.unlock();
      auto events = flood->poll(wall_ns());
      if (!events.empty()) {
        std::vector<Event> copy = events;
        auto done = queue->submit(std::move(events));
        if (!done && !flood_events_waiting) {  // said once per spell, not every tick
          std::cerr << fmt::format("vigil incidents: {} flood events not stored yet ({}); retrying\n", copy.size(),
                                   done.error().message);
        }
        flood_events_waiting = !done;
        if (!done) (void)flood->hold(std::move(copy));
      }
      lock.lock();
    }
  }

  void shutdown() {
    {
      const std::lock_guard lock(mutex);
      if (shut_down) return;
      shut_down = true;
      stopping = true;
    }
    wake.notify_all();
    if (server) server->stop();
    if (ticker.joinable()) ticker.join();
    if (queue) queue->stop();
    if (dispatcher) dispatcher->stop();
  }
};

Service::Service() : state_(std::make_unique<State>()) {}

Service::~Service() {
  state_->shutdown();
}

Result<std::unique_ptr<Service>> Service::start(const ServeOptions& options) {
  std::unique_ptr<Service> service(new Service());
  State& s = *service->state_;
  s.options = options;
  if (!options.config_path.empty()) {
    auto config = load_config(options.config_path);
    if (!config) return fail(config.error().message);
    s.config = std::move(*config);
  }
  auto store = open_store(options.db_url);
  if (!store) return fail(fmt::format("{}: {}", redacted(options.db_url), store.error().message));
  s.store = std::move(*store);
  const IngestPolicy policy = make_policy(s.config);
  IngestQueue::Options queue_options;
  queue_options.max_pending_events = options.max_pending_events;
  s.queue = std::make_unique<IngestQueue>(*s.store, policy, queue_options);
  s.dispatcher = std::make_unique<notify::Dispatcher>(*s.store, s.config);
  s.queue->set_on_commit([&s] { s.dispatcher->wake(); });
  s.flood = std::make_unique<FloodFeed>(s.config.flood);
  s.context = std::make_unique<ApiContext>(ApiContext{
      .store = *s.store,
      .queue = *s.queue,
      .policy = policy,
      .metrics = s.metrics,
      .flood = s.flood.get(),
      .on_change = [&s] { s.dispatcher->wake(); },
      .notifier_counters = [&s] { return s.dispatcher->counters(); },
      .now_ns = {},
      .retry_after_s = 1,
  });
  server::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.threads = options.threads;
  server_options.max_in_flight = options.max_in_flight;
  server_options.max_body_bytes = options.max_body_bytes;
  server_options.tls_cert_file = options.tls_cert_file;
  server_options.tls_key_file = options.tls_key_file;
  server_options.access_log = options.access_log;
  std::vector<server::Route> routes = api_routes(*s.context);
  DashboardContext dashboard{.store = *s.store,
                             .tls = !options.tls_cert_file.empty(),
                             .action_policy = policy,
                             .on_change = [&s] { s.dispatcher->wake(); },
                             .now_ns = {}};
  for (auto& route : counted_routes(dashboard_routes(std::move(dashboard)), s.metrics)) {
    routes.push_back(std::move(route));
  }
  s.server = std::make_unique<server::Server>(server_options, std::move(routes));
  if (auto bound = s.server->bind(); !bound) return fail(bound.error().message);
  s.dispatcher->start();
  s.ticker = std::thread([&s] { s.tick_floods(); });
  return service;
}

uint16_t Service::port() const {
  return state_->server->port();
}

std::string Service::describe() const {
  const bool tls = !state_->options.tls_cert_file.empty();
  std::string host = state_->options.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return fmt::format("{}://{}:{} ({})", tls ? "https" : "http", host, port(), redacted(state_->options.db_url));
}

Result<void> Service::run() {
  auto served = state_->server->run();
  state_->shutdown();
  return served;
}

void Service::stop() {
  state_->server->stop();
}

}  // namespace vigil::incidents::api
