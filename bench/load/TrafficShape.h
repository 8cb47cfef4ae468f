// What a traffic pattern tells its connection kind at setup, so the Link can
// size its buffers and frame the pattern's messages. Plain value type.
#pragma once

#include <cstdint>

#include "bench/load/ErrorKind.h"
#include "tcp/ByteOrder.h"

namespace ptnet::load {

struct TrafficShape {
  tcp::ByteOrder order = tcp::ByteOrder::Little;  // of each message's length header
  uint32_t max_message = 0;     // largest body accepted from the server; a longer one breaks the stream
  uint32_t send_buffer = 0;     // bytes per send buffer (a connection has two: one in flight)
  ErrorKind bad_frame = ErrorKind::kCorrupt;  // what a length the framer rejects (0, > max) counts as
  // Read the clock for each receive completion rather than once per pass:
  // other workers' send stamps may be later than this pass's first reading.
  bool stamp_each_receive = false;
};

}  // namespace ptnet::load
