// The Police Thief game service across all shards: the GameWorld every
// shard's core shares, the table of per-shard GameShards that routes room
// messages between shards, and the factory the Engine's service factory
// calls on each shard to create its GameShard (the TCP handler).
//
// Threads: constructed and destroyed by the controlling thread (outlives
// the Engine's shards); make_handler() runs on each shard's thread; the
// rest may be called from any thread.
// Ownership: owns the GameWorld; the GameShards are owned by their shards'
// TcpServices and only registered here while they live.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "core/Shard.h"
#include "game/GameConfig.h"
#include "game/GameShard.h"
#include "game/GameStats.h"
#include "game/GameWorld.h"
#include "tcp/ConnectionHandler.h"

namespace ptnet::game {


class GameServer {
 public:
  GameServer(const GameConfig& cfg, size_t shards);
  ~GameServer();
  GameServer(const GameServer&) = delete;
  GameServer& operator=(const GameServer&) = delete;

  // The shard's game shell: the TcpService's handler (owner) and, when
  // reliable UDP is served, the RudpService's handler too (borrowed).
  std::unique_ptr<GameShard> make_handler(Shard& shard, uint32_t max_frame);

  GameWorld& world() { return world_; }
  const GameConfig& config() const { return world_.config(); }
  // The live GameShard of `shard`, or nullptr (not created yet, or gone).
  GameShard* shard_handler(uint32_t shard) const { return handlers_[shard].load(std::memory_order_acquire); }
  // Called by a GameShard as it is destroyed, on its shard's thread.
  void clear_handler(uint32_t shard) { handlers_[shard].store(nullptr, std::memory_order_release); }

  uint64_t peak_sessions() const { return world_.peak_sessions(); }
  GameStatsSnapshot stats() const { return world_.stats(); }

 private:
  GameWorld world_;
  std::unique_ptr<std::atomic<GameShard*>[]> handlers_;
};

}  // namespace ptnet::game
