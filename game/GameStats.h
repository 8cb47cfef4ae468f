// Game counters of one shard: written only by that shard (relaxed load +
// store, no locked instruction), read by anyone and summed on demand.
#pragma once

#include <atomic>
#include <cstdint>

#include "game/Quality.h"

namespace ptnet::game {

struct GameStatsSnapshot {
  uint64_t sessions = 0;        // sessions that sent Connect and are still here
  uint64_t lifetime = 0;        // sessions ever established
  uint64_t timeouts = 0;        // closed for silence
  uint64_t chats_in = 0;
  uint64_t moves_in = 0;
  uint64_t deliveries = 0;      // frames queued to room members by fan-out
  uint64_t errors_sent = 0;
  uint64_t chat_refused = 0;
  uint64_t fanout_dropped = 0;  // a shard's copy lost to a full mailbox
  uint64_t quality[size_t(Quality::kCount)] = {};
  uint64_t frames_by_type[0x42] = {};
};

class GameStats {
 public:
  enum Field : uint8_t { Sessions, Lifetime, Timeouts, ChatsIn, MovesIn, Deliveries, ErrorsSent,
                         ChatRefused, FanoutDropped, kFields };

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
