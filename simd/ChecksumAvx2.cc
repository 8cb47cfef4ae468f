// checksum_avx2: the Internet checksum with 32-byte vectors (simd/Avx2Sum.h):
//
//   p                                                                   p + m    (m = n rounded down to even)
//   | 128 B: a0..a3 += biased lanes | ... | up to 3 x 32 B | tail       |  odd byte
//     per block of <= kFoldEvery / 4 steps: add a0..a3, unbias, fold into `total`
//                                          (tail: one load ending at p + m, masked)
//
// Runs under 32 bytes are one masked load (simd/Avx2Sum.h short_lanes). Loads
// are unaligned; no byte outside [p, p + n) is read.
//
// Threads: pure function, any thread.
#include "simd/Avx2Sum.h"
#include "simd/Kernels.h"

namespace ptnet::simd {
namespace {

using detail::biased_lanes;
using detail::fold_lanes;
using detail::load32b;
using detail::unbias;

// The native-order sum of an even-length run of m >= 32 bytes.
PTNET_TARGET_AVX2 uint32_t sum_even(const uint8_t* p, size_t m) {
  __m256i total = _mm256_setzero_si256();  // lanes <= 0x1FFFE between blocks
  size_t i = 0;
  for (size_t steps = m / 128; steps != 0;) {
    // Four accumulators of k steps are 4k biased vectors per lane once added: 4k <= kFoldEvery.
    const size_t k = steps < detail::kFoldEvery / 4 ? steps : detail::kFoldEvery / 4;
    steps -= k;
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    for (const size_t end = i + 128 * k; i != end; i += 128) {
      a0 = _mm256_add_epi32(a0, biased_lanes(load32b(p + i)));
      a1 = _mm256_add_epi32(a1, biased_lanes(load32b(p + i + 32)));
      a2 = _mm256_add_epi32(a2, biased_lanes(load32b(p + i + 64)));
      a3 = _mm256_add_epi32(a3, biased_lanes(load32b(p + i + 96)));
    }
    const __m256i block = unbias(_mm256_add_epi32(_mm256_add_epi32(a0, a1), _mm256_add_epi32(a2, a3)), 4 * k);
    total = _mm256_add_epi32(fold_lanes(total), fold_lanes(block));
  }
  for (; m - i >= 32; i += 32) total = _mm256_add_epi32(total, fold_lanes(load32b(p + i)));  // <= 3 more
  if (i < m) total = _mm256_add_epi32(total, detail::tail_lanes(p, m, m - i));
  return detail::hsum(total);
}

}  // namespace

PTNET_TARGET_AVX2 uint16_t checksum_avx2(const uint8_t* p, size_t n, uint32_t seed) {
  const size_t m = n & ~size_t(1);
  uint64_t native = (n & 1) ? p[m] : 0;
  if (m >= 32) {
    native += sum_even(p, m);
  } else if (m != 0) {
    native += detail::hsum(detail::short_lanes(p, m));
  }
  return detail::finish(native, seed);
}

}  // namespace ptnet::simd
