// One echo-mode connection's state: the send double buffer (SendBuffer), the
// tail of a frame split across receive buffers, and the sequence bookkeeping
// that proves per-connection order. Owned by the EchoWorker thread that
// opened it; its buffers point into that worker's slab.
#pragma once

#include <cstdint>

#include "SendBuffer.h"

namespace ptnet::load {

struct EchoConnection {
  enum class State : uint8_t { kNew, kConnecting, kLive, kDead };

  int fd = -1;
  State state = State::kNew;
  bool dirty = false;          // on the worker's flush list this pass
  uint32_t global_index = 0;   // connection index carried in every frame
  uint32_t partial_len = 0;    // bytes of a split frame held in `partial`
  uint64_t owed = 0;           // frames due to be written (closed loop: echo credits)
  uint64_t next_send_seq = 0;
  uint64_t next_recv_seq = 0;
  uint64_t last_progress_ns = 0;  // last echo, or when frames became outstanding
  SendBuffer out;
  uint8_t* partial = nullptr;
  uint64_t* sent_ns = nullptr;  // closed loop: send time of seq at [seq % depth]
};

}  // namespace ptnet::load
