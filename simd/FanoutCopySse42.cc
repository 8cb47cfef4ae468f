// fanout_copy_sse42: a frame of 16..256 bytes is loaded once into NV = ceil(len / 16)
// 16-byte registers and stored to every destination; the last register holds
// bytes [len - 16, len), overlapping the one before it:
//
//   src    [ v0 ][ v1 ] ... [ v(NV-2) ]
//                               [ v(NV-1) ]   <- ends at len
//
// Under 16 bytes: simd/FanoutSmall.h; over 256: memcpy per destination.
//
// Threads: pure function, any thread.
#include <immintrin.h>

#include <cstring>
#include <iterator>

#include "simd/FanoutCopy.h"
#include "simd/FanoutSmall.h"
#include "simd/Kernels.h"
#include "simd/Target.h"

namespace ptnet::simd {
namespace {

template <int NV>
PTNET_TARGET_SSE42 void fan(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len) {
  __m128i v[NV];
#pragma GCC unroll 16
  for (int k = 0; k < NV - 1; ++k) v[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16 * k));
  v[NV - 1] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + len - 16));
  for (size_t i = 0; i < n; ++i) {
    uint8_t* d = dst[i];
#pragma GCC unroll 16
    for (int k = 0; k < NV - 1; ++k) _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 16 * k), v[k]);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + len - 16), v[NV - 1]);
  }
}

using FanFn = void (*)(uint8_t* const*, size_t, const uint8_t*, size_t);

// kFan[NV - 1] copies a frame of NV 16-byte registers.
constexpr FanFn kFan[16] = {fan<1>, fan<2>,  fan<3>,  fan<4>,  fan<5>,  fan<6>,  fan<7>,  fan<8>,
                            fan<9>, fan<10>, fan<11>, fan<12>, fan<13>, fan<14>, fan<15>, fan<16>};
static_assert(16 * std::size(kFan) == kFanoutRegisterMax);

}  // namespace

void fanout_copy_sse42(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len) {
  if (len < 16) {
    detail::fanout_small(dst, n, src, len);
  } else if (len <= kFanoutRegisterMax) {
    kFan[(len - 1) / 16](dst, n, src, len);
  } else {
    for (size_t i = 0; i < n; ++i) std::memcpy(dst[i], src, len);
  }
}

}  // namespace ptnet::simd
