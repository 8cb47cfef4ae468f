// RUDP reliable channel: exactly-once in-order delivery over impaired links
// (loss 0..30 % with duplication, reordering and jitter), messages from 1 to
// 20,000 bytes (fragmented above one datagram), in both directions; sequence
// wraparound; the unreliable channel's newest-wins rule.
#include <gtest/gtest.h>

#include <cerrno>

#include "rudp/Rng.h"
#include "tests/rudp/RudpTestUtil.h"

namespace ptnet::rudp::test {
namespace {

// Sends a planned list of messages as fast as the send budget allows.
struct Pump {
  std::vector<Bytes> plan;
  size_t next = 0;
  uint64_t enobufs = 0;
  void run(Endpoint& ep, ConnId id, uint64_t now) {
    while (next < plan.size()) {
      const int rc = ep.send(id, Channel::Reliable, plan[next].data(), plan[next].size(), now);
      if (rc == -ENOBUFS) {
        ++enobufs;
        return;
      }
      ASSERT_EQ(rc, 0);
      ++next;
    }
  }
  bool done() const { return next == plan.size(); }
};

std::vector<Bytes> plan_messages(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<Bytes> v;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t r = rng.upto(99);
    const size_t len = r < 70 ? 1 + rng.upto(199) : r < 90 ? 200 + rng.upto(1800) : 2000 + rng.upto(18000);
    v.push_back(make_message(uint32_t(i), len));
  }
  return v;
}

// Exactly once, in order, byte for byte.
void expect_delivered(const RecordingHandler& h, const std::vector<Bytes>& plan) {
  ASSERT_EQ(h.messages.size(), plan.size());
  for (size_t i = 0; i < plan.size(); ++i) {
    ASSERT_EQ(h.messages[i].ch, Channel::Reliable);
    ASSERT_EQ(h.messages[i].data, plan[i]) << "message " << i;
  }
}

struct LossCase {
  double loss;
  uint64_t seed;
};

class RudpLossyLink : public ::testing::TestWithParam<LossCase> {};

TEST_P(RudpLossyLink, ReliableDeliveryIsExactlyOnceInOrderBothWays) {
  const LossCase lc = GetParam();
  LinkImpairmentConfig link;
  link.loss = lc.loss;
  link.dup = 0.02;
  link.reorder = 0.05;
  link.delay_ns = 10 * kMs;
  link.jitter_ns = 5 * kMs;
  link.seed = lc.seed;
  EndpointConfig sc = server_config();
  EndpointConfig cc = client_config();
  sc.idle_timeout_ns = cc.idle_timeout_ns = 120 * kSec;  // 30 % loss both ways can be slow
  cc.initial_seq = sc.initial_seq = 0xFFFFFF00u;         // every number space crosses 2^32
  SimNet net;
  const int s = net.add(sc, link);
  link.seed += 1000;
  const int c = net.add(cc, link);
  const ConnId up = net.connect(c, s, 60 * kSec);
  ASSERT_TRUE(up.valid());
  const ConnId down = net.handler(s).connects[0].first;
  Pump to_server{plan_messages(1500, lc.seed), 0, 0};
  Pump to_client{plan_messages(500, lc.seed + 1), 0, 0};
  const bool ok = net.run_until(
      [&] {
        to_server.run(net.ep(c), up, net.now());
        to_client.run(net.ep(s), down, net.now());
        return to_server.done() && to_client.done() &&
               net.handler(s).messages.size() == to_server.plan.size() &&
               net.handler(c).messages.size() == to_client.plan.size();
      },
      3600 * kSec);
  ASSERT_TRUE(ok) << "server got " << net.handler(s).messages.size() << ", client got "
                  << net.handler(c).messages.size();
  expect_delivered(net.handler(s), to_server.plan);
  expect_delivered(net.handler(c), to_client.plan);
  const PeerStats& cs = *net.ep(c).stats(up);
  std::printf("loss %.0f%%: %.1f s virtual, client sent %lu datagrams, %lu lost on its link, %lu retransmits, "
              "%lu fast, %lu RTOs, %lu dup units at server, peak reorder %u units\n",
              lc.loss * 100, double(net.now()) / 1e9, cs.datagrams_out, net.link(c).counters().lost, cs.retransmits,
              cs.fast_retransmits, cs.rto_timeouts, net.ep(s).stats(down)->duplicates,
              net.ep(s).stats(down)->reorder_peak_units);
  if (lc.loss > 0) {  // premise: the links really lost, and the protocol really recovered
    EXPECT_GT(net.link(c).counters().lost, 0u);
    EXPECT_GT(net.ep(c).stats(up)->retransmits, 0u);
  }
  EXPECT_GT(net.link(c).counters().duplicated, 0u);
  EXPECT_GT(net.link(c).counters().reordered, 0u);
  EXPECT_TRUE(net.handler(s).disconnects.empty());
  // Once everything is acked and idle, each side gives its buffers back.
  net.run_for(3 * kSec);
  EXPECT_EQ(net.ep(c).pool_bytes(), 0u);
  EXPECT_EQ(net.ep(s).pool_bytes(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Loss, RudpLossyLink,
                         ::testing::Values(LossCase{0.0, 1}, LossCase{0.01, 2}, LossCase{0.05, 3},
                                           LossCase{0.10, 4}, LossCase{0.20, 5}, LossCase{0.30, 6}),
                         [](const ::testing::TestParamInfo<LossCase>& i) {
                           return "Percent" + std::to_string(int(i.param.loss * 100 + 0.5));
                         });

TEST(RudpReliable, ManySmallMessagesQueuedAtOnceArriveInOrder) {
  SimNet net;
  const int s = net.add(server_config());
  const int c = net.add(client_config());
  const ConnId id = net.connect(c, s);
  ASSERT_TRUE(id.valid());
  std::vector<Bytes> plan;
  for (uint32_t i = 0; i < 500; ++i) plan.push_back(make_message(i, 16));
  for (const Bytes& m : plan) ASSERT_EQ(net.ep(c).send(id, Channel::Reliable, m.data(), m.size(), net.now()), 0);
  net.run_until([&] { return net.handler(s).messages.size() == plan.size(); }, 10 * kSec);
  expect_delivered(net.handler(s), plan);
  const PeerStats* st = net.ep(c).stats(id);
  EXPECT_LT(st->datagrams_out, 20u);  // coalesced: ~70 messages per datagram
}

TEST(RudpReliable, TransmitterWithoutBuffersDelaysButLosesNothing) {
  SimNet net;
  const int s = net.add(server_config());
  const int c = net.add(client_config());
  net.refuse_tx_every = 3;  // every third buffer request fails
  const ConnId id = net.connect(c, s);
  ASSERT_TRUE(id.valid());
  std::vector<Bytes> plan = plan_messages(300, 77);
  Pump pump{plan, 0, 0};
  ASSERT_TRUE(net.run_until(
      [&] {
        pump.run(net.ep(c), id, net.now());
        return net.handler(s).messages.size() == plan.size();
      },
      60 * kSec));
  expect_delivered(net.handler(s), plan);
  EXPECT_GT(net.ep(c).counters().tx_buffer_unavailable, 0u);
  EXPECT_GT(net.ep(s).counters().tx_buffer_unavailable, 0u);
}

TEST(RudpReliable, ZeroLengthMessageIsDelivered) {
  SimNet net;
  const int s = net.add(server_config());
  const int c = net.add(client_config());
  const ConnId id = net.connect(c, s);
  ASSERT_EQ(net.ep(c).send(id, Channel::Reliable, nullptr, 0, net.now()), 0);
  net.run_until([&] { return net.handler(s).messages.size() == 1; }, kSec);
  ASSERT_EQ(net.handler(s).messages.size(), 1u);
  EXPECT_TRUE(net.handler(s).messages[0].data.empty());
}

TEST(RudpUnreliable, DeliversOnlyNewerThanTheLastDeliveredAndNeverRetransmits) {
  LinkImpairmentConfig link;
  link.reorder = 0.3;
  link.loss = 0.1;
  link.dup = 0.1;
  link.delay_ns = 5 * kMs;
  link.jitter_ns = 10 * kMs;
  link.seed = 9;
  SimNet net;
  const int s = net.add(server_config());
  const int c = net.add(client_config(), link);
  const ConnId id = net.connect(c, s);
  ASSERT_TRUE(id.valid());
  for (uint32_t i = 0; i < 400; ++i) {
    const Bytes m = make_message(i, 24);
    ASSERT_EQ(net.ep(c).send(id, Channel::Unreliable, m.data(), m.size(), net.now()), 0);
    net.run_for(2 * kMs);  // one move per 2 ms: each in its own datagram
  }
  net.run_for(kSec);
  const auto& got = net.handler(s).messages;
  ASSERT_GT(got.size(), 100u);
  uint32_t last = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].ch, Channel::Unreliable);
    uint32_t idx;
    std::memcpy(&idx, got[i].data.data(), 4);
    ASSERT_EQ(got[i].data, make_message(idx, 24));
    if (i > 0) {
      ASSERT_GT(idx, last) << "older or duplicate move delivered";
    }
    last = idx;
  }
  EXPECT_LT(got.size(), 400u);  // premise: some were lost or overtaken...
  EXPECT_GT(net.ep(s).stats(net.handler(s).connects[0].first)->stale_unreliable, 0u);
  EXPECT_EQ(net.ep(c).stats(id)->retransmits, 0u);  // ...and none was sent again
}

