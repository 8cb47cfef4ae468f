// One received UDP datagram, as Backend::datagram() reads it out of a
// receive completion: the payload stays in the completion's provided buffer
// (valid until the buffer is released) and the source address is copied out.
#pragma once

#include <cstdint>

#include "base/SockAddr.h"

namespace ptnet::io {

struct Datagram {
  const uint8_t* data = nullptr;
  uint32_t len = 0;
  SockAddr from;
};

}  // namespace ptnet::io
