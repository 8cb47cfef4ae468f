// A game session: the Police Thief state of one TCP connection. Lives on
// the connection's shard, allocated from the GameHandler's slab, pointed to
// by Connection::user. Touched only by that shard's thread.
#pragma once

#include <cstdint>
#include <vector>

#include "core/Timer.h"
#include "tcp/Connection.h"

namespace ptnet::game {

class GameHandler;

struct Session {
  enum class State : uint8_t { AwaitConnect, Active };

  Session(GameHandler* h, tcp::Connection* c, uint64_t now) : owner(h), conn(c), opened_ns(now), last_rx_ns(now) {}

  GameHandler* owner;
  tcp::Connection* conn;
  State state = State::AwaitConnect;
  uint32_t user_id = 0;
  uint64_t location = 0;         // in the UserDirectory while Active
  uint64_t opened_ns;
  uint64_t last_rx_ns;
  uint64_t last_heartbeat_ns = 0;
  double chat_tokens = 0;
  uint64_t chat_tokens_ns = 0;
  uint32_t index = 0;            // in GameHandler::sessions_
  uint8_t nick_len = 0;
  char nick[32];
  std::vector<uint32_t> rooms;   // rooms joined (at most --max-rooms-per-user)
  Timer idle;
};

}  // namespace ptnet::game
