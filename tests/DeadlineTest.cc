// Transport deadlines over real sockets, on the backend PTNET_TEST_BACKEND
// names: a peer that starts a frame and never finishes it (header then
// silence, or a trickle of one byte at a time - slowloris) is closed within
// the frame deadline; a silent connection is closed by the idle timeout; a
// well-behaved client next to them is served throughout.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/TestClient.h"
#include "tests/TestServer.h"

namespace ptnet::test {
namespace {

using Clock = std::chrono::steady_clock;

class DeadlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tcp::TcpConfig cfg;
    cfg.frame_timeout_ns = 1'000'000'000;
    cfg.idle_timeout_ns = 2'000'000'000;
    ASSERT_EQ(server_.start(cfg, 2), 0);
  }
  static void expect_echo(TestClient& c, uint32_t seed) {
    const auto body = TestClient::pattern(48, seed);
    ASSERT_TRUE(c.send_frame(body));
    std::vector<uint8_t> got;
    ASSERT_TRUE(c.recv_frame(&got, 2000));
    EXPECT_EQ(got, body);
  }
  TestServer server_;
};

TEST_F(DeadlineTest, HeaderThenSilenceIsClosedWithinTheFrameDeadline) {
  TestClient attacker, good;
  ASSERT_TRUE(attacker.connect(server_.port()));
  ASSERT_TRUE(good.connect(server_.port()));
  const uint8_t header[4] = {100, 0, 0, 0};  // a 100-byte frame announced, never sent
  ASSERT_TRUE(attacker.send_all(header, 4));
  const auto t0 = Clock::now();
  for (uint32_t i = 0; i < 5; ++i) {  // served while the attacker waits
    expect_echo(good, i);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(attacker.wait_closed(4000)) << "a started frame was held open";
  EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(4000)) << "1 s deadline + 1 s sweep + slack";
  EXPECT_GE(server_.counter(Counter::ErrFrameTimeout), 1u);
}

TEST_F(DeadlineTest, TricklingAFrameOneByteAtATimeIsClosedThoughItProgresses) {
  TestClient attacker;
  ASSERT_TRUE(attacker.connect(server_.port()));
  const auto f = TestClient::frame(TestClient::pattern(200, 1));
  const auto t0 = Clock::now();
  bool closed = false;
  for (size_t i = 0; i < f.size() && !closed; ++i) {
    if (!attacker.send_all(&f[i], 1, 200)) closed = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (Clock::now() - t0 > std::chrono::milliseconds(3000)) break;
  }
  EXPECT_TRUE(closed || attacker.wait_closed(1500)) << "the trickle kept the connection";
  EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(4000));
}

TEST_F(DeadlineTest, SilentConnectionIsClosedByTheIdleTimeoutAndAChattyOneIsNot) {
  TestClient silent, chatty;
  ASSERT_TRUE(silent.connect(server_.port()));
  ASSERT_TRUE(chatty.connect(server_.port()));
  const auto t0 = Clock::now();
  for (uint32_t i = 0; Clock::now() - t0 < std::chrono::milliseconds(3500); ++i) {
    expect_echo(chatty, i);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(silent.wait_closed(500));
  expect_echo(chatty, 99);
  EXPECT_GE(server_.counter(Counter::IdleTimeouts), 1u);
}

}  // namespace
}  // namespace ptnet::test
