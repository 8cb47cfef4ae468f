// One echo-mode worker thread: pinned to its CPU, it owns an io_uring, a
// provided-buffer ring and a share of the connections (the plumbing is
// RingWorker's). Per loop pass: reap every completion (multishot recv into
// provided buffers, verify each echoed frame, credit the next send), queue due
// frames (closed loop: one per echo; open loop: by the fixed schedule),
// coalesce each connection's queued frames into one IORING_OP_SEND, then one
// io_uring_enter submits and waits. Created, run and destroyed by its worker
// thread; everything here is touched only by that thread, and results go out
// through WorkerStats.
#pragma once

#include <cstdint>
#include <vector>

#include "EchoConnection.h"
#include "ErrorKind.h"
#include "RingWorker.h"
#include "RunControl.h"
#include "WorkerConfig.h"
#include "WorkerStats.h"

namespace ptnet::load {

class EchoWorker : public RingWorker<EchoWorker, EchoConnection> {
 public:
  EchoWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats);

  // Thread body: returns after RunControl reaches kStop.
  void run();

 private:
  using Base = RingWorker<EchoWorker, EchoConnection>;
  friend Base;

  // RingWorker hooks.
  int setup();
  bool alive(const EchoConnection& c) const { return c.state == EchoConnection::State::kLive; }
  void on_connected(EchoConnection& c, uint32_t i);
  void consume(EchoConnection& c, const uint8_t* p, uint32_t n);
  void fail(EchoConnection& c, ErrorKind kind);
  void fill(EchoConnection& c, uint32_t i);
  bool owes(const EchoConnection& c) const { return c.owed != 0; }

  bool verify(EchoConnection& c, const uint8_t* frame);
  void start_traffic();
  void schedule_open_loop();
  void publish();
  void finish();
  uint64_t intended_ns(uint32_t local, uint64_t seq) const {
    const double k = double(seq) * double(cfg_.conns) + double(local);
    return traffic_start_ns_ + uint64_t(offset_ns_ + k * interval_ns_);
  }

  std::vector<uint8_t> slab_;
  std::vector<uint64_t> sent_slab_;

  uint32_t frame_len_ = 0;
  uint32_t cap_frames_ = 0;      // frames per send buffer
  bool open_loop_ = false;
  bool started_ = false;

  // Open-loop schedule: the worker's k-th frame goes to local connection
  // k % conns at traffic_start + offset + k * interval.
  uint64_t traffic_start_ns_ = 0;
  double interval_ns_ = 0.0;
  double offset_ns_ = 0.0;
  uint64_t next_k_ = 0;
  uint64_t next_due_ns_ = 0;

  // Local counters, published to stats_ once per pass.
  uint64_t msgs_total_ = 0;
  uint64_t msgs_window_ = 0;
  uint64_t backlog_ = 0;
  uint32_t established_ = 0;
};

}  // namespace ptnet::load
