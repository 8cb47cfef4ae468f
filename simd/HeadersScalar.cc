// decode_headers / encode_headers, scalar: the inline single-header helpers
// of simd/Header14.h in a loop.
//
// Threads: pure functions, any thread.
#include "simd/Header14.h"
#include "simd/Kernels.h"

namespace ptnet::simd {

void decode_headers_scalar(const uint8_t* const* src, size_t n, Header14* out) {
  for (size_t i = 0; i < n; ++i) out[i] = decode_header(src[i]);
}

void encode_headers_scalar(const Header14* h, size_t n, uint8_t* const* dst) {
  for (size_t i = 0; i < n; ++i) encode_header(h[i], dst[i]);
}

}  // namespace ptnet::simd
