// One shard: a thread pinned to one CPU that owns an I/O backend (its ring),
// a timer wheel, counters and the services running on it. Nothing here is
// shared with other shards except the inbound mailboxes (SPSC queues the
// Engine owns) and the `sleeping_` flag other shards read to decide whether
// a wake-up is needed.
//
// Every mutator asserts it runs on the owning thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <pthread.h>
#include <vector>

#include "core/ShardCounters.h"
#include "core/ShardMessage.h"
#include "core/ShardService.h"
#include "core/TimerWheel.h"
#include "io/Backend.h"
#include "io/Completion.h"

namespace ptnet {

class Engine;

class Shard {
 public:
  using CompletionFn = void (*)(void* ctx, const io::Completion& c);

  Shard(Engine& engine, uint32_t id, int cpu);
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  uint32_t id() const { return id_; }
  int cpu() const { return cpu_; }
  Engine& engine() { return engine_; }
  size_t shard_count() const;

  // --- owning thread only ---
  io::Backend& backend() { return *backend_; }
  TimerWheel& timers() { return *timers_; }
  ShardCounters& counters() { return counters_; }
  const ShardCounters& counters() const { return counters_; }
  uint64_t now_ns() const { return now_ns_; }  // cached once per loop pass
  bool stopping() const { return phase_ != Phase::Running; }
  // The loop has ended: a mailbox message delivered now (by the Engine,
  // after every shard was joined) must only release what it owns.
  bool done() const { return phase_ == Phase::Done; }

  void assert_owner() const { PTNET_ASSERT(pthread_equal(pthread_self(), thread_) != 0); }
  bool is_owner() const { return pthread_equal(pthread_self(), thread_) != 0; }

  // Runs fn(ctx) once per loop pass after every service's before_wait(),
  // right before the shard submits and sleeps (e.g. to post what a pass
  // batched up for other shards, whoever queued it).
  using PassHook = void (*)(void* ctx);
  void on_before_sleep(PassHook fn, void* ctx);
  void remove_before_sleep(void* ctx);

  // Routes completions whose user_data op is `op` to fn(ctx, completion).
  void on_completion(uint8_t op, CompletionFn fn, void* ctx);
  void add_service(std::unique_ptr<ShardService> service);

  // Sends work to shard `target` (may be this shard). Returns false, and
  // counts MailboxFull, when the queue towards `target` is full.
  bool post(uint32_t target, const ShardMessage& msg);

  // --- any thread ---
  void request_stop();
  // Wakes the shard out of its wait (its services then run before_wait()).
  void notify() {
    if (backend_) backend_->notify();
  }

 private:
  friend class Engine;
  enum class Phase : uint8_t { Running, Draining, Closing, Done };

  // Runs on the shard's thread: setup, loop, teardown. Returns the setup
  // result through `ready`.
  void run();
  // Engine::wait(), after the join: the calling thread becomes the owner so
  // leftover mailbox messages can be delivered (the shard is done()).
  void adopt_for_teardown() {
    thread_ = pthread_self();
    phase_ = Phase::Done;
  }
  int setup();
  void loop();
  void dispatch(const io::Completion& c);
  size_t drain_mailboxes();
  bool mailboxes_empty() const;
  void advance_stop_phase();

  struct Route {
    CompletionFn fn = nullptr;
    void* ctx = nullptr;
  };

  Engine& engine_;
  const uint32_t id_;
  const int cpu_;
  pthread_t thread_{};
  std::unique_ptr<io::Backend> backend_;
  std::unique_ptr<TimerWheel> timers_;
  std::vector<std::unique_ptr<ShardService>> services_;
  Route routes_[256];
  struct Hook {
    PassHook fn;
    void* ctx;
  };
  std::vector<Hook> before_sleep_;
  ShardCounters counters_;
  uint64_t now_ns_ = 0;
  Phase phase_ = Phase::Running;
  uint64_t phase_deadline_ns_ = 0;

  alignas(64) std::atomic<bool> sleeping_{false};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace ptnet
