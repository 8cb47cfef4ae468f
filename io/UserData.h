// The one codec for io_uring `user_data` (and its epoll twin): an op code
// and a ConnId (base/ConnId.h) packed in 64 bits, so a completion that
// arrives after its slot was reused carries a stale generation and is
// dropped by the slot table's lookup.
//
//   63      56 55                 32 31                              0
//  +----------+---------------------+--------------------------------+
//  |    op    |   generation (24)   |            slot (32)           |
//  +----------+---------------------+--------------------------------+
//
// op 0 is reserved: completions carrying user_data 0 are ignored.
#pragma once

#include <cstdint>

#include "base/ConnId.h"

namespace ptnet::io {

struct UserData {
  static constexpr uint64_t encode(uint8_t op, ConnId id) { return (uint64_t(op) << 56) | id.pack(); }
  static constexpr uint64_t encode(uint8_t op, uint32_t slot, uint32_t gen) {
    return encode(op, ConnId{slot, gen});
  }
  static constexpr uint8_t op(uint64_t ud) { return uint8_t(ud >> 56); }
  static constexpr ConnId conn(uint64_t ud) { return ConnId::unpack(ud & 0x00FFFFFFFFFFFFFFull); }
  static constexpr uint32_t slot(uint64_t ud) { return conn(ud).slot; }
  static constexpr uint32_t gen(uint64_t ud) { return conn(ud).gen; }
};

// Operation codes. 1..15 belong to the I/O layer and core; services take
// codes from kFirstServiceOp upwards.
enum Op : uint8_t {
  kOpNone = 0,
  kOpWake = 1,
  kOpInternal = 2,
  kOpMsgRingSent = 3,  // source side of a MSG_RING wake; slot = index of the target
  kFirstServiceOp = 16,
};

}  // namespace ptnet::io
