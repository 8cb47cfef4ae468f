// One accepted TCP connection. Allocated from its shard's slab, addressed
// by a ConnId (slot, generation) and touched only by that shard's thread.
// The TcpService owns it and drives its ConnState (tcp/ConnState.h); a
// handler may keep `user` for its own per-connection state (owned by the
// handler) and must not keep the Connection pointer past on_close(): keep
// the ConnId and look it up with TcpService::find().
#pragma once

#include <cstdint>

#include "base/Assert.h"
#include "base/ConnId.h"
#include "core/Timer.h"
#include "tcp/CloseReason.h"
#include "tcp/ConnState.h"
#include "tcp/Framer.h"
#include "tcp/SendQueue.h"

namespace ptnet::tcp {

class TcpService;

class Connection {
 public:
  Connection(TcpService* owner, int fd, ConnId id, ByteOrder order, uint32_t max_frame)
      : owner_(owner), fd_(fd), id_(id), framer_(order, max_frame) {}

  int fd() const { return fd_; }
  ConnId id() const { return id_; }
  ConnState state() const { return state_; }
  // Output may still be queued (Open, or Draining towards a close).
  bool accepts_output() const { return state_ == ConnState::Open || state_ == ConnState::Draining; }
  bool reading() const { return state_ == ConnState::Open; }
  ByteOrder order() const { return framer_.order(); }
  size_t queued_bytes() const { return out_.bytes(); }

  void* user = nullptr;

 private:
  friend class TcpService;

  void transition(ConnState to) {
    PTNET_ASSERT(can_transition(state_, to));
    state_ = to;
  }
  // Nothing the kernel holds names this connection any more.
  bool idle_in_kernel() const { return !recv_armed_ && !send_inflight_; }

  TcpService* owner_;
  int fd_;
  ConnId id_;
  ConnState state_ = ConnState::Open;
  CloseReason close_reason_ = CloseReason::Handler;  // for Draining / CloseRequested
  // Operations the kernel holds (not state: they end on their own completions).
  bool recv_armed_ = false;
  bool send_inflight_ = false;
  bool dirty_ = false;  // on the service's dirty list
  // With a flush interval: bytes of the current tick's batch not yet sent
  // (a send that took only part of it continues at once, not a tick later).
  size_t batch_owed_ = 0;
  uint64_t last_rx_ns_ = 0;        // when bytes last arrived (idle timeout)
  uint64_t frame_started_ns_ = 0;  // when the frame being assembled began (0: none)
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
