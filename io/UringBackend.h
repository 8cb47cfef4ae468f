// io_uring backend: multishot accept, multishot recv into a provided-buffer
// ring, one io_uring_enter per loop pass (submit + wait + timeout through
// EXT_ARG, so no timeout SQE is ever queued).
//
// Setup tries SINGLE_ISSUER|DEFER_TASKRUN, then COOP_TASKRUN, then no flags,
// and records in description() which one it got. Created and used by one
// shard thread only (the ring is bound to its creator).
#pragma once

#include <liburing.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
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
  void recvmsg_multishot(int fd, uint64_t user_data) override;
  bool datagram(const Completion& c, Datagram* out) const override;
  void sendto(int fd, const uint8_t* data, uint32_t len, const SockAddr& to, uint64_t user_data) override;
  void cancel(int fd, uint64_t user_data) override;
  void release_buffer(uint16_t bid) override;
  int wait(Completion* out, int max, int64_t timeout_ns) override;
  void wake(Backend& target) override;

  int msg_ring_fd() const override { return ring_.ring_fd; }
  // CQEs the kernel had to hold back because the CQ was full (kept, not lost).
  uint32_t cq_overflows() const;

 private:
  // Ring setup, degrading flag by flag; `got` names what was accepted,
  // `refused` what was not and why.
  int setup_ring(const BackendConfig& cfg, const char** got, std::string* refused);
  int setup_buffer_ring(const BackendConfig& cfg);
  io_uring_sqe* get_sqe();
  void submit_now();
  void release_scratch();
  // A completion produced here, without the kernel (an operation that could
  // not be queued); wait() returns it first.
  void complete_locally(uint64_t user_data, int32_t res);
  // A msghdr from the per-pass scratch with room for `iovcnt` iovecs
  // (submits first when the scratch is full); index into msgs_.
  size_t take_msghdr(unsigned iovcnt);
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
  std::vector<sockaddr_storage> addrs_;  // sendto destinations, parallel to msgs_
  std::vector<Completion> local_;
  size_t msgs_used_ = 0;
  size_t iovs_used_ = 0;
  // The layout multishot recvmsg writes into each buffer: a source address
  // of up to sizeof(sockaddr_in6) bytes, no control data. The kernel reads
  // it when the operation is armed; datagram() reads it to parse buffers.
  msghdr recvmsg_layout_{};
  uint64_t event_value_ = 0;
  bool eventfd_armed_ = false;
  static constexpr uint32_t kMaxMsgRingFailures = 8;
  bool msg_ring_ok_ = true;
  uint32_t msg_ring_failures_ = 0;
  // Backends this one has woken by MSG_RING, indexed by the slot of the
  // source completion's user_data, so a failed MSG_RING can be resent by
  // eventfd to the right target. Targets outlive the engine's shards.
  std::vector<Backend*> wake_targets_;
  uint32_t overflows_seen_ = 0;
};

}  // namespace ptnet::io
