// Reliable UDP over real sockets: the shards' RudpService (SO_REUSEPORT, one
// UDP socket per shard) serving echo, on the backend PTNET_TEST_BACKEND
// names, with clients built on the same rudp::Endpoint in client role.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "rudp/RudpEchoHandler.h"
#include "rudp/RudpService.h"
#include "tests/RudpTestClient.h"
#include "tests/TestServer.h"

namespace ptnet::test {
namespace {

std::vector<uint8_t> bytes(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = uint8_t(seed * 7 + i * 13);
  return v;
}

class RudpEchoTest : public ::testing::Test {
 protected:
  void start(rudp::RudpConfig cfg = {}) {
    set_log_level(LogLevel::Warn);
    cfg.host = "127.0.0.1";
    cfg.port = 0;
    cfg_ = cfg;
    EngineConfig ecfg;
    ecfg.cpus = test_cpus(2);
    ecfg.io.kind = backend_from_env();
    ecfg.io.recv_buffers = 256;
    engine_ = std::make_unique<Engine>(ecfg);
    ASSERT_EQ(engine_->start([this](Shard& s) {
      s.add_service(std::make_unique<rudp::RudpService>(cfg_, std::make_unique<rudp::RudpEchoHandler>()));
    }), 0);
    port_ = cfg_.bound_port->load();
  }
  void TearDown() override {
    if (engine_) {
      engine_->request_stop();
      engine_->wait();
    }
  }
  rudp::RudpConfig cfg_;
  std::unique_ptr<Engine> engine_;
  uint16_t port_ = 0;
};

TEST_F(RudpEchoTest, EchoesReliableMessagesInOrder) {
  start();
  RudpTestClient c;
  ASSERT_TRUE(c.connect("127.0.0.1", port_));
  for (uint32_t i = 0; i < 200; ++i) ASSERT_TRUE(c.send(bytes(1 + i * 7 % 300, i)));
  for (uint32_t i = 0; i < 200; ++i) {
    RudpTestClient::Msg m;
    ASSERT_TRUE(c.recv(&m)) << i;
    EXPECT_EQ(m.ch, rudp::Channel::Reliable);
    ASSERT_EQ(m.data, bytes(1 + i * 7 % 300, i)) << i;
  }
}

TEST_F(RudpEchoTest, MessagesLargerThanTheMtuAreFragmentedAndReassembled) {
  start();
  RudpTestClient c;
  ASSERT_TRUE(c.connect("127.0.0.1", port_));
  for (size_t n : {1199u, 1200u, 1201u, 5000u, 20000u, 60000u}) {
    ASSERT_TRUE(c.send(bytes(n, uint32_t(n))));
    RudpTestClient::Msg m;
    ASSERT_TRUE(c.recv(&m)) << n;
    EXPECT_EQ(m.data, bytes(n, uint32_t(n))) << n;
  }
}

TEST_F(RudpEchoTest, UnreliableChannelEchoesOnItsOwnChannel) {
  start();
  RudpTestClient c;
  ASSERT_TRUE(c.connect("127.0.0.1", port_));
  ASSERT_TRUE(c.send(bytes(40, 1), rudp::Channel::Unreliable));
  RudpTestClient::Msg m;
  ASSERT_TRUE(c.recv(&m));
  EXPECT_EQ(m.ch, rudp::Channel::Unreliable);
  EXPECT_EQ(m.data, bytes(40, 1));
}

TEST_F(RudpEchoTest, ManyClientsLandOnBothShardsAndAllEcho) {
  start();
  std::vector<std::unique_ptr<RudpTestClient>> clients;
  for (int i = 0; i < 24; ++i) {
    clients.push_back(std::make_unique<RudpTestClient>());
    ASSERT_TRUE(clients.back()->connect("127.0.0.1", port_)) << i;
  }
  for (size_t i = 0; i < clients.size(); ++i) ASSERT_TRUE(clients[i]->send(bytes(64, uint32_t(i))));
  for (size_t i = 0; i < clients.size(); ++i) {
    RudpTestClient::Msg m;
    ASSERT_TRUE(clients[i]->recv(&m)) << i;
    EXPECT_EQ(m.data, bytes(64, uint32_t(i)));
  }
  EXPECT_GT(engine_->shard(0).counters().get(Counter::DatagramsIn), 0u);
  EXPECT_GT(engine_->shard(1).counters().get(Counter::DatagramsIn), 0u);
}

// The server's own --sim-* impairment (loss, duplication, reordering,
// delay) on what it sends: every echo still arrives once, in order.
TEST_F(RudpEchoTest, ThroughTheServersLinkImpairmentNothingIsLostOrDuplicated) {
  rudp::RudpConfig cfg;
  cfg.impair = true;
  cfg.impairment.loss = 0.1;
  cfg.impairment.dup = 0.05;
  cfg.impairment.reorder = 0.05;
  cfg.impairment.delay_ns = 2'000'000;
  cfg.impairment.jitter_ns = 1'000'000;
  start(cfg);
  RudpTestClient c;
  ASSERT_TRUE(c.connect("127.0.0.1", port_, 10000));
  for (uint32_t i = 0; i < 300; ++i) ASSERT_TRUE(c.send(bytes(100, i)));
  for (uint32_t i = 0; i < 300; ++i) {
    RudpTestClient::Msg m;
    ASSERT_TRUE(c.recv(&m, 10000)) << i;
    ASSERT_EQ(m.data, bytes(100, i)) << i;
  }
  RudpTestClient::Msg extra;
  EXPECT_FALSE(c.recv(&extra, 200)) << "a duplicate was delivered";
  const rudp::PeerStats* st = c.endpoint().stats(c.peer());
  ASSERT_NE(st, nullptr);
  EXPECT_GT(st->duplicates + st->reorder_peak_units, 0u) << "premise: the link duplicated or reordered";
  EXPECT_LT(st->messages_in, st->datagrams_in + 300) << "sanity";
}

// Garbage from an address with no connection creates nothing and harms no one.
TEST_F(RudpEchoTest, GarbageDatagramsAreDroppedAndCountedWithoutHarm) {
  start();
  RudpTestClient good, bad;
  ASSERT_TRUE(good.connect("127.0.0.1", port_));
  ASSERT_TRUE(bad.connect("127.0.0.1", port_));
  for (int i = 0; i < 500; ++i) bad.send_raw(bytes(size_t(i % 1500), uint32_t(i)));
  ASSERT_TRUE(good.send(bytes(64, 9)));
  RudpTestClient::Msg m;
  ASSERT_TRUE(good.recv(&m));
  EXPECT_EQ(m.data, bytes(64, 9));
}

}  // namespace
}  // namespace ptnet::test
