// One chat/move user's connection: handshake state, the send double buffer
// (SendBuffer), the tail of a frame split across receive buffers, and the
// user's place in its room. Owned by the GameWorker thread that opened it;
// `out` points into that worker's slab, `partial` grows (rarely) to the
// largest split frame seen.
#pragma once

#include <cstdint>
#include <vector>

#include "SendBuffer.h"

namespace ptnet::load {

struct GameConnection {
  enum class State : uint8_t {
    kNew,
    kConnecting,    // TCP connect in flight
    kAwaitAck,      // Connect sent, waiting for ConnectionAck{user_id}
    kAwaitWelcome,  // acknowledged, waiting for the welcome SystemMessage
    kReady,         // in the room
    kDead
  };

  int fd = -1;
  State state = State::kNew;
  bool dirty = false;           // on the worker's flush list this pass
  bool connect_owed = false;    // Connect still to be queued
  bool heartbeat_owed = false;  // HeartBeat still to be queued
  uint32_t index = 0;           // global user index (user_id = user_base + index)
  uint32_t local = 0;           // index within the worker
  uint32_t user_id = 0;
  uint32_t room = 0;          // 0-based; the wire room_id is room + 1
  uint32_t partial_len = 0;    // bytes of a split frame held in `partial`
  uint32_t partial_need = 0;   // that frame's whole length (0: header incomplete)
  uint32_t next_send_seq = 0;  // seq of the user's next chat/move message
  uint32_t refused = 0;        // own messages refused but not yet skipped over by a later own copy
  uint64_t owed = 0;           // messages due but not yet encoded
  uint64_t deadline_ns = 0;    // handshake must finish by then
  uint64_t next_heartbeat_ns = 0;
  uint64_t last_progress_ns = 0;  // closed loop: last own copy back, or when one became outstanding
  SendBuffer out;
  uint64_t* sent_ns = nullptr;  // closed loop: send time of own seq s at [s % depth]
  std::vector<uint8_t> partial;
};

}  // namespace ptnet::load
