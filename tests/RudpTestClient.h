// A blocking-with-deadlines reliable-UDP client for socket tests: a client
// rudp::Endpoint over a real UDP socket, driven by poll() and the monotonic
// clock. Every call takes a timeout, so a broken server fails a test instead
// of hanging it. One thread.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "rudp/Endpoint.h"

namespace ptnet::test {

class RudpTestClient final : private rudp::Transmitter, private rudp::EndpointHandler {
 public:
  struct Msg {
    rudp::Channel ch;
    std::vector<uint8_t> data;
  };

  explicit RudpTestClient(rudp::EndpointConfig cfg = {});
  ~RudpTestClient() override;

  // Handshake with host:port; false on timeout or refusal.
  bool connect(const std::string& host, uint16_t port, int timeout_ms = 3000);
  bool send(const std::vector<uint8_t>& data, rudp::Channel ch = rudp::Channel::Reliable);
  // The next message (in arrival order); false on timeout or disconnect.
  bool recv(Msg* out, int timeout_ms = 3000);
  // Runs the endpoint for `ms` (delivering into the inbox).
  void pump(int ms);
  bool connected() const { return connected_; }
  bool disconnected() const { return disconnected_; }
  rudp::DisconnectReason why() const { return why_; }
  rudp::Endpoint& endpoint() { return *ep_; }
  ConnId peer() const { return peer_; }
  // Sends raw bytes from this client's socket (garbage tests).
  void send_raw(const std::vector<uint8_t>& bytes);

 private:
  uint8_t* tx_buffer() override { return tx_; }
  void tx_commit(uint8_t* buf, size_t len, const SockAddr& to) override;
  void on_connect(ConnId peer, const SockAddr& addr) override;
  void on_message(ConnId peer, rudp::Channel ch, const uint8_t* data, size_t len) override;
  void on_disconnect(ConnId peer, rudp::DisconnectReason why) override;
  // One round: read what arrived (waiting up to wait_ms), timers, flush.
  void step(int wait_ms);

  int fd_ = -1;
  SockAddr server_;
  std::unique_ptr<rudp::Endpoint> ep_;
  ConnId peer_;
  bool connected_ = false;
  bool disconnected_ = false;
  rudp::DisconnectReason why_ = rudp::DisconnectReason::Timeout;
  std::deque<Msg> inbox_;
  uint8_t tx_[rudp::kMaxDatagram];
  uint8_t rx_[2048];
};

}  // namespace ptnet::test
