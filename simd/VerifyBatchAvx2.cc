// verify_batch_avx2: eight datagrams at a time, one 32-byte lane accumulator
// each, walked in lockstep over the bytes all eight have; then each one's
// rest; then the eight reduced together, finished and compared in one vector.
//
//   datagram   0 1 2 3 4 5 6 7
//   acc[g]     | | | | | | | |   common part: biased lanes (simd/Avx2Sum.h), 8 independent add chains
//              | |   |   | |     each one's own rest (exact lanes), tail (masked load ending at its end), odd byte
//   hadd tree  -> [s0 s1 s2 s3 s4 s5 s6 s7]  one 32-bit lane per datagram; one unbias for all eight
//   finish     fold, byte-swap, + folded seed, fold  ==  0xFFFF ?  -> ok[0..8)
//
// A group with a datagram over kInterleaveMax bytes, and the last n % 8
// datagrams, go through checksum_avx2 one by one.
//
// Threads: pure function, any thread.
#include <cstring>

#include "simd/Avx2Sum.h"
#include "simd/Kernels.h"

namespace ptnet::simd {
namespace {

using detail::biased_lanes;
using detail::fold_lanes;
using detail::load32b;
using detail::unbias;

constexpr size_t kGroup = 8;
// Up to 64 KiB a datagram's true sum is < 2^31, so its reduced lane is exact
// modulo 2^32, and its lockstep part is at most 2048 vectors: 8 lanes * 2048
// = kFoldEvery biased vectors for the one unbias().
constexpr uint32_t kInterleaveMax = 64 * 1024;
static_assert(8 * (kInterleaveMax / 32) <= detail::kFoldEvery);

// The lanes of datagram bytes [from, m) (m even; from = a multiple of 32 <= m).
PTNET_TARGET_AVX2 inline __m256i rest_lanes(const uint8_t* p, size_t m, size_t from) {
  if (m < 32) return m != 0 ? detail::short_lanes(p, m) : _mm256_setzero_si256();
  __m256i acc = _mm256_setzero_si256();
  size_t i = from;
  for (; m - i >= 32; i += 32) acc = _mm256_add_epi32(acc, fold_lanes(load32b(p + i)));
  if (i < m) acc = _mm256_add_epi32(acc, detail::tail_lanes(p, m, m - i));
  return acc;
}

// [sum(a), sum(b), ..., sum(h)]: the lane sums of eight accumulators.
PTNET_TARGET_AVX2 inline __m256i reduce8(const __m256i* acc) {
  const __m256i ab = _mm256_hadd_epi32(acc[0], acc[1]);
  const __m256i cd = _mm256_hadd_epi32(acc[2], acc[3]);
  const __m256i ef = _mm256_hadd_epi32(acc[4], acc[5]);
  const __m256i gh = _mm256_hadd_epi32(acc[6], acc[7]);
  const __m256i abcd = _mm256_hadd_epi32(ab, cd);  // [a b c d | a b c d] (low half | high half)
  const __m256i efgh = _mm256_hadd_epi32(ef, gh);
  return _mm256_add_epi32(_mm256_permute2x128_si256(abcd, efgh, 0x20),
                          _mm256_permute2x128_si256(abcd, efgh, 0x31));
}

// Per lane, x < 2^32 folded to 0..0xFFFF (0 only when x == 0).
PTNET_TARGET_AVX2 inline __m256i fold16_lanes(__m256i x) { return fold_lanes(fold_lanes(x)); }

// ok[0..8) and the number verified, from the eight native-order sums.
PTNET_TARGET_AVX2 inline size_t finish8(__m256i sum, const uint32_t* seeds, uint8_t* ok) {
  // Native -> big-endian order: swap the two low bytes of each (now 16-bit) lane.
  const __m256i swap16 = _mm256_setr_epi8(1, 0, -1, -1, 5, 4, -1, -1, 9, 8, -1, -1, 13, 12, -1, -1,
                                          1, 0, -1, -1, 5, 4, -1, -1, 9, 8, -1, -1, 13, 12, -1, -1);
  sum = _mm256_shuffle_epi8(fold16_lanes(sum), swap16);
  if (seeds != nullptr) {
    const __m256i s = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(seeds));
    sum = fold16_lanes(_mm256_add_epi32(sum, fold_lanes(s)));  // <= 0xFFFF + 0x1FFFE: no wrap
  }
  const __m256i good = _mm256_and_si256(_mm256_cmpeq_epi32(sum, _mm256_set1_epi32(0xFFFF)), _mm256_set1_epi32(1));
  // Byte 0 of each lane (0 or 1) -> ok[0..4) from the low half, ok[4..8) from the high half.
  const __m256i pick = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                        0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m256i packed = _mm256_shuffle_epi8(good, pick);
  const uint64_t bytes = uint32_t(_mm_cvtsi128_si32(_mm256_castsi256_si128(packed))) |
                         uint64_t(uint32_t(_mm_cvtsi128_si32(_mm256_extracti128_si256(packed, 1)))) << 32;
  std::memcpy(ok, &bytes, kGroup);
  return size_t(__builtin_popcountll(bytes));
}

// Verifies d[0..8), all of them <= kInterleaveMax bytes.
PTNET_TARGET_AVX2 size_t verify8(const Span* d, const uint32_t* seeds, uint8_t* ok) {
  const uint8_t* p[kGroup];
  uint32_t m[kGroup];
  uint32_t common = UINT32_MAX;
#pragma GCC unroll 8
  for (size_t g = 0; g < kGroup; ++g) {
    p[g] = d[g].data;
    m[g] = d[g].len & ~uint32_t(1);
    common = m[g] < common ? m[g] : common;
  }
  const size_t steps = common / 32;  // lockstep vectors per datagram (<= kInterleaveMax / 32 < kFoldEvery)
  __m256i acc[kGroup];
#pragma GCC unroll 8
  for (size_t g = 0; g < kGroup; ++g) acc[g] = _mm256_setzero_si256();
  for (size_t i = 0; i < 32 * steps; i += 32) {
#pragma GCC unroll 8
    for (size_t g = 0; g < kGroup; ++g) acc[g] = _mm256_add_epi32(acc[g], biased_lanes(load32b(p[g] + i)));
  }
#pragma GCC unroll 8
  for (size_t g = 0; g < kGroup; ++g) {
    const uint32_t odd = (d[g].len & 1) ? p[g][m[g]] : 0;
    const __m256i odd_lane = _mm256_setr_epi32(int(odd), 0, 0, 0, 0, 0, 0, 0);
    acc[g] = _mm256_add_epi32(acc[g], _mm256_add_epi32(rest_lanes(p[g], m[g], 32 * steps), odd_lane));
  }
  // Each datagram's eight lanes took `steps` biased vectors: one correction
  // for the reduced sums (exact modulo 2^32, and the true sums are < 2^31).
  return finish8(unbias(reduce8(acc), 8 * steps), seeds, ok);
}

PTNET_TARGET_AVX2 size_t verify_one_by_one(const Span* d, size_t n, const uint32_t* seeds, uint8_t* ok) {
  size_t good = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t v = checksum_avx2(d[i].data, d[i].len, seeds != nullptr ? seeds[i] : 0) == 0;
    ok[i] = v;
    good += v;
  }
  return good;
}

}  // namespace

PTNET_TARGET_AVX2 size_t verify_batch_avx2(const Span* d, size_t n, const uint32_t* seeds, uint8_t* ok) {
  size_t good = 0;
  size_t i = 0;
  for (; i + kGroup <= n; i += kGroup) {
    const uint32_t* s = seeds != nullptr ? seeds + i : nullptr;
    bool small = true;
    for (size_t g = 0; g < kGroup; ++g) small &= d[i + g].len <= kInterleaveMax;
    good += small ? verify8(d + i, s, ok + i) : verify_one_by_one(d + i, kGroup, s, ok + i);
  }
  return good + verify_one_by_one(d + i, n - i, seeds != nullptr ? seeds + i : nullptr, ok + i);
}

}  // namespace ptnet::simd
