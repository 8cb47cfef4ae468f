// Iterates the message frames of a datagram (layout in rudp/Wire.h),
// validating each: known kind, reserved bits zero, NEXT only after a frame of
// the same sequence space, the length inside the datagram, fragment index <
// count, 2 <= count <= max_fragments. Validation and iteration are the same
// walk, so the endpoint validates a whole datagram (one pass) before acting
// on any of it (a second pass).
//
// Threads: any. Reads only the bytes it is given; holds no state beyond them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rudp/Wire.h"

namespace ptnet::rudp {

struct Frame {
  const uint8_t* data;
  uint32_t seq;
  uint16_t len;
  uint16_t frag_index;
  uint16_t frag_count;  // 0 for whole and unreliable messages
  uint8_t kind;         // wire::kKindReliable / kKindFragment / kKindUnreliable
};

class FrameReader {
 public:
  FrameReader(const uint8_t* p, size_t n, uint32_t max_fragments)
      : p_(p), end_(p + n), max_fragments_(max_fragments) {}

  // 1: *f is the next frame; 0: no more frames; -1: malformed.
  int next(Frame* f);

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  uint32_t max_fragments_;
  uint32_t last_reliable_ = 0;
  uint32_t last_unreliable_ = 0;
  bool has_reliable_ = false;
  bool has_unreliable_ = false;
};

}  // namespace ptnet::rudp
