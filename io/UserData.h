// The one codec for io_uring `user_data` (and its epoll twin): op, slot and
// generation packed in 64 bits, so a completion that arrives after its slot
// was reused is recognised as stale and dropped.
//
//   63      56 55                 32 31                              0
//  +----------+---------------------+--------------------------------+
//  |    op    |   generation (24)   |            slot (32)           |
//  +----------+---------------------+--------------------------------+
//
// op 0 is reserved: completions carrying user_data 0 are ignored.
#pragma once

#include <cstdint>

namespace ptnet::io {

struct UserData {
  static constexpr uint32_t kGenMask = 0xFFFFFF;

  static constexpr uint64_t encode(uint8_t op, uint32_t slot, uint32_t gen) {
    return (uint64_t(op) << 56) | (uint64_t(gen & kGenMask) << 32) | uint64_t(slot);
  }
  static constexpr uint8_t op(uint64_t ud) { return uint8_t(ud >> 56); }
  static constexpr uint32_t gen(uint64_t ud) { return uint32_t(ud >> 32) & kGenMask; }
  static constexpr uint32_t slot(uint64_t ud) { return uint32_t(ud); }
  // Generations wrap inside 24 bits; callers bump with next_gen().
  static constexpr uint32_t next_gen(uint32_t gen) { return (gen + 1) & kGenMask; }
};

// Operation codes. 1..15 belong to the I/O layer and core; services take
// codes from kFirstServiceOp upwards.
enum Op : uint8_t {
  kOpNone = 0,
  kOpWake = 1,
  kOpInternal = 2,
  kFirstServiceOp = 16,
};

}  // namespace ptnet::io
