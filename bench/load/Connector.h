// Opens one worker's connections through its ring: IORING_OP_CONNECT linked to
// a LINK_TIMEOUT, paced at the worker's share of --connect-rate and capped at
// kMaxInFlight concurrent attempts. Owned by one worker thread.
#pragma once

#include <linux/time_types.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstdint>

#include "ErrorKind.h"
#include "WorkerRing.h"

namespace ptnet::load {

class Connector {
 public:
  static constexpr uint32_t kMaxInFlight = 256;

  // `start_ns`: when the first connect may go out.
  void init(const sockaddr_in& addr, uint32_t count, double rate_per_s, uint64_t timeout_ns,
            uint64_t start_ns);

  // Starts the connects that are due, in order: for connection i creates the
  // socket, reports it through on_socket(i, fd) (fd < 0: a negated errno, and
  // that connection is complete) and queues CONNECT (user data data_of(i))
  // linked to a LINK_TIMEOUT (user data ignore_data).
  template <typename DataOf, typename OnSocket>
  void pump(WorkerRing& ring, uint64_t now_ns, DataOf&& data_of, uint64_t ignore_data,
            OnSocket&& on_socket) {
    while (next_ < count_ && in_flight_ < kMaxInFlight && due_ns(next_) <= now_ns) {
      const uint32_t i = next_++;
      const int fd = open_socket();
      on_socket(i, fd);
      if (fd < 0) {
        ++completed_;
        continue;
      }
      ++in_flight_;
      io_uring_sqe* c = ring.sqe();
      io_uring_prep_connect(c, fd, reinterpret_cast<const sockaddr*>(&addr_), sizeof(addr_));
      io_uring_sqe_set_data64(c, data_of(i));
      c->flags |= IOSQE_IO_LINK;
      io_uring_sqe* t = ring.sqe();
      io_uring_prep_link_timeout(t, &timeout_, 0);
      io_uring_sqe_set_data64(t, ignore_data);
    }
  }

  // A CONNECT completion: returns kCount on success, else the error kind
  // (and `err` the positive errno).
  ErrorKind complete(int res, int& err) {
    --in_flight_;
    ++completed_;
    if (res == 0) return ErrorKind::kCount;
    err = -res;
    return res == -ECANCELED || res == -ETIME ? ErrorKind::kConnectTimeout : ErrorKind::kConnect;
  }

  bool finished() const { return completed_ == count_; }
  // When the next connect may start (UINT64_MAX when none is waiting for time).
  uint64_t next_due_ns() const;

 private:
  uint64_t due_ns(uint32_t i) const {
    return interval_ns_ == 0.0 ? start_ns_ : start_ns_ + uint64_t(double(i) * interval_ns_);
  }
  static int open_socket();

  sockaddr_in addr_{};
  __kernel_timespec timeout_{};
  uint32_t count_ = 0;
  uint32_t next_ = 0;
  uint32_t in_flight_ = 0;
  uint32_t completed_ = 0;
  double interval_ns_ = 0.0;
  uint64_t start_ns_ = 0;
};

}  // namespace ptnet::load
