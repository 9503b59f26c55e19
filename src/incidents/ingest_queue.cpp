// The ingest group-commit queue (see ingest_queue.hpp).
#include "incidents/ingest_queue.hpp"

#include <fmt/format.h>

#include <iostream>

namespace vigil::incidents {
namespace {

// What a batch holds in memory, near enough: its strings, labels and details.
size_t batch_bytes(const std::vector<Event>& events) {
  size_t bytes = 0;
  for (const Event& e : events) {
    bytes += sizeof(Event) + e.source.size() + e.rule.size() + e.subject.size() + e.title.size() +
             e.details_json.size() + e.fingerprint.size();
    for (const auto& [k, v] : e.labels) bytes += k.size() + v.size() + sizeof(k) + sizeof(v);
  }
  return bytes;
}

}  // namespace

IngestQueue::IngestQueue(Store& store, IngestPolicy policy, Options options)
    : store_(store), policy_(std::move(policy)), options_(std::move(options)) {
  next_auto_resolve_ = std::chrono::steady_clock::now() + options_.auto_resolve_interval;
  writer_ = std::thread([this] { run(); });
}

IngestQueue::~IngestQueue() {
  stop();
}

int64_t IngestQueue::now() const {
  if (options_.now_ns) return options_.now_ns();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<IngestSummary> IngestQueue::submit(std::vector<Event> events) {
  if (events.empty()) return IngestSummary{};
  std::future<Result<IngestSummary>> done;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return fail("ingest queue stopped");
    // An empty queue takes any batch, so one larger than the limit is not refused forever.
    const size_t bytes = batch_bytes(events);
    if (pending_ > 0 && pending_ + events.size() > options_.max_pending_events) {
      return fail(fmt::format("overloaded: {} events waiting to be written (limit {}); retry later", pending_,
                              options_.max_pending_events));
    }
    if (pending_ > 0 && pending_bytes_ + bytes > options_.max_pending_bytes) {
      return fail(fmt::format("overloaded: {} MiB of events waiting to be written (limit {} MiB); retry later",
                              pending_bytes_ >> 20, options_.max_pending_bytes >> 20));
    }
    pending_ += events.size();
    pending_bytes_ += bytes;
    queue_.push_back(Item{std::move(events), bytes, {}});
    done = queue_.back().done.get_future();
  }
  wake_.notify_one();
  return done.get();
}

void IngestQueue::set_on_commit(std::function<void()> on_commit) {
  std::lock_guard lock(mutex_);
  on_commit_ = std::move(on_commit);
}

void IngestQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

size_t IngestQueue::pending_events() const {
  std::lock_guard lock(mutex_);
  return pending_;
}

uint64_t IngestQueue::commits() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

void IngestQueue::run() {
  const bool auto_resolving = options_.auto_resolve_interval.count() > 0;
  for (;;) {
    std::vector<Item> items;
    {
      std::unique_lock lock(mutex_);
      const auto ready = [&] { return stopping_ || !queue_.empty(); };
      if (auto_resolving) {
        wake_.wait_until(lock, next_auto_resolve_, ready);
      } else {
        wake_.wait(lock, ready);
      }
      if (queue_.empty() && stopping_) return;
      size_t taken = 0;
      while (!queue_.empty() && (items.empty() || taken + queue_.front().events.size() <= options_.max_batch_events)) {
        taken += queue_.front().events.size();
        items.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (!items.empty()) write(items);
    if (auto_resolving && std::chrono::steady_clock::now() >= next_auto_resolve_) maybe_auto_resolve();
  }
}

void IngestQueue::write(std::vector<Item>& items) {
  std::vector<Event> all;
  std::vector<size_t> sizes;
  size_t total = 0;
  size_t total_bytes = 0;
  for (const Item& item : items) {
    sizes.push_back(item.events.size());
    total += item.events.size();
    total_bytes += item.bytes;
  }
  all.reserve(total);
  for (Item& item : items) {
    all.insert(all.end(), std::make_move_iterator(item.events.begin()), std::make_move_iterator(item.events.end()));
  }
  const auto result = ingest(store_, all, policy_, now());
  std::function<void()> on_commit;
  {
    std::lock_guard lock(mutex_);
    pending_ -= total;
    pending_bytes_ -= total_bytes;
    if (result) ++commits_;
    if (result && result->outbox > 0) on_commit = on_commit_;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (!result) {
      items[i].done.set_value(tl::unexpected(result.error()));
      continue;
    }
    IngestSummary own = *result;
    own.events = sizes[i];
    items[i].done.set_value(own);
  }
  if (on_commit) on_commit();
}

void IngestQueue::maybe_auto_resolve() {
  next_auto_resolve_ = std::chrono::steady_clock::now() + options_.auto_resolve_interval;
  auto resolved = auto_resolve(store_, policy_, now());
  if (!resolved) {
    // Nothing to hand the error to: the next interval tries again.
    std::cerr << "vigil incidents: auto-resolve: " << resolved.error().message << "\n";
    return;
  }
  if (*resolved == 0) return;
  std::function<void()> on_commit;
  {
    std::lock_guard lock(mutex_);
    on_commit = on_commit_;
  }
  if (on_commit) on_commit();
}

}  // namespace vigil::incidents
