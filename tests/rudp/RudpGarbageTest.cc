// RUDP against garbage: random datagrams of random lengths from random and
// from connected addresses, and mutated copies of real datagrams (with and
// without a valid checksum). Nothing crashes, no peer appears, every bad
// datagram is counted, and the real connection keeps working.
#include <gtest/gtest.h>

#include "rudp/Rng.h"
#include "tests/rudp/RudpTestUtil.h"

namespace ptnet::rudp::test {
namespace {

struct Sink : Transmitter {
  uint8_t buf[kMaxDatagram];
  uint64_t sent = 0;
  uint8_t* tx_buffer() override { return buf; }
  void tx_commit(uint8_t*, size_t, const SockAddr&) override { ++sent; }
};

uint64_t rejected(const EndpointCounters& c) {
  return c.bad_checksum + c.malformed + c.unknown_peer + c.not_established + c.handshake_ignored +
         c.amplification_limited + c.bad_cookie;
}

TEST(RudpGarbage, RandomDatagramsNeverCrashNeverCreatePeersAndAreCounted) {
  Sink sink;
  RecordingHandler h;
  Endpoint server(server_config(), sink, h);
  Rng rng(1234);
  constexpr size_t kTotal = 64 * 4700;
  std::vector<Bytes> store(64);
  std::vector<RxDatagram> burst(64);
  uint64_t now = kSec;
  for (size_t done = 0; done < kTotal; done += 64) {
    for (size_t i = 0; i < 64; ++i) {
      Bytes& b = store[i];
      b.resize(rng.upto(2000));
      for (uint8_t& x : b) x = uint8_t(rng.next());
      // A third look like the protocol's own types, to get past the first check.
      if (!b.empty() && rng.upto(2) == 0) b[0] = uint8_t(rng.upto(0x14));
      const SockAddr from = SimNet::make_addr(uint8_t(rng.next()), uint16_t(rng.next()));
      burst[i] = RxDatagram{b.data(), uint32_t(b.size()), from};
    }
    server.receive(burst.data(), burst.size(), now);
    if (server.next_deadline_ns() <= now) server.on_timer(now);
    server.flush(now);
    now += 10'000;
  }
  const EndpointCounters c = server.counters();
  EXPECT_EQ(server.peer_count(), 0u);
  EXPECT_TRUE(h.connects.empty());
  EXPECT_EQ(c.datagrams_in, kTotal);
  EXPECT_EQ(rejected(c) + c.hellos, kTotal);  // every datagram accounted for
  EXPECT_GT(c.bad_checksum, 0u);
  EXPECT_GT(c.malformed, 0u);
  EXPECT_EQ(sink.sent, c.hellos);  // only (random but valid) HELLOs get an answer
}

TEST(RudpGarbage, GarbageFromAConnectedAddressIsCountedAndTheConnectionSurvives) {
  KeySniffer keys;
  SimNet net;
  const int s = net.add(server_config());
  const int c = net.add(client_config());
  keys.attach(net);
  const ConnId up = net.connect(c, s);
  ASSERT_TRUE(up.valid());
  Rng rng(99);
  for (int i = 0; i < 20000; ++i) {
    Bytes b(rng.upto(1500));
    for (uint8_t& x : b) x = uint8_t(rng.next());
    if (!b.empty()) b[0] = uint8_t(0x10 + rng.upto(4));
    net.inject(s, b.data(), b.size(), net.addr(c));
    if (i % 64 == 0) net.run_for(kMs);
  }
  net.run_for(10 * kMs);
  EXPECT_GT(net.ep(s).counters().bad_checksum, 19000u);
  EXPECT_EQ(net.ep(s).peer_count(), 1u);
  const Bytes m = make_message(5, 500);
  ASSERT_EQ(net.ep(c).send(up, Channel::Reliable, m.data(), m.size(), net.now()), 0);
  net.run_until([&] { return !net.handler(s).messages.empty(); }, kSec);
  ASSERT_FALSE(net.handler(s).messages.empty());
  EXPECT_EQ(net.handler(s).messages.back().data, m);
}

TEST(RudpGarbage, MutatedRealDatagramsNeverCrashAndStayBounded) {
  KeySniffer keys;
  LinkImpairmentConfig link;
  link.loss = 0.05;
  link.seed = 3;
  SimNet net;
  const int s = net.add(server_config(), link);
  const int c = net.add(client_config(), link);
  std::vector<Bytes> captured;
  keys.attach(net);
  auto sniff = net.tap;
  net.tap = [&](int from, const uint8_t* d, size_t len, const SockAddr& to) {
    sniff(from, d, len, to);
    if (from == c && captured.size() < 2000) captured.emplace_back(d, d + len);
  };
  const ConnId up = net.connect(c, s);
  ASSERT_TRUE(up.valid());
  const uint32_t key = keys.key_for(net.addr(c));
  for (uint32_t i = 0; i < 300; ++i) {
    const Bytes m = make_message(i, i % 4 ? 10 + (i * 37) % 3000 : 10 + (i * 37) % 1000);
    ASSERT_EQ(net.ep(c).send(up, i % 4 ? Channel::Reliable : Channel::Unreliable, m.data(), m.size(), net.now()), 0);
    net.run_for(2 * kMs);
  }
  ASSERT_GT(captured.size(), 100u);
  Rng rng(5);
  for (int round = 0; round < 100'000; ++round) {
    Bytes d = captured[rng.upto(captured.size() - 1)];
    const int edits = 1 + int(rng.upto(3));
    for (int e = 0; e < edits; ++e) {
      if (d.empty()) d.push_back(uint8_t(rng.next()));
      switch (rng.upto(3)) {
        case 0: d[rng.upto(d.size() - 1)] ^= uint8_t(1 + rng.upto(254)); break;
        case 1: d.resize(rng.upto(d.size())); break;
        case 2: d.push_back(uint8_t(rng.next())); break;
        default: if (d.size() > wire::kHeaderSize) d[wire::kHeaderSize + rng.upto(d.size() - wire::kHeaderSize - 1)] = uint8_t(rng.next());
      }
    }
    if (rng.upto(1) == 0 && d.size() >= wire::kHeaderSize) reseal(d, key);  // half get past the checksum
    net.inject(s, d.data(), d.size(), net.addr(c));
    if (round % 256 == 0) net.run_for(kMs);
  }
  net.run_for(100 * kMs);
  const EndpointCounters k = net.ep(s).counters();
  EXPECT_GT(k.malformed, 1000u);
  EXPECT_GT(k.bad_checksum, 1000u);
  EXPECT_LE(net.ep(s).peer_count(), 1u);
  // Whatever the forged acks and frames did, held memory stays within the caps.
  const EndpointConfig& cfg = net.ep(s).config();
  EXPECT_LE(net.ep(s).pool_bytes(), size_t(cfg.reassembly_cap) * 2 + size_t(cfg.max_message) * 2 + 65536);
}

}  // namespace
}  // namespace ptnet::rudp::test
