#include "game/GameServer.h"

#include "base/Assert.h"
#include "core/Engine.h"
#include "game/GameShard.h"

namespace ptnet::game {

static_assert(RoomDirectory::kMaxShards >= Engine::kMaxShards, "a room's shard mask must cover every shard");
static_assert(UserDirectory::kMaxShards >= Engine::kMaxShards, "a user's location must name every shard");

GameServer::GameServer(const GameConfig& cfg, size_t shards)
    : world_(cfg, shards), handlers_(new std::atomic<GameShard*>[shards]) {
  for (size_t i = 0; i < shards; ++i) handlers_[i].store(nullptr);
}

GameServer::~GameServer() = default;

std::unique_ptr<GameShard> GameServer::make_handler(Shard& shard, uint32_t max_frame) {
  PTNET_ASSERT(shard.id() < world_.shards());
  auto h = std::make_unique<GameShard>(*this, shard, max_frame);
  handlers_[shard.id()].store(h.get(), std::memory_order_release);
  return h;
}

}  // namespace ptnet::game
