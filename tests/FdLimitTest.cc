// The server at the process's descriptor limit, on the backend
// PTNET_TEST_BACKEND names: it must not spin, must keep serving the
// connections it has, and must accept again once descriptors are free.
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "tests/FdLimitGuard.h"
#include "tests/TestClient.h"
#include "tests/TestServer.h"

namespace ptnet::test {
namespace {

void expect_echo(TestClient& c, uint32_t seed) {
  const auto body = TestClient::pattern(32, seed);
  ASSERT_TRUE(c.send_frame(body));
  std::vector<uint8_t> got;
  ASSERT_TRUE(c.recv_frame(&got));
  EXPECT_EQ(got, body);
}

// Regression (issue: "epoll busy loop at the fd limit"): the epoll backend
// reported EMFILE with the accept still armed and the listener readable, so
// the shard looped at 100 % until descriptors freed up.
TEST(FdLimitTest, AtTheLimitTheShardBacksOffServesAndAcceptsAgainLater) {
  // The limit is set before the server starts: io_uring's accept reads it
  // when the operation is submitted, as it would be in a real process.
  FdLimitGuard limit;
  ASSERT_TRUE(limit.lower(512));
  TestServer server;
  ASSERT_EQ(server.start({}, 1), 0);
  TestClient existing;
  ASSERT_TRUE(existing.connect(server.port()));
  expect_echo(existing, 1);

  ASSERT_TRUE(limit.fill()) << "premise: the process is at its descriptor limit";
  limit.free_one();  // exactly one free: the client's socket takes it, the server's accept finds none
  TestClient pending;
  ASSERT_TRUE(pending.connect(server.port())) << "the kernel completes the handshake into the backlog";

  const uint64_t passes_before = server.counter(Counter::LoopPasses);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const uint64_t passes = server.counter(Counter::LoopPasses) - passes_before;
  // Backing off means one retry per 10 ms (about 30 passes here); spinning
  // is hundreds of thousands.
  EXPECT_LT(passes, 3000u) << "the shard spins at the descriptor limit";
  EXPECT_GT(server.counter(Counter::ErrAccept), 0u) << "premise: accepts failed";
  expect_echo(existing, 2);  // existing connections are still served

  limit.restore();
  expect_echo(pending, 3);  // accepted once descriptors are free
  TestClient fresh;
  ASSERT_TRUE(fresh.connect(server.port()));
  expect_echo(fresh, 4);
}

}  // namespace
}  // namespace ptnet::test
