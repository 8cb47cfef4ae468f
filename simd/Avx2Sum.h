// Internal: the AVX2 building blocks of the ones'-complement sum, shared by
// checksum_avx2 and verify_batch_avx2. Included only by *Avx2.cc files.
//
// A 32-byte vector is 16 native 16-bit words; the sum enters eight 32-bit
// lane accumulators as the sum of each lane's two words:
//
//   bytes   | w0  w1 | w2  w3 | ... | w14 w15 |
//   lanes   | w0+w1  | w2+w3  | ... | w14+w15 |     each <= 0x1FFFE
//
// Two ways to get there:
//   fold_lanes(v)    (v & 0xFFFF) + (v >> 16): exact, 3 operations; also folds an accumulator.
//   biased_lanes(v)  vpmaddwd(v ^ 0x8000, 1) = (w0 - 32768) + (w1 - 32768): 2 operations, off
//                    by -65536 per vector, which unbias(acc, k) adds back once for k vectors.
//                    Lane arithmetic is modulo 2^32 and the true sum of k <= kFoldEvery
//                    vectors' lanes is < 2^31, so the unbiased lane is exact.
// The hot loops add biased lanes, then unbias once per block (counting every
// vector that went into the lane, across accumulators added together) and
// fold; hsum() folds and adds the eight lanes.
//
// Threads: pure functions, any thread.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "simd/OnesSum.h"
#include "simd/TailMask.h"
#include "simd/Target.h"

namespace ptnet::simd::detail {

// Vectors whose lanes one 32-bit lane may take before it is unbiased or
// folded: 16384 * 0x1FFFE < 2^31 (and a folded lane, <= 0x1FFFE, plus that
// many more is still < 2^32).
inline constexpr size_t kFoldEvery = 16384;

// Per 32-bit lane: the sum of its two 16-bit halves.
PTNET_TARGET_AVX2 inline __m256i fold_lanes(__m256i v) {
  return _mm256_add_epi32(_mm256_and_si256(v, _mm256_set1_epi32(0xFFFF)), _mm256_srli_epi32(v, 16));
}

// Per 32-bit lane: the sum of its two 16-bit halves, minus 65536 (mod 2^32).
PTNET_TARGET_AVX2 inline __m256i biased_lanes(__m256i v) {
  return _mm256_madd_epi16(_mm256_xor_si256(v, _mm256_set1_epi16(-0x8000)), _mm256_set1_epi16(1));
}

// An accumulator of k <= kFoldEvery biased_lanes() made exact.
PTNET_TARGET_AVX2 inline __m256i unbias(__m256i acc, size_t k) {
  return _mm256_add_epi32(acc, _mm256_set1_epi32(int(uint32_t(k) << 16)));
}

PTNET_TARGET_AVX2 inline __m256i load32b(const uint8_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

// The lanes of the last rem (1..31) bytes of an even-length run of m >= 32
// bytes at p: one load ending at p + m, its first 32 - rem bytes masked off
// (simd/TailMask.h).
PTNET_TARGET_AVX2 inline __m256i tail_lanes(const uint8_t* p, size_t m, size_t rem) {
  const __m256i keep = load32b(kTailMask.bytes + rem);
  return fold_lanes(_mm256_and_si256(load32b(p + m - 32), keep));
}

// The lanes of an even-length run of m < 32 bytes: a masked load of its whole
// 4-byte words (masked-off words are not read and cannot fault) plus its last
// 2-byte word, if any, added into lane 0.
PTNET_TARGET_AVX2 inline __m256i short_lanes(const uint8_t* p, size_t m) {
  const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i on = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(m / 4)), index);
  __m256i v = fold_lanes(_mm256_maskload_epi32(reinterpret_cast<const int*>(p), on));
  if (m & 2) v = _mm256_add_epi32(v, _mm256_setr_epi32(load16(p + (m & ~size_t(3))), 0, 0, 0, 0, 0, 0, 0));
  return v;
}

// The eight lanes folded and added: <= 8 * 0x1FFFE.
PTNET_TARGET_AVX2 inline uint32_t hsum(__m256i v) {
  v = fold_lanes(v);
  __m128i x = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  x = _mm_add_epi32(x, _mm_unpackhi_epi64(x, x));
  x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 1));
  return uint32_t(_mm_cvtsi128_si32(x));
}

}  // namespace ptnet::simd::detail
