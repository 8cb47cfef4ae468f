// One echo-mode worker thread: pinned to its CPU, it owns an io_uring, a
// provided-buffer ring and a share of the connections. Per loop pass: reap
// every completion (multishot recv into provided buffers, verify each echoed
// frame, credit the next send), queue due frames (closed loop: one per echo;
// open loop: by the fixed schedule), coalesce each connection's queued frames
// into one IORING_OP_SEND, then one io_uring_enter submits and waits.
// Everything here is touched only by the worker thread; results go out
// through WorkerStats.
#pragma once

#include <liburing.h>

#include <array>
#include <cstdint>
#include <vector>

#include "Connector.h"
#include "EchoConnection.h"
#include "ErrorKind.h"
#include "LatencyHistogram.h"
#include "RunControl.h"
#include "WorkerConfig.h"
#include "WorkerRing.h"
#include "WorkerStats.h"

namespace ptnet::load {

class EchoWorker {
 public:
  EchoWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats);
  EchoWorker(const EchoWorker&) = delete;
  EchoWorker& operator=(const EchoWorker&) = delete;

  // Thread body: returns after RunControl reaches kStop.
  void run();

 private:
  enum Op : uint8_t { kOpConnect = 1, kOpIgnore, kOpRecv, kOpSend, kOpTick };
  static uint64_t data(Op op, uint32_t i) { return (uint64_t(i) << 8) | op; }

  int setup();
  void reap();
  void on_connect(uint32_t i, int res);
  void on_recv(uint32_t i, const io_uring_cqe* cqe);
  void on_send(uint32_t i, int res);
  void consume(EchoConnection& c, const uint8_t* p, uint32_t n);
  bool verify(EchoConnection& c, const uint8_t* frame);
  void fail(EchoConnection& c, ErrorKind kind);
  void start_traffic();
  void schedule_open_loop();
  void flush();
  void publish();
  void finish();
  uint64_t intended_ns(uint32_t local, uint64_t seq) const {
    const double k = double(seq) * double(cfg_.conns) + double(local);
    return traffic_start_ns_ + uint64_t(offset_ns_ + k * interval_ns_);
  }
  void mark_dirty(EchoConnection& c, uint32_t i) {
    if (!c.dirty) {
      c.dirty = true;
      dirty_.push_back(i);
    }
  }
  void count_error(ErrorKind kind) {
    ++errors_[size_t(kind)];
    errors_changed_ = true;
  }

  WorkerConfig cfg_;
  const RunControl& ctl_;
  WorkerStats& stats_;
  WorkerRing ring_;
  Connector connector_;
  std::vector<EchoConnection> conns_;
  std::vector<uint32_t> dirty_;
  std::vector<uint8_t> slab_;
  std::vector<uint64_t> sent_slab_;

  uint32_t frame_len_ = 0;
  uint32_t cap_frames_ = 0;      // frames per send buffer
  bool open_loop_ = false;
  bool started_ = false;
  bool connect_done_ = false;
  bool measuring_ = false;
  uint64_t now_ = 0;

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
  uint32_t connect_failed_ = 0;
  std::array<uint64_t, kErrorKinds> errors_{};
  bool errors_changed_ = false;
  uint32_t epoch_ = 0;
  LatencyHistogram* progress_ = nullptr;
};

}  // namespace ptnet::load
