// The engine: N shards, one per chosen CPU, and the mailbox matrix between
// them (a bounded SPSC queue per ordered shard pair, owned here; shard i
// produces into row i and consumes column i).
//
// Lifecycle (from one controlling thread): start() spawns the shards one by
// one and returns once each has set up its backend and services (or the
// first failure); request_stop() may come from any thread; wait() joins.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/Shard.h"
#include "core/ShardCounters.h"
#include "core/ShardMessage.h"
#include "core/SpscQueue.h"
#include "io/Backend.h"
#include "io/BackendConfig.h"

namespace ptnet {

struct EngineConfig {
  // Creates a shard's backend on the shard's thread. Empty: io::make_backend
  // (the production path). Tests plug in a scripted fake here.
  using BackendFactory = std::function<std::unique_ptr<io::Backend>(const io::BackendConfig&)>;

  std::vector<int> cpus;            // one shard per CPU; empty: the affinity mask
  size_t max_shards = 0;            // 0: no cap
  io::BackendConfig io;
  size_t mailbox_capacity = 8192;   // messages per ordered shard pair
  uint64_t shutdown_grace_ns = 5'000'000'000;  // flush budget on stop
  uint64_t timer_tick_ns = 1'000'000;
  BackendFactory backend_factory;
};

class Engine {
 public:
  // The mailbox matrix grows with shards squared, and per-shard sets (the
  // game's room masks) are sized for this many.
  static constexpr size_t kMaxShards = 128;

  // Called on each shard's thread after its backend exists: add services.
  using ServiceFactory = std::function<void(Shard&)>;

  explicit Engine(EngineConfig cfg);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // The CPUs start() will run shards on: cfg.cpus, or the affinity mask
  // capped at kMaxShards (with a warning); then cfg.max_shards applies.
  // Returns -EINVAL (and logs why) when cfg.cpus names more than kMaxShards.
  static int plan_cpus(const EngineConfig& cfg, std::vector<int>* out);

  // Returns 0, or the first shard's negated errno (then everything started
  // so far is stopped and joined).
  int start(ServiceFactory factory);
  void request_stop();
  void wait();
  bool running() const { return running_.load(); }

  size_t shard_count() const { return shards_.size(); }
  Shard& shard(size_t i) { return *shards_[i]; }
  const EngineConfig& config() const { return cfg_; }
  // Which backend the shards run on (after start), for logs and tests.
  io::BackendKind backend_kind() const { return backend_kind_; }

  CounterSnapshot counters() const;

 private:
  friend class Shard;
  using Mailbox = SpscQueue<ShardMessage>;
  Mailbox& mailbox(uint32_t from, uint32_t to) { return *mailboxes_[size_t(from) * shards_.size() + to]; }

  void drain_after_stop();
  // Called by each shard thread when setup finished (err 0) or failed.
  void shard_ready(uint32_t id, int err, io::BackendKind kind, const std::string& description,
                   const std::string& fallback_reason);

  EngineConfig cfg_;
  ServiceFactory factory_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<std::unique_ptr<Mailbox>> mailboxes_;
  std::vector<std::thread> threads_;
  std::atomic<bool> running_{false};
  io::BackendKind backend_kind_ = io::BackendKind::Auto;

  // start() handshake
  std::atomic<int> ready_state_{0};  // 0 pending, 1 ok, 2 failed
  std::atomic<int> ready_err_{0};
};

}  // namespace ptnet
