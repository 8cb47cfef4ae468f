// decode_headers / encode_headers with 16-byte vectors: one header per
// byte shuffle (simd/HeaderShuffle.h).
//
// Threads: pure functions, any thread.
#include <immintrin.h>

#include "simd/HeaderShuffle.h"
#include "simd/Kernels.h"
#include "simd/Target.h"

namespace ptnet::simd {

PTNET_TARGET_SSE42 void decode_headers_sse42(const uint8_t* const* src, size_t n, Header14* out) {
  const __m128i shuf = _mm_loadu_si128(reinterpret_cast<const __m128i*>(detail::kDecode));
  for (size_t i = 0; i < n; ++i) {
    const __m128i lo = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(src[i]));
    const __m128i hi = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(src[i] + 6));
    const __m128i h = _mm_shuffle_epi8(_mm_unpacklo_epi64(lo, hi), shuf);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), h);
  }
}

PTNET_TARGET_SSE42 void encode_headers_sse42(const Header14* h, size_t n, uint8_t* const* dst) {
  const __m128i shuf = _mm_loadu_si128(reinterpret_cast<const __m128i*>(detail::kEncode));
  for (size_t i = 0; i < n; ++i) {
    const __m128i w = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i)), shuf);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(dst[i]), w);
    _mm_storeh_pd(reinterpret_cast<double*>(dst[i] + 6), _mm_castsi128_pd(w));
  }
}

}  // namespace ptnet::simd
