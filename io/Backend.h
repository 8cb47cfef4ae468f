// The I/O backend interface: a completion-based (proactor) API that the
// io_uring backend implements natively and the epoll backend emulates, so
// everything above io/ is written once.
//
// Threading: one backend per shard. Every method except notify() must be
// called from the owning shard's thread. notify() may be called from any
// thread. Operations are queued and handed to the kernel in wait(): one
// submission per loop pass.
//
// Operation contract (both backends):
//  - accept_multishot: one completion per accepted socket (res = fd, more =
//    true) until cancelled or failed (more = false).
//  - recv_multishot: completions carry received bytes in a backend-owned
//    buffer (has_buffer, buf_id); the caller releases each buffer after use.
//    res == 0 is end of stream. more == false ends the operation: when res
//    is -ENOBUFS or > 0 the connection is fine and the caller re-arms.
//  - send: the data must stay valid until the completion; the iovec array
//    itself only until the call returns. A completion may report fewer bytes
//    than asked (the caller sends the rest), or -EAGAIN when the backend
//    could not queue the send this pass (the caller retries later).
//  - shutdown_fd: every pending operation on the socket completes promptly
//    (with 0, -EPIPE or -ECANCELED); the caller then closes the fd.
//  - recvmsg_multishot (UDP): like recv_multishot, one datagram per
//    completion; datagram() reads its payload and source address. A
//    datagram larger than a receive buffer is reported truncated (datagram()
//    returns false) and must be dropped. An operation that ends (more ==
//    false) with -ENOBUFS or a transient error is re-armed by the caller.
//  - sendto (UDP): one datagram of `len` bytes at `data` to `to`; the bytes
//    must stay valid until the completion, the address only until the call
//    returns. res is the bytes sent or a negated errno (a datagram the
//    kernel could not take is lost, as on the wire).
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <string>

#include "base/SockAddr.h"
#include "io/BackendConfig.h"
#include "io/Completion.h"
#include "io/Datagram.h"
#include "io/RecvBufferPool.h"

namespace ptnet::io {

class Backend {
 public:
  virtual ~Backend();

  virtual BackendKind kind() const = 0;
  // One human-readable line: what was enabled, what was not and why.
  const std::string& description() const { return description_; }

  virtual void accept_multishot(int listen_fd, uint64_t user_data) = 0;
  virtual void recv_multishot(int fd, uint64_t user_data) = 0;
  virtual void send(int fd, const iovec* iov, unsigned iovcnt, uint64_t user_data) = 0;
  // The most iovecs one send() takes.
  virtual unsigned max_iov() const = 0;
  virtual void shutdown_fd(int fd) = 0;
  virtual void recvmsg_multishot(int fd, uint64_t user_data) = 0;
  // Reads the datagram a recvmsg_multishot completion carries (c.has_buffer);
  // false when it is malformed or was truncated.
  virtual bool datagram(const Completion& c, Datagram* out) const = 0;
  virtual void sendto(int fd, const uint8_t* data, uint32_t len, const SockAddr& to, uint64_t user_data) = 0;
  // Cancels one multishot operation (e.g. accept) by its user_data.
  virtual void cancel(int fd, uint64_t user_data) = 0;

  uint8_t* buffer(uint16_t bid) const { return buffers_.data(bid); }
  uint32_t buffer_size() const { return buffers_.size(); }
  virtual void release_buffer(uint16_t bid) = 0;

  // Submits everything queued, then waits for at least one completion or
  // until timeout_ns passes (0: do not wait; < 0: wait without limit).
  // Fills up to `max` completions and returns how many (0 on timeout or
  // wake-up), or a negated errno on a fatal backend error.
  virtual int wait(Completion* out, int max, int64_t timeout_ns) = 0;

  // Wakes the owning thread out of wait(). Any thread.
  void notify();
  // Called on THIS backend's thread to wake `target`'s thread. The io_uring
  // backend may do it with IORING_OP_MSG_RING, batched into its next submit;
  // the default writes the target's eventfd.
  virtual void wake(Backend& target);

  WakeMode wake_mode() const { return wake_mode_; }
  // The fd another ring may post an IORING_OP_MSG_RING to, or -1 when this
  // backend cannot be woken that way (then wake() falls back to notify()).
  virtual int msg_ring_fd() const { return -1; }

 protected:
  Backend() = default;
  // Creates the eventfd; returns 0 or a negated errno.
  int init_common(const BackendConfig& cfg);

  RecvBufferPool buffers_;
  int event_fd_ = -1;
  WakeMode wake_mode_ = WakeMode::EventFd;
  std::string description_;
};

// What make_backend() produced: a backend, or an error (negated errno), and
// when Auto fell back to epoll (or Uring was refused), the reason why.
struct BackendResult {
  std::unique_ptr<Backend> backend;
  int error = 0;
  std::string fallback_reason;
};

// Creates the backend for the calling thread (io_uring rings are bound to
// their creator). With BackendKind::Auto, io_uring is tried first and epoll
// is used if io_uring cannot be set up.
BackendResult make_backend(const BackendConfig& cfg);

// Whether io_uring can be used here at all (compiled in, not disabled by
// sysctl, ring setup permitted). Sets `why` when it cannot.
bool uring_available(std::string* why);

}  // namespace ptnet::io
