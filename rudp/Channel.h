// The two delivery channels of a connection.
//
//   Reliable    every message delivered exactly once, in send order
//               (fragmented and reassembled when larger than one datagram).
//   Unreliable  sequenced, newest wins: a message is delivered only if it is
//               newer than the last one delivered on this channel; never
//               retransmitted, never fragmented (PlayerMove).
// Threads: a value type, any thread.
#pragma once

#include <cstdint>

namespace ptnet::rudp {

enum class Channel : uint8_t { Reliable = 0, Unreliable = 1 };

}  // namespace ptnet::rudp
