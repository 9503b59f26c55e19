// Group commit for ingest: HTTP handlers submit() parsed batches; one writer thread takes everything queued, applies
// it with one ingest() call (one transaction, one fsync-free WAL commit), then wakes each submitter. Bounded: a
// batch that would exceed max_pending_events or max_pending_bytes is refused at once with an "overloaded" error
// (HTTP 429).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "incidents/ingest.hpp"

namespace vigil::incidents {

class IngestQueue {
 public:
  struct Options {
    size_t max_pending_events = 200000;  // queued plus being written
    // The same bound in bytes of event text (details may be 64 KiB each): memory stays bounded whatever the mix.
    size_t max_pending_bytes = size_t{256} << 20;
    size_t max_batch_events = 50000;  // per ingest() call (a single larger submit still goes alone)
    std::chrono::milliseconds auto_resolve_interval{10000};  // 0: never
    std::function<int64_t()> now_ns;                         // Unix ns; the system clock when empty
  };

  IngestQueue(Store& store, IngestPolicy policy, Options options);
  IngestQueue(Store& store, IngestPolicy policy) : IngestQueue(store, std::move(policy), Options{}) {}
  ~IngestQueue();  // stop()
  IngestQueue(const IngestQueue&) = delete;
  IngestQueue& operator=(const IngestQueue&) = delete;

  // Blocks until the batch is committed (durable) or failed. The summary is the whole group commit's, except
  // events, which is this batch's count. Errors: "overloaded: ..." when full (retry later), "ingest queue stopped",
  // or the store's error.
  Result<IngestSummary> submit(std::vector<Event> events);

  // Called on the writer thread after each commit that wrote outbox rows (the delivery worker wakes on it).
  void set_on_commit(std::function<void()> on_commit);

  // Writes what is queued, then stops the writer thread; later submits fail. Idempotent.
  void stop();

  [[nodiscard]] size_t pending_events() const;  // queued plus being written
  [[nodiscard]] uint64_t commits() const;       // group commits so far

 private:
  struct Item {
    std::vector<Event> events;
    size_t bytes = 0;
    std::promise<Result<IngestSummary>> done;
  };

  void run();
  void write(std::vector<Item>& items);
  void maybe_auto_resolve();
  [[nodiscard]] int64_t now() const;

  Store& store_;
  IngestPolicy policy_;
  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  size_t pending_ = 0;
  size_t pending_bytes_ = 0;
  uint64_t commits_ = 0;
  bool stopping_ = false;
  std::function<void()> on_commit_;
  std::chrono::steady_clock::time_point next_auto_resolve_;
  std::thread writer_;
};

}  // namespace vigil::incidents
