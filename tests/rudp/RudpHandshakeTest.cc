// RUDP handshake: completion, the anti-spoofing cookie, the 3x amplification
// bound, secret rotation, retransmission, refusal and timeouts.
#include <gtest/gtest.h>

#include "tests/rudp/RudpTestUtil.h"

namespace ptnet::rudp::test {
namespace {

TEST(RudpHandshake, CompletesOnBothSidesAndReportsTheAddresses) {
  SimNet net;
  const int s = net.add(server_config());
  const int c = net.add(client_config());
  const ConnId id = net.connect(c, s);
  ASSERT_TRUE(id.valid());
  ASSERT_EQ(net.handler(s).connects.size(), 1u);
  EXPECT_EQ(net.handler(s).connects[0].second, net.addr(c));
  EXPECT_EQ(net.handler(c).connects[0].first, id);
  EXPECT_EQ(net.handler(c).connects[0].second, net.addr(s));
  EXPECT_EQ(net.ep(s).peer_count(), 1u);
  EXPECT_EQ(net.ep(c).counters().handshakes_completed, 1u);
  EXPECT_EQ(net.ep(s).counters().handshakes_completed, 1u);
  EXPECT_EQ(net.ep(s).counters().hellos, 1u);
}

TEST(RudpHandshake, ClientHelloIsPaddedToMinHelloAndTheCookieIsUnderAThird) {
  SimNet net;
  const int s = net.add(server_config());
  const int c = net.add(client_config());
  size_t hello = 0, cookie = 0;
  net.tap = [&](int, const uint8_t* d, size_t len, const SockAddr&) {
    if (d[0] == wire::kHello) hello = len;
    if (d[0] == wire::kCookie) cookie = len;
  };
  ASSERT_TRUE(net.connect(c, s).valid());
  EXPECT_GE(hello, 1200u);
  ASSERT_GT(cookie, 0u);
  EXPECT_LE(cookie * 3, hello);
}

TEST(RudpHandshake, SpoofedHelloCreatesNoPeerAndRepliesAtMostThreeTimesTheBytes) {
  SimNet net;
  const int s = net.add(server_config());
  const SockAddr victim = SimNet::make_addr(99, 4444);  // no node: never answers
  Bytes body(1200 - wire::kHeaderSize, 0);
  body[0] = wire::kVersion;
  uint64_t received = 0;
  for (int i = 0; i < 50; ++i) {
    wire::store64(body.data() + 1, 1000 + uint64_t(i));
    const Bytes hello = craft(wire::kHello, 0, 0, 0, 0, body, wire::kHandshakeSeed);
    net.inject(s, hello.data(), hello.size(), victim);
    received += hello.size();
    net.run_for(10 * kMs);
  }
  net.run_for(2 * kSec);
  EXPECT_EQ(net.ep(s).peer_count(), 0u);
  EXPECT_EQ(net.handler(s).connects.size(), 0u);
  EXPECT_EQ(net.ep(s).counters().hellos, 50u);
  ASSERT_GT(net.unrouted_by_addr[victim], 0u);  // premise: the server did answer the victim
  EXPECT_LE(net.unrouted_by_addr[victim], 3 * received);
}

TEST(RudpHandshake, HelloFloodInOnePassAnswersAQueueFullAndCountsTheRest) {
  SimNet net;
  const int s = net.add(server_config());
  Bytes body(1200 - wire::kHeaderSize, 0);
  body[0] = wire::kVersion;
  for (int i = 0; i < 300; ++i) {
    wire::store64(body.data() + 1, uint64_t(i));
    const Bytes hello = craft(wire::kHello, 0, 0, 0, 0, body, wire::kHandshakeSeed);
    net.inject(s, hello.data(), hello.size(), SimNet::make_addr(200, uint16_t(1000 + i)));
  }
  net.run_for(10 * kMs);
  EXPECT_EQ(net.ep(s).counters().hellos, 300u);
  EXPECT_EQ(net.ep(s).counters().replies_dropped, 300u - 256u);
  EXPECT_EQ(net.ep(s).counters().datagrams_out, 256u);
  EXPECT_EQ(net.ep(s).peer_count(), 0u);
}

TEST(RudpHandshake, ShortHelloIsNotAnswered) {
  SimNet net;
  const int s = net.add(server_config());
  const SockAddr victim = SimNet::make_addr(99, 4444);
  Bytes body(100, 0);
  body[0] = wire::kVersion;
  const Bytes hello = craft(wire::kHello, 0, 0, 0, 0, body, wire::kHandshakeSeed);
  net.inject(s, hello.data(), hello.size(), victim);
  net.run_for(100 * kMs);
  EXPECT_EQ(net.unrouted_bytes, 0u);
  EXPECT_EQ(net.ep(s).counters().amplification_limited, 1u);
}

// Captures the client's CONNECT so it can be replayed.
struct ConnectCapture {
  Bytes connect;
  void attach(SimNet& net) {
    net.tap = [this](int, const uint8_t* d, size_t len, const SockAddr&) {
      if (d[0] == wire::kConnect) connect.assign(d, d + len);
    };
  }
};

TEST(RudpHandshake, ConnectReplayedFromAnotherAddressIsRefusedAsBadCookie) {
  SimNet net;
  const int s = net.add(server_config());
  const int c = net.add(client_config());
  ConnectCapture cap;
  cap.attach(net);
  ASSERT_TRUE(net.connect(c, s).valid());
  ASSERT_FALSE(cap.connect.empty());
  const SockAddr other = SimNet::make_addr(77, 1234);
  net.inject(s, cap.connect.data(), cap.connect.size(), other);
  net.run_for(100 * kMs);
  EXPECT_EQ(net.ep(s).counters().bad_cookie, 1u);
  EXPECT_EQ(net.ep(s).peer_count(), 1u);
  EXPECT_EQ(net.unrouted_bytes, 0u);
}

TEST(RudpHandshake, CookieFromAnExpiredSecretIsRefused) {
  EndpointConfig sc = server_config();
  sc.secret_rotation_ns = 10 * kSec;
  sc.cookie_lifetime_ns = 3600 * kSec;  // only the secret can make it fail
  SimNet net;
  const int s = net.add(sc);
  const int c = net.add(client_config());
  Bytes cookie;
  net.tap = [&](int, const uint8_t* d, size_t len, const SockAddr&) {
    if (d[0] == wire::kCookie) cookie.assign(d + wire::kHeaderSize, d + len);
  };
  // Drop everything the client sends after its HELLO: it never gets to CONNECT.
  const ConnId id = net.ep(c).connect(net.addr(s), net.now());
  net.run_until([&] { return !cookie.empty(); }, kSec);
  ASSERT_FALSE(cookie.empty());
  net.ep(c).close(id, net.now());
  const SockAddr client_addr = net.addr(c);
  auto connect_with_cookie = [&] {
    Bytes body = cookie;  // version, nonce, issued, mac: the CONNECT body has the same layout
    const Bytes d = craft(wire::kConnect, 0, 0, 256, 0, body, wire::kHandshakeSeed);
    net.inject(s, d.data(), d.size(), client_addr);
    net.run_for(10 * kMs);
  };
  net.run_for(11 * kSec);  // one rotation: the previous secret still verifies
  connect_with_cookie();
  EXPECT_EQ(net.ep(s).counters().bad_cookie, 0u);
  EXPECT_EQ(net.ep(s).peer_count(), 1u);
  net.run_for(11 * kSec);  // a second rotation: that secret is gone
  const uint64_t before = net.ep(s).counters().handshakes_completed;
  connect_with_cookie();  // same address but the peer exists with the same nonce: still needs the cookie
  EXPECT_EQ(net.ep(s).counters().bad_cookie, 1u);
  EXPECT_EQ(net.ep(s).counters().handshakes_completed, before);
}

TEST(RudpHandshake, ExpiredCookieLifetimeIsRefused) {
  EndpointConfig sc = server_config();
  sc.cookie_lifetime_ns = 2 * kSec;
  sc.secret_rotation_ns = 3600 * kSec;
  SimNet net;
  const int s = net.add(sc);
  const int c = net.add(client_config());
  Bytes cookie;
  net.tap = [&](int, const uint8_t* d, size_t len, const SockAddr&) {
    if (d[0] == wire::kCookie) cookie.assign(d + wire::kHeaderSize, d + len);
  };
  const ConnId id = net.ep(c).connect(net.addr(s), net.now());
  net.run_until([&] { return !cookie.empty(); }, kSec);
  ASSERT_FALSE(cookie.empty());
  net.ep(c).close(id, net.now());
  net.run_for(3 * kSec);
  const Bytes d = craft(wire::kConnect, 0, 0, 256, 0, cookie, wire::kHandshakeSeed);
  net.inject(s, d.data(), d.size(), net.addr(c));
  net.run_for(10 * kMs);
  EXPECT_EQ(net.ep(s).counters().bad_cookie, 1u);
  EXPECT_EQ(net.ep(s).peer_count(), 0u);
}

TEST(RudpHandshake, CompletesOverALossyLinkByRetransmission) {
  LinkImpairmentConfig bad;
  bad.loss = 0.5;
  bad.delay_ns = 20 * kMs;
  bad.seed = 5;
  SimNet net;
  const int s = net.add(server_config(), bad);
  const int c = net.add(client_config(), bad);
  ASSERT_TRUE(net.connect(c, s, 5 * kSec).valid());
  EXPECT_GT(net.link(c).counters().lost + net.link(s).counters().lost, 0u);  // premise: loss happened
  EXPECT_EQ(net.ep(s).peer_count(), 1u);
}

TEST(RudpHandshake, LostAcceptIsSentAgainForTheRetransmittedConnect) {
  SimNet net;
  const int s = net.add(server_config());
  const int c = net.add(client_config());
  int accepts = 0;
  net.tap = [&](int from, const uint8_t* d, size_t, const SockAddr&) {
    if (from == s && d[0] == wire::kAccept) ++accepts;
  };
  // The first ACCEPT is lost: drop exactly it by making the link lossy for one datagram.
  LinkImpairmentConfig drop_all;
  drop_all.loss = 1.0;
  const ConnId id = net.ep(c).connect(net.addr(s), net.now());
  net.run_until([&] { return net.handler(s).connects.size() == 1; }, kSec);
  ASSERT_EQ(net.handler(s).connects.size(), 1u);
  ASSERT_EQ(accepts, 1);
  // The ACCEPT is in the server's link; replace the link's content by losing it.
  net.link(s) = LinkImpairment(drop_all);
  net.run_for(1 * kMs);
  net.link(s) = LinkImpairment(LinkImpairmentConfig{});
  net.run_until([&] { return net.handler(c).connects.size() == 1; }, 3 * kSec);
  EXPECT_EQ(net.handler(c).connects.size(), 1u);
  EXPECT_GE(accepts, 2);
  EXPECT_EQ(net.ep(s).peer_count(), 1u);
  EXPECT_EQ(net.handler(s).connects.size(), 1u);
  EXPECT_EQ(net.ep(c).send(id, Channel::Reliable, reinterpret_cast<const uint8_t*>("hi"), 2, net.now()), 0);
  net.run_until([&] { return net.handler(s).message_count == 1; }, kSec);
  EXPECT_EQ(net.handler(s).message_count, 1u);
}

TEST(RudpHandshake, FullServerRefuses) {
  EndpointConfig sc = server_config();
  sc.max_peers = 1;
  SimNet net;
  const int s = net.add(sc);
  const int c1 = net.add(client_config(1));
  const int c2 = net.add(client_config(2));
  ASSERT_TRUE(net.connect(c1, s).valid());
  const ConnId id = net.ep(c2).connect(net.addr(s), net.now());
  net.run_until([&] { return !net.handler(c2).disconnects.empty(); }, 2 * kSec);
  ASSERT_EQ(net.handler(c2).disconnects.size(), 1u);
  EXPECT_EQ(net.handler(c2).disconnects[0].first, id);
  EXPECT_EQ(net.handler(c2).disconnects[0].second, DisconnectReason::Refused);
  EXPECT_EQ(net.ep(s).counters().handshakes_refused, 1u);
  EXPECT_EQ(net.ep(c2).peer_count(), 0u);
}

TEST(RudpHandshake, SilentServerTimesOutTheHandshakeWithBackoff) {
  SimNet net;
  const int c = net.add(client_config());
  std::vector<uint64_t> hello_times;
  net.tap = [&](int, const uint8_t* d, size_t, const SockAddr&) {
    if (d[0] == wire::kHello) hello_times.push_back(net.now());
  };
  const ConnId id = net.ep(c).connect(SimNet::make_addr(50, 5000), net.now());
  net.run_until([&] { return !net.handler(c).disconnects.empty(); }, 10 * kSec);
  ASSERT_EQ(net.handler(c).disconnects.size(), 1u);
  EXPECT_EQ(net.handler(c).disconnects[0].first, id);
  EXPECT_EQ(net.handler(c).disconnects[0].second, DisconnectReason::HandshakeTimeout);
  ASSERT_GE(hello_times.size(), 4u);
  const uint64_t g1 = hello_times[2] - hello_times[1], g0 = hello_times[1] - hello_times[0];
  EXPECT_GE(g1, 2 * g0 - 2 * kMs);
  EXPECT_EQ(net.ep(c).peer_count(), 0u);
}

TEST(RudpHandshake, NewHandshakeFromTheSameAddressReplacesTheOldConnection) {
  SimNet net;
  const int s = net.add(server_config());
  const int c = net.add(client_config(1));
  ASSERT_TRUE(net.connect(c, s).valid());
  const ConnId old_server_side = net.handler(s).connects[0].first;
  net.restart(c, client_config(2));  // the client process restarts on the same port
  ASSERT_TRUE(net.connect(c, s).valid());
  ASSERT_EQ(net.handler(s).connects.size(), 2u);
  EXPECT_EQ(net.ep(s).peer_count(), 1u);
  EXPECT_EQ(net.ep(s).counters().replaced, 1u);
  ASSERT_EQ(net.handler(s).disconnects.size(), 1u);
  EXPECT_EQ(net.handler(s).disconnects[0].first, old_server_side);
  EXPECT_EQ(net.handler(s).disconnects[0].second, DisconnectReason::Replaced);
  EXPECT_EQ(net.ep(s).stats(old_server_side), nullptr);  // the old ConnId is stale
  EXPECT_NE(net.ep(s).stats(net.handler(s).connects[1].first), nullptr);
}

TEST(RudpHandshake, ConnectIsRefusedForAServerRoleAndForADuplicateAddress) {
  SimNet net;
  const int s = net.add(server_config());
  const int c = net.add(client_config());
  EXPECT_FALSE(net.ep(s).connect(net.addr(c), net.now()).valid());
  ASSERT_TRUE(net.connect(c, s).valid());
  EXPECT_FALSE(net.ep(c).connect(net.addr(s), net.now()).valid());
}

}  // namespace
}  // namespace ptnet::rudp::test
