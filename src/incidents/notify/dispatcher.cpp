// The outbox dispatcher (see dispatcher.hpp). At least once: an item is marked delivered only after its receiver
// answered 2xx, so a crash between sending and marking re-sends it after restart; receivers dedupe on the
// idempotency key. Items handed to a notifier's worker are remembered as in flight so the loop never sends them
// twice at once.
#include "incidents/notify/dispatcher.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unordered_set>

#include "incidents/notify/notifiers.hpp"

namespace vigil::incidents::notify {
namespace {

constexpr auto kTick = std::chrono::milliseconds(200);
constexpr size_t kDueBatch = 1000;
constexpr size_t kMaxGroupItems = 100;  // one message carries at most this many notifications

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct Dispatcher::State {
  struct Job {
    std::vector<OutboxItem> items;
    int64_t lease_until_ns = 0;  // this instance's claim on them ends then
  };
  struct Lane {
    const NotifierConfig* config = nullptr;
    const NotifierType* type = nullptr;
    std::deque<Job> jobs;
    std::condition_variable cv;
    std::thread thread;
    NotifierCounters counters;
  };

  Store& store;
  const ServiceConfig& config;
  mutable std::mutex mu;
  std::condition_variable cv;
  bool woken = false;
  bool stopping = false;
  bool started = false;
  std::thread loop;
  std::vector<std::unique_ptr<Lane>> lanes;  // one per configured notifier, in config order
  std::unordered_set<int64_t> in_flight;
  std::mt19937_64 rng{std::random_device{}()};

  State(Store& s, const ServiceConfig& c) : store(s), config(c) {
    for (const NotifierConfig& n : config.notifiers) {
      auto lane = std::make_unique<Lane>();
      lane->config = &n;
      lane->type = find_notifier_type(n.type);
      lane->counters.notifier = n.name;
      lanes.push_back(std::move(lane));
    }
  }

  Lane* lane_of(std::string_view notifier) {
    for (auto& lane : lanes) {
      if (lane->config->name == notifier && lane->type != nullptr) return lane.get();
    }
    return nullptr;
  }

  void run_loop();
  std::chrono::nanoseconds pass();
  void claim(std::vector<OutboxItem>& items, int64_t now, int64_t lease_until);
  void hand_over(Lane& lane, Job job);
  void release_queued();
  void run_lane(Lane& lane);
  void deliver(Lane& lane, const std::vector<OutboxItem>& items);
  void record_failure(Lane& lane, const std::vector<OutboxItem>& items, const std::string& error);
  int64_t backoff_ns(int attempts);
};

void Dispatcher::State::run_loop() {
  std::chrono::nanoseconds wait = std::chrono::nanoseconds(0);
  for (;;) {
    {
      std::unique_lock lock(mu);
      cv.wait_for(lock, wait, [&] { return woken || stopping; });
      if (stopping) return;
      woken = false;
    }
    wait = pass();
  }
}

// One look at the outbox: due items grouped by (notifier, group key); a group whose oldest item is younger than
// its route's group_wait stays in the store for a later pass. Returns how long to sleep.
std::chrono::nanoseconds Dispatcher::State::pass() {
  const int64_t now = now_ns();
  auto due = store.due_outbox(now, kDueBatch);
  if (!due) {
    fmt::print(stderr, "vigil incidents: reading the outbox failed: {}\n", due.error().message);
    return kTick;
  }
  std::map<std::pair<std::string, std::string>, std::vector<OutboxItem>> groups;
  {
    std::lock_guard lock(mu);
    for (OutboxItem& item : *due) {
      if (in_flight.count(item.id) == 0) groups[{item.notifier, item.group_key}].push_back(std::move(item));
    }
  }
  int64_t sleep_ns = std::chrono::nanoseconds(kTick).count();
  for (auto& [key, items] : groups) {
    Lane* lane = lane_of(key.first);
    if (lane == nullptr) {  // the config no longer has it: nothing can ever deliver these
      for (const OutboxItem& item : items) {
        (void)store.outbox_retry(item.id, now, fmt::format("notifier \"{}\" is not configured", key.first), true);
      }
      continue;
    }
    int64_t oldest = items.front().created_ns;
    for (const OutboxItem& item : items) oldest = std::min(oldest, item.created_ns);
    const int64_t ready_at = oldest + group_wait_of(config, key.second);
    if (ready_at > now) {
      sleep_ns = std::min(sleep_ns, ready_at - now);
      continue;
    }
    const int64_t lease_until = now + config.retry.lease_ns;
    claim(items, now, lease_until);
    for (size_t i = 0; i < items.size(); i += kMaxGroupItems) {
      const auto end = items.begin() + static_cast<ptrdiff_t>(std::min(items.size(), i + kMaxGroupItems));
      hand_over(*lane, Job{std::vector<OutboxItem>(items.begin() + static_cast<ptrdiff_t>(i), end), lease_until});
    }
  }
  return std::chrono::nanoseconds(sleep_ns);
}

// Keeps only the items this instance won (another instance sharing the database may have leased some first).
void Dispatcher::State::claim(std::vector<OutboxItem>& items, int64_t now, int64_t lease_until) {
  std::vector<int64_t> ids;
  ids.reserve(items.size());
  for (const OutboxItem& item : items) ids.push_back(item.id);
  auto claimed = store.claim_outbox(ids, now, lease_until);
  if (!claimed) {
    fmt::print(stderr, "vigil incidents: claiming {} notifications failed: {}\n", ids.size(), claimed.error().message);
    items.clear();
    return;
  }
  const std::set<int64_t> won(claimed->begin(), claimed->end());
  std::erase_if(items, [&](const OutboxItem& item) { return won.count(item.id) == 0; });
}

void Dispatcher::State::hand_over(Lane& lane, Job job) {
  std::lock_guard lock(mu);
  for (const OutboxItem& item : job.items) in_flight.insert(item.id);
  lane.jobs.push_back(std::move(job));
  lane.cv.notify_one();
}

// On stop, jobs still queued were claimed but never sent: give the claims back so the next instance (or this one
// restarted) sends them at once rather than after the lease. The claim call moves items that are pending and due
// by our lease's end to now: ours (next_attempt is exactly that), never one another instance claimed since (its
// lease ends later) nor one already delivered.
void Dispatcher::State::release_queued() {
  const int64_t now = now_ns();
  for (auto& lane : lanes) {
    for (const Job& job : lane->jobs) {
      std::vector<int64_t> ids;
      for (const OutboxItem& item : job.items) ids.push_back(item.id);
      if (auto released = store.claim_outbox(ids, job.lease_until_ns, now); !released) {
        fmt::print(stderr, "vigil incidents: {} queued notifications keep their lease: {}\n", ids.size(),
                   released.error().message);
      }
    }
    lane->jobs.clear();
  }
}

void Dispatcher::State::run_lane(Lane& lane) {
  for (;;) {
    std::vector<OutboxItem> items;
    {
      std::unique_lock lock(mu);
      lane.cv.wait(lock, [&] { return stopping || !lane.jobs.empty(); });
      if (stopping) return;  // queued jobs are released by stop()
      items = std::move(lane.jobs.front().items);
      lane.jobs.pop_front();
    }
    deliver(lane, items);
    {
      std::lock_guard lock(mu);
      for (const OutboxItem& item : items) in_flight.erase(item.id);
    }
  }
}

void Dispatcher::State::deliver(Lane& lane, const std::vector<OutboxItem>& items) {
  std::vector<Notification> group;
  group.reserve(items.size());
  for (const OutboxItem& item : items) {
    auto incident = store.get_incident(item.incident_id);
    if (!incident || !*incident) {
      record_failure(lane, items,
                     incident ? fmt::format("incident {} not found", item.incident_id)
                              : "loading the incident: " + incident.error().message);
      return;
    }
    group.push_back({item, std::move(**incident), config.external_url});
  }
  auto sent = lane.type->deliver(*lane.config, group);
  if (!sent) {
    record_failure(lane, items, sent.error().message);
    return;
  }
  std::vector<int64_t> ids;
  for (const OutboxItem& item : items) ids.push_back(item.id);
  if (auto marked = store.outbox_delivered(ids, now_ns()); !marked) {
    // Sent but not marked: it goes out again later, which the receiver's dedup absorbs.
    fmt::print(stderr, "vigil incidents: marking {} notifications delivered failed: {}\n", ids.size(),
               marked.error().message);
  }
  std::lock_guard lock(mu);
  lane.counters.sent += static_cast<int64_t>(items.size());
}

void Dispatcher::State::record_failure(Lane& lane, const std::vector<OutboxItem>& items, const std::string& error) {
  const int64_t now = now_ns();
  int64_t retried = 0;
  int64_t gave_up = 0;
  for (const OutboxItem& item : items) {
    const bool give_up = item.attempts + 1 >= config.retry.max_attempts;
    (give_up ? gave_up : retried) += 1;
    if (auto r = store.outbox_retry(item.id, now + backoff_ns(item.attempts), error, give_up); !r) {
      fmt::print(stderr, "vigil incidents: recording a failed delivery failed: {}\n", r.error().message);
    }
  }
  fmt::print(stderr, "vigil incidents: notifier {}: {} notification(s) not delivered (attempt {}): {}{}\n",
             lane.config->name, items.size(), items.front().attempts + 1, error, gave_up > 0 ? "; giving up" : "");
  std::lock_guard lock(mu);
  lane.counters.failed += static_cast<int64_t>(items.size());
  lane.counters.retried += retried;
  lane.counters.gave_up += gave_up;
}

// initial * 2^attempts, capped at max, then scaled by a random factor in [0.5, 1] so receivers that come back
// are not hit by every sender at the same instant.
int64_t Dispatcher::State::backoff_ns(int attempts) {
  const int shift = std::clamp(attempts, 0, 40);
  const int64_t initial = std::max<int64_t>(config.retry.initial_ns, 1);
  const int64_t cap = std::max(config.retry.max_ns, initial);
  const int64_t delay = (cap >> shift) < initial ? cap : initial << shift;
  std::lock_guard lock(mu);
  return static_cast<int64_t>(static_cast<double>(delay) * std::uniform_real_distribution<double>(0.5, 1.0)(rng));
}

Dispatcher::Dispatcher(Store& store, const ServiceConfig& config) : state_(std::make_unique<State>(store, config)) {}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::start() {
  std::lock_guard lock(state_->mu);
  if (state_->started || state_->stopping) return;
  state_->started = true;
  for (auto& lane : state_->lanes) {
    if (lane->type != nullptr) lane->thread = std::thread([this, l = lane.get()] { state_->run_lane(*l); });
  }
  state_->loop = std::thread([this] { state_->run_loop(); });
}

void Dispatcher::request_stop() {
  std::lock_guard lock(state_->mu);
  state_->stopping = true;
  state_->cv.notify_all();
  for (auto& lane : state_->lanes) lane->cv.notify_all();
}

void Dispatcher::stop() {
  request_stop();
  if (state_->loop.joinable()) state_->loop.join();
  for (auto& lane : state_->lanes) {
    if (lane->thread.joinable()) lane->thread.join();
  }
  state_->release_queued();  // every thread has ended: the jobs are ours alone
}

void Dispatcher::wake() {
  std::lock_guard lock(state_->mu);
  state_->woken = true;
  state_->cv.notify_one();
}

std::vector<NotifierCounters> Dispatcher::counters() const {
  std::lock_guard lock(state_->mu);
  std::vector<NotifierCounters> out;
  for (const auto& lane : state_->lanes) out.push_back(lane->counters);
  return out;
}

}  // namespace vigil::incidents::notify
