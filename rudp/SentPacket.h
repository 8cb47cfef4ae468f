// The sender's record of one packet number it used, kept until the packet
// is acked or declared lost. Plain data, 24 bytes.
// Threads: one owner thread (the peer's endpoint).
#pragma once

#include <cstdint>

#include "rudp/Unit.h"

namespace ptnet::rudp {

struct SentPacket {
  uint64_t sent_ns;
  Unit* units;          // reliable units it carried (linked by Unit::next)
  uint16_t bytes;       // datagram size, as counted in bytes_in_flight
  uint8_t in_flight;    // 1 until acked or declared lost
  uint8_t pad_[5];
};

static_assert(sizeof(SentPacket) == 24, "SentPacket layout");

}  // namespace ptnet::rudp
