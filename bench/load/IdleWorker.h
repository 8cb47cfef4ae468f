// One idle-mode worker thread: pinned to its CPU, it opens its share of the
// connections at its share of --connect-rate, sends one echo frame on each and
// waits for the reply, then keeps a multishot recv armed so a connection the
// server drops (or data it should not send) is noticed while the connections
// sit idle. Everything here is touched only by the worker thread; results go
// out through WorkerStats.
#pragma once

#include <liburing.h>

#include <array>
#include <cstdint>
#include <vector>

#include "Connector.h"
#include "ErrorKind.h"
#include "IdleConnection.h"
#include "RunControl.h"
#include "WorkerConfig.h"
#include "WorkerRing.h"
#include "WorkerStats.h"

namespace ptnet::load {

class IdleWorker {
 public:
  IdleWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats);
  IdleWorker(const IdleWorker&) = delete;
  IdleWorker& operator=(const IdleWorker&) = delete;

  // Thread body: returns after RunControl reaches kStop.
  void run();

 private:
  enum Op : uint8_t { kOpConnect = 1, kOpIgnore, kOpRecv, kOpSend };
  static uint64_t data(Op op, uint32_t i) { return (uint64_t(i) << 8) | op; }

  int setup();
  void reap();
  void on_connect(uint32_t i, int res);
  void on_recv(uint32_t i, const io_uring_cqe* cqe);
  void on_send(uint32_t i, int res);
  void consume(IdleConnection& c, const uint8_t* p, uint32_t n);
  void expire();
  void fail(IdleConnection& c, ErrorKind kind);
  void resolved() { --unresolved_; }
  void publish();
  void count_error(ErrorKind kind) {
    ++errors_[size_t(kind)];
    errors_changed_ = true;
  }

  WorkerConfig cfg_;
  const RunControl& ctl_;
  WorkerStats& stats_;
  WorkerRing ring_;
  Connector connector_;
  std::vector<IdleConnection> conns_;
  std::vector<uint8_t> slab_;
  uint32_t frame_len_ = 0;
  uint32_t unresolved_ = 0;      // neither established nor failed yet
  bool connect_done_ = false;
  uint64_t now_ = 0;
  uint64_t next_expire_ns_ = 0;

  uint64_t msgs_total_ = 0;
  uint32_t established_ = 0;
  uint32_t connect_failed_ = 0;
  std::array<uint64_t, kErrorKinds> errors_{};
  bool errors_changed_ = false;
};

}  // namespace ptnet::load
