// One echo-mode connection's state: send double buffer (one buffer in flight,
// one collecting the frames queued in this loop pass), the tail of a frame
// split across receive buffers, and the sequence bookkeeping that proves
// per-connection order. Owned by the EchoWorker thread that opened it; its
// buffers point into that worker's slab.
#pragma once

#include <cstdint>

namespace ptnet::load {

struct EchoConnection {
  enum class State : uint8_t { kNew, kConnecting, kLive, kDead };

  int fd = -1;
  State state = State::kNew;
  bool recv_armed = false;
  bool send_inflight = false;
  bool dirty = false;          // on the worker's flush list this pass
  uint8_t pending_idx = 0;     // buffer collecting new frames; the other may be in flight
  uint32_t global_index = 0;   // connection index carried in every frame
  uint32_t pending_len = 0;    // bytes queued in buf[pending_idx]
  uint32_t pending_frames = 0;
  uint32_t inflight_off = 0;   // bytes of the in-flight buffer the kernel has taken
  uint32_t inflight_len = 0;
  uint32_t partial_len = 0;    // bytes of a split frame held in `partial`
  uint64_t owed = 0;           // frames due to be written (closed loop: echo credits)
  uint64_t next_send_seq = 0;
  uint64_t next_recv_seq = 0;
  uint64_t last_progress_ns = 0;  // last echo, or when frames became outstanding
  uint8_t* buf[2] = {nullptr, nullptr};
  uint8_t* partial = nullptr;
  uint64_t* sent_ns = nullptr;  // closed loop: send time of seq at [seq % depth]
};

}  // namespace ptnet::load
