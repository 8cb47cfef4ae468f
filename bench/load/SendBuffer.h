// One connection's send double buffer: one buffer in flight (a connection has
// at most one io::Backend send at a time), the other collecting the messages
// queued in this loop pass. Owned by the Link of the worker that opened the
// connection; both buffers point into that Link's slab.
#pragma once

#include <cstdint>

namespace ptnet::load {

struct SendBuffer {
  uint8_t* buf[2] = {nullptr, nullptr};
  uint32_t pending_len = 0;     // bytes queued in buf[pending_idx]
  uint32_t inflight_off = 0;    // bytes of the in-flight buffer the kernel has taken
  uint32_t inflight_len = 0;
  uint8_t pending_idx = 0;      // buffer collecting new messages; the other may be in flight
  bool inflight = false;

  uint8_t* tail() { return buf[pending_idx] + pending_len; }
  // What the kernel has not taken yet of the buffer in flight.
  const uint8_t* inflight_rest() const { return buf[pending_idx ^ 1] + inflight_off; }
  uint32_t inflight_left() const { return inflight_len - inflight_off; }

  // Makes the pending bytes the buffer in flight and starts collecting in the
  // other one; returns the bytes to send (inflight_len of them).
  const uint8_t* swap() {
    inflight = true;
    inflight_off = 0;
    inflight_len = pending_len;
    const uint8_t* b = buf[pending_idx];
    pending_idx ^= 1;
    pending_len = 0;
    return b;
  }
};

}  // namespace ptnet::load
