// The ring and connection plumbing the echo, idle and chat/move workers
// share, as a CRTP base (static dispatch: no virtual call on the data path).
// It holds the worker's WorkerRing, Connector and connections and does what
// every mode does the same way: start the thread, follow the run phase and the
// progress epoch, reap completions and dispatch them by user data, open the
// connections (counting failures), keep a multishot recv armed on every live
// connection and hand what arrives to the mode, send each connection's queued
// frames as one IORING_OP_SEND at a time (finishing short sends), count and
// publish errors, and tear down. A worker object is created, run and
// destroyed by its own worker thread; everything here is touched only by that
// thread, and results go out through WorkerStats.
//
// Derived (made a friend) provides:
//   int setup();                                   ring and connections: 0 or a negated errno
//   bool alive(const Conn&) const;                 connected and not failed: recv stays armed
//   void on_connected(Conn&, uint32_t i);          the TCP connect succeeded
//   void consume(Conn&, const uint8_t*, uint32_t); bytes received on an alive connection
//   void fail(Conn&, ErrorKind);                   closes an alive connection, counts `kind`
// and may provide on_connect_failed(Conn&) (after the failure is counted).
// The send path (flush, on_send) also needs
//   void fill(Conn&, uint32_t i);                  queue what is due into c.out
//   bool owes(const Conn&) const;                  something due is not queued yet
// Derived may hide on_recv / on_send with its own. Conn has `int fd` and a
// `State state` with kConnecting and kDead; for the send path `bool dirty`
// and `SendBuffer out`.
#pragma once

#include <liburing.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <vector>

#include "Connector.h"
#include "ErrorKind.h"
#include "LatencyHistogram.h"
#include "MonoClock.h"
#include "RunControl.h"
#include "SendBuffer.h"
#include "ThreadSetup.h"
#include "WorkerConfig.h"
#include "WorkerRing.h"
#include "WorkerStats.h"

namespace ptnet::load {

template <typename Derived, typename Conn>
class RingWorker {
 public:
  RingWorker(const RingWorker&) = delete;
  RingWorker& operator=(const RingWorker&) = delete;

 protected:
  // User data of every request: (connection index << 8) | Op.
  enum Op : uint8_t { kOpConnect = 1, kOpIgnore, kOpRecv, kOpSend, kOpTick };
  static uint64_t data(Op op, uint32_t i) { return (uint64_t(i) << 8) | op; }

  static constexpr uint64_t kTickNs = 10'000'000;      // tick: re-check the phase at least every 10 ms
  static constexpr uint64_t kIdleWaitNs = 1'000'000;   // before traffic starts
  static constexpr uint64_t kSpinNs = 100'000;         // open loop: poll, don't sleep, below this
  static constexpr uint64_t kStallNs = 1'000'000'000;  // unanswered this long at the end = timeout

  RingWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats)
      : cfg_(cfg), ctl_(ctl), stats_(stats) {}
  ~RingWorker() = default;

  // Thread start: pins the thread and runs Derived::setup() (a failure is
  // reported through stats_: then false), then starts the connector.
  bool begin() {
    ThreadSetup::pin_self(cfg_.cpu);
    const int rc = self().setup();
    if (rc != 0) {
      stats_.fatal_errno.store(rc, std::memory_order_relaxed);
      stats_.connect_done.store(true, std::memory_order_release);
      return false;
    }
    epoch_ = ctl_.progress_epoch.load(std::memory_order_acquire);
    progress_ = &stats_.progress[epoch_ & 1];
    now_ = MonoClock::now_ns();
    connector_.init(cfg_.addr, cfg_.conns, cfg_.connect_rate, cfg_.connect_timeout_ns, now_);
    return true;
  }

  // Queues the periodic tick, re-armed as it completes: the loop may then
  // block in submit_and_wait(UINT64_MAX) and still notice phase changes.
  void start_tick(uint64_t ns) {
    tick_ns_ = ns;
    ring_.arm_tick(ns, data(kOpTick, 0));
  }

