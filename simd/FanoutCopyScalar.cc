// fanout_copy_scalar: memcpy per destination (the twin the vector paths are
// measured against).
//
// Threads: pure function, any thread.
#include <cstring>

#include "simd/Kernels.h"

namespace ptnet::simd {

void fanout_copy_scalar(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len) {
  for (size_t i = 0; i < n; ++i) std::memcpy(dst[i], src, len);
}

}  // namespace ptnet::simd
