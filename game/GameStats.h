// Game counters of one shard: written only by that shard (relaxed load +
// store, no locked instruction), read by anyone and summed on demand into a
// GameStatsSnapshot.
//
// Threads: add/frame/set_quality on the owning shard's thread only; add_to
// from any thread.
// Ownership: one per shard, owned by the GameWorld.
#pragma once

#include <atomic>
#include <cstdint>

#include "game/GameStatsSnapshot.h"
#include "game/Quality.h"

namespace ptnet::game {

class GameStats {
 public:
  enum Field : uint8_t { Sessions, Lifetime, Timeouts, ChatsIn, MovesIn, Deliveries, ErrorsSent,
                         ChatRefused, FanoutDropped, SlowReaders, kFields };

  void add(Field f, int64_t n = 1) { bump(v_[f], n); }
  void frame(uint8_t type) {
    if (type < 0x42) bump(by_type_[type], 1);
  }
  void set_quality(const uint64_t q[size_t(Quality::kCount)]) {
    for (size_t i = 0; i < size_t(Quality::kCount); ++i) quality_[i].store(q[i], std::memory_order_relaxed);
  }
  void add_to(GameStatsSnapshot& s) const {
    s.sessions += v_[Sessions].load(std::memory_order_relaxed);
    s.lifetime += v_[Lifetime].load(std::memory_order_relaxed);
    s.timeouts += v_[Timeouts].load(std::memory_order_relaxed);
    s.chats_in += v_[ChatsIn].load(std::memory_order_relaxed);
    s.moves_in += v_[MovesIn].load(std::memory_order_relaxed);
    s.deliveries += v_[Deliveries].load(std::memory_order_relaxed);
    s.errors_sent += v_[ErrorsSent].load(std::memory_order_relaxed);
    s.chat_refused += v_[ChatRefused].load(std::memory_order_relaxed);
    s.fanout_dropped += v_[FanoutDropped].load(std::memory_order_relaxed);
    s.slow_readers += v_[SlowReaders].load(std::memory_order_relaxed);
    for (size_t i = 0; i < size_t(Quality::kCount); ++i) s.quality[i] += quality_[i].load(std::memory_order_relaxed);
    for (size_t i = 0; i < 0x42; ++i) s.frames_by_type[i] += by_type_[i].load(std::memory_order_relaxed);
  }

 private:
  static void bump(std::atomic<uint64_t>& a, int64_t n) {
    a.store(a.load(std::memory_order_relaxed) + uint64_t(n), std::memory_order_relaxed);
  }
  alignas(64) std::atomic<uint64_t> v_[kFields] = {};
  std::atomic<uint64_t> quality_[size_t(Quality::kCount)] = {};
  std::atomic<uint64_t> by_type_[0x42] = {};
};

}  // namespace ptnet::game
