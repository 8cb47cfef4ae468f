// RUDP building blocks on their own: sequence arithmetic, ack ranges and
// their wire form, frame reader/writer, the address table, the RTT
// estimator, congestion window, pacer, cookies, rings.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "rudp/AckBlock.h"
#include "rudp/AckRanges.h"
#include "rudp/AddrTable.h"
#include "rudp/BlockPool.h"
#include "rudp/Congestion.h"
#include "rudp/CookieJar.h"
#include "rudp/FrameReader.h"
#include "rudp/FrameWriter.h"
#include "rudp/Pacer.h"
#include "rudp/Rng.h"
#include "rudp/RttEstimator.h"
#include "rudp/SentPacketRing.h"
#include "rudp/Seq.h"
#include "tests/rudp/RudpTestUtil.h"

namespace ptnet::rudp::test {
namespace {

TEST(RudpSeq, ComparisonsAreWraparoundSafe) {
  EXPECT_TRUE(seq_lt(0xFFFFFFFFu, 0u));
  EXPECT_TRUE(seq_gt(5u, 0xFFFFFFF0u));
  EXPECT_TRUE(seq_le(7u, 7u));
  EXPECT_TRUE(seq_lt(1u, 0x80000000u));  // 2^31 - 1 apart: still ordered
  EXPECT_EQ(seq_max(0xFFFFFFFEu, 3u), 3u);
}

// Inserts pns in a random order and checks ranges against a set model.
TEST(RudpAckRanges, MatchTheSetOfReceivedPacketsUnderRandomOrder) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    Rng rng(seed);
    AckRanges r;
    std::set<uint32_t> got;
    const uint32_t base = 0xFFFFFFF0u;  // crosses the wrap
    for (int i = 0; i < 40; ++i) {
      const uint32_t pn = base + uint32_t(rng.upto(30));
      got.insert(pn - base);
      const bool had = r.contains(pn);
      const AckRanges::Insert res = r.insert(pn);
      EXPECT_EQ(res == AckRanges::Insert::Duplicate, had);
    }
    ASSERT_GT(r.size(), 0u);
    for (unsigned i = 0; i < r.size(); ++i) {  // every reported pn was received...
      for (uint32_t pn = r.range(i).lo;; ++pn) {
        EXPECT_TRUE(got.count(pn - base)) << "seed " << seed;
        if (pn == r.range(i).hi) break;
      }
      if (i > 0) {  // ...ranges are disjoint, descending, with a real gap between them
        EXPECT_TRUE(seq_lt(r.range(i).hi + 1, r.range(i - 1).lo));
      }
    }
    EXPECT_EQ(r.largest() - base, *got.rbegin());
  }
}

TEST(RudpAckRanges, KeepsAtMostEightRangesForgettingTheLowest) {
  AckRanges r;
  for (uint32_t i = 0; i < 20; ++i) r.insert(i * 2);  // 20 isolated packets
  EXPECT_EQ(r.size(), AckRanges::kKeep);
  EXPECT_EQ(r.largest(), 38u);
  EXPECT_FALSE(r.contains(0));
  EXPECT_TRUE(r.contains(38));
  EXPECT_EQ(r.insert(0), AckRanges::Insert::Unknown);
  EXPECT_EQ(r.insert(37), AckRanges::Insert::New);  // fills a gap: merges
  EXPECT_EQ(r.size(), AckRanges::kKeep - 1);
}

TEST(RudpAckRanges, EncodeThenParseGivesTheSameRanges) {
  AckRanges r;
  for (uint32_t pn : {100u, 101u, 102u, 97u, 95u, 94u, 90u, 80u, 81u, 60u}) r.insert(pn);
  uint8_t buf[64] = {};
  wire::store16(buf, 10);
  wire::store32(buf + 2, 1234);
  const size_t n = 6 + r.encode(buf + 6, wire::kMaxAckRanges);
  AckBlock a;
  ASSERT_EQ(parse_ack_block(buf, n, r.largest(), &a), n);
  EXPECT_EQ(a.rcv_next, 1234u);
  EXPECT_EQ(a.delay_ns, 10 * wire::kAckDelayUnitNs);
  ASSERT_EQ(a.count, std::min<uint32_t>(r.size(), 1 + wire::kMaxAckRanges));
  for (uint32_t i = 0; i < a.count; ++i) {
    EXPECT_EQ(a.ranges[i].lo, r.range(i).lo);
    EXPECT_EQ(a.ranges[i].hi, r.range(i).hi);
  }
  EXPECT_EQ(parse_ack_block(buf, n - 1, r.largest(), &a), 0u);  // truncated
  buf[6] = wire::kMaxAckRanges + 1;
  EXPECT_EQ(parse_ack_block(buf, sizeof buf, r.largest(), &a), 0u);  // too many ranges
}

