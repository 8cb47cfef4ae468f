// RUDP endpoint cost: a server Endpoint and 100 client Endpoints wired in
// memory (no sockets), 64-byte reliable echo at depth 1 and 16. Each
// iteration is one loop pass: the clients' datagrams reach the server as one
// burst, the server receives, runs its timers and flushes; its datagrams go
// back to the clients, whose handlers send a new message per echo received.
// Only the server's calls are timed, in thread CPU time (manual time =
// server CPU per pass; the clock read costs ~2 x 0.1 us per pass, i.e. a few
// ns per message at depth 1):
//   server_ns_per_msg   server endpoint time per echoed message
//   dgrams_in_per_msg   datagrams the server received per message
//   dgrams_out_per_msg  datagrams the server sent per message
#include <benchmark/benchmark.h>

#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include "base/Clock.h"
#include "rudp/Endpoint.h"

namespace {

using namespace ptnet;

// CPU time of this thread: preemption by other processes does not count.
uint64_t thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}
using namespace ptnet::rudp;

constexpr size_t kPeers = 100;
constexpr size_t kPayload = 64;

// Collects what an endpoint sends during a pass.
struct MemWire : Transmitter {
  struct Datagram {
    SockAddr to;
    uint32_t len;
    uint8_t data[kMaxDatagram];
  };
  std::vector<Datagram> out;
  size_t n = 0;
  explicit MemWire(size_t slots) { out.resize(slots); }
  uint8_t* tx_buffer() override { return n < out.size() ? out[n].data : nullptr; }
  void tx_commit(uint8_t*, size_t len, const SockAddr& to) override {
    out[n].len = uint32_t(len);
    out[n].to = to;
    ++n;
  }
};

struct ServerEcho : EndpointHandler {
  Endpoint* ep = nullptr;
  uint64_t* now = nullptr;
  uint64_t messages = 0;
  void on_connect(ConnId, const SockAddr&) override {}
  void on_message(ConnId peer, Channel ch, const uint8_t* data, size_t len) override {
    ++messages;
    ep->send(peer, ch, data, len, *now);
  }
  void on_disconnect(ConnId, DisconnectReason) override {}
};

// Sends the next request for each echo, so `depth` stay outstanding.
struct ClientLoop : EndpointHandler {
  Endpoint* ep = nullptr;
  uint64_t* now = nullptr;
  ConnId id;
  bool up = false;
  uint64_t echoes = 0;
  uint8_t payload[kPayload] = {};
  void on_connect(ConnId, const SockAddr&) override { up = true; }
  void on_message(ConnId peer, Channel, const uint8_t*, size_t) override {
    ++echoes;
    ep->send(peer, Channel::Reliable, payload, sizeof payload, *now);
  }
  void on_disconnect(ConnId, DisconnectReason) override { up = false; }
};

struct Client {
  SockAddr addr;
  MemWire wire{64};
  ClientLoop loop;
  std::unique_ptr<Endpoint> ep;
};

struct Rig {
  uint64_t now = monotonic_ns();
  SockAddr server_addr;
  MemWire server_wire{2048};
  ServerEcho echo;
  std::unique_ptr<Endpoint> server;
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<RxDatagram> burst;
  uint64_t server_ns = 0, dgrams_in = 0, dgrams_out = 0;

  Rig() {
    server_addr.parse("10.0.0.1", 5000);
    EndpointConfig sc;
    sc.rng_seed = 1;
    server = std::make_unique<Endpoint>(sc, server_wire, echo);
    echo.ep = server.get();
    echo.now = &now;
    for (size_t i = 0; i < kPeers; ++i) {
      auto c = std::make_unique<Client>();
      c->addr.parse("10.1." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1), uint16_t(40000 + i));
      EndpointConfig cc;
      cc.role = Role::Client;
      cc.rng_seed = 100 + i;
      c->ep = std::make_unique<Endpoint>(cc, c->wire, c->loop);
      c->loop.ep = c->ep.get();
      c->loop.now = &now;
      c->loop.id = c->ep->connect(server_addr, now);
      clients.push_back(std::move(c));
    }
    burst.reserve(8192);
  }

  // One loop pass: clients flush, the server handles the burst, clients get the replies.
  void pass(bool timed) {
    now = monotonic_ns();
    burst.clear();
    for (auto& c : clients) {
      c->ep->flush(now);
      for (size_t i = 0; i < c->wire.n; ++i) burst.push_back(RxDatagram{c->wire.out[i].data, c->wire.out[i].len, c->addr});
      c->wire.n = 0;
    }
    const uint64_t t0 = thread_cpu_ns();
    server->receive(burst.data(), burst.size(), now);
    if (server->next_deadline_ns() <= now) server->on_timer(now);
    server->flush(now);
    const uint64_t t1 = thread_cpu_ns();
    if (timed) {
      server_ns += t1 - t0;
      dgrams_in += burst.size();
      dgrams_out += server_wire.n;
    }
    deliver_to_clients();
  }

  void deliver_to_clients() {
    for (size_t i = 0; i < server_wire.n; ++i) {
      const auto& d = server_wire.out[i];
      for (auto& c : clients) {
        if (c->addr == d.to) {
          const RxDatagram rx{d.data, d.len, server_addr};
          c->ep->receive(&rx, 1, now);
          break;
        }
      }
    }
    server_wire.n = 0;
    for (auto& c : clients) {
      if (c->ep->next_deadline_ns() <= now) c->ep->on_timer(now);
    }
  }
};

void BM_RudpEcho(benchmark::State& state) {
  const size_t depth = size_t(state.range(0));
  Rig rig;
  const uint64_t give_up = monotonic_ns() + 3'000'000'000;
  auto all_up = [&] {
    for (auto& c : rig.clients) {
      if (!c->loop.up) return false;
    }
    return true;
  };
  while (!all_up() && monotonic_ns() < give_up) rig.pass(false);  // handshakes
  for (auto& c : rig.clients) {
    if (!c->loop.up) {
      state.SkipWithError("handshake did not complete");
      return;
    }
    for (size_t d = 0; d < depth; ++d) c->ep->send(c->loop.id, Channel::Reliable, c->loop.payload, kPayload, rig.now);
  }
  for (int i = 0; i < 50; ++i) rig.pass(false);  // warm up: pools, rings, cwnd
  const uint64_t before = rig.echo.messages;
  for (auto _ : state) {
    const uint64_t ns0 = rig.server_ns;
    rig.pass(true);
    state.SetIterationTime(double(rig.server_ns - ns0) * 1e-9);
  }
  const double msgs = double(rig.echo.messages - before);
  state.counters["server_ns_per_msg"] = msgs > 0 ? double(rig.server_ns) / msgs : 0;
  state.counters["dgrams_in_per_msg"] = msgs > 0 ? double(rig.dgrams_in) / msgs : 0;
  state.counters["dgrams_out_per_msg"] = msgs > 0 ? double(rig.dgrams_out) / msgs : 0;
  state.counters["server_pool_KiB"] = double(rig.server->pool_bytes()) / 1024;
  state.SetItemsProcessed(int64_t(msgs));
}
BENCHMARK(BM_RudpEcho)->Arg(1)->Arg(16)->UseManualTime();

}  // namespace
