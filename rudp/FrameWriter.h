// Appends message frames (layout in rudp/Wire.h) to a datagram being built,
// using NEXT (no sequence field) when a unit's number follows the previous
// frame of its sequence space in this datagram: coalesced small messages cost
// 3 bytes of framing each.
//
// Threads: one owner. Writes only between `p` and `end`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "rudp/Unit.h"
#include "rudp/Wire.h"

namespace ptnet::rudp {

class FrameWriter {
 public:
  FrameWriter(uint8_t* p, uint8_t* end) : p_(p), end_(end) {}

  // Bytes the frame for u would take here.
  size_t size_of(const Unit& u) const {
    const bool unreliable = u.kind == wire::kKindUnreliable;
    return 3 + (follows(u, unreliable) ? 0 : 4) + (u.kind == wire::kKindFragment ? 4 : 0) + u.len;
  }
  bool fits(const Unit& u) const { return size_of(u) <= size_t(end_ - p_); }

  // Writes the frame for u; fits(u) must hold.
  void put(const Unit& u) {
    const bool unreliable = u.kind == wire::kKindUnreliable;
    const bool next = follows(u, unreliable);
    uint8_t* q = p_;
    *q++ = uint8_t(u.kind | (next ? wire::kKindNext : 0));
    wire::store16(q, u.len);
    q += 2;
    if (!next) {
      wire::store32(q, u.seq);
      q += 4;
    }
    if (u.kind == wire::kKindFragment) {
      wire::store16(q, u.frag_index);
      wire::store16(q + 2, u.frag_count);
      q += 4;
    }
    std::memcpy(q, u.data(), u.len);
    p_ = q + u.len;
    (unreliable ? last_unreliable_ : last_reliable_) = u.seq;
    (unreliable ? has_unreliable_ : has_reliable_) = true;
    ++frames_;
  }

  uint8_t* pos() const { return p_; }
  unsigned frames() const { return frames_; }

 private:
  bool follows(const Unit& u, bool unreliable) const {
    return unreliable ? has_unreliable_ && u.seq == last_unreliable_ + 1
                      : has_reliable_ && u.seq == last_reliable_ + 1;
  }

  uint8_t* p_;
  uint8_t* end_;
  uint32_t last_reliable_ = 0;
  uint32_t last_unreliable_ = 0;
  bool has_reliable_ = false;
  bool has_unreliable_ = false;
  unsigned frames_ = 0;
};

}  // namespace ptnet::rudp
