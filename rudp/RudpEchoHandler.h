// `ptnet-server --echo` over reliable UDP: every message goes back to its
// sender on the channel it came on. One per shard, owned by its RudpService.
#pragma once

#include <cstdint>

#include "rudp/ServiceHandler.h"

namespace ptnet::rudp {

class RudpEchoHandler final : public ServiceHandler {
 public:
  void attach(RudpService& service) override { service_ = &service; }
  void on_connect(ConnId, const SockAddr&) override {}
  void on_message(ConnId peer, Channel ch, const uint8_t* data, size_t len) override;
  void on_disconnect(ConnId, DisconnectReason) override {}
  // Echoes the endpoint refused (the peer is over its send budget).
  uint64_t refused() const { return refused_; }

 private:
  RudpService* service_ = nullptr;
  uint64_t refused_ = 0;
};

}  // namespace ptnet::rudp
