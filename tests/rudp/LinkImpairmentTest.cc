// LinkImpairment: deterministic, and each impairment does what it says.
#include "rudp/LinkImpairment.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace ptnet::rudp {
namespace {

constexpr uint64_t kMs = 1'000'000;

struct Collect : Transmitter {
  uint8_t buf[4096];
  std::vector<std::pair<uint32_t, uint64_t>> got;  // (index, release time)
  uint64_t now = 0;
  uint8_t* tx_buffer() override { return buf; }
  void tx_commit(uint8_t* b, size_t, const SockAddr&) override {
    uint32_t i;
    std::memcpy(&i, b, 4);
    got.emplace_back(i, now);
  }
};

// Submits n datagrams 1 ms apart and drains the link.
Collect run(const LinkImpairmentConfig& cfg, uint32_t n) {
  LinkImpairment link(cfg);
  Collect out;
  SockAddr to;
  uint64_t now = 0;
  for (uint32_t i = 0; i < n; ++i, now += kMs) {
    uint8_t d[16] = {};
    std::memcpy(d, &i, 4);
    link.submit(d, sizeof d, to, now);
    out.now = now;
    link.poll(now, out);
  }
  while (link.held() != 0) {
    now = link.next_release_ns();
    out.now = now;
    link.poll(now, out);
  }
  return out;
}

TEST(LinkImpairment, SameSeedSameFate) {
  LinkImpairmentConfig c;
  c.loss = 0.2;
  c.dup = 0.1;
  c.reorder = 0.1;
  c.delay_ns = 5 * kMs;
  c.jitter_ns = 3 * kMs;
  c.seed = 42;
  EXPECT_EQ(run(c, 2000).got, run(c, 2000).got);
  LinkImpairmentConfig d = c;
  d.seed = 43;
  EXPECT_NE(run(c, 2000).got, run(d, 2000).got);
}

TEST(LinkImpairment, NoImpairmentKeepsOrderAndTiming) {
  LinkImpairmentConfig c;
  c.delay_ns = 7 * kMs;
  const Collect out = run(c, 500);
  ASSERT_EQ(out.got.size(), 500u);
  for (uint32_t i = 0; i < 500; ++i) {
    EXPECT_EQ(out.got[i].first, i);
    EXPECT_EQ(out.got[i].second, i * kMs + 7 * kMs);
  }
}

TEST(LinkImpairment, LossAndDuplicationRatesMatchTheirProbabilities) {
  LinkImpairmentConfig c;
  c.loss = 0.1;
  c.dup = 0.05;
  c.max_held = 200000;
  LinkImpairment link(c);
  Collect out;
  SockAddr to;
  uint8_t d[8] = {};
  for (int i = 0; i < 100000; ++i) link.submit(d, sizeof d, to, 0);
  EXPECT_NEAR(double(link.counters().lost) / 100000, 0.1, 0.005);
  EXPECT_NEAR(double(link.counters().duplicated) / 90000, 0.05, 0.005);
  EXPECT_EQ(link.held(), 100000 - link.counters().lost + link.counters().duplicated);
}

TEST(LinkImpairment, JitterStaysInItsBoundsAndReorderingOvertakes) {
  LinkImpairmentConfig c;
  c.delay_ns = 10 * kMs;
  c.jitter_ns = 4 * kMs;
  c.reorder = 0.1;
  c.reorder_ns = 20 * kMs;
  const Collect out = run(c, 3000);
  ASSERT_EQ(out.got.size(), 3000u);
  size_t late = 0, overtaken = 0;
  for (size_t k = 0; k < out.got.size(); ++k) {
    const uint64_t sent = out.got[k].first * kMs;
    const uint64_t d = out.got[k].second - sent;
    EXPECT_GE(d, 10 * kMs);
    EXPECT_LE(d, 34 * kMs);
    late += d > 14 * kMs;
    if (k > 0 && out.got[k].first < out.got[k - 1].first) ++overtaken;
  }
  EXPECT_NEAR(double(late) / 3000, 0.1, 0.02);
  EXPECT_GT(overtaken, 100u);
}

TEST(LinkImpairment, OverflowIsCountedNotGrown) {
  LinkImpairmentConfig c;
  c.max_held = 10;
  c.delay_ns = kMs;
  LinkImpairment link(c);
  SockAddr to;
  uint8_t d[8] = {};
  for (int i = 0; i < 20; ++i) link.submit(d, sizeof d, to, 0);
  EXPECT_EQ(link.held(), 10u);
  EXPECT_EQ(link.counters().overflow, 10u);
  std::vector<uint8_t> big(c.max_datagram + 1);
  Collect sink;
  link.poll(kMs, sink);  // releases the ten
  EXPECT_EQ(sink.got.size(), 10u);
  link.submit(big.data(), big.size(), to, 0);
  EXPECT_EQ(link.counters().overflow, 11u);
}

}  // namespace
}  // namespace ptnet::rudp
