// Dispatch: the probe matches the CPU, active() defaults to detected(),
// force() clamps, and each dispatched routine returns what the scalar twin
// returns at every level it can be forced to.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/simd/SimdTest.h"

namespace ptnet::simd::test {
namespace {

// Restores the default level whatever a test forced.
class Dispatch : public testing::Test {
 protected:
  void TearDown() override { force(detected()); }
};

TEST_F(Dispatch, ActiveIsDetectedByDefault) { EXPECT_EQ(active(), detected()); }

TEST_F(Dispatch, DetectedMatchesTheCpu) {
  __builtin_cpu_init();
  const Level want = __builtin_cpu_supports("avx2")     ? Level::Avx2
                     : __builtin_cpu_supports("sse4.2") ? Level::Sse42
                                                         : Level::Scalar;
  EXPECT_EQ(detected(), want);
}

TEST_F(Dispatch, ForceClampsToDetected) {
  for (Level l : {Level::Scalar, Level::Sse42, Level::Avx2}) {
    force(l);
    const Level want = uint8_t(l) <= uint8_t(detected()) ? l : detected();
    EXPECT_EQ(active(), want) << to_string(l);
  }
  force(detected());
  EXPECT_EQ(active(), detected());
}

TEST_F(Dispatch, LevelNames) {
  EXPECT_STREQ(to_string(Level::Scalar), "scalar");
  EXPECT_STREQ(to_string(Level::Sse42), "sse4.2");
  EXPECT_STREQ(to_string(Level::Avx2), "avx2");
}

TEST_F(Dispatch, DispatchedRoutinesMatchTheScalarTwinsAtEveryForcedLevel) {
  std::mt19937 rng(77);
  const std::vector<uint8_t> data = random_bytes(rng, 2000);
  std::vector<Span> spans;
  std::vector<uint32_t> seeds;
  for (size_t i = 0; i < 37; ++i) {
    spans.push_back({data.data() + i, uint32_t(rng() % 1500)});
    seeds.push_back(uint32_t(rng()));
  }
  std::vector<uint8_t> wire(40 * 14);
  for (uint8_t& b : wire) b = uint8_t(rng());
  std::vector<const uint8_t*> src;
  for (size_t i = 0; i < 40; ++i) src.push_back(wire.data() + 14 * i);

  std::vector<uint8_t> want_ok(spans.size());
  const size_t want_good = verify_batch_scalar(spans.data(), spans.size(), seeds.data(), want_ok.data());
  std::vector<Header14> want_h(src.size());
  decode_headers_scalar(src.data(), src.size(), want_h.data());

  for (Level l : {Level::Scalar, Level::Sse42, Level::Avx2}) {
    if (!supported(l)) continue;
    force(l);
    ASSERT_EQ(active(), l);
    EXPECT_EQ(checksum(data.data() + 3, 1777, 42), checksum_scalar(data.data() + 3, 1777, 42)) << to_string(l);

    std::vector<uint8_t> ok(spans.size());
    EXPECT_EQ(verify_batch(spans.data(), spans.size(), seeds.data(), ok.data()), want_good) << to_string(l);
    EXPECT_EQ(ok, want_ok) << to_string(l);

    std::vector<Header14> h(src.size());
    decode_headers(src.data(), src.size(), h.data());
    std::vector<uint8_t> back(wire.size());
    std::vector<uint8_t*> dst;
    for (size_t i = 0; i < src.size(); ++i) dst.push_back(back.data() + 14 * i);
    encode_headers(h.data(), h.size(), dst.data());
    EXPECT_EQ(back, wire) << to_string(l);
    for (size_t i = 0; i < h.size(); ++i) EXPECT_EQ(h[i].seq, want_h[i].seq) << to_string(l);

    std::vector<uint8_t> out(5 * 100, 0);
    std::vector<uint8_t*> fan = {out.data(), out.data() + 100, out.data() + 200, out.data() + 300, out.data() + 400};
    fanout_copy(fan.data(), fan.size(), data.data(), 99);
    for (uint8_t* d : fan) EXPECT_EQ(std::memcmp(d, data.data(), 99), 0) << to_string(l);
  }
}

}  // namespace
}  // namespace ptnet::simd::test
