// io_uring backend: multishot accept, multishot recv into a provided-buffer
// ring, one io_uring_enter per loop pass (submit + wait + timeout through
// EXT_ARG, so no timeout SQE is ever queued).
//
// Setup tries SINGLE_ISSUER|DEFER_TASKRUN, then COOP_TASKRUN, then no flags,
// and records in description() which one it got. Created and used by one
// shard thread only (the ring is bound to its creator).
#pragma once

#include <liburing.h>

#include <cstdint>
#include <vector>

#include "io/Backend.h"

namespace ptnet::io {

class UringBackend final : public Backend {
 public:
  UringBackend() = default;
  ~UringBackend() override;

  // Creates and destroys a tiny ring: 0 when io_uring works here.
  static int probe();

  int init(const BackendConfig& cfg);

  BackendKind kind() const override { return BackendKind::Uring; }
  void accept_multishot(int listen_fd, uint64_t user_data) override;
  void recv_multishot(int fd, uint64_t user_data) override;
  void send(int fd, const iovec* iov, unsigned iovcnt, uint64_t user_data) override;
  unsigned max_iov() const override;
  void shutdown_fd(int fd) override;
  void cancel(int fd, uint64_t user_data) override;
  void release_buffer(uint16_t bid) override;
  int wait(Completion* out, int max, int64_t timeout_ns) override;
  void wake(Backend& target) override;

  int msg_ring_fd() const override { return ring_.ring_fd; }
  // CQEs the kernel had to hold back because the CQ was full (kept, not lost).
  uint32_t cq_overflows() const;

 private:
  io_uring_sqe* get_sqe();
  void submit_now();
  void arm_eventfd();
  uint32_t wake_target_index(Backend& target);
  void on_msg_ring_sent(uint64_t user_data, int res);
  bool probe_msg_ring();

  io_uring ring_{};
  bool ring_ok_ = false;
  io_uring_buf_ring* br_ = nullptr;
  size_t br_bytes_ = 0;
  int br_mask_ = 0;
  int br_pending_ = 0;
  bool br_registered_ = false;
  // sendmsg headers for multi-iovec sends; the kernel copies them when the
  // SQE is submitted, so they live until the next wait().
  std::vector<msghdr> msgs_;
  std::vector<iovec> iovs_;
  size_t msgs_used_ = 0;
  size_t iovs_used_ = 0;
  uint64_t event_value_ = 0;
  bool eventfd_armed_ = false;
  bool msg_ring_ok_ = true;
  // Backends this one has woken by MSG_RING, indexed by the slot of the
  // source completion's user_data, so a failed MSG_RING can be resent by
  // eventfd to the right target. Targets outlive the engine's shards.
  std::vector<Backend*> wake_targets_;
  uint32_t overflows_seen_ = 0;
};

}  // namespace ptnet::io
