// Graceful shutdown: stop accepting, flush what is queued, close, return in
// bounded time; and the server binary exits 0 on SIGINT/SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <future>

#include "tests/TestClient.h"
#include "io/Socket.h"
#include "tests/TestServer.h"

namespace ptnet::test {
namespace {

using namespace std::chrono_literals;

// Stops the engine on another thread; true when it finished within `limit`.
bool stop_within(TestServer& s, std::chrono::seconds limit) {
  auto f = std::async(std::launch::async, [&] { s.stop(); });
  return f.wait_for(limit) == std::future_status::ready;
}

TEST(ShutdownTest, QueuedOutputIsFlushedBeforeClose) {
  TestServer server;
  tcp::TcpConfig cfg;
  cfg.max_send_queue = 64u << 20;
  ASSERT_EQ(server.start(cfg), 0);
  TestClient c;
  ASSERT_TRUE(c.connect(server.port(), 2000, 16 * 1024));
  constexpr int kFrames = 12000;
  std::vector<uint8_t> stream;
  for (int i = 0; i < kFrames; ++i) {
    auto f = TestClient::frame(TestClient::pattern(1024, uint32_t(i)));
    stream.insert(stream.end(), f.begin(), f.end());
  }
  ASSERT_TRUE(c.send_all(stream.data(), stream.size(), 20000));
  // Everything is received (and its echo queued) before we stop; the client
  // has not read a byte yet.
  ASSERT_TRUE(eventually([&] { return server.counter(Counter::FramesIn) == kFrames; }));
  // The premise: the kernel could not take it all, so part of the echo is
  // still in the server's queues when the stop begins.
  ASSERT_LT(server.counter(Counter::BytesOut), stream.size());
  auto stopped = std::async(std::launch::async, [&] { server.stop(); });
  for (int i = 0; i < kFrames; ++i) {
    std::vector<uint8_t> got;
    ASSERT_TRUE(c.recv_frame(&got)) << "frame " << i;
    ASSERT_EQ(got, TestClient::pattern(1024, uint32_t(i)));
  }
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(stopped.wait_for(10s), std::future_status::ready);
}

TEST(ShutdownTest, IdleConnectionsAreClosed) {
  TestServer server;
  ASSERT_EQ(server.start(), 0);
  std::vector<TestClient> clients(50);
  for (auto& c : clients) ASSERT_TRUE(c.connect(server.port()));
  ASSERT_TRUE(eventually([&] { return server.counter(Counter::Accepted) == 50; }));
  EXPECT_TRUE(stop_within(server, 10s));
  for (auto& c : clients) EXPECT_TRUE(c.wait_closed(2000));
}

TEST(ShutdownTest, NewConnectionsAreRefusedAfterStop) {
  TestServer server;
  ASSERT_EQ(server.start(), 0);
  const uint16_t port = server.port();
  EXPECT_TRUE(stop_within(server, 10s));
  TestClient c;
  EXPECT_FALSE(c.connect(port, 500));
}

// The real binary: prints its port, echoes, exits 0 on the signal.
void run_binary_and_signal(int sig) {
  const char* bin = std::getenv("PTNET_SERVER");
  ASSERT_NE(bin, nullptr) << "PTNET_SERVER must name the ptnet-server binary";
  const char* backend = backend_from_env() == io::BackendKind::Epoll ? "epoll" : "uring";
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    execl(bin, bin, "--echo", "--tcp-port", "0", "--udp-port", "0", "--host", "127.0.0.1", "--shards", "2", "--backend",
          backend, "--log-level", "warn", static_cast<char*>(nullptr));
    _exit(127);
  }
  ::close(out[1]);
  FILE* f = fdopen(out[0], "r");
  unsigned port = 0;
  char line[256];
  while (port == 0 && std::fgets(line, sizeof line, f) != nullptr)
    std::sscanf(line, "ptnet-server listening on :%u", &port);
  ASSERT_NE(port, 0u);
  TestClient c;
  ASSERT_TRUE(c.connect(uint16_t(port)));
  ASSERT_TRUE(c.send_frame(TestClient::pattern(64, 1)));
  std::vector<uint8_t> got;
  ASSERT_TRUE(c.recv_frame(&got));
  EXPECT_EQ(got, TestClient::pattern(64, 1));
  ASSERT_EQ(kill(pid, sig), 0);
  int status = 0;
  bool exited = eventually([&] { return waitpid(pid, &status, WNOHANG) == pid; }, 10000);
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  std::fclose(f);
  ASSERT_TRUE(exited) << "ptnet-server did not exit within 10 s of the signal";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(c.wait_closed(1000));
}

// Start failures come back as errors, never as a hang.
TEST(EngineStartTest, UnusableCpuFailsTheStart) {
  EngineConfig cfg;
  cfg.cpus = {1000};
  cfg.io.kind = backend_from_env();
  cfg.io.recv_buffers = 16;
  Engine engine(cfg);
  auto f = std::async(std::launch::async, [&] { return engine.start([](Shard&) {}); });
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_LT(f.get(), 0);
}

TEST(EngineStartTest, PortInUseFailsTheStart) {
  // A listener without SO_REUSEPORT holds the port: the shards' reuseport
  // listeners cannot join it.
  int blocker = io::listen_tcp("127.0.0.1", 0, 16, false);
  ASSERT_GE(blocker, 0);
  tcp::TcpConfig cfg;
  cfg.host = "127.0.0.1";
  cfg.port = io::local_port(blocker);
  EngineConfig ecfg;
  ecfg.cpus = test_cpus(2);
  ecfg.io.kind = backend_from_env();
  ecfg.io.recv_buffers = 16;
  Engine engine(ecfg);
  auto f = std::async(std::launch::async, [&] {
    return engine.start([&cfg](Shard& s) {
      s.add_service(std::make_unique<tcp::TcpService>(cfg, std::make_unique<tcp::EchoHandler>()));
    });
  });
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(f.get(), -EADDRINUSE);
  ::close(blocker);
}

TEST(ShutdownTest, ServerExitsZeroOnSigterm) { run_binary_and_signal(SIGTERM); }
TEST(ShutdownTest, ServerExitsZeroOnSigint) { run_binary_and_signal(SIGINT); }

}  // namespace
}  // namespace ptnet::test
