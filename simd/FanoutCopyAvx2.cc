// fanout_copy_avx2: a frame of 32..256 bytes is loaded once into NV = ceil(len / 32)
// 32-byte registers and stored to every destination; the last register holds
// bytes [len - 32, len), overlapping the one before it:
//
//   src    [  v0  ][  v1  ] ... [ v(NV-2) ]
//                                   [ v(NV-1) ]   <- ends at len
//
// 16..31 bytes: two overlapping 16-byte registers. Under 16 bytes:
// simd/FanoutSmall.h; over 256: memcpy per destination.
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
PTNET_TARGET_AVX2 void fan(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len) {
  __m256i v[NV];
#pragma GCC unroll 8
  for (int k = 0; k < NV - 1; ++k) v[k] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 32 * k));
  v[NV - 1] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + len - 32));
  for (size_t i = 0; i < n; ++i) {
    uint8_t* d = dst[i];
#pragma GCC unroll 8
    for (int k = 0; k < NV - 1; ++k) _mm256_storeu_si256(reinterpret_cast<__m256i*>(d + 32 * k), v[k]);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(d + len - 32), v[NV - 1]);
  }
}

// 16..31 bytes: head [0, 16) and tail [len - 16, len).
PTNET_TARGET_AVX2 void fan_16_31(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len) {
  const __m128i head = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
  const __m128i tail = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + len - 16));
  for (size_t i = 0; i < n; ++i) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst[i]), head);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst[i] + len - 16), tail);
  }
}

using FanFn = void (*)(uint8_t* const*, size_t, const uint8_t*, size_t);

// kFan[NV - 1] copies a frame of NV 32-byte registers.
constexpr FanFn kFan[8] = {fan<1>, fan<2>, fan<3>, fan<4>, fan<5>, fan<6>, fan<7>, fan<8>};
static_assert(32 * std::size(kFan) == kFanoutRegisterMax);

}  // namespace

PTNET_TARGET_AVX2 void fanout_copy_avx2(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len) {
  if (len < 16) {
    detail::fanout_small(dst, n, src, len);
  } else if (len < 32) {
    fan_16_31(dst, n, src, len);
  } else if (len <= kFanoutRegisterMax) {
    kFan[(len - 1) / 32](dst, n, src, len);
  } else {
    for (size_t i = 0; i < n; ++i) std::memcpy(dst[i], src, len);
  }
}

}  // namespace ptnet::simd
