#include "game/GameWorld.h"

#include "base/Assert.h"

namespace ptnet::game {

GameWorld::GameWorld(const GameConfig& cfg, size_t shards)
    : cfg_(cfg), shards_(shards), users_(cfg.max_users), rooms_(cfg.max_rooms), stats_(new GameStats[shards]) {
  PTNET_ASSERT(shards <= RoomDirectory::kMaxShards && shards <= UserDirectory::kMaxShards);
}

GameWorld::~GameWorld() = default;

void GameWorld::session_started() {
  const uint64_t now = current_.fetch_add(1, std::memory_order_relaxed) + 1;
  uint64_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

GameStatsSnapshot GameWorld::stats() const {
  GameStatsSnapshot s;
  for (size_t i = 0; i < shards_; ++i) stats_[i].add_to(s);
  return s;
}

}  // namespace ptnet::game
