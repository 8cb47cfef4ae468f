// Cross-shard ping-pong through the mailboxes: shard 0 posts to shard 1,
// which posts back, `rounds` times. Both shards sleep between hops, so every
// hop needs a wake-up: a lost wake-up shows as a round trip that never
// completes. Used by MailboxWakeTest and the wake-up micro-benchmark.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "base/Clock.h"
#include "core/CpuSet.h"
#include "core/Engine.h"

namespace ptnet::test {

struct PingPongState {
  std::atomic<bool> go{false};
  std::atomic<bool> done{false};
  std::atomic<uint64_t> completed{0};
  std::atomic<uint64_t> out_of_order{0};
  uint64_t rounds = 0;
};

class PingPongService final : public ShardService {
 public:
  explicit PingPongService(PingPongState* st) : st_(st) {}
  int start(Shard&) override { return 0; }
  void before_wait(Shard& shard) override {
    if (shard.id() == 0 && st_->go.exchange(false)) shard.post(1, ShardMessage{&ping, st_, 0, 0});
  }

 private:
  // On shard 1: a = round number; b = what shard 1 expects next.
  static void ping(Shard& s, const ShardMessage& m) {
    auto* st = static_cast<PingPongState*>(m.ptr);
    s.post(0, ShardMessage{&pong, st, m.a, 0});
  }
  // On shard 0.
  static void pong(Shard& s, const ShardMessage& m) {
    auto* st = static_cast<PingPongState*>(m.ptr);
    if (m.a != st->completed.load(std::memory_order_relaxed)) st->out_of_order.fetch_add(1);
    st->completed.store(m.a + 1, std::memory_order_relaxed);
    if (m.a + 1 < st->rounds) s.post(1, ShardMessage{&ping, st, m.a + 1, 0});
    else st->done.store(true);
  }
  PingPongState* st_;
};

// Runs `rounds` round trips between two shards on `cpus` (two entries);
// returns the nanoseconds they took, or 0 if they did not finish in time.
inline uint64_t run_ping_pong(io::BackendKind kind, io::WakeMode wake, std::vector<int> cpus,
                              uint64_t rounds, uint64_t timeout_ns, PingPongState* st) {
  EngineConfig cfg;
  cfg.cpus = std::move(cpus);
  cfg.io.kind = kind;
  cfg.io.wake = wake;
  cfg.io.recv_buffers = 16;
  st->rounds = rounds;
  Engine engine(cfg);
  if (engine.start([st](Shard& s) { s.add_service(std::make_unique<PingPongService>(st)); }) != 0) return 0;
  const uint64_t t0 = monotonic_ns();
  st->go.store(true);
  engine.shard(0).notify();
  while (!st->done.load()) {
    if (monotonic_ns() - t0 > timeout_ns) break;
    struct timespec ts{0, 100'000};
    nanosleep(&ts, nullptr);
  }
  const uint64_t took = st->done.load() ? monotonic_ns() - t0 : 0;
  engine.request_stop();
  engine.wait();
  return took;
}

}  // namespace ptnet::test