Unit* unit_in(std::vector<uint8_t>& mem, uint8_t kind, uint32_t seq, const Bytes& payload, uint16_t idx = 0,
              uint16_t cnt = 0) {
  mem.assign(sizeof(Unit) + payload.size() + 1, 0);
  Unit* u = reinterpret_cast<Unit*>(mem.data());
  u->kind = kind;
  u->seq = seq;
  u->len = uint16_t(payload.size());
  u->frag_index = idx;
  u->frag_count = cnt;
  std::memcpy(u->data(), payload.data(), payload.size());
  return u;
}

TEST(RudpFrames, WriterAndReaderAgreeAndNextSavesTheSequenceField) {
  uint8_t buf[512];
  FrameWriter w(buf, buf + sizeof buf);
  std::vector<uint8_t> m1, m2, m3, m4;
  w.put(*unit_in(m1, wire::kKindReliable, 41, Bytes(10, 1)));
  w.put(*unit_in(m2, wire::kKindReliable, 42, Bytes(5, 2)));  // NEXT: 3 bytes of header
  w.put(*unit_in(m3, wire::kKindUnreliable, 7, Bytes(3, 3)));
  w.put(*unit_in(m4, wire::kKindFragment, 43, Bytes(20, 4), 1, 3));
  EXPECT_EQ(size_t(w.pos() - buf), (7 + 10) + (3 + 5) + (7 + 3) + (3 + 4 + 20));
  FrameReader r(buf, size_t(w.pos() - buf), 100);
  Frame f;
  ASSERT_EQ(r.next(&f), 1);
  EXPECT_EQ(f.seq, 41u);
  ASSERT_EQ(r.next(&f), 1);
  EXPECT_EQ(f.seq, 42u);
  EXPECT_EQ(f.len, 5u);
  ASSERT_EQ(r.next(&f), 1);
  EXPECT_EQ(f.kind, wire::kKindUnreliable);
  EXPECT_EQ(f.seq, 7u);
  ASSERT_EQ(r.next(&f), 1);
  EXPECT_EQ(f.kind, wire::kKindFragment);
  EXPECT_EQ(f.seq, 43u);
  EXPECT_EQ(f.frag_index, 1u);
  EXPECT_EQ(f.frag_count, 3u);
  EXPECT_EQ(f.data[0], 4);
  EXPECT_EQ(r.next(&f), 0);
}

TEST(RudpFrames, ReaderRejectsEveryMalformedShape) {
  auto bad = [](Bytes b, uint32_t max_frag = 100) {
    FrameReader r(b.data(), b.size(), max_frag);
    Frame f;
    int rc;
    while ((rc = r.next(&f)) == 1) {
    }
    return rc == -1;
  };
  Bytes ok;
  put_frame(ok, wire::kKindReliable, 1, Bytes(4, 0));
  EXPECT_FALSE(bad(ok));
  EXPECT_TRUE(bad(Bytes{0x00, 0x00}));                       // short header
  EXPECT_TRUE(bad(Bytes{0xC0, 0x00, 0x00, 0, 0, 0, 0}));     // kind 11
  EXPECT_TRUE(bad(Bytes{0x01, 0x00, 0x00, 0, 0, 0, 0}));     // reserved bit
  EXPECT_TRUE(bad(Bytes{0x20, 0x00, 0x00}));                 // NEXT first
  EXPECT_TRUE(bad(Bytes{0x00, 0x00, 0x09, 0, 0, 0, 0, 1}));  // length past the end
  Bytes frag;
  put_frame(frag, wire::kKindFragment, 1, Bytes(4, 0), 3, 3);  // index >= count
  EXPECT_TRUE(bad(frag));
  frag.clear();
  put_frame(frag, wire::kKindFragment, 1, Bytes(4, 0), 0, 1);  // count < 2
  EXPECT_TRUE(bad(frag));
  frag.clear();
  put_frame(frag, wire::kKindFragment, 1, Bytes(4, 0), 0, 200);  // over max fragments
  EXPECT_TRUE(bad(frag));
}

