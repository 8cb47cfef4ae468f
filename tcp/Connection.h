// One accepted TCP connection. Allocated from its shard's slab, addressed
// by (slot, generation) and touched only by that shard's thread. The
// TcpService owns it; a handler may keep `user` for its own per-connection
// state (owned by the handler) and must not keep the Connection pointer past
// on_close().
#pragma once

#include <cstdint>

#include "core/Timer.h"
#include "tcp/CloseReason.h"
#include "tcp/Framer.h"
#include "tcp/SendQueue.h"

namespace ptnet::tcp {

class TcpService;

class Connection {
 public:
  Connection(TcpService* owner, int fd, uint32_t slot, uint32_t gen, ByteOrder order,
             uint32_t max_frame)
      : owner_(owner), fd_(fd), slot_(slot), gen_(gen), framer_(order, max_frame) {}

  int fd() const { return fd_; }
  uint32_t slot() const { return slot_; }
  uint32_t gen() const { return gen_; }
  // Stable handle for lookups from elsewhere (e.g. another shard's message).
  uint64_t id() const { return (uint64_t(gen_) << 32) | slot_; }
  bool closing() const { return closing_ || close_requested_; }
  ByteOrder order() const { return framer_.order(); }
  size_t queued_bytes() const { return out_.bytes(); }

  void* user = nullptr;

 private:
  friend class TcpService;

  TcpService* owner_;
  int fd_;
  uint32_t slot_;
  uint32_t gen_;
  bool recv_armed_ = false;
  bool send_inflight_ = false;
  bool dirty_ = false;
  bool closing_ = false;         // fd shut down; waiting for in-flight ops
  bool close_after_flush_ = false;
  bool close_requested_ = false;  // close at the end of this loop pass
  CloseReason linger_reason_ = CloseReason::Handler;
  // Byte-order detection (TcpConfig::detect_order): the first bytes wait
  // here until the handler has seen enough of them to choose.
  static constexpr uint8_t kDetectBytes = 5;
  static constexpr uint8_t kDetectDone = 0xFF;
  uint8_t detect_have_ = kDetectDone;
  uint8_t detect_[kDetectBytes];
  Connection* next_dirty_ = nullptr;
  Framer framer_;
  SendQueue out_;
  Timer linger_;
};

}  // namespace ptnet::tcp
