// verify_batch: every level against the byte-by-byte reference on bursts of
// valid and corrupted datagrams of mixed lengths, with and without seeds,
// every batch size around the AVX2 group of eight, oversized datagrams,
// single-bit flips, and datagrams flush against inaccessible pages.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <iterator>
#include <random>
#include <vector>

#include "tests/simd/SimdTest.h"

namespace ptnet::simd::test {
namespace {

using Bytes = std::vector<uint8_t>;

// A datagram whose checksum field (at an even offset) makes it verify.
Bytes valid_datagram(std::mt19937& rng, size_t len, uint32_t seed) {
  Bytes d = random_bytes(rng, len);
  if (len < 2) return d;  // too short for a field: verifies only by chance
  const size_t field = (rng() % (len / 2)) * 2;
  d[field] = d[field + 1] = 0;
  const uint16_t c = reference_checksum(d.data(), len, seed);
  d[field] = uint8_t(c >> 8);
  d[field + 1] = uint8_t(c);
  return d;
}

struct Burst {
  std::vector<Bytes> bytes;
  std::vector<Span> spans;
  std::vector<uint32_t> seeds;

  void add(Bytes b, uint32_t seed) {
    bytes.push_back(std::move(b));
    seeds.push_back(seed);
  }
  void finish() {
    spans.clear();
    for (const Bytes& b : bytes) spans.push_back({b.empty() ? nullptr : b.data(), uint32_t(b.size())});
  }
  // ok[] from the reference; returns how many verify.
  size_t expected(bool seeded, std::vector<uint8_t>& ok) const {
    ok.assign(bytes.size(), 0);
    size_t good = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
      ok[i] = reference_checksum(bytes[i].data(), bytes[i].size(), seeded ? seeds[i] : 0) == 0;
      good += ok[i];
    }
    return good;
  }
};

// Valid datagrams of lengths in [lo, hi], one in three corrupted by a bit flip.
Burst mixed_burst(std::mt19937& rng, size_t n, size_t lo, size_t hi, bool seeded) {
  Burst b;
  for (size_t i = 0; i < n; ++i) {
    const size_t len = lo + rng() % (hi - lo + 1);
    const uint32_t seed = seeded ? uint32_t(rng()) : 0;
    Bytes d = valid_datagram(rng, len, seed);
    if (i % 3 == 1 && len != 0) d[rng() % len] ^= uint8_t(1u << (rng() % 8));
    b.add(std::move(d), seed);
  }
  b.finish();
  return b;
}

class VerifyBatch : public LevelTest {
 protected:
  void check(const Burst& b, bool seeded) {
    std::vector<uint8_t> want;
    const size_t want_good = b.expected(seeded, want);
    std::vector<uint8_t> ok(b.spans.size() + 1, 0xEE);
    const size_t good = fn().verify_batch(b.spans.data(), b.spans.size(), seeded ? b.seeds.data() : nullptr, ok.data());
    EXPECT_EQ(good, want_good);
    EXPECT_EQ(ok.back(), 0xEE) << "wrote past ok[n - 1]";
    ok.pop_back();
    EXPECT_EQ(ok, want);
  }
};

TEST_P(VerifyBatch, MixOfValidAndCorruptedDatagramsOfMixedLengths) {
  std::mt19937 rng(1500);
  for (bool seeded : {false, true}) {
    const Burst b = mixed_burst(rng, 3000, 1, 1500, seeded);
    std::vector<uint8_t> want;
    const size_t good = b.expected(seeded, want);
    ASSERT_GT(good, 1500u);  // the premise: most are valid, about a third corrupted
    ASSERT_LT(good, 2500u);
    check(b, seeded);
  }
}

TEST_P(VerifyBatch, ShortDatagramsOfEveryLength) {
  std::mt19937 rng(14);
  for (bool seeded : {false, true}) {
    Burst b;
    for (size_t len = 0; len <= 100; ++len) {
      for (int k = 0; k < 3; ++k) {
        const uint32_t seed = seeded ? uint32_t(rng()) : 0;
        Bytes d = valid_datagram(rng, len, seed);
        if (k == 2 && len != 0) d[len - 1] ^= 0x80;
        b.add(std::move(d), seed);
      }
    }
    b.finish();
    check(b, seeded);
  }
}

TEST_P(VerifyBatch, EveryBatchSizeUpTo40) {
  std::mt19937 rng(40);
  for (size_t n = 0; n <= 40; ++n) {
    check(mixed_burst(rng, n, 0, 300, false), false);
    check(mixed_burst(rng, n, 30, 90, true), true);
  }
}

TEST_P(VerifyBatch, SeedsAtTheEdgesOfTheirRangeDoNotWrap) {
  // A seed within 0xFFFF of 2^32 overflows 32 bits when added to a 16-bit
  // sum unless it is folded first; random seeds almost never land there.
  const uint32_t edges[] = {0xFFFFFFFFu, 0xFFFFFFFEu, 0xFFFF0001u, 0xFFFF0000u, 0xFFFEFFFFu,
                            0x8000FFFFu, 0x0000FFFFu, 0x00010000u, 0u,          1u};
  std::mt19937 rng(0xFFFF);
  Burst b;
  for (size_t i = 0; i < 60; ++i) {
    const uint32_t seed = edges[i % std::size(edges)];
    Bytes d = valid_datagram(rng, 2 + rng() % 200, seed);
    if (i % 5 == 4) d[0] ^= 0x10;
    b.add(std::move(d), seed);
  }
  b.finish();
  check(b, true);
}

TEST_P(VerifyBatch, DatagramsOver64KiBInABatch) {
  std::mt19937 rng(65);
  Burst b;
  for (size_t i = 0; i < 19; ++i) {
    const size_t len = i % 5 == 0 ? 70000 + i : 100 + i;
    Bytes d = valid_datagram(rng, len, 0);
    if (i % 4 == 0) d[len / 2] ^= 4;
    b.add(std::move(d), uint32_t(i));
  }
  Bytes ones(200000, 0xFF);  // all-ones and huge: the carries of the fallback path
  b.add(ones, 0);
  b.finish();
  check(b, false);
}

TEST_P(VerifyBatch, ZeroLengthDatagramsVerifyOnlyWithANegativeZeroSeed) {
  const Span d[9] = {};  // data null, len 0
  uint32_t seeds[9] = {0, 0xFFFF, 0, 0, 0xFFFF0000u, 0, 0, 0, 0xFFFF};
  uint8_t ok[9];
  EXPECT_EQ(fn().verify_batch(d, 9, nullptr, ok), 0u);
  EXPECT_EQ(fn().verify_batch(d, 9, seeds, ok), 3u);
  const uint8_t want[9] = {0, 1, 0, 0, 1, 0, 0, 0, 1};
  EXPECT_EQ(std::memcmp(ok, want, 9), 0);
}

TEST_P(VerifyBatch, EverySingleBitFlipIsDetected) {
  std::mt19937 rng(1);
  for (size_t len : {2u, 3u, 13u, 14u, 31u, 32u, 33u, 64u, 78u, 1200u, 1500u}) {
    const uint32_t seed = uint32_t(rng());
    const Bytes good = valid_datagram(rng, len, seed);
    ASSERT_EQ(reference_checksum(good.data(), len, seed), 0);
    Burst b;
    b.add(good, seed);
    for (size_t bit = 0; bit < 8 * len; bit += len <= 100 ? 1 : 7) {
      Bytes d = good;
      d[bit / 8] ^= uint8_t(1u << (bit % 8));
      b.add(std::move(d), seed);
    }
    b.finish();
    std::vector<uint8_t> ok(b.spans.size());
    EXPECT_EQ(fn().verify_batch(b.spans.data(), b.spans.size(), b.seeds.data(), ok.data()), 1u) << len;
    EXPECT_EQ(ok[0], 1) << len;
  }
}

TEST_P(VerifyBatch, NeverReadsOutsideTheDatagrams) {
  std::mt19937 rng(4096);
  for (auto guard : {GuardedBuffer::Guard::After, GuardedBuffer::Guard::Before}) {
    std::vector<GuardedBuffer> bufs;
    Burst b;
    for (size_t len : {0u, 1u, 2u, 3u, 14u, 15u, 30u, 31u, 32u, 33u, 63u, 64u, 65u, 77u, 78u, 1199u, 1200u, 1500u}) {
      const uint32_t seed = uint32_t(rng());
      b.add(valid_datagram(rng, len, seed), seed);
      bufs.emplace_back(len, guard);
    }
    Burst g = b;
    g.spans.clear();
    for (size_t i = 0; i < b.bytes.size(); ++i) {
      if (!b.bytes[i].empty()) std::memcpy(bufs[i].data(), b.bytes[i].data(), b.bytes[i].size());
      g.spans.push_back({bufs[i].data(), uint32_t(b.bytes[i].size())});
    }
    std::vector<uint8_t> want, ok(g.spans.size());
    EXPECT_EQ(fn().verify_batch(g.spans.data(), g.spans.size(), g.seeds.data(), ok.data()), b.expected(true, want));
    EXPECT_EQ(ok, want);
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, VerifyBatch, kAllLevels, level_name);

}  // namespace
}  // namespace ptnet::simd::test
