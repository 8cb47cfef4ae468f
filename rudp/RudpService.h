// The reliable-UDP server of one shard: its SO_REUSEPORT UDP socket on the
// RUDP port, a server-role rudp::Endpoint, and the glue between them and the
// shard's ring.
//
//   ring --(datagram completions)--> burst --after_completions--> Endpoint::receive
//   Endpoint --flush/on_timer--> Transmitter --> [LinkImpairment] --> TxSlots --> sendto
//
// Per pass: completions of the pass are collected into one burst (their
// provided buffers held until then) and handed to the endpoint in
// after_completions(); before_wait() flushes the endpoint (everything queued
// in the pass leaves, coalesced per peer) and releases impaired datagrams
// that are due; one shard timer follows Endpoint::next_deadline_ns() (and the
// impairment's next release).
//
// Threads: created, used and destroyed on its shard's thread only.
// Ownership: owns the socket, the endpoint, the send slots and the
// impairment; the application's EndpointHandler is either owned (constructor
// taking a unique_ptr) or borrowed (must outlive the service, which never
// calls it from its destructor).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/Shard.h"
#include "core/ShardService.h"
#include "core/Timer.h"
#include "io/UserData.h"
#include "rudp/Endpoint.h"
#include "rudp/LinkImpairment.h"
#include "rudp/RudpConfig.h"
#include "rudp/ServiceHandler.h"
#include "rudp/TxSlots.h"

namespace ptnet::rudp {

class RudpService final : public ShardService, private EndpointHandler {
 public:
  static constexpr uint8_t kOpRecv = io::kFirstServiceOp + 8;
  static constexpr uint8_t kOpSend = io::kFirstServiceOp + 9;

  RudpService(const RudpConfig& cfg, std::unique_ptr<ServiceHandler> handler);
  RudpService(const RudpConfig& cfg, ServiceHandler& handler);
  ~RudpService() override;

  int start(Shard& shard) override;
  void after_completions(Shard& shard) override;
  void before_wait(Shard& shard) override;
  void stop_accepting(Shard& shard) override;
  bool drained(const Shard& shard) const override;
  void close_all(Shard& shard) override;
  bool closed(const Shard& shard) const override;

  Endpoint& endpoint() { return *endpoint_; }
  Shard& shard() { return *shard_; }
  uint16_t port() const { return port_; }
  // Datagrams the impairment holds (0 without --sim-*).
  size_t impaired_held() const { return impair_ ? impair_->held() : 0; }
  size_t peer_count() const { return live_.size(); }

 private:
  // The kernel side: a free send slot, filled by the endpoint (or the
  // impairment), sent with sendto.
  class SocketTx final : public Transmitter {
   public:
    explicit SocketTx(RudpService& s) : s_(s) {}
    uint8_t* tx_buffer() override;
    void tx_commit(uint8_t* buf, size_t len, const SockAddr& to) override;

   private:
    RudpService& s_;
  };
  // --sim-*: what the endpoint sends goes through the impairment first.
  class ImpairedTx final : public Transmitter {
   public:
    explicit ImpairedTx(RudpService& s) : s_(s) {}
    uint8_t* tx_buffer() override { return staging_; }
    void tx_commit(uint8_t* buf, size_t len, const SockAddr& to) override;

   private:
    RudpService& s_;
    uint8_t staging_[kMaxDatagram];
  };

  static void on_recv_cqe(void* ctx, const io::Completion& c);
  static void on_send_cqe(void* ctx, const io::Completion& c);
  static void on_timer_cb(Timer& t, uint64_t now_ns);
  static void on_rearm_cb(Timer& t, uint64_t now_ns);

  // EndpointHandler: track live peers (for close_all), forward to the app.
  void on_connect(ConnId peer, const SockAddr& addr) override;
  void on_message(ConnId peer, Channel ch, const uint8_t* data, size_t len) override;
  void on_disconnect(ConnId peer, DisconnectReason why) override;

  void on_recv(const io::Completion& c);
  void process_burst();
  void arm_recv();
  void reschedule();
  void release_impaired();

  RudpConfig cfg_;
  std::unique_ptr<ServiceHandler> owned_handler_;
  ServiceHandler& handler_;
  Shard* shard_ = nullptr;
  io::Backend* io_ = nullptr;
  ShardCounters* counters_ = nullptr;
  int fd_ = -1;
  uint16_t port_ = 0;
  bool recv_armed_ = false;
  bool stopping_ = false;  // stop_accepting() ran

  TxSlots slots_;
  SocketTx socket_tx_{*this};
  std::unique_ptr<ImpairedTx> impaired_tx_;
  std::unique_ptr<LinkImpairment> impair_;
  std::unique_ptr<Endpoint> endpoint_;

  std::vector<ConnId> live_;  // connected peers (unordered)
  std::vector<RxDatagram> burst_;
  std::vector<uint16_t> burst_buffers_;
  Timer timer_;
  Timer rearm_;
};

}  // namespace ptnet::rudp
