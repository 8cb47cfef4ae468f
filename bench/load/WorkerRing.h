// One worker's io_uring plus its provided-buffer ring for multishot recv.
// Setup tries SINGLE_ISSUER|DEFER_TASKRUN, then COOP_TASKRUN, then plain, so it
// works on older kernels. Created, used and destroyed by one worker thread.
#pragma once

#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <linux/time_types.h>

namespace ptnet::load {

class WorkerRing {
 public:
  static constexpr uint16_t kBufferGroup = 1;

  WorkerRing() = default;
  ~WorkerRing() { destroy(); }
  WorkerRing(const WorkerRing&) = delete;
  WorkerRing& operator=(const WorkerRing&) = delete;

  // Returns 0 or a negated errno. buf_count must be a power of two <= 32768.
  int init(uint32_t sq_entries, uint32_t cq_entries, uint32_t buf_count, uint32_t buf_size);

  io_uring* get() { return &ring_; }

  // Smallest power of two >= v (at most 2^30): for sizing rings and buffers.
  static uint32_t pow2_at_least(uint64_t v) {
    uint32_t p = 1;
    while (p < v && p < (1u << 30)) p <<= 1;
    return p;
  }

  // Never null: submits to make room when the SQ is full.
  io_uring_sqe* sqe() {
    io_uring_sqe* s = io_uring_get_sqe(&ring_);
    if (s == nullptr) {
      io_uring_submit(&ring_);
      s = io_uring_get_sqe(&ring_);
    }
    return s;
  }

  // Submits what is queued, then: timeout_ns == 0: reaps what has completed
  // without blocking; UINT64_MAX: blocks for at least one completion (arm a
  // tick first so this cannot block forever); else blocks at most timeout_ns.
  void submit_and_wait(uint64_t timeout_ns) {
    if (timeout_ns == 0) {
      io_uring_submit_and_get_events(&ring_);
      return;
    }
    if (timeout_ns == UINT64_MAX) {
      io_uring_submit_and_wait(&ring_, 1);
      return;
    }
    __kernel_timespec ts;
    ts.tv_sec = int64_t(timeout_ns / 1'000'000'000u);
    ts.tv_nsec = int64_t(timeout_ns % 1'000'000'000u);
    io_uring_cqe* cqe = nullptr;
    io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
  }

  // Queues a relative IORING_OP_TIMEOUT of `ns` (completes with -ETIME): a
  // periodic wake-up that, re-armed on completion, lets the loop block without
  // arming a timer on every io_uring_enter.
  void arm_tick(uint64_t ns, uint64_t user_data) {
    tick_.tv_sec = int64_t(ns / 1'000'000'000u);
    tick_.tv_nsec = int64_t(ns % 1'000'000'000u);
    io_uring_sqe* s = sqe();
    io_uring_prep_timeout(s, &tick_, 0, 0);
    io_uring_sqe_set_data64(s, user_data);
  }

  // Provided buffers.
  uint8_t* buffer(uint16_t bid) const { return bufs_ + size_t(bid) * buf_size_; }
  uint32_t buffer_size() const { return buf_size_; }
  void recycle(uint16_t bid) {
    io_uring_buf_ring_add(br_, buffer(bid), buf_size_, bid, mask_, int(pending_++));
  }
  void publish_buffers() {
    if (pending_) {
      io_uring_buf_ring_advance(br_, int(pending_));
      pending_ = 0;
    }
  }

  // Arms a multishot recv on fd with buffers from the provided ring.
  void arm_recv(int fd, uint64_t user_data) {
    io_uring_sqe* s = sqe();
    io_uring_prep_recv_multishot(s, fd, nullptr, 0, 0);
    s->flags |= IOSQE_BUFFER_SELECT;
    s->buf_group = kBufferGroup;
    io_uring_sqe_set_data64(s, user_data);
  }

  void send(int fd, const uint8_t* data, uint32_t len, uint64_t user_data) {
    io_uring_sqe* s = sqe();
    io_uring_prep_send(s, fd, data, len, MSG_NOSIGNAL | MSG_WAITALL);
    io_uring_sqe_set_data64(s, user_data);
  }

  const char* setup_name() const { return setup_name_; }

  // Exits the ring (cancelling every request still in flight) and frees the
  // buffers. Safe to call twice.
  void destroy();

 private:
  io_uring ring_{};
  __kernel_timespec tick_{};
  bool ring_ok_ = false;
  io_uring_buf_ring* br_ = nullptr;
  size_t br_bytes_ = 0;
  uint8_t* bufs_ = nullptr;
  size_t bufs_bytes_ = 0;
  uint32_t buf_size_ = 0;
  int mask_ = 0;
  uint32_t pending_ = 0;
  const char* setup_name_ = "";
};

}  // namespace ptnet::load
