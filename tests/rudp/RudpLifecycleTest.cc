// RUDP connection lifecycle: keep-alive, idle timeout, clean close from
// either side (also over loss and towards a vanished peer), stale handles,
// memory given back, and the per-connection footprint of idle peers.
#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>

#include "rudp/Peer.h"
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
    LinkImpairmentConfig back = link;
    back.seed += 5;
    c = net.add(cc, back);
    up = net.connect(c, s, 10 * kSec);
    if (up.valid()) down = net.handler(s).connects[0].first;
  }
};

TEST(RudpLifecycle, KeepAliveKeepsAnIdleLinkUp) {
  Pair p;
  ASSERT_TRUE(p.up.valid());
  const uint64_t before = p.net.ep(p.c).stats(p.up)->datagrams_out;
  p.net.run_for(60 * kSec);  // six idle timeouts
  EXPECT_TRUE(p.net.handler(p.c).disconnects.empty());
  EXPECT_TRUE(p.net.handler(p.s).disconnects.empty());
  const uint64_t pings = p.net.ep(p.c).stats(p.up)->datagrams_out - before;
  EXPECT_GT(pings, 10u);   // it did ping...
  EXPECT_LT(pings, 130u);  // ...about once a second per side, not more
  EXPECT_EQ(p.net.ep(p.s).pool_bytes(), 0u);  // idle: no buffers held
  EXPECT_EQ(p.net.ep(p.c).pool_bytes(), 0u);
}

TEST(RudpLifecycle, DeadLinkTimesOutOnBothSides) {
  Pair p;
  ASSERT_TRUE(p.up.valid());
  LinkImpairmentConfig black_hole;
  black_hole.loss = 1.0;
  p.net.link(p.s) = LinkImpairment(black_hole);
  p.net.link(p.c) = LinkImpairment(black_hole);
  const uint64_t t0 = p.net.now();
  p.net.run_until([&] { return !p.net.handler(p.s).disconnects.empty() && !p.net.handler(p.c).disconnects.empty(); },
                  30 * kSec);
  ASSERT_EQ(p.net.handler(p.s).disconnects.size(), 1u);
  ASSERT_EQ(p.net.handler(p.c).disconnects.size(), 1u);
  EXPECT_EQ(p.net.handler(p.s).disconnects[0].second, DisconnectReason::Timeout);
  EXPECT_EQ(p.net.handler(p.c).disconnects[0].second, DisconnectReason::Timeout);
  EXPECT_GE(p.net.now() - t0, 10 * kSec);
  EXPECT_LE(p.net.now() - t0, 12 * kSec);
  EXPECT_EQ(p.net.ep(p.s).peer_count(), 0u);
  EXPECT_EQ(p.net.ep(p.s).counters().timeouts, 1u);
}

void close_after_messages(bool client_closes, const LinkImpairmentConfig& link) {
  Pair p(link);
  ASSERT_TRUE(p.up.valid());
  const int from = client_closes ? p.c : p.s, to = client_closes ? p.s : p.c;
  const ConnId id = client_closes ? p.up : p.down;
  for (uint32_t i = 0; i < 50; ++i) {
    const Bytes m = make_message(i, 300);
    ASSERT_EQ(p.net.ep(from).send(id, Channel::Reliable, m.data(), m.size(), p.net.now()), 0);
  }
  p.net.ep(from).close(id, p.net.now());
  EXPECT_EQ(p.net.ep(from).send(id, Channel::Reliable, nullptr, 0, p.net.now()), -ENOTCONN);
  p.net.run_until([&] { return !p.net.handler(from).disconnects.empty() && !p.net.handler(to).disconnects.empty(); },
                  30 * kSec);
  ASSERT_EQ(p.net.handler(to).messages.size(), 50u);  // everything queued before close() arrived
  for (uint32_t i = 0; i < 50; ++i) EXPECT_EQ(p.net.handler(to).messages[i].data, make_message(i, 300));
  ASSERT_EQ(p.net.handler(from).disconnects.size(), 1u);
  ASSERT_EQ(p.net.handler(to).disconnects.size(), 1u);
  EXPECT_EQ(p.net.handler(from).disconnects[0].second, DisconnectReason::ClosedLocally);
  EXPECT_EQ(p.net.handler(to).disconnects[0].second, DisconnectReason::ClosedByPeer);
  EXPECT_EQ(p.net.ep(from).peer_count(), 0u);
  p.net.run_for(3 * kSec);  // time-wait ends
  EXPECT_EQ(p.net.ep(to).peer_count(), 0u);
  EXPECT_EQ(p.net.ep(to).pool_bytes(), 0u);
  EXPECT_EQ(p.net.ep(from).pool_bytes(), 0u);
}

TEST(RudpLifecycle, ClientCloseDeliversQueuedDataThenClosesBothSides) {
  close_after_messages(true, LinkImpairmentConfig{});
}

TEST(RudpLifecycle, ServerCloseDeliversQueuedDataThenClosesBothSides) {
  close_after_messages(false, LinkImpairmentConfig{});
}

TEST(RudpLifecycle, CloseCompletesOverALossyLink) {
  LinkImpairmentConfig link;
  link.loss = 0.2;
  link.delay_ns = 10 * kMs;
  link.seed = 17;
  close_after_messages(true, link);
}

