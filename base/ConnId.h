// The one handle type for a connection-like object that lives in a slot
// table: (slot, generation). A slot is reused after its object is freed; the
// generation is bumped on every free, so a handle kept past its object's
// lifetime no longer matches and is rejected instead of reaching the new
// occupant. io::UserData, TCP connections, RUDP peers and the user directory
// all carry this type (packed where they must fit a word).
//
//   63                      56 55                 32 31                   0
//  +--------------------------+---------------------+---------------------+
//  |  (free for the packer)   |   generation (24)   |      slot (32)      |
//  +--------------------------+---------------------+---------------------+
//
// Generations live in 24 bits and never take the value 0, so a packed handle
// is never 0 and 0 can mean "none".
#pragma once

#include <cstdint>

namespace ptnet {

struct ConnId {
  static constexpr uint32_t kGenMask = 0xFFFFFF;

  uint32_t slot = 0;
  uint32_t gen = 0;  // 0: no connection

  constexpr bool valid() const { return gen != 0; }
  // 56 bits: gen in 55..32, slot in 31..0.
  constexpr uint64_t pack() const { return (uint64_t(gen & kGenMask) << 32) | slot; }
  static constexpr ConnId unpack(uint64_t v) { return ConnId{uint32_t(v), uint32_t(v >> 32) & kGenMask}; }
  // The generation after `gen`: wraps inside 24 bits and skips 0.
  static constexpr uint32_t next_gen(uint32_t gen) {
    const uint32_t n = (gen + 1) & kGenMask;
    return n == 0 ? 1 : n;
  }

  friend constexpr bool operator==(ConnId a, ConnId b) { return a.slot == b.slot && a.gen == b.gen; }
};

}  // namespace ptnet
