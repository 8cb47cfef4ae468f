// RUDP loss recovery and congestion control, end to end in the simulator:
// RTT estimation, RTO backoff, fast retransmit, cwnd growth and decrease,
// flow control by the advertised window, the send budget.
#include <gtest/gtest.h>

#include <cerrno>

#include "tests/rudp/RudpTestUtil.h"

namespace ptnet::rudp::test {
namespace {

struct Pair {
  SimNet net;
  int s = 0, c = 0;
  ConnId up, down;  // client's and server's handle
  Pair(const LinkImpairmentConfig& link, EndpointConfig sc = server_config(), EndpointConfig cc = client_config()) {
    s = net.add(sc, link);
    LinkImpairmentConfig back = link;
    back.seed += 77;
    c = net.add(cc, back);
    up = net.connect(c, s, 10 * kSec);
    if (up.valid()) down = net.handler(s).connects[0].first;
  }
  int send(const Bytes& m, Channel ch = Channel::Reliable) { return net.ep(c).send(up, ch, m.data(), m.size(), net.now()); }
  const PeerStats& cstats() { return *net.ep(c).stats(up); }
  const PeerStats& sstats() { return *net.ep(s).stats(down); }
};

TEST(RudpRecovery, RttEstimateConvergesToTheSimulatedRoundTrip) {
  LinkImpairmentConfig link;
  link.delay_ns = 25 * kMs;  // 50 ms round trip
  Pair p(link);
  ASSERT_TRUE(p.up.valid());
  for (uint32_t i = 0; i < 200; ++i) {
    ASSERT_EQ(p.send(make_message(i, 100)), 0);
    p.net.run_for(20 * kMs);
  }
  const PeerStats& st = p.cstats();
  ASSERT_GT(st.rtt_samples, 50u);
  EXPECT_NEAR(double(st.srtt_ns), 50e6, 3e6);
  EXPECT_GE(st.min_rtt_ns, 50 * kMs);
  EXPECT_LT(st.rttvar_ns, 5 * kMs);
  // RTO = srtt + 4 rttvar + max ack delay, above the 100 ms floor here.
  EXPECT_GE(st.rto_ns, 100 * kMs);
  EXPECT_LT(st.rto_ns, 120 * kMs);
}

TEST(RudpRecovery, RtoBackoffDoublesAndCapsAtMaxRto) {
  EndpointConfig cc = client_config();
  cc.idle_timeout_ns = 3600 * kSec;
  cc.keepalive_ns = 600 * kSec;
  cc.max_rto_ns = 8 * kSec;
  Pair p(LinkImpairmentConfig{}, server_config(), cc);
  ASSERT_TRUE(p.up.valid());
  std::vector<uint64_t> sends;
  p.net.tap = [&](int from, const uint8_t* d, size_t, const SockAddr&) {
    if (from == p.c && d[0] == wire::kData) sends.push_back(p.net.now());
  };
  LinkImpairmentConfig black_hole;
  black_hole.loss = 1.0;
  p.net.link(p.c) = LinkImpairment(black_hole);
  ASSERT_EQ(p.send(make_message(1, 50)), 0);
  p.net.run_for(120 * kSec);
  ASSERT_GE(sends.size(), 10u);
  std::vector<uint64_t> gaps;
  for (size_t i = 1; i < sends.size(); ++i) gaps.push_back(sends[i] - sends[i - 1]);
  size_t doubled = 0;
  for (size_t i = 1; i < gaps.size(); ++i) {
    if (gaps[i - 1] * 2 <= 8 * kSec) {
      EXPECT_NEAR(double(gaps[i]), 2.0 * double(gaps[i - 1]), 2e6) << "gap " << i;
      ++doubled;
    } else {
      EXPECT_NEAR(double(gaps[i]), 8e9, 2e6) << "gap " << i << " should be capped";
    }
  }
  EXPECT_GE(doubled, 4u);
  EXPECT_NEAR(double(gaps.back()), 8e9, 2e6);
  EXPECT_EQ(p.cstats().rto_timeouts, sends.size() - 1);
  EXPECT_EQ(p.cstats().cwnd, 2 * cc.mtu);  // collapsed to the minimum window
}

TEST(RudpRecovery, FastRetransmitRepairsLossBeforeAnyTimeout) {
  LinkImpairmentConfig link;
  link.delay_ns = 20 * kMs;
  Pair p(link);
  ASSERT_TRUE(p.up.valid());
  LinkImpairmentConfig lossy = link;  // loss on the data path only, no reordering
  lossy.loss = 0.05;
  lossy.seed = 21;
  p.net.link(p.c) = LinkImpairment(lossy);
  const uint64_t end = p.net.now() + 5 * kSec;
  uint32_t i = 0;
  while (p.net.now() < end) {
    ASSERT_EQ(p.send(make_message(i++, 200)), 0);
    p.net.run_for(2 * kMs);  // a steady stream: later packets keep being acked
  }
  const PeerStats& st = p.cstats();
  ASSERT_GT(p.net.link(p.c).counters().lost, 10u);  // premise: packets were lost
  EXPECT_GT(st.fast_retransmits, 0u);
  EXPECT_GT(st.retransmits, 0u);
  EXPECT_EQ(st.rto_timeouts, 0u);
  p.net.run_until([&] { return p.net.handler(p.s).messages.size() == i; }, 10 * kSec);
  EXPECT_EQ(p.net.handler(p.s).messages.size(), i);
}

TEST(RudpRecovery, ReorderingWithoutLossWidensTheThresholdsAndStopsSpuriousRetransmits) {
  LinkImpairmentConfig link;
  link.delay_ns = 20 * kMs;
  Pair p(link);
  ASSERT_TRUE(p.up.valid());
  LinkImpairmentConfig reordering = link;  // late, never lost
  reordering.reorder = 0.05;
  reordering.reorder_ns = 15 * kMs;
  reordering.seed = 5;
  p.net.link(p.c) = LinkImpairment(reordering);
  uint32_t i = 0;
  auto stream = [&](uint64_t ns) {
    const uint64_t end = p.net.now() + ns;
    while (p.net.now() < end) {
      ASSERT_EQ(p.send(make_message(i++, 200)), 0);
      p.net.run_for(2 * kMs);
    }
  };
  stream(3 * kSec);
  const uint64_t early = p.cstats().retransmits;
  stream(6 * kSec);
  const uint64_t late = p.cstats().retransmits - early;
  ASSERT_GT(p.net.link(p.c).counters().reordered, 100u);  // premise: heavy reordering...
  EXPECT_EQ(p.net.link(p.c).counters().lost, 0u);          // ...and no loss at all
  EXPECT_GT(p.cstats().spurious_losses, 0u);
  EXPECT_GT(p.cstats().reorder_threshold, 3u);
  RecordProperty("retransmits_first_3s", int(early));
  RecordProperty("retransmits_next_6s", int(late));
  EXPECT_LT(late, early);  // twice the time, fewer spurious retransmissions
  p.net.run_until([&] { return p.net.handler(p.s).messages.size() == i; }, 5 * kSec);
  EXPECT_EQ(p.net.handler(p.s).messages.size(), i);
}

TEST(RudpRecovery, CwndGrowsInSlowStartWithoutLoss) {
  LinkImpairmentConfig link;
  link.delay_ns = 20 * kMs;
  EndpointConfig cc = client_config();
  cc.max_send_queue = 8 << 20;
  Pair p(link, server_config(), cc);
  ASSERT_TRUE(p.up.valid());
  const uint32_t initial = p.cstats().cwnd;
  EXPECT_EQ(initial, cc.initial_cwnd_packets * cc.mtu);
  for (uint32_t i = 0; i < 4000; ++i) ASSERT_EQ(p.send(make_message(i, 1000)), 0);
  std::vector<uint32_t> cwnd;
  for (int rtt = 0; rtt < 5; ++rtt) {
    p.net.run_for(40 * kMs);
    cwnd.push_back(p.cstats().cwnd);
  }
  EXPECT_EQ(p.cstats().loss_episodes, 0u);
  EXPECT_EQ(p.cstats().ssthresh, UINT32_MAX);  // still in slow start
  for (size_t i = 1; i < cwnd.size(); ++i) EXPECT_GT(cwnd[i], cwnd[i - 1]);
  EXPECT_GT(cwnd.back(), 8 * initial);  // ~doubling per round trip
}

TEST(RudpRecovery, CwndIsCutInHalfOncePerLossEpisode) {
  LinkImpairmentConfig link;
  link.delay_ns = 20 * kMs;
  link.loss = 0.01;
  link.seed = 8;
  EndpointConfig cc = client_config();
  cc.max_send_queue = 8 << 20;
  Pair p(link, server_config(), cc);
  ASSERT_TRUE(p.up.valid());
  for (uint32_t i = 0; i < 6000; ++i) ASSERT_EQ(p.send(make_message(i, 1000)), 0);
  uint32_t prev = p.cstats().cwnd;
  bool seen = false;
  p.net.run_until(
      [&] {
        const PeerStats& st = p.cstats();
        if (st.loss_episodes == 1 && !seen) {
          seen = true;
          EXPECT_EQ(st.cwnd, st.ssthresh);
          // Half of the window at the loss, which lies between the last
          // sample and twice it (slow start within the same step).
          EXPECT_LE(st.ssthresh, prev);
          EXPECT_GE(st.ssthresh, prev / 2);
        }
        prev = st.cwnd;
        return st.loss_episodes >= 1;
      },
      20 * kSec);
  ASSERT_TRUE(seen);
  // More losses than episodes: one cut per recovery period.
  p.net.run_for(5 * kSec);
  EXPECT_GT(p.cstats().packets_lost, p.cstats().loss_episodes);
}

TEST(RudpRecovery, SenderNeverExceedsCwnd) {
  LinkImpairmentConfig link;
  link.delay_ns = 10 * kMs;
  link.loss = 0.03;
  link.seed = 12;
  EndpointConfig cc = client_config();
  cc.max_send_queue = 8 << 20;
  Pair p(link, server_config(), cc);
  ASSERT_TRUE(p.up.valid());
  uint64_t data_packets = 0, over = 0;
  p.net.tap = [&](int from, const uint8_t* d, size_t len, const SockAddr&) {
    if (from != p.c || d[0] != wire::kData) return;
    ++data_packets;  // at commit time: in flight before this packet + this packet <= cwnd
    const PeerStats& st = p.cstats();
    over += st.bytes_in_flight + len > st.cwnd;
  };
  for (uint32_t i = 0; i < 3000; ++i) ASSERT_EQ(p.send(make_message(i, 700)), 0);
  p.net.run_until([&] { return p.net.handler(p.s).messages.size() == 3000; }, 60 * kSec);
  EXPECT_EQ(p.net.handler(p.s).messages.size(), 3000u);
  EXPECT_GT(p.cstats().loss_episodes, 0u);  // premise: the window was cut under the sender
  EXPECT_GT(data_packets, 1000u);
  EXPECT_EQ(over, 0u);
}

// Largest number of bytes the client put on the wire within any 1 ms, in
// a bulk transfer over a 50 ms round trip.
uint64_t peak_bytes_per_ms(bool pacing) {
  LinkImpairmentConfig link;
  link.delay_ns = 25 * kMs;
  EndpointConfig cc = client_config();
  cc.pacing = pacing;
  cc.max_send_queue = 8 << 20;
  Pair p(link, server_config(), cc);
  EXPECT_TRUE(p.up.valid());
  std::vector<std::pair<uint64_t, size_t>> sends;
  p.net.tap = [&](int from, const uint8_t* d, size_t len, const SockAddr&) {
    if (from == p.c && d[0] == wire::kData) sends.emplace_back(p.net.now(), len);
  };
  for (uint32_t i = 0; i < 2000; ++i) EXPECT_EQ(p.send(make_message(i, 1000)), 0);
  p.net.run_until([&] { return p.net.handler(p.s).messages.size() == 2000; }, 60 * kSec);
  EXPECT_EQ(p.net.handler(p.s).messages.size(), 2000u);
  uint64_t peak = 0, sum = 0;
  for (size_t i = 0, j = 0; i < sends.size(); ++i) {
    sum += sends[i].second;
    while (sends[i].first - sends[j].first >= kMs) sum -= sends[j++].second;
    peak = std::max(peak, sum);
  }
  return peak;
}

TEST(RudpRecovery, PacingSpreadsTheWindowInsteadOfBursting) {
  const uint64_t paced = peak_bytes_per_ms(true);
  const uint64_t unpaced = peak_bytes_per_ms(false);
  RecordProperty("paced_peak_bytes_per_ms", int(paced));
  RecordProperty("unpaced_peak_bytes_per_ms", int(unpaced));
  EXPECT_LT(paced * 3, unpaced);  // premise and effect: without the pacer the window leaves at once
  // The bucket's burst (10 packets) plus what 1 ms of rate adds at the largest window.
  EXPECT_LE(paced, 10 * 1200u + 2 * 1200u + uint64_t(1.25 * (4 << 20) / 50.0));
}

TEST(RudpFlowControl, PausedReceiverClosesTheWindowAndStopsTheSender) {
  EndpointConfig sc = server_config();
  sc.rx_window = 64;
  EndpointConfig cc = client_config();
  cc.max_send_queue = 64 * 1024;
  Pair p(LinkImpairmentConfig{}, sc, cc);
  ASSERT_TRUE(p.up.valid());
  p.net.ep(p.s).set_paused(p.down, true);
  uint32_t queued = 0;
  int rc = 0;
  while ((rc = p.send(make_message(queued, 100))) == 0) ++queued;
  EXPECT_EQ(rc, -ENOBUFS);  // the send budget bounds the sender's memory
  EXPECT_LE(p.cstats().send_queue_bytes, cc.max_send_queue);
  p.net.run_for(3 * kSec);
  EXPECT_TRUE(p.net.handler(p.s).messages.empty());
  EXPECT_EQ(p.sstats().reorder_units, 64u);       // exactly the window is held
  EXPECT_EQ(p.cstats().peer_window, 0u);          // and the sender knows it is closed
  EXPECT_EQ(p.net.ep(p.s).stats(p.down)->reorder_peak_units, 64u);
  p.net.ep(p.s).set_paused(p.down, false);
  p.net.run_until([&] { return p.net.handler(p.s).messages.size() == queued; }, 10 * kSec);
  ASSERT_EQ(p.net.handler(p.s).messages.size(), queued);
  for (uint32_t i = 0; i < queued; ++i) ASSERT_EQ(p.net.handler(p.s).messages[i].data, make_message(i, 100));
  EXPECT_TRUE(p.net.handler(p.s).disconnects.empty());
}

TEST(RudpFlowControl, WindowHoldsUnderLossWithASmallReceiver) {
  LinkImpairmentConfig link;
  link.loss = 0.1;
  link.reorder = 0.1;
  link.delay_ns = 5 * kMs;
  link.jitter_ns = 3 * kMs;
  link.seed = 31;
  EndpointConfig sc = server_config();
  sc.rx_window = 16;
  sc.max_message = 8 * 1024;
  Pair p(link, sc);
  ASSERT_TRUE(p.up.valid());
  uint32_t next = 0;
  p.net.run_until(
      [&] {
        while (next < 2000 && p.send(make_message(next, 300)) == 0) ++next;
        EXPECT_LE(p.sstats().reorder_units, 16u);
        return p.net.handler(p.s).messages.size() == 2000;
      },
      600 * kSec);
  ASSERT_EQ(p.net.handler(p.s).messages.size(), 2000u);
  EXPECT_LE(p.sstats().reorder_peak_units, 16u);
  EXPECT_EQ(p.sstats().window_drops, 0u);  // the sender never went past the window
}

TEST(RudpFlowControl, MessageWithMoreFragmentsThanThePeerWindowIsRefused) {
  EndpointConfig sc = server_config();
  sc.rx_window = 16;
  sc.max_message = 8 * 1024;
  Pair p(LinkImpairmentConfig{}, sc);
  ASSERT_TRUE(p.up.valid());
  const size_t unit = p.net.ep(p.c).max_unit_payload();
  EXPECT_EQ(p.send(Bytes(unit * 16, 1)), 0);
  EXPECT_EQ(p.send(Bytes(unit * 16 + 1, 1)), -EMSGSIZE);
}

}  // namespace
}  // namespace ptnet::rudp::test
