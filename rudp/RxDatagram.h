// One received datagram as the integrator hands it to Endpoint::receive():
// the bytes stay the integrator's (a provided buffer, a recvmmsg slot) and
// need only live for the duration of that call.
// Threads: plain data, any thread.
#pragma once

#include <cstdint>

#include "base/SockAddr.h"

namespace ptnet::rudp {

struct RxDatagram {
  const uint8_t* data;
  uint32_t len;
  SockAddr from;
};

}  // namespace ptnet::rudp
