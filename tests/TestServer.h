// Starts an Engine with a TcpService per shard on an ephemeral port, on the
// backend named by PTNET_TEST_BACKEND (uring | epoll). A test asking for
// io_uring where the kernel lacks it exits 77, which meson reports as skip.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

#include "core/CpuSet.h"
#include "core/Engine.h"
#include "base/Log.h"
#include "io/Backend.h"
#include "tcp/EchoHandler.h"
#include "tcp/TcpService.h"

namespace ptnet::test {

inline io::BackendKind backend_from_env() {
  const char* b = std::getenv("PTNET_TEST_BACKEND");
  if (b != nullptr && std::strcmp(b, "epoll") == 0) return io::BackendKind::Epoll;
  std::string why;
  if (!io::uring_available(&why)) {
    std::fprintf(stderr, "skipping: io_uring unavailable (%s)\n", why.c_str());
    std::exit(77);
  }
  return io::BackendKind::Uring;
}

// Two shards on the first two CPUs we may use (the same CPU twice on a
// one-CPU machine).
inline std::vector<int> test_cpus(size_t shards) {
  std::vector<int> all = CpuSet::affinity();
  std::vector<int> cpus;
  for (size_t i = 0; i < shards; ++i) cpus.push_back(all[i % all.size()]);
  return cpus;
}

class TestServer {
 public:
  using HandlerFactory = std::function<std::unique_ptr<tcp::ConnectionHandler>(Shard&)>;

  ~TestServer() { stop(); }

  // Returns 0 or a negated errno.
  int start(tcp::TcpConfig tcp = {}, size_t shards = 2, HandlerFactory handlers = nullptr,
            EngineConfig cfg = {}) {
    set_log_level(LogLevel::Warn);
    cfg.cpus = test_cpus(shards);
    cfg.io.kind = backend_from_env();
    if (cfg.io.recv_buffers == io::BackendConfig{}.recv_buffers) cfg.io.recv_buffers = 256;
    tcp.host = "127.0.0.1";
    tcp.port = 0;
    if (!handlers) handlers = [](Shard&) { return std::make_unique<tcp::EchoHandler>(); };
    engine_ = std::make_unique<Engine>(cfg);
    tcp_ = tcp;
    int err = engine_->start([this, handlers](Shard& s) {
      s.add_service(std::make_unique<tcp::TcpService>(tcp_, handlers(s)));
    });
    port_ = tcp_.bound_port->load();
    return err;
  }

  void stop() {
    if (engine_) {
      engine_->request_stop();
      engine_->wait();
    }
  }

  Engine& engine() { return *engine_; }
  uint16_t port() const { return port_; }
  uint64_t counter(Counter c) const { return engine_->counters()[c]; }

 private:
  std::unique_ptr<Engine> engine_;
  tcp::TcpConfig tcp_;
  uint16_t port_ = 0;
};

}  // namespace ptnet::test

#include <chrono>
#include <thread>

namespace ptnet::test {

// Polls `pred` until it holds or timeout_ms passes.
template <class F>
bool eventually(F pred, int timeout_ms = 5000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace ptnet::test