TEST(RudpLifecycle, CloseTowardsAVanishedPeerGivesUpAfterItsRetries) {
  EndpointConfig cc = client_config();
  cc.idle_timeout_ns = 600 * kSec;
  Pair p(LinkImpairmentConfig{}, server_config(), cc);
  ASSERT_TRUE(p.up.valid());
  LinkImpairmentConfig black_hole;
  black_hole.loss = 1.0;
  p.net.link(p.c) = LinkImpairment(black_hole);
  int closes = 0;
  p.net.tap = [&](int from, const uint8_t* d, size_t, const SockAddr&) {
    if (from == p.c && d[0] == wire::kClose) ++closes;
  };
  p.net.ep(p.c).close(p.up, p.net.now());
  p.net.run_until([&] { return !p.net.handler(p.c).disconnects.empty(); }, 120 * kSec);
  ASSERT_EQ(p.net.handler(p.c).disconnects.size(), 1u);
  EXPECT_EQ(p.net.handler(p.c).disconnects[0].second, DisconnectReason::ClosedLocally);
  EXPECT_EQ(closes, int(cc.close_retries) + 1);
  EXPECT_EQ(p.net.ep(p.c).peer_count(), 0u);
}

TEST(RudpLifecycle, StaleConnIdIsRejectedAfterDisconnect) {
  Pair p;
  ASSERT_TRUE(p.up.valid());
  p.net.ep(p.c).close(p.up, p.net.now());
  p.net.run_until([&] { return !p.net.handler(p.s).disconnects.empty(); }, 5 * kSec);
  EXPECT_EQ(p.net.ep(p.s).send(p.down, Channel::Reliable, nullptr, 0, p.net.now()), -ENOTCONN);
  EXPECT_EQ(p.net.ep(p.s).stats(p.down), nullptr);
  p.net.run_for(3 * kSec);
  EXPECT_EQ(p.net.ep(p.c).stats(p.up), nullptr);
  // The slot is reused with a new generation: the old handle still does not match.
  ASSERT_TRUE(p.net.connect(p.c, p.s).valid());
  const ConnId fresh = p.net.handler(p.s).connects.back().first;
  EXPECT_EQ(fresh.slot, p.down.slot);
  EXPECT_NE(fresh.gen, p.down.gen);
  EXPECT_EQ(p.net.ep(p.s).stats(p.down), nullptr);
  EXPECT_NE(p.net.ep(p.s).stats(fresh), nullptr);
}

TEST(RudpLifecycle, CloseDuringTheHandshakeReportsClosedLocally) {
  SimNet net;
  const int c = net.add(client_config());
  const ConnId id = net.ep(c).connect(SimNet::make_addr(60, 5000), net.now());
  net.run_for(10 * kMs);
  net.ep(c).close(id, net.now());
  net.run_for(10 * kMs);
  ASSERT_EQ(net.handler(c).disconnects.size(), 1u);
  EXPECT_EQ(net.handler(c).disconnects[0].second, DisconnectReason::ClosedLocally);
  EXPECT_EQ(net.ep(c).peer_count(), 0u);
}

TEST(RudpLifecycle, IdlePeerRecordStaysSmall) {
  EXPECT_LE(sizeof(Peer), 1024u);
}

size_t rss_bytes() {
  std::ifstream f("/proc/self/statm");
  size_t pages = 0, rss = 0;
  f >> pages >> rss;
  return rss * 4096;
}

TEST(RudpLifecycle, ThousandIdleServerPeersCostUnderEightKiBEach) {
  // Server-side peers created by real handshakes, driven directly (no
  // simulator nodes, so the RSS delta is the server endpoint's).
  struct Sink : Transmitter {
    uint8_t buf[kMaxDatagram];
    std::vector<std::pair<SockAddr, Bytes>> out;
    uint8_t* tx_buffer() override { return buf; }
    void tx_commit(uint8_t* b, size_t len, const SockAddr& to) override { out.emplace_back(to, Bytes(b, b + len)); }
  } sink;
  RecordingHandler h;
  h.keep_messages = false;
  Endpoint server(server_config(), sink, h);
  uint64_t now = kSec;
  constexpr int kPeers = 1000;
  // Phase 1: cookies for everyone.
  std::vector<Bytes> hellos;
  Bytes body(1200 - wire::kHeaderSize, 0);
  body[0] = wire::kVersion;
  for (int i = 0; i < kPeers; ++i) {
    wire::store64(body.data() + 1, uint64_t(i) + 1);
    hellos.push_back(craft(wire::kHello, 0, 0, 0, 0, body, wire::kHandshakeSeed));
  }
  auto addr_of = [](int i) { return SimNet::make_addr(uint8_t(10 + i / 250), uint16_t(20000 + i)); };
  for (int i = 0; i < kPeers; ++i) {
    const RxDatagram rx{hellos[size_t(i)].data(), uint32_t(hellos[size_t(i)].size()), addr_of(i)};
    server.receive(&rx, 1, now);
    server.flush(now);
  }
  ASSERT_EQ(sink.out.size(), size_t(kPeers));
  const size_t before = rss_bytes();
  for (int i = 0; i < kPeers; ++i) {
    Bytes cookie_body(sink.out[size_t(i)].second.begin() + wire::kHeaderSize, sink.out[size_t(i)].second.end());
    const Bytes connect = craft(wire::kConnect, 0, 0, 256, 0, cookie_body, wire::kHandshakeSeed);
    const RxDatagram rx{connect.data(), uint32_t(connect.size()), addr_of(i)};
    server.receive(&rx, 1, now);
  }
  server.flush(now);
  ASSERT_EQ(server.peer_count(), size_t(kPeers));
  const size_t after = rss_bytes();
  const double per_peer = double(after - before) / kPeers;
  RecordProperty("rss_bytes_per_idle_peer", int(per_peer));
  EXPECT_LT(per_peer, 8192.0);
  EXPECT_EQ(server.pool_bytes(), 0u);
}

}  // namespace
}  // namespace ptnet::rudp::test
