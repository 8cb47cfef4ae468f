// checksum_scalar: the scalar twin every vector level is tested against.
// 64-bit accumulation, four independent accumulators of 8 bytes a step
// (simd/OnesSum.h).
//
// Threads: pure function, any thread.
#include "simd/Checksum.h"
#include "simd/OnesSum.h"

namespace ptnet::simd {

uint16_t checksum_scalar(const uint8_t* p, size_t n, uint32_t seed) {
  return detail::finish(detail::sum_native(p, n), seed);
}

}  // namespace ptnet::simd