TEST(RudpAddrTable, ChurnWithDeletionsNeverLosesOrInventsEntries) {
  AddrTable t;
  std::map<uint32_t, uint64_t> model;  // value -> hash
  Rng rng(77);
  auto hash_of = [](uint32_t v) { return SimNet::make_addr(uint8_t(v), uint16_t(v >> 8)).hash(); };
  for (int step = 0; step < 200000; ++step) {
    const uint32_t v = uint32_t(rng.upto(3000));
    if (model.count(v)) {
      ASSERT_TRUE(t.erase(model[v], v));
      model.erase(v);
    } else {
      t.insert(hash_of(v), v);
      model[v] = hash_of(v);
    }
    if (step % 1000 == 0) {
      for (auto& [val, h] : model) ASSERT_EQ(t.find(h, [&](uint32_t x) { return x == val; }), val);
    }
  }
  EXPECT_EQ(t.size(), model.size());
  EXPECT_LE(t.capacity(), 8192u);  // deletions do not make it grow
  for (auto& [val, h] : model) EXPECT_TRUE(t.erase(h, val));
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.find(hash_of(5), [](uint32_t) { return true; }), AddrTable::kNone);
}

TEST(RudpRtt, FirstSampleThenSmoothingAndAckDelay) {
  RttEstimator r;
  r.reset(100 * kMs);
  r.on_sample(40 * kMs, 0);
  EXPECT_EQ(r.srtt_ns(), 40 * kMs);
  EXPECT_EQ(r.rttvar_ns(), 20 * kMs);
  r.on_sample(60 * kMs, 10 * kMs);  // 50 after the ack delay
  EXPECT_EQ(r.srtt_ns(), (7 * 40 + 50) * kMs / 8);
  EXPECT_EQ(r.rttvar_ns(), (3 * 20 + 10) * kMs / 4);
  EXPECT_EQ(r.min_rtt_ns(), 40 * kMs);
  r.on_sample(45 * kMs, 20 * kMs);  // delay would take it under min_rtt: not subtracted
  EXPECT_EQ(r.latest_ns(), 45 * kMs);
  EXPECT_EQ(r.rto_ns(0, 0, 60 * kSec), r.srtt_ns() + 4 * r.rttvar_ns());
  EXPECT_EQ(r.rto_ns(0, 1 * kSec, 60 * kSec), 1 * kSec);
}

TEST(RudpCongestion, SlowStartAvoidanceHalvingOncePerEpisodeAndTimeout) {
  Congestion c;
  c.reset(1000, 10, 2, 1 << 20);
  EXPECT_EQ(c.cwnd(), 10000u);
  c.on_acked(3000, 1);
  EXPECT_EQ(c.cwnd(), 13000u);  // slow start: + acked bytes
  EXPECT_TRUE(c.on_lost(/*sent*/ 5, /*now*/ 10));
  EXPECT_EQ(c.cwnd(), 6500u);
  EXPECT_EQ(c.ssthresh(), 6500u);
  EXPECT_FALSE(c.on_lost(8, 11));  // sent before the episode began: same episode
  EXPECT_EQ(c.cwnd(), 6500u);
  c.on_acked(6500, 9);  // sent before recovery started: no growth
  EXPECT_EQ(c.cwnd(), 6500u);
  c.on_acked(6500, 20);  // congestion avoidance: one mss per window
  EXPECT_EQ(c.cwnd(), 7500u);
  EXPECT_TRUE(c.on_lost(30, 40));  // a new episode
  EXPECT_EQ(c.cwnd(), 3750u);
  c.on_timeout(50);
  EXPECT_EQ(c.cwnd(), 2000u);  // collapsed to the minimum
  EXPECT_EQ(c.budget(1500), 500u);
  EXPECT_EQ(c.budget(2500), 0u);
}

