// Echo over real sockets, two shards, on the backend PTNET_TEST_BACKEND names.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <thread>

#include "tests/TestClient.h"
#include "tests/TestServer.h"

namespace ptnet::test {
namespace {

class EchoTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(server_.start(cfg_), 0); }
  void expect_echo(TestClient& c, const std::vector<uint8_t>& body) {
    ASSERT_TRUE(c.send_frame(body));
    std::vector<uint8_t> got;
    ASSERT_TRUE(c.recv_frame(&got));
    EXPECT_EQ(got, body);
  }
  tcp::TcpConfig cfg_;
  TestServer server_;
};

TEST_F(EchoTest, BackendIsTheOneAskedFor) {
  EXPECT_EQ(server_.engine().backend_kind(), backend_from_env());
  EXPECT_EQ(server_.engine().shard_count(), 2u);
}

TEST_F(EchoTest, EchoesOneFrame) {
  TestClient c;
  ASSERT_TRUE(c.connect(server_.port()));
  expect_echo(c, TestClient::pattern(64, 1));
}

TEST_F(EchoTest, ConnectionsLandOnBothShardsAndAllEcho) {
  std::vector<TestClient> clients(64);
  for (auto& c : clients) ASSERT_TRUE(c.connect(server_.port()));
  for (size_t i = 0; i < clients.size(); ++i) expect_echo(clients[i], TestClient::pattern(100 + i, uint32_t(i)));
  // SO_REUSEPORT spreads 64 connections over both listeners.
  EXPECT_GT(server_.engine().shard(0).counters().get(Counter::Accepted), 0u);
  EXPECT_GT(server_.engine().shard(1).counters().get(Counter::Accepted), 0u);
}

TEST_F(EchoTest, PipelinedFramesComeBackInOrder) {
  TestClient c;
  ASSERT_TRUE(c.connect(server_.port()));
  std::vector<uint8_t> stream;
  std::vector<std::vector<uint8_t>> bodies;
  for (uint32_t i = 0; i < 2000; ++i) {
    bodies.push_back(TestClient::pattern(1 + (i * 37) % 700, i));
    auto f = TestClient::frame(bodies.back());
    stream.insert(stream.end(), f.begin(), f.end());
  }
  std::thread writer([&] { EXPECT_TRUE(c.send_all(stream.data(), stream.size())); });
  for (const auto& b : bodies) {
    std::vector<uint8_t> got;
    ASSERT_TRUE(c.recv_frame(&got));
    ASSERT_EQ(got, b);
  }
  writer.join();
}