  // Starts a loop pass: reads the phase (false at kStop), follows the
  // progress epoch and reaps every completion. now_ is then the time after
  // reaping (send stamps and schedules use it).
  bool begin_pass() {
    now_ = MonoClock::now_ns();
    phase_ = ctl_.load_phase();
    if (phase_ == RunControl::Phase::kStop) return false;
    follow_epoch();
    reap();
    now_ = MonoClock::now_ns();
    return true;
  }
  bool measuring() const { return phase_ == RunControl::Phase::kMeasure; }

  // Starts the connects that are due; a socket() failure fails its connection.
  void pump_connects() {
    connector_.pump(
        ring_, now_, [](uint32_t i) { return data(kOpConnect, i); }, data(kOpIgnore, 0),
        [this](uint32_t i, int fd) {
          Conn& c = conns_[i];
          if (fd >= 0) {
            c.fd = fd;
            c.state = Conn::State::kConnecting;
            return;
          }
          c.state = Conn::State::kDead;
          count_connect_failure(ErrorKind::kConnect, -fd);
          self().on_connect_failed(c);
        });
  }
  // Every connection is established or failed (publish first).
  void report_connected() {
    connect_done_ = true;
    stats_.connect_done.store(true, std::memory_order_release);
  }
  // `wait`, shortened to when the next paced connect is due.
  uint64_t connect_wait(uint64_t wait) const {
    const uint64_t due = connector_.next_due_ns();
    if (due != UINT64_MAX) wait = due > now_ ? std::min(wait, due - now_) : 0;
    return wait;
  }
  // Open loop: time until `due_ns`; 0 below kSpinNs, where sleeping and
  // waking costs more than the gap (and overshoots it): poll the ring instead.
  uint64_t pacing_wait(uint64_t due_ns) const {
    const uint64_t wait = due_ns > now_ ? due_ns - now_ : 0;
    return wait < kSpinNs ? 0 : wait;
  }

  void on_connect_failed(Conn&) {}