TEST(RudpPacer, SpreadsAWindowOverTheRoundTrip) {
  Pacer p;
  const uint64_t srtt = 100 * kMs;
  const uint32_t cwnd = 100000, burst = 10000;
  uint64_t now = kSec;
  EXPECT_EQ(p.delay_ns(now, cwnd, srtt, burst), 0u);
  uint64_t sent = 0;
  const uint64_t start = now;
  while (sent < 200000) {  // two windows
    const uint64_t d = p.delay_ns(now, cwnd, srtt, burst);
    if (d == 0) {
      p.on_sent(1000);
      sent += 1000;
    } else {
      now += d;
    }
  }
  const double elapsed = double(now - start);
  // 1.25 windows per RTT: two windows take ~160 ms minus the initial burst.
  EXPECT_GT(elapsed, 130e6);
  EXPECT_LT(elapsed, 170e6);
}

TEST(RudpCookieJar, VerifiesUnderCurrentAndPreviousSecretOnly) {
  CookieJar jar;
  uint8_t k1[16] = {1}, k2[16] = {2}, k3[16] = {3};
  jar.rotate(k1);
  const SockAddr a = SimNet::make_addr(1, 1000), b = SimNet::make_addr(1, 1001);
  const uint64_t mac = jar.mac(a, 42, 5000);
  EXPECT_TRUE(jar.verify(a, 42, 5000, mac, 5100, 1000));
  EXPECT_FALSE(jar.verify(b, 42, 5000, mac, 5100, 1000));      // another port
  EXPECT_FALSE(jar.verify(a, 43, 5000, mac, 5100, 1000));      // another nonce
  EXPECT_FALSE(jar.verify(a, 42, 5001, mac, 5100, 1000));      // another time
  EXPECT_FALSE(jar.verify(a, 42, 5000, mac, 7000, 1000));      // too old
  EXPECT_FALSE(jar.verify(a, 42, 5000, mac ^ 1, 5100, 1000));  // forged
  jar.rotate(k2);
  EXPECT_TRUE(jar.verify(a, 42, 5000, mac, 5100, 1000));
  jar.rotate(k3);
  EXPECT_FALSE(jar.verify(a, 42, 5000, mac, 5100, 1000));
  CookieJar empty;
  EXPECT_FALSE(empty.verify(a, 42, 5000, 0, 5000, 1000));
}

TEST(RudpSentPacketRing, GrowsKeepsOrderAndTrims) {
  BlockPool pool;
  SentPacketRing r;
  r.reset(0xFFFFFFF8u);
  for (int i = 0; i < 100; ++i) {
    SentPacket* rec = r.push(pool, 4096);
    ASSERT_NE(rec, nullptr);
    rec->in_flight = 1;
    rec->sent_ns = uint64_t(i);
  }
  EXPECT_EQ(r.size(), 100u);
  EXPECT_EQ(r.capacity(), 128u);
  for (uint32_t i = 0; i < 100; ++i) EXPECT_EQ(r.at(0xFFFFFFF8u + i).sent_ns, i);
  for (uint32_t i = 0; i < 50; ++i) r.at(0xFFFFFFF8u + i).in_flight = 0;
  r.trim();
  EXPECT_EQ(r.base_pn(), 0xFFFFFFF8u + 50);
  while (r.size() < 128) ASSERT_NE(r.push(pool, 128), nullptr);
  EXPECT_EQ(r.push(pool, 128), nullptr);  // full at the cap
  for (uint32_t pn = r.base_pn(); pn != r.next_pn(); ++pn) r.at(pn).in_flight = 0;
  r.trim();
  EXPECT_TRUE(r.empty());
  r.release(pool);
  EXPECT_EQ(pool.bytes_in_use(), 0u);
}

TEST(RudpBlockPool, ClassesAndReuse) {
  BlockPool pool;
  EXPECT_EQ(BlockPool::class_size(BlockPool::class_of(1)), 64u);
  EXPECT_EQ(BlockPool::class_size(BlockPool::class_of(1100)), 1536u);
  EXPECT_EQ(BlockPool::class_size(BlockPool::class_of(65536)), 65536u);
  uint8_t cls;
  void* a = pool.allocate(100, &cls);
  EXPECT_EQ(pool.bytes_in_use(), 128u);
  pool.deallocate(a, cls);
  void* b = pool.allocate(120, &cls);
  EXPECT_EQ(a, b);  // reused
  pool.deallocate(b, cls);
  EXPECT_EQ(pool.bytes_in_use(), 0u);
}

}  // namespace
}  // namespace ptnet::rudp::test
