// Per-server reliable-UDP settings, shared read-only by every shard's
// RudpService (each copies it at construction).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "rudp/EndpointConfig.h"
#include "rudp/LinkImpairmentConfig.h"

namespace ptnet::rudp {

struct RudpConfig {
  std::string host = "0.0.0.0";
  uint16_t port = 5000;               // 0: an ephemeral port, shared by all shards
  EndpointConfig endpoint;            // role is Server
  bool impair = false;                // run sent datagrams through a LinkImpairment (--sim-*)
  LinkImpairmentConfig impairment;
  uint32_t tx_slots = 4096;           // datagrams in flight to the kernel per shard
  int socket_buffer = 4 << 20;        // SO_RCVBUF / SO_SNDBUF (best effort)
  // Filled by the first shard when port == 0; later shards bind the same port.
  std::shared_ptr<std::atomic<uint16_t>> bound_port = std::make_shared<std::atomic<uint16_t>>(0);
};

}  // namespace ptnet::rudp
