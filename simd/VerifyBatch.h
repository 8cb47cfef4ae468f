// Batch verification of a burst of received datagrams by their Internet
// checksum (simd/Checksum.h), as the receive path gets them from one
// recvmmsg or one pass over the completion queue.
//
//   d[0]  data ----> [ ............ datagram 0 ............ ]   ok[0] = 1 if checksum(d0, seed0) == 0
//   d[1]  data ----> [ .. datagram 1 .. ]                       ok[1] = ...
//   ...
//
// The AVX2 path verifies eight datagrams at a time: one 32-byte accumulator
// per datagram, the eight walked in lockstep over their common length (eight
// independent dependency chains), then reduced together and compared in one
// vector. The other levels verify one datagram after the other.
//
// Threads: pure functions, any thread. No allocation.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptnet::simd {

// One datagram: `len` bytes at `data` (data may be null when len == 0).
struct Span {
  const uint8_t* data;
  uint32_t len;
};

// ok[i] = 1 when the Internet checksum over all of d[i]'s bytes, seeded with
// seeds[i] (0 when seeds is null), verifies (the ones'-complement sum is
// 0xFFFF, i.e. checksum(d[i].data, d[i].len, seed) == 0), else ok[i] = 0.
// Returns the number of datagrams that verified. Dispatched to active().
size_t verify_batch(const Span* d, size_t n, const uint32_t* seeds, uint8_t* ok);

}  // namespace ptnet::simd
