// The Police Thief game service across all shards: the state every shard
// shares without locks (user and room directories, per-shard stats slots,
// the table of per-shard handlers used to route room broadcasts) and the
// factory the Engine calls on each shard to create its GameHandler.
//
// Threads: constructed and destroyed by the controlling thread (outlives
// the Engine's shards); make_handler() runs on each shard's thread; the
// rest may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "core/Shard.h"
#include "game/GameConfig.h"
#include "game/GameStats.h"
#include "game/RoomDirectory.h"
#include "game/UserDirectory.h"
#include "tcp/ConnectionHandler.h"

namespace ptnet::game {

class GameHandler;

class GameServer {
 public:
  GameServer(const GameConfig& cfg, size_t shards);
  ~GameServer();

  std::unique_ptr<tcp::ConnectionHandler> make_handler(Shard& shard, uint32_t max_frame);

  const GameConfig& config() const { return cfg_; }
  UserDirectory& users() { return users_; }
  RoomDirectory& rooms() { return rooms_; }
  GameStats& shard_stats(uint32_t shard) { return stats_[shard]; }
  GameHandler* handler(uint32_t shard) const { return handlers_[shard].load(std::memory_order_acquire); }
  void clear_handler(uint32_t shard) { handlers_[shard].store(nullptr, std::memory_order_release); }

  // Session counts across shards (connect/disconnect only, never per message).
  void session_started();
  void session_ended() { current_.fetch_sub(1, std::memory_order_relaxed); }
  uint64_t peak_sessions() const { return peak_.load(std::memory_order_relaxed); }

  GameStatsSnapshot stats() const;

 private:
  GameConfig cfg_;
  size_t shards_;
  UserDirectory users_;
  RoomDirectory rooms_;
  std::unique_ptr<GameStats[]> stats_;
  std::unique_ptr<std::atomic<GameHandler*>[]> handlers_;
  std::atomic<uint64_t> current_{0};
  std::atomic<uint64_t> peak_{0};
};

}  // namespace ptnet::game
