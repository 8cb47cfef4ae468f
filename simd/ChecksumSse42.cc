// checksum_sse42: the Internet checksum with 16-byte vectors. Same scheme as
// the AVX2 path (simd/Avx2Sum.h, ChecksumAvx2.cc) at half the width: native
// 16-bit words summed pairwise into four 32-bit lanes per vector (biased
// vpmaddwd), four accumulators, added, unbiased and folded every kFoldEvery / 4 steps,
// the tail as one masked load ending at the data's end. Runs under 16 bytes
// are summed by the scalar code.
//
// Threads: pure function, any thread.
#include <immintrin.h>

#include "simd/Kernels.h"
#include "simd/OnesSum.h"
#include "simd/TailMask.h"
#include "simd/Target.h"

namespace ptnet::simd {
namespace {

// See simd/Avx2Sum.h: the same lane arithmetic at 16 bytes.
constexpr size_t kFoldEvery = 16384;

PTNET_TARGET_SSE42 inline __m128i fold_lanes(__m128i v) {
  return _mm_add_epi32(_mm_and_si128(v, _mm_set1_epi32(0xFFFF)), _mm_srli_epi32(v, 16));
}

PTNET_TARGET_SSE42 inline __m128i biased_lanes(__m128i v) {
  return _mm_madd_epi16(_mm_xor_si128(v, _mm_set1_epi16(-0x8000)), _mm_set1_epi16(1));
}

PTNET_TARGET_SSE42 inline __m128i unbias(__m128i acc, size_t k) {
  return _mm_add_epi32(acc, _mm_set1_epi32(int(uint32_t(k) << 16)));
}

PTNET_TARGET_SSE42 inline __m128i load16b(const uint8_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// The native-order sum of an even-length run of m >= 16 bytes.
PTNET_TARGET_SSE42 uint32_t sum_even(const uint8_t* p, size_t m) {
  __m128i total = _mm_setzero_si128();  // lanes <= 0x1FFFE between blocks
  size_t i = 0;
  for (size_t steps = m / 64; steps != 0;) {
    // Four accumulators of k steps are 4k biased vectors per lane once added: 4k <= kFoldEvery.
    const size_t k = steps < kFoldEvery / 4 ? steps : kFoldEvery / 4;
    steps -= k;
    __m128i a0 = _mm_setzero_si128(), a1 = a0, a2 = a0, a3 = a0;
    for (const size_t end = i + 64 * k; i != end; i += 64) {
      a0 = _mm_add_epi32(a0, biased_lanes(load16b(p + i)));
      a1 = _mm_add_epi32(a1, biased_lanes(load16b(p + i + 16)));
      a2 = _mm_add_epi32(a2, biased_lanes(load16b(p + i + 32)));
      a3 = _mm_add_epi32(a3, biased_lanes(load16b(p + i + 48)));
    }
    const __m128i block = unbias(_mm_add_epi32(_mm_add_epi32(a0, a1), _mm_add_epi32(a2, a3)), 4 * k);
    total = _mm_add_epi32(fold_lanes(total), fold_lanes(block));
  }
  for (; m - i >= 16; i += 16) total = _mm_add_epi32(total, fold_lanes(load16b(p + i)));  // <= 3 more
  if (i < m) {  // the last m - i (< 16) bytes: one load ending at p + m
    const __m128i keep = load16b(detail::kTailMask.bytes + 16 + (m - i));
    total = _mm_add_epi32(total, fold_lanes(_mm_and_si128(load16b(p + m - 16), keep)));
  }
  __m128i x = fold_lanes(total);  // lanes <= 0x1FFFE
  x = _mm_add_epi32(x, _mm_unpackhi_epi64(x, x));
  x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 1));
  return uint32_t(_mm_cvtsi128_si32(x));
}

}  // namespace

PTNET_TARGET_SSE42 uint16_t checksum_sse42(const uint8_t* p, size_t n, uint32_t seed) {
  const size_t m = n & ~size_t(1);
  const uint64_t odd = (n & 1) ? p[m] : 0;
  // sum_native may use all 64 bits: add with the end-around carry.
  const uint64_t native = detail::add_carry(odd, m >= 16 ? sum_even(p, m) : detail::sum_native(p, m));
  return detail::finish(native, seed);
}

}  // namespace ptnet::simd
