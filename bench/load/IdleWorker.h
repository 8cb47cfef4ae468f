// One idle-mode worker thread: pinned to its CPU, it opens its share of the
// connections at its share of --connect-rate, sends one echo frame on each and
// waits for the reply, then keeps a multishot recv armed so a connection the
// server drops (or data it should not send) is noticed while the connections
// sit idle (the plumbing is RingWorker's). Created, run and destroyed by its
// worker thread; everything here is touched only by that thread, and results
// go out through WorkerStats.
#pragma once

#include <cstdint>
#include <vector>

#include "ErrorKind.h"
#include "IdleConnection.h"
#include "RingWorker.h"
#include "RunControl.h"
#include "WorkerConfig.h"
#include "WorkerStats.h"

namespace ptnet::load {

class IdleWorker : public RingWorker<IdleWorker, IdleConnection> {
 public:
  IdleWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats);

  // Thread body: returns after RunControl reaches kStop.
  void run();

 private:
  using Base = RingWorker<IdleWorker, IdleConnection>;
  friend Base;

  // RingWorker hooks.
  int setup();
  bool alive(const IdleConnection& c) const {
    return c.state == IdleConnection::State::kHandshake || c.state == IdleConnection::State::kEstablished;
  }
  void on_connected(IdleConnection& c, uint32_t i);
  void on_connect_failed(IdleConnection&) { resolved(); }
  void on_send(uint32_t i, int res);
  void consume(IdleConnection& c, const uint8_t* p, uint32_t n);
  void fail(IdleConnection& c, ErrorKind kind);

  void expire();
  void resolved() { --unresolved_; }
  void publish();

  std::vector<uint8_t> slab_;
  uint32_t frame_len_ = 0;
  uint32_t unresolved_ = 0;      // neither established nor failed yet
  uint64_t next_expire_ns_ = 0;

  uint64_t msgs_total_ = 0;
  uint32_t established_ = 0;
};

}  // namespace ptnet::load
