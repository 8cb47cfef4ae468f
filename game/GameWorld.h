// What every shard's game core shares: the settings, the lock-free user and
// room directories, one stats slot per shard and the process-wide session
// gauge. Plain in-memory objects, no I/O: a unit test builds one and runs
// several GameCores on it as several shards would.
//
// Threads: constructed and destroyed by the controlling thread (it outlives
// every GameCore using it); everything else may be called from any thread
// (directories are lock-free, a stats slot is written by its shard only).
// Ownership: owns the directories and the stats slots.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "game/GameConfig.h"
#include "game/GameStats.h"
#include "game/RoomDirectory.h"
#include "game/UserDirectory.h"

namespace ptnet::game {

class GameWorld {
 public:
  GameWorld(const GameConfig& cfg, size_t shards);
  ~GameWorld();
  GameWorld(const GameWorld&) = delete;
  GameWorld& operator=(const GameWorld&) = delete;

  const GameConfig& config() const { return cfg_; }
  size_t shards() const { return shards_; }
  UserDirectory& users() { return users_; }
  RoomDirectory& rooms() { return rooms_; }
  GameStats& shard_stats(uint32_t shard) { return stats_[shard]; }

  // Session counts across shards (connect/disconnect only, never per message).
  void session_started();
  void session_ended() { current_.fetch_sub(1, std::memory_order_relaxed); }
  uint64_t current_sessions() const { return current_.load(std::memory_order_relaxed); }
  uint64_t peak_sessions() const { return peak_.load(std::memory_order_relaxed); }

  GameStatsSnapshot stats() const;

 private:
  GameConfig cfg_;
  size_t shards_;
  UserDirectory users_;
  RoomDirectory rooms_;
  std::unique_ptr<GameStats[]> stats_;
  std::atomic<uint64_t> current_{0};
  std::atomic<uint64_t> peak_{0};
};

}  // namespace ptnet::game
