// The ack block as the sender of the acked packets reads it (layout in
// rudp/Wire.h): the largest packet number from the header's `ack` field, the
// ack delay, the peer's cumulative reliable-unit point, and up to
// 1 + kMaxAckRanges ranges of received packet numbers, highest first.
//
// Threads: any. Plain data and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rudp/Wire.h"

namespace ptnet::rudp {

struct AckBlock {
  struct Range {
    uint32_t lo, hi;
  };
  uint64_t delay_ns;
  uint32_t rcv_next;
  uint32_t count;  // ranges used, 1..1 + kMaxAckRanges
  Range ranges[1 + wire::kMaxAckRanges];
};

// Parses an ack block at p (n bytes available) for largest packet `largest`.
// Returns the bytes it occupies, or 0 when malformed (short, too many ranges).
size_t parse_ack_block(const uint8_t* p, size_t n, uint32_t largest, AckBlock* out);

}  // namespace ptnet::rudp
