// One idle-mode connection: connect, one echo frame to prove the server has
// accepted and armed it, then nothing. Owned by the IdleWorker thread that
// opened it; its buffers point into that worker's slab.
#pragma once

#include <cstdint>

namespace ptnet::load {

struct IdleConnection {
  enum class State : uint8_t { kNew, kConnecting, kHandshake, kEstablished, kDead };

  int fd = -1;
  State state = State::kNew;
  uint32_t global_index = 0;
  uint32_t got = 0;              // bytes of the echo received so far
  uint64_t deadline_ns = 0;      // the echo must be back by then
  uint8_t* frame = nullptr;      // the frame sent (kept until the send completes)
  uint8_t* reply = nullptr;      // the echo as it arrives
};

}  // namespace ptnet::load
