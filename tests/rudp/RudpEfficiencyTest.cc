// RUDP datagram economy: an echo at depth 1 costs the server exactly one
// datagram in and one out per message (the ack rides on the echo, the next
// request carries the ack of the echo); at depth 16 many messages share a
// datagram.
#include <gtest/gtest.h>

#include "tests/rudp/RudpTestUtil.h"

namespace ptnet::rudp::test {
namespace {

struct EchoRig {
  SimNet net;
  int s = 0, c = 0;
  ConnId up;
  uint64_t echoes = 0;
  uint64_t target = 0;
  explicit EchoRig(uint64_t link_delay) {
    LinkImpairmentConfig link;
    link.delay_ns = link_delay;
    s = net.add(server_config(), link);
    c = net.add(client_config(), link);
    up = net.connect(c, s);
    net.handler(s).keep_messages = false;
    net.handler(c).keep_messages = false;
    net.handler(s).on_msg = [this](ConnId peer, Channel ch, const uint8_t* d, size_t n) {
      EXPECT_EQ(net.ep(s).send(peer, ch, d, n, net.now()), 0);
    };
    net.handler(c).on_msg = [this](ConnId peer, Channel, const uint8_t*, size_t) {
      if (++echoes + inflight <= target) {
        const Bytes m(64, 7);
        EXPECT_EQ(net.ep(c).send(peer, Channel::Reliable, m.data(), m.size(), net.now()), 0);
      }
    };
  }
  uint64_t inflight = 0;
  void run(uint64_t depth, uint64_t messages) {
    target = messages;
    inflight = depth;
    const Bytes m(64, 7);
    for (uint64_t i = 0; i < depth; ++i) ASSERT_EQ(net.ep(c).send(up, Channel::Reliable, m.data(), m.size(), net.now()), 0);
    net.run_until([&] { return echoes >= messages; }, 600 * kSec);
    ASSERT_EQ(echoes, messages);
  }
};

TEST(RudpEfficiency, EchoAtDepthOneCostsTheServerOneDatagramInAndOneOut) {
  EchoRig rig(1 * kMs);
  ASSERT_TRUE(rig.up.valid());
  const ConnId down = rig.net.handler(rig.s).connects[0].first;
  const PeerStats before = *rig.net.ep(rig.s).stats(down);
  rig.run(1, 2000);
  const PeerStats& after = *rig.net.ep(rig.s).stats(down);
  EXPECT_EQ(after.messages_in - before.messages_in, 2000u);
  EXPECT_EQ(after.datagrams_in - before.datagrams_in, 2000u);
  EXPECT_EQ(after.datagrams_out - before.datagrams_out, 2000u);
  EXPECT_EQ(after.acks_out, 0u);  // never a standalone ack
}

TEST(RudpEfficiency, EchoAtDepthSixteenCoalescesMessages) {
  EchoRig rig(1 * kMs);
  ASSERT_TRUE(rig.up.valid());
  const ConnId down = rig.net.handler(rig.s).connects[0].first;
  const PeerStats before = *rig.net.ep(rig.s).stats(down);
  rig.run(16, 16000);
  const PeerStats& after = *rig.net.ep(rig.s).stats(down);
  const double in = double(after.datagrams_in - before.datagrams_in) / 16000;
  const double out = double(after.datagrams_out - before.datagrams_out) / 16000;
  EXPECT_LT(in, 0.1);
  EXPECT_LT(out, 0.1);
}

}  // namespace
}  // namespace ptnet::rudp::test