  // A multishot recv completion: the bytes go to Derived::consume, the buffer
  // back to the ring; EOF and errors fail the connection; re-armed when the
  // kernel ended it (-ENOBUFS, or otherwise) and the connection is alive.
  void on_recv(uint32_t i, const io_uring_cqe* cqe) {
    Conn& c = conns_[i];
    const int res = cqe->res;
    if (cqe->flags & IORING_CQE_F_BUFFER) {
      const uint16_t bid = uint16_t(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
      if (res > 0 && self().alive(c)) self().consume(c, ring_.buffer(bid), uint32_t(res));
      ring_.recycle(bid);
    }
    if (res == 0) {
      self().fail(c, ErrorKind::kClosed);
    } else if (res < 0 && res != -ENOBUFS) {
      self().fail(c, ErrorKind::kRecv);
    }
    // The buffers recycled in this pass are published before the submit.
    if (!(cqe->flags & IORING_CQE_F_MORE) && self().alive(c)) arm_recv(c, i);
  }
  void arm_recv(const Conn& c, uint32_t i) { ring_.arm_recv(c.fd, data(kOpRecv, i)); }

  // A send completion: pushes the rest of a short send; once the buffer is
  // through, the connection goes back on the flush list if it has more.
  void on_send(uint32_t i, int res) {
    Conn& c = conns_[i];
    SendBuffer& s = c.out;
    if (!s.inflight) return;
    if (!self().alive(c)) {
      s.inflight = false;
      return;
    }
    if (res <= 0) {
      s.inflight = false;
      self().fail(c, ErrorKind::kSend);
      return;
    }
    s.inflight_off += uint32_t(res);
    if (s.inflight_off < s.inflight_len) {  // short send: push the rest
      ring_.send(c.fd, s.inflight_rest(), s.inflight_left(), data(kOpSend, i));
      return;
    }
    s.inflight = false;
    if (s.pending_len != 0 || self().owes(c)) mark_dirty(c, i);
  }

  // Puts connection i on this pass's flush list.
  void mark_dirty(Conn& c, uint32_t i) {
    if (!c.dirty) {
      c.dirty = true;
      dirty_.push_back(i);
    }
  }
  // For every connection on the flush list: Derived::fill queues what is
  // due, then one send goes out unless one is in flight already.
  void flush() {
    for (const uint32_t i : dirty_) {
      Conn& c = conns_[i];
      c.dirty = false;
      if (!self().alive(c)) continue;
      self().fill(c, i);
      SendBuffer& s = c.out;
      if (!s.inflight && s.pending_len != 0) {
        const uint32_t len = s.pending_len;
        ring_.send(c.fd, s.swap(), len, data(kOpSend, i));
      }
    }
    dirty_.clear();
  }

  void count_error(ErrorKind kind) {
    ++errors_[size_t(kind)];
    errors_changed_ = true;
  }
  // A connect that failed: `err` is the positive errno.
  void count_connect_failure(ErrorKind kind, int err) {
    count_error(kind);
    ++connect_failed_;
    int expected = 0;
    stats_.first_connect_errno.compare_exchange_strong(expected, err);
  }
  // The connect failures and error counts (the rest is Derived::publish).
  void publish_failures() {
    stats_.connect_failed.store(connect_failed_, std::memory_order_relaxed);
    if (errors_changed_) {
      errors_changed_ = false;
      for (size_t k = 0; k < kErrorKinds; ++k) stats_.errors[k].store(errors_[k], std::memory_order_relaxed);
    }
  }

  // Exits the ring (cancelling every request still in flight), then closes
  // the sockets: until then no request can touch a reused descriptor.
  void close_all() {
    ring_.destroy();
    for (Conn& c : conns_)
      if (c.fd >= 0) close(c.fd);
  }

  WorkerConfig cfg_;
  const RunControl& ctl_;
  WorkerStats& stats_;
  WorkerRing ring_;
  Connector connector_;
  std::vector<Conn> conns_;
  std::vector<uint32_t> dirty_;  // flush list (workers with a send path)
  uint64_t now_ = 0;
  RunControl::Phase phase_ = RunControl::Phase::kConnect;
  bool connect_done_ = false;
  uint32_t connect_failed_ = 0;
  LatencyHistogram* progress_ = nullptr;  // this second's slot

 private:
  Derived& self() { return static_cast<Derived&>(*this); }

  void reap() {
    io_uring* ring = ring_.get();
    unsigned head;
    unsigned seen = 0;
    io_uring_cqe* cqe;
    io_uring_for_each_cqe(ring, head, cqe) {
      ++seen;
      const uint64_t ud = io_uring_cqe_get_data64(cqe);
      const uint32_t i = uint32_t(ud >> 8);
      switch (Op(ud & 0xff)) {
        case kOpRecv:
          self().on_recv(i, cqe);
          break;
        case kOpSend:
          self().on_send(i, cqe->res);
          break;
        case kOpConnect:
          on_connect(i, cqe->res);
          break;
        case kOpTick:
          ring_.arm_tick(tick_ns_, data(kOpTick, 0));
          break;
        default:
          break;
      }
    }
    io_uring_cq_advance(ring, seen);
  }

  void on_connect(uint32_t i, int res) {
    Conn& c = conns_[i];
    int err = 0;
    const ErrorKind kind = connector_.complete(res, err);
    if (kind == ErrorKind::kCount) {
      self().on_connected(c, i);
      return;
    }
    c.state = Conn::State::kDead;
    count_connect_failure(kind, err);
    self().on_connect_failed(c);
  }

  void follow_epoch() {
    const uint32_t e = ctl_.progress_epoch.load(std::memory_order_acquire);
    if (e != epoch_) {
      epoch_ = e;
      progress_ = &stats_.progress[e & 1];
      progress_->reset();
      stats_.progress_ack.store(e, std::memory_order_release);
    }
  }

  uint64_t tick_ns_ = 0;
  uint32_t epoch_ = 0;
  std::array<uint64_t, kErrorKinds> errors_{};
  bool errors_changed_ = false;
};

}  // namespace ptnet::load
