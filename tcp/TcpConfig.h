// Per-server TCP settings, shared read-only by every shard's TcpService.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "tcp/ByteOrder.h"

namespace ptnet::tcp {

struct TcpConfig {
  std::string host = "0.0.0.0";
  uint16_t port = 4000;            // 0: an ephemeral port, shared by all shards
  int backlog = 4096;
  ByteOrder order = ByteOrder::Little;
  // Let the handler choose each connection's byte order from its first
  // bytes (one port, two encodings); `order` is then only the default.
  bool detect_order = false;
  uint32_t max_frame = 64 * 1024;
  size_t max_send_queue = 4 * 1024 * 1024;  // bytes queued per connection before it is cut off
  uint32_t max_conns = 1'000'000;           // per shard
  uint64_t linger_ns = 2'000'000'000;       // close-after-flush budget
  // Deadlines, checked by a once-a-second sweep (0: off). A frame whose first
  // byte arrived must be complete within frame_timeout (a peer trickling a
  // frame - slowloris - is closed); a connection silent for idle_timeout is
  // closed (the game keeps its own, protocol-level idle timeout).
  uint64_t frame_timeout_ns = 10'000'000'000;
  uint64_t idle_timeout_ns = 0;
  // SO_KEEPALIVE on accepted sockets, for peers that vanished without a FIN
  // (0: off): first probe after this idle time, then every interval, count times.
  uint32_t keepalive_idle_s = 60;
  uint32_t keepalive_interval_s = 10;
  uint32_t keepalive_count = 3;
  // The network tick: frames queued to a connection leave at most every
  // this often, all at once (0: at the end of every loop pass). The first
  // flush after a quiet period is immediate.
  uint64_t flush_interval_ns = 0;
  // Room fan-out: frames up to this many bytes are copied into each member's
  // send buffer; larger ones are queued by reference.
  uint32_t fanout_copy_max = 1024;
  // Filled by the first shard when port == 0; later shards bind the same port.
  std::shared_ptr<std::atomic<uint16_t>> bound_port = std::make_shared<std::atomic<uint16_t>>(0);
};

}  // namespace ptnet::tcp