TEST(RudpUnreliable, OverOneDatagramIsRefused) {
  SimNet net;
  const int s = net.add(server_config());
  const int c = net.add(client_config());
  const ConnId id = net.connect(c, s);
  const Bytes big(net.ep(c).max_unit_payload() + 1, 1);
  EXPECT_EQ(net.ep(c).send(id, Channel::Unreliable, big.data(), big.size(), net.now()), -EMSGSIZE);
  const Bytes fits(net.ep(c).max_unit_payload(), 1);
  EXPECT_EQ(net.ep(c).send(id, Channel::Unreliable, fits.data(), fits.size(), net.now()), 0);
}

TEST(RudpReliable, DuplicatedDatagramsAreDeliveredOnceAndCounted) {
  LinkImpairmentConfig link;
  link.dup = 1.0;  // every datagram twice
  link.seed = 4;
  SimNet net;
  const int s = net.add(server_config(), link);
  const int c = net.add(client_config(), link);
  const ConnId id = net.connect(c, s);
  ASSERT_TRUE(id.valid());
  std::vector<Bytes> plan;
  for (uint32_t i = 0; i < 100; ++i) {
    plan.push_back(make_message(i, 40));
    ASSERT_EQ(net.ep(c).send(id, Channel::Reliable, plan.back().data(), 40, net.now()), 0);
    net.run_for(3 * kMs);
  }
  net.run_until([&] { return net.handler(s).messages.size() >= plan.size(); }, 5 * kSec);
  net.run_for(kSec);
  expect_delivered(net.handler(s), plan);
  EXPECT_GT(net.ep(s).stats(net.handler(s).connects[0].first)->duplicates, 50u);
}

}  // namespace
}  // namespace ptnet::rudp::test
