#include "game/GameServer.h"

#include "base/Assert.h"
#include "core/Engine.h"
#include "game/GameHandler.h"

namespace ptnet::game {

static_assert(RoomDirectory::kMaxShards >= Engine::kMaxShards, "a room's shard mask must cover every shard");

GameServer::GameServer(const GameConfig& cfg, size_t shards)
    : cfg_(cfg),
      shards_(shards),
      users_(cfg.max_users),
      rooms_(cfg.max_rooms),
      stats_(new GameStats[shards]),
      handlers_(new std::atomic<GameHandler*>[shards]) {
  PTNET_ASSERT(shards <= RoomDirectory::kMaxShards);
  for (size_t i = 0; i < shards; ++i) handlers_[i].store(nullptr);
}

GameServer::~GameServer() = default;

std::unique_ptr<tcp::ConnectionHandler> GameServer::make_handler(Shard& shard, uint32_t max_frame) {
  PTNET_ASSERT(shard.id() < shards_);
  auto h = std::make_unique<GameHandler>(*this, shard, max_frame);
  handlers_[shard.id()].store(h.get(), std::memory_order_release);
  return h;
}

void GameServer::session_started() {
  const uint64_t now = current_.fetch_add(1, std::memory_order_relaxed) + 1;
  uint64_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

GameStatsSnapshot GameServer::stats() const {
  GameStatsSnapshot s;
  for (size_t i = 0; i < shards_; ++i) stats_[i].add_to(s);
  return s;
}

}  // namespace ptnet::game
