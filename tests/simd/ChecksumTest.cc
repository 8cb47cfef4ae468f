// Internet checksum: every level against the RFC's own examples, the
// byte-by-byte reference and the scalar twin, at every length and alignment,
// on large and carry-heavy buffers, and right against inaccessible pages.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "tests/simd/SimdTest.h"

namespace ptnet::simd::test {
namespace {

class Checksum : public LevelTest {};

TEST_P(Checksum, MatchesTheRfc1071Example) {
  // RFC 1071 section 3: words 0001 f203 f4f5 f6f7 sum to 2ddf0 -> ddf2, complement 220d.
  const uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(fn().checksum(bytes, sizeof bytes, 0), 0x220d);
  // Odd length: 0001 f203 f4f5 f6 (padded to f600): 1 + f203 + f4f5 + f600 = 2dcf9 -> dcfb, ~ = 2304.
  EXPECT_EQ(fn().checksum(bytes, 7, 0), 0x2304);
}

TEST_P(Checksum, MatchesAnIpv4HeaderExample) {
  // 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7: the header checksum is b861.
  uint8_t hdr[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                   0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(fn().checksum(hdr, sizeof hdr, 0), 0xb861);
  hdr[10] = 0xb8;
  hdr[11] = 0x61;
  EXPECT_EQ(fn().checksum(hdr, sizeof hdr, 0), 0);  // a filled-in header verifies
}

TEST_P(Checksum, EmptyAndZeroInputsGiveFFFF) {
  EXPECT_EQ(fn().checksum(nullptr, 0, 0), 0xFFFF);
  const std::vector<uint8_t> zeros(1000, 0);
  for (size_t n : {1u, 2u, 31u, 64u, 999u, 1000u}) EXPECT_EQ(fn().checksum(zeros.data(), n, 0), 0xFFFF) << n;
  // A seed of 0xFFFF (negative zero) on empty data: the sum is FFFF, the checksum 0.
  EXPECT_EQ(fn().checksum(nullptr, 0, 0xFFFF), 0);
}

TEST_P(Checksum, AgreesWithTheScalarTwinAtEveryLengthAndAlignment) {
  std::mt19937 rng(1071);
  std::vector<uint8_t> buf = random_bytes(rng, 64 + 300 + 64);
  uint8_t* base = buf.data() + (64 - reinterpret_cast<uintptr_t>(buf.data()) % 64);  // 64-byte aligned
  for (size_t align = 0; align < 64; ++align) {
    for (size_t len = 0; len <= 300; ++len) {
      const uint8_t* p = base + align;
      const uint32_t seed = uint32_t(rng());
      const uint16_t want = checksum_scalar(p, len, seed);
      ASSERT_EQ(fn().checksum(p, len, seed), want) << "len " << len << " align " << align;
      ASSERT_EQ(want, reference_checksum(p, len, seed)) << "len " << len << " align " << align;
    }
  }
}

TEST_P(Checksum, AgreesWithTheScalarTwinOnRandomInputs) {
  std::mt19937 rng(7);
  const std::vector<uint8_t> buf = random_bytes(rng, 20000);
  for (int i = 0; i < 5000; ++i) {
    const size_t off = rng() % 1000;
    const size_t len = rng() % (i % 10 == 0 ? 19000 : 1600);
    const uint32_t seed = i % 3 == 0 ? 0 : uint32_t(rng());
    ASSERT_EQ(fn().checksum(buf.data() + off, len, seed), reference_checksum(buf.data() + off, len, seed))
        << "off " << off << " len " << len << " seed " << seed;
  }
}

TEST_P(Checksum, AgreesOnLargeBuffers) {
  std::mt19937 rng(64);
  // 3 MiB + 7 spans several fold blocks of the vector paths (1 MiB each at AVX2).
  for (size_t len : {size_t(64) << 10, size_t(1) << 20, (size_t(3) << 20) + 7}) {
    const std::vector<uint8_t> buf = random_bytes(rng, len + 1);
    for (size_t off : {0u, 1u}) {
      const uint8_t* p = buf.data() + off;
      EXPECT_EQ(fn().checksum(p, len, 0x1234), reference_checksum(p, len, 0x1234)) << len << "+" << off;
    }
  }
}

TEST_P(Checksum, AllOnesBuffersStressEveryCarry) {
  // Every word is FFFF: the lane accumulators grow as fast as they can.
  const std::vector<uint8_t> ones((size_t(4) << 20) + 64, 0xFF);
  for (size_t len = 0; len <= 300; ++len) {
    for (uint32_t seed : {0u, 0xFFFFFFFFu}) {
      ASSERT_EQ(fn().checksum(ones.data() + 1, len, seed), reference_checksum(ones.data() + 1, len, seed)) << len;
    }
  }
  for (size_t len : {size_t(64) << 10, (size_t(1) << 20) - 1, size_t(1) << 20, (size_t(1) << 20) + 33,
                     size_t(4) << 20, (size_t(4) << 20) + 63}) {
    EXPECT_EQ(fn().checksum(ones.data(), len, 0), reference_checksum(ones.data(), len, 0)) << len;
    EXPECT_EQ(fn().checksum(ones.data(), len, 0xFFFFFFFFu), checksum_scalar(ones.data(), len, 0xFFFFFFFFu)) << len;
  }
}

TEST_P(Checksum, SeedActsAsItsBigEndianBytesPrependedToTheData) {
  std::mt19937 rng(99);
  for (int i = 0; i < 500; ++i) {
    const size_t len = rng() % 200;
    const uint32_t seed = i == 0 ? 0xFFFFFFFFu : uint32_t(rng());
    std::vector<uint8_t> with = {uint8_t(seed >> 24), uint8_t(seed >> 16), uint8_t(seed >> 8), uint8_t(seed)};
    const std::vector<uint8_t> data = random_bytes(rng, len);
    with.insert(with.end(), data.begin(), data.end());
    ASSERT_EQ(fn().checksum(data.data(), len, seed), fn().checksum(with.data(), with.size(), 0)) << len;
  }
}

TEST_P(Checksum, FilledInChecksumFieldVerifiesToZero) {
  std::mt19937 rng(5);
  for (size_t len = 2; len <= 300; ++len) {
    std::vector<uint8_t> d = random_bytes(rng, len);
    const size_t field = (rng() % (len / 2)) * 2;  // an even offset
    const uint32_t seed = uint32_t(rng());
    d[field] = d[field + 1] = 0;
    const uint16_t c = fn().checksum(d.data(), len, seed);
    d[field] = uint8_t(c >> 8);
    d[field + 1] = uint8_t(c);
    ASSERT_EQ(fn().checksum(d.data(), len, seed), 0) << len;
  }
}

TEST_P(Checksum, NeverReadsOutsideTheBuffer) {
  std::mt19937 rng(11);
  for (size_t len = 0; len <= 300; ++len) {
    for (auto guard : {GuardedBuffer::Guard::After, GuardedBuffer::Guard::Before}) {
      GuardedBuffer b(len, guard);
      const std::vector<uint8_t> data = random_bytes(rng, len);
      if (len != 0) std::memcpy(b.data(), data.data(), len);
      ASSERT_EQ(fn().checksum(b.data(), len, 3), reference_checksum(data.data(), len, 3)) << len;
    }
  }
  GuardedBuffer big(100001, GuardedBuffer::Guard::After);
  std::memset(big.data(), 0xA7, 100001);
  EXPECT_EQ(fn().checksum(big.data(), 100001, 0), reference_checksum(big.data(), 100001, 0));
}

INSTANTIATE_TEST_SUITE_P(Levels, Checksum, kAllLevels, level_name);

}  // namespace
}  // namespace ptnet::simd::test
