// RUDP fragmentation at its edges: the largest unfragmented message and one
// byte more, the largest message, a lost last fragment, duplicated
// fragments, the reassembly cap against a fragment bomb and under loss.
#include <gtest/gtest.h>

#include <cerrno>

#include "rudp/FrameReader.h"
#include "tests/rudp/RudpTestUtil.h"

namespace ptnet::rudp::test {
namespace {

struct Pair {
  SimNet net;
  int s = 0, c = 0;
  ConnId up, down;
  explicit Pair(const LinkImpairmentConfig& link = {}, EndpointConfig sc = server_config(),
                EndpointConfig cc = client_config()) {
    s = net.add(sc, link);
    c = net.add(cc, link);
    up = net.connect(c, s, 10 * kSec);
    if (up.valid()) down = net.handler(s).connects[0].first;
  }
  int send(const Bytes& m) { return net.ep(c).send(up, Channel::Reliable, m.data(), m.size(), net.now()); }
  bool wait(size_t n, uint64_t max = 10 * kSec) {
    return net.run_until([&] { return net.handler(s).messages.size() >= n; }, max);
  }
};

// Frames of a DATA datagram (for taps).
std::vector<Frame> frames_of(const uint8_t* d, size_t len) {
  std::vector<Frame> out;
  if (len < wire::kHeaderSize || d[0] != wire::kData) return out;
  size_t off = wire::kHeaderSize;
  if (d[13] & wire::kFlagAck) off += wire::kAckBlockMin + 4 * size_t(d[off + 6]);
  FrameReader r(d + off, len - off, 0xFFFF);
  Frame f;
  while (r.next(&f) == 1) out.push_back(f);
  return out;
}

TEST(RudpFragment, LargestUnfragmentedMessageTravelsInOneDatagram) {
  Pair p;
  ASSERT_TRUE(p.up.valid());
  const size_t unit = p.net.ep(p.c).max_unit_payload();
  EXPECT_EQ(unit, 1200u - 58u);
  int data_packets = 0, fragments = 0;
  p.net.tap = [&](int from, const uint8_t* d, size_t len, const SockAddr&) {
    if (from != p.c) return;
    EXPECT_LE(len, 1200u);
    for (const Frame& f : frames_of(d, len)) {
      ++data_packets;
      fragments += f.kind == wire::kKindFragment;
    }
  };
  ASSERT_EQ(p.send(make_message(1, unit)), 0);
  ASSERT_TRUE(p.wait(1));
  EXPECT_EQ(data_packets, 1);
  EXPECT_EQ(fragments, 0);
  ASSERT_EQ(p.send(make_message(2, unit + 1)), 0);  // one byte more: two fragments
  ASSERT_TRUE(p.wait(2));
  EXPECT_EQ(fragments, 2);
  EXPECT_EQ(p.net.handler(p.s).messages[0].data, make_message(1, unit));
  EXPECT_EQ(p.net.handler(p.s).messages[1].data, make_message(2, unit + 1));
}

TEST(RudpFragment, LargestMessageIsReassembledAndOneByteMoreIsRefused) {
  Pair p;
  ASSERT_TRUE(p.up.valid());
  const size_t max = p.net.ep(p.c).config().max_message;
  ASSERT_EQ(p.send(make_message(7, max)), 0);
  ASSERT_TRUE(p.wait(1));
  EXPECT_EQ(p.net.handler(p.s).messages[0].data, make_message(7, max));
  EXPECT_EQ(p.send(make_message(8, max + 1)), -EMSGSIZE);
}

TEST(RudpFragment, LostLastFragmentIsRetransmittedAndTheMessageDeliveredOnce) {
  Pair p;
  ASSERT_TRUE(p.up.valid());
  bool dropped = false;
  p.net.drop = [&](int from, const uint8_t* d, size_t len, const SockAddr&) {
    if (from != p.c || dropped) return false;
    for (const Frame& f : frames_of(d, len)) {
      if (f.kind == wire::kKindFragment && f.frag_index + 1 == f.frag_count) return dropped = true;
    }
    return false;
  };
  const Bytes m = make_message(3, 10000);
  ASSERT_EQ(p.send(m), 0);
  ASSERT_TRUE(p.wait(1, 5 * kSec));
  p.net.run_for(kSec);
  ASSERT_TRUE(dropped);  // premise
  ASSERT_EQ(p.net.handler(p.s).messages.size(), 1u);
  EXPECT_EQ(p.net.handler(p.s).messages[0].data, m);
  EXPECT_GT(p.net.ep(p.c).stats(p.up)->retransmits, 0u);
}

TEST(RudpFragment, DuplicatedFragmentsDeliverTheMessageOnce) {
  LinkImpairmentConfig link;
  link.dup = 1.0;
  link.jitter_ns = 2 * kMs;
  link.seed = 2;
  Pair p(link);
  ASSERT_TRUE(p.up.valid());
  std::vector<Bytes> plan;
  for (uint32_t i = 0; i < 20; ++i) {
    plan.push_back(make_message(i, 5000 + i * 500));
    ASSERT_EQ(p.send(plan.back()), 0);
  }
  ASSERT_TRUE(p.wait(20));
  p.net.run_for(kSec);
  ASSERT_EQ(p.net.handler(p.s).messages.size(), 20u);
  for (size_t i = 0; i < 20; ++i) EXPECT_EQ(p.net.handler(p.s).messages[i].data, plan[i]);
  EXPECT_GT(p.net.ep(p.s).stats(p.down)->duplicates, 0u);
}

TEST(RudpFragment, OverlappingReassemblyAtTheCapStillDeliversEverything) {
  LinkImpairmentConfig link;
  link.loss = 0.15;
  link.reorder = 0.2;
  link.delay_ns = 5 * kMs;
  link.jitter_ns = 5 * kMs;
  link.seed = 44;
  EndpointConfig sc = server_config();
  sc.reassembly_cap = 8 * 1024;  // smaller than one message: out-of-order fragments hit it
  sc.idle_timeout_ns = 300 * kSec;
  EndpointConfig cc = client_config();
  cc.idle_timeout_ns = 300 * kSec;
  Pair p(link, sc, cc);
  ASSERT_TRUE(p.up.valid());
  std::vector<Bytes> plan;
  for (uint32_t i = 0; i < 60; ++i) {
    plan.push_back(make_message(i, 12000 + i * 97));
    ASSERT_EQ(p.send(plan.back()), 0);
  }
  size_t peak = 0;
  ASSERT_TRUE(p.net.run_until(
      [&] {
        peak = std::max(peak, size_t(p.net.ep(p.s).stats(p.down)->reorder_bytes));
        return p.net.handler(p.s).messages.size() == plan.size();
      },
      600 * kSec));
  for (size_t i = 0; i < plan.size(); ++i) EXPECT_EQ(p.net.handler(p.s).messages[i].data, plan[i]);
  const PeerStats* st = p.net.ep(p.s).stats(p.down);
  EXPECT_GT(st->reassembly_drops, 0u);  // premise: the cap was hit
  // Held bytes: at most the cap of out-of-order units plus one message in order.
  EXPECT_LE(peak, sc.reassembly_cap + sc.max_message);
}

TEST(RudpFragment, FragmentBombFromAConnectedPeerIsBoundedByTheCap) {
  EndpointConfig sc = server_config();
  sc.reassembly_cap = 16 * 1024;
  KeySniffer keys;
  SimNet net;
  const int s = net.add(sc);
  const int c = net.add(client_config());
  keys.attach(net);
  ASSERT_TRUE(net.connect(c, s).valid());
  const uint32_t key = keys.key_for(net.addr(c));
  const ConnId down = net.handler(s).connects[0].first;
  // Fragments of messages that never complete: index 1.. of 50-fragment
  // messages, out of order (rseq far past rcv_next), in fresh packets.
  const Bytes payload(1000, 0xAB);
  for (uint32_t i = 0; i < 400; ++i) {
    Bytes body;
    put_frame(body, wire::kKindFragment, 10 + (i % 240), payload, uint16_t(1 + i % 49), 50);
    const Bytes d = craft(wire::kData, 100 + i, 0, 256, wire::kFlagFrames, body, key);
    net.inject(s, d.data(), d.size(), net.addr(c));
    net.run_for(kMs);
  }
  const PeerStats* st = net.ep(s).stats(down);
  ASSERT_NE(st, nullptr);
  EXPECT_GT(st->reassembly_drops, 0u);
  EXPECT_LE(st->reorder_bytes, sc.reassembly_cap);
  EXPECT_LE(net.ep(s).pool_bytes(), sc.reassembly_cap * 2 + 4096);  // units in 1.5 KiB blocks + the ring
  EXPECT_TRUE(net.handler(s).messages.empty());
}

}  // namespace
}  // namespace ptnet::rudp::test
