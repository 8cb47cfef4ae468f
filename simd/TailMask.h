// Internal: the sliding byte mask the vector checksum paths use to sum the
// last rem (< vector width) bytes of an even-length run with one load that
// *ends* at the run's end (so nothing past the data is read):
//
//   kTailMask   00 x 32 | FF x 32
//   AVX2        load 32 at kTailMask + rem       -> 32 - rem zeros, rem FF
//   SSE         load 16 at kTailMask + 16 + rem  -> 16 - rem zeros, rem FF
//
// The run's length is even, so the overlapping load starts at an even offset
// and its 16-bit words pair the bytes exactly as the data's own words do.
//
// Threads: read-only data, any thread.
#pragma once

#include <cstdint>

namespace ptnet::simd::detail {

struct TailMask {
  alignas(64) uint8_t bytes[64];
};

inline constexpr TailMask kTailMask = [] {
  TailMask m{};
  for (int i = 32; i < 64; ++i) m.bytes[i] = 0xFF;
  return m;
}();

}  // namespace ptnet::simd::detail
