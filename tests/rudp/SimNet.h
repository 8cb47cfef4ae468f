// A deterministic network simulator for RUDP tests: Endpoints joined by
// LinkImpairment links (one per sending node: loss, duplication, reordering,
// delay, jitter), driven in virtual time. Each step releases what the links
// hold, hands every node its inbox as one receive() burst, runs on_timer()
// where due and flush() everywhere, then jumps to the next event.
//
// Threads: single-threaded test code.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "rudp/Endpoint.h"
#include "rudp/LinkImpairment.h"

namespace ptnet::rudp::test {

using Bytes = std::vector<uint8_t>;

struct Received {
  ConnId peer;
  Channel ch;
  Bytes data;
};

// Records everything an Endpoint reports; hooks let a test react (echo, ...).
class RecordingHandler : public EndpointHandler {
 public:
  void on_connect(ConnId peer, const SockAddr& addr) override;
  void on_message(ConnId peer, Channel ch, const uint8_t* data, size_t len) override;
  void on_disconnect(ConnId peer, DisconnectReason why) override;

  std::vector<std::pair<ConnId, SockAddr>> connects;
  std::vector<Received> messages;
  std::vector<std::pair<ConnId, DisconnectReason>> disconnects;
  bool keep_messages = true;
  uint64_t message_count = 0;
  std::function<void(ConnId, Channel, const uint8_t*, size_t)> on_msg;
  std::function<void(ConnId)> on_conn;
};

class SimNet {
 public:
  struct Node;
  using Tap = std::function<void(int from, const uint8_t* data, size_t len, const SockAddr& to)>;

  explicit SimNet(uint64_t start_ns = 1'000'000'000);
  ~SimNet();

  // Adds a node at 10.0.0.<index+1>:port (virtual addresses; nothing leaves the process).
  int add(const EndpointConfig& cfg, const LinkImpairmentConfig& egress = {}, uint16_t port = 5000);
  // The node's process restarts: a new Endpoint (and handler state) on the same address.
  void restart(int i, const EndpointConfig& cfg);
  Endpoint& ep(int i);
  RecordingHandler& handler(int i);
  LinkImpairment& link(int i);
  const SockAddr& addr(int i) const;
  static SockAddr make_addr(uint8_t host, uint16_t port);

  // Queues a datagram for node `to`'s next receive(), as if sent from `from`.
  void inject(int to, const uint8_t* data, size_t len, const SockAddr& from);
  // Runs until pred() holds (checked after each step) or max_ns of virtual time passed.
  bool run_until(const std::function<bool()>& pred, uint64_t max_ns);
  void run_for(uint64_t ns);
  // Client `c` connects to server `s`; runs until both saw on_connect. Returns the client's ConnId.
  ConnId connect(int c, int s, uint64_t max_ns = 5'000'000'000);

  uint64_t now() const { return now_; }
  // Every n-th Transmitter::tx_buffer() of every node returns nullptr (0: never).
  unsigned refuse_tx_every = 0;
  Tap tap;  // sees every datagram a node sends (before its link)
  // Returns true to drop a datagram before it reaches the sender's link.
  std::function<bool(int from, const uint8_t* data, size_t len, const SockAddr& to)> drop;
  uint64_t unrouted_bytes = 0;     // released to addresses no node has
  std::map<SockAddr, uint64_t, bool (*)(const SockAddr&, const SockAddr&)> unrouted_by_addr;

 private:
  void step();
  uint64_t next_event() const;
  Node* route(const SockAddr& to);

  std::vector<std::unique_ptr<Node>> nodes_;
  uint64_t now_;
};

}  // namespace ptnet::rudp::test
