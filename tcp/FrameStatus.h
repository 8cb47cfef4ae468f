// Result of feeding bytes to a Framer. Anything but Ok means the stream can no
// longer be trusted: the connection is closed.
#pragma once

#include <cstdint>

namespace ptnet::tcp {

enum class FrameStatus : uint8_t {
  Ok,          // all bytes consumed (or the consumer asked to stop)
  ZeroLength,  // a header announced an empty frame
  TooLarge,    // a header announced more than max_frame bytes
};

}  // namespace ptnet::tcp
