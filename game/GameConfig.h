// Settings of the Police Thief game service, shared read-only by all shards.
//
// Threads: read-only once the shards run. Ownership: the GameWorld keeps a copy.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptnet::game {

struct GameConfig {
  uint32_t max_rooms_per_user = 8;
  uint64_t idle_timeout_ns = 30'000'000'000;      // silent this long: closed, counted as a timeout
  uint64_t heartbeat_interval_ns = 10'000'000'000; // what clients are told to use; grades quality
  uint32_t max_nickname = 32;                      // bytes
  uint32_t max_chat = 4096;                        // bytes of chat text
  double chat_rate = 0;                            // chat messages/s per user; 0: unlimited
  double chat_burst = 20;                          // token-bucket depth when chat_rate > 0
  size_t max_users = 1 << 20;                      // user directory capacity
  size_t max_rooms = 1 << 16;                      // room directory capacity
};

}  // namespace ptnet::game
