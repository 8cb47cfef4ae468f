// fanout_copy: every level copies every frame length 0..300 to every
// destination count 0..70, destinations at odd offsets, every byte around
// them untouched; frames over the register limit; sources flush against
// inaccessible pages.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "tests/simd/SimdTest.h"

namespace ptnet::simd::test {
namespace {

constexpr uint8_t kGuard = 0xC3;

// n destinations of len bytes at odd, unevenly spaced offsets in one arena.
struct Arena {
  std::vector<uint8_t> bytes;
  std::vector<uint8_t*> dst;

  Arena(size_t n, size_t max_len) : bytes(n * (max_len + 32) + 64, kGuard) {
    for (size_t i = 0; i < n; ++i) dst.push_back(bytes.data() + 1 + i * (max_len + 32) + (i % 7) * 2);
  }
  void reset() { std::memset(bytes.data(), kGuard, bytes.size()); }
  // The arena as it must be after copying src[0, len) to the first n destinations.
  std::vector<uint8_t> expected(size_t n, const uint8_t* src, size_t len) const {
    std::vector<uint8_t> want(bytes.size(), kGuard);
    for (size_t i = 0; i < n; ++i) {
      if (len != 0) std::memcpy(want.data() + (dst[i] - bytes.data()), src, len);
    }
    return want;
  }
};

class FanoutCopy : public LevelTest {};

TEST_P(FanoutCopy, EveryLengthUpTo300ToEveryCountUpTo70) {
  std::mt19937 rng(300);
  std::vector<uint8_t> src = random_bytes(rng, 300 + 1);
  for (uint8_t& b : src) b = b == kGuard ? 0 : b;  // a missed byte must show
  Arena a(70, 300);
  for (size_t len = 0; len <= 300; ++len) {
    const uint8_t* s = src.data() + (len % 2);  // odd and even source addresses
    for (size_t n = 0; n <= 70; ++n) {
      a.reset();
      fn().fanout_copy(a.dst.data(), n, s, len);
      ASSERT_TRUE(a.bytes == a.expected(n, s, len)) << "len " << len << " n " << n;
    }
  }
}

TEST_P(FanoutCopy, FramesOverTheRegisterLimitAreCopiedToo) {
  std::mt19937 rng(257);
  for (size_t len : {kFanoutRegisterMax + 1, size_t(1000), size_t(5000), size_t(70000)}) {
    const std::vector<uint8_t> src = random_bytes(rng, len);
    Arena a(5, len);
    fn().fanout_copy(a.dst.data(), 5, src.data(), len);
    EXPECT_TRUE(a.bytes == a.expected(5, src.data(), len)) << len;
  }
}

TEST_P(FanoutCopy, NeverReadsOutsideTheSource) {
  std::mt19937 rng(8);
  Arena a(3, 300);
  for (size_t len = 0; len <= 300; ++len) {
    for (auto guard : {GuardedBuffer::Guard::After, GuardedBuffer::Guard::Before}) {
      GuardedBuffer src(len, guard);
      for (size_t k = 0; k < len; ++k) src.data()[k] = uint8_t(rng());
      a.reset();
      fn().fanout_copy(a.dst.data(), 3, src.data(), len);
      ASSERT_TRUE(a.bytes == a.expected(3, src.data(), len)) << len;
    }
  }
}

TEST_P(FanoutCopy, NeverWritesOutsideTheDestinations) {
  std::mt19937 rng(9);
  const std::vector<uint8_t> src = random_bytes(rng, 300);
  for (size_t len : {1u, 2u, 3u, 7u, 8u, 15u, 16u, 17u, 31u, 32u, 33u, 68u, 255u, 256u, 257u, 300u}) {
    for (auto guard : {GuardedBuffer::Guard::After, GuardedBuffer::Guard::Before}) {
      std::vector<GuardedBuffer> bufs;
      std::vector<uint8_t*> dst;
      for (int i = 0; i < 3; ++i) {
        bufs.emplace_back(len, guard);
        dst.push_back(bufs.back().data());
      }
      fn().fanout_copy(dst.data(), dst.size(), src.data(), len);  // a byte outside would fault
      for (uint8_t* d : dst) ASSERT_EQ(std::memcmp(d, src.data(), len), 0) << len;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, FanoutCopy, kAllLevels, level_name);

}  // namespace
}  // namespace ptnet::simd::test
