// ptnet-load end to end on the backend PTNET_TEST_BACKEND names: whole runs
// (LoadRunner: workers on their own engine, TcpLink on that backend) against
// an in-process echo server (tests/TestServer.h, two shards); each must
// verify traffic and finish with exit status kOk (no error of any kind).
// A kernel without io_uring skips (exit 77) when io_uring is asked for.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include "bench/load/LoadRunner.h"
#include "tests/TestServer.h"

namespace ptnet::load {
namespace {

class LoadRunTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(server_.start(), 0); }

  LoadOptions options(Mode mode, uint32_t conns) const {
    LoadOptions o;
    o.mode = mode;
    o.conns = conns;
    o.duration_s = 0.3;
    o.warmup_s = 0.1;
    o.quiet = true;
    o.backend = test::backend_from_env();
    o.cpus = test::test_cpus(1);
    o.threads = 1;
    o.port = server_.port();
    o.addr.sin_family = AF_INET;
    o.addr.sin_port = htons(server_.port());
    o.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return o;
  }

  test::TestServer server_;
};

TEST_F(LoadRunTest, ClosedLoopEchoVerifiesEveryFrame) {
  LoadOptions o = options(Mode::kEcho, 20);
  o.depth = 8;
  o.size = 100;
  EXPECT_EQ(LoadRunner(o).run(), ExitStatus::kOk);
  EXPECT_GT(server_.counter(Counter::Accepted), 0u);
}

TEST_F(LoadRunTest, OpenLoopEchoOnTwoWorkers) {
  LoadOptions o = options(Mode::kEcho, 10);
  o.rate = 5000;
  o.threads = 2;
  o.cpus = test::test_cpus(2);
  EXPECT_EQ(LoadRunner(o).run(), ExitStatus::kOk);
}

TEST_F(LoadRunTest, LargeFramesAreReassembled) {
  LoadOptions o = options(Mode::kEcho, 4);
  o.size = 20000;
  o.depth = 2;
  EXPECT_EQ(LoadRunner(o).run(), ExitStatus::kOk);
}

TEST_F(LoadRunTest, IdleConnectionsAreProvedAndHeld) {
  LoadOptions o = options(Mode::kIdle, 200);
  o.connect_rate = 5000;
  EXPECT_EQ(LoadRunner(o).run(), ExitStatus::kOk);
  EXPECT_EQ(server_.counter(Counter::Accepted), 200u);
}

TEST_F(LoadRunTest, NothingListeningIsASetupFailure) {
  LoadOptions o = options(Mode::kEcho, 3);
  server_.stop();
  EXPECT_EQ(LoadRunner(o).run(), ExitStatus::kFailed);
}

}  // namespace
}  // namespace ptnet::load
