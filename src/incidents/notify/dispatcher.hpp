// The outbox dispatcher: delivers pending notifications at least once. One loop picks due outbox items, groups
// them by (notifier, group key), holds a group for its route's group_wait, and hands it to the notifier's own
// worker thread, so a slow or down receiver never delays the others.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "incidents/config.hpp"
#include "incidents/store.hpp"

namespace vigil::incidents::notify {

struct NotifierCounters {
  std::string notifier;
  int64_t sent = 0;     // items delivered (the receiver answered 2xx)
  int64_t failed = 0;   // items whose attempt failed (each attempt counts)
  int64_t retried = 0;  // failed items scheduled again
  int64_t gave_up = 0;  // failed items given up after retry.max_attempts
};

class Dispatcher {
 public:
  // The store and config must outlive the dispatcher.
  Dispatcher(Store& store, const ServiceConfig& config);
  ~Dispatcher();  // stop()s
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void start();
  // Tells every thread to stop after the delivery it is in, without waiting: no new delivery starts after this.
  void request_stop();
  // request_stop(), then finishes deliveries in flight (bounded by the 10 s request timeout), joins every thread
  // and gives back the claims of jobs still queued.
  void stop();
  // New outbox rows were committed: look now instead of at the next 200 ms tick. Cheap; any thread.
  void wake();
  [[nodiscard]] std::vector<NotifierCounters> counters() const;  // one per configured notifier, in config order

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vigil::incidents::notify