TEST_F(EchoTest, FrameSplitAcrossManyWritesIsReassembled) {
  TestClient c;
  ASSERT_TRUE(c.connect(server_.port()));
  auto body = TestClient::pattern(300, 7);
  auto f = TestClient::frame(body);
  for (size_t i = 0; i < f.size(); i += 7) {
    ASSERT_TRUE(c.send_all(f.data() + i, std::min<size_t>(7, f.size() - i)));
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  std::vector<uint8_t> got;
  ASSERT_TRUE(c.recv_frame(&got));
  EXPECT_EQ(got, body);
}

TEST_F(EchoTest, LargestFrameIsEchoed) {
  TestClient c;
  ASSERT_TRUE(c.connect(server_.port()));
  expect_echo(c, TestClient::pattern(cfg_.max_frame, 3));
}

TEST_F(EchoTest, OversizedLengthClosesOnlyThatConnection) {
  TestClient bad, good;
  ASSERT_TRUE(bad.connect(server_.port()));
  ASSERT_TRUE(good.connect(server_.port()));
  expect_echo(good, TestClient::pattern(10, 1));
  uint8_t hdr[4];
  const uint32_t n = cfg_.max_frame + 1;
  std::memcpy(hdr, &n, 4);
  ASSERT_TRUE(bad.send_all(hdr, 4));
  EXPECT_TRUE(bad.wait_closed());
  EXPECT_TRUE(eventually([&] { return server_.counter(Counter::ErrFrameTooLarge) == 1; }));
  expect_echo(good, TestClient::pattern(20, 2));
}

TEST_F(EchoTest, ZeroLengthClosesOnlyThatConnection) {
  TestClient bad, good;
  ASSERT_TRUE(bad.connect(server_.port()));
  ASSERT_TRUE(good.connect(server_.port()));
  // A valid frame first: it is echoed before the stream goes bad.
  auto body = TestClient::pattern(5, 9);
  auto f = TestClient::frame(body);
  f.insert(f.end(), {0, 0, 0, 0});
  ASSERT_TRUE(bad.send_all(f.data(), f.size()));
  std::vector<uint8_t> got;
  ASSERT_TRUE(bad.recv_frame(&got));
  EXPECT_EQ(got, body);
  EXPECT_TRUE(bad.wait_closed());
  EXPECT_TRUE(eventually([&] { return server_.counter(Counter::ErrFrameZero) == 1; }));
  expect_echo(good, TestClient::pattern(20, 2));
}

TEST_F(EchoTest, GarbageStreamDoesNotHurtOthers) {
  TestClient good;
  ASSERT_TRUE(good.connect(server_.port()));
  for (uint32_t seed = 0; seed < 20; ++seed) {
    TestClient g;
    ASSERT_TRUE(g.connect(server_.port()));
    auto junk = TestClient::pattern(5000, seed);
    g.send_all(junk.data(), junk.size(), 1000);
    // The server either closes it (bad length) or waits for the rest of a
    // plausible frame; either way it must not stall anyone else.
    expect_echo(good, TestClient::pattern(16, seed));
  }
}

TEST_F(EchoTest, ResetPeerIsCleanedUp) {
  {
    TestClient c;
    ASSERT_TRUE(c.connect(server_.port()));
    expect_echo(c, TestClient::pattern(8, 1));
    linger lg{1, 0};
    setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    auto body = TestClient::pattern(1000, 2);
    auto f = TestClient::frame(body);
    f.resize(500);  // half a frame, then RST
    ASSERT_TRUE(c.send_all(f.data(), f.size()));
  }
  EXPECT_TRUE(eventually([&] { return server_.counter(Counter::Closed) == 1; }));
  TestClient d;
  ASSERT_TRUE(d.connect(server_.port()));
  expect_echo(d, TestClient::pattern(8, 3));
}

TEST_F(EchoTest, ManyConnectionsEachEcho) {
  std::vector<TestClient> clients(500);
  for (auto& c : clients) ASSERT_TRUE(c.connect(server_.port()));
  for (size_t i = 0; i < clients.size(); ++i)
    ASSERT_TRUE(clients[i].send_frame(TestClient::pattern(32, uint32_t(i))));
  for (size_t i = 0; i < clients.size(); ++i) {
    std::vector<uint8_t> got;
    ASSERT_TRUE(clients[i].recv_frame(&got));
    ASSERT_EQ(got, TestClient::pattern(32, uint32_t(i)));
  }
  clients.clear();
  EXPECT_TRUE(eventually([&] { return server_.counter(Counter::Closed) == 500; }));
}

class SlowReaderTest : public EchoTest {
 protected:
  void SetUp() override {
    cfg_.max_send_queue = 64 * 1024;
    EchoTest::SetUp();
  }
};

TEST_F(SlowReaderTest, ReaderThatNeverReadsIsCutOffAndOthersContinue) {
  TestClient slow, good;
  ASSERT_TRUE(slow.connect(server_.port(), 2000, 4096));
  ASSERT_TRUE(good.connect(server_.port()));
  // Write echoes faster than they are read (never): the server's queue
  // towards `slow` passes 64 KiB once the socket buffers fill.
  auto f = TestClient::frame(TestClient::pattern(16 * 1024, 5));
  bool cut = false;
  for (int i = 0; i < 4000 && !cut; ++i) {
    if (!slow.send_all(f.data(), f.size(), 200)) break;
    cut = server_.counter(Counter::ErrSendQueueFull) > 0;
  }
  EXPECT_TRUE(eventually([&] { return server_.counter(Counter::ErrSendQueueFull) == 1; }));
  EXPECT_TRUE(slow.wait_closed());
  expect_echo(good, TestClient::pattern(100, 6));
}

}  // namespace
}  // namespace ptnet::test

namespace ptnet::test {
namespace {

// With a handful of receive buffers and many busy connections the shard
// runs out (ENOBUFS): that re-arms the receive, it loses nothing and kills
// no connection.
TEST(ReceiveBufferTest, RunningOutOfReceiveBuffersLosesNothing) {
  TestServer server;
  EngineConfig ecfg;
  ecfg.io.recv_buffers = 16;
  ecfg.io.recv_buffer_size = 1024;
  ASSERT_EQ(server.start({}, 2, nullptr, ecfg), 0);
  std::vector<TestClient> clients(200);
  for (auto& c : clients) ASSERT_TRUE(c.connect(server.port()));
  std::vector<uint8_t> stream;
  for (uint32_t i = 0; i < 8; ++i) {
    auto f = TestClient::frame(TestClient::pattern(3000, i));
    stream.insert(stream.end(), f.begin(), f.end());
  }
  for (int round = 0; round < 5; ++round) {
    for (auto& c : clients) ASSERT_TRUE(c.send_all(stream.data(), stream.size()));
    for (auto& c : clients)
      for (uint32_t i = 0; i < 8; ++i) {
        std::vector<uint8_t> got;
        ASSERT_TRUE(c.recv_frame(&got));
        ASSERT_EQ(got, TestClient::pattern(3000, i));
      }
  }
  EXPECT_GT(server.counter(Counter::RecvNoBuffers), 0u) << "the test did not exhaust the buffers";
  EXPECT_EQ(server.counter(Counter::Closed), 0u);
}

}  // namespace
}  // namespace ptnet::test
