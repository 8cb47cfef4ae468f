// epoll backend: emulates the completion API of io::Backend on a readiness
// API, for kernels and containers where io_uring is missing or forbidden.
//
// Level-triggered registration, one read per ready socket per pass (a
// short read means the socket is drained, so no extra read to see EAGAIN);
// sends are written in wait() right before epoll_pwait2, and only a send
// that meets a full socket buffer waits for EPOLLOUT. Owned and used by one
// shard thread.
#pragma once

#include <sys/epoll.h>

#include <vector>

#include "io/Backend.h"

namespace ptnet::io {

class EpollBackend final : public Backend {
 public:
  EpollBackend() = default;
  ~EpollBackend() override;

  int init(const BackendConfig& cfg);

  BackendKind kind() const override { return BackendKind::Epoll; }
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

 private:
  static constexpr unsigned kMaxIov = 64;
  // A send's iovecs live in scratch_ until wait() writes them; only a send
  // that meets a full socket buffer keeps its own copy (`parked`) while it
  // waits for EPOLLOUT, so the per-fd state stays small.
  struct PendingSend {
    uint64_t user_data = 0;
    uint32_t scratch_off = 0;
    uint16_t iovcnt = 0;
    bool active = false;
    bool want_out = false;  // waiting for EPOLLOUT with `parked`
    std::vector<iovec> parked;
  };
  struct FdState {
    uint64_t recv_ud = 0;
    uint64_t accept_ud = 0;
    uint32_t registered = 0;  // events currently in the epoll set (0: not added)
    bool recv_armed = false;
    bool recv_datagrams = false;  // the recv is recvmsg_multishot (UDP)
    bool accept_armed = false;
    PendingSend send;
  };

  FdState& state(int fd);
  void update_interest(int fd, FdState& s);
  void push(uint64_t ud, int32_t res, bool more, bool has_buffer = false, uint16_t bid = 0);
  void try_send(int fd, FdState& s, iovec* iov, unsigned iovcnt);
  void on_accept_ready(int fd, FdState& s);
  void on_recv_ready(int fd, FdState& s);
  void on_datagrams_ready(int fd, FdState& s);
  void end_recv(int fd, FdState& s, int32_t res);
  void flush_datagrams();
  // Sends udp_out_[begin, end) (all to one fd) with sendmmsg; one completion each.
  void send_datagrams(size_t begin, size_t end);
  void flush_sends();
  // One epoll_pwait2 and the completions it produces; 0 or a negated errno.
  int poll(int64_t timeout_ns);

  int epfd_ = -1;
  std::vector<FdState> fds_;
  std::vector<int> to_send_;
  std::vector<iovec> scratch_;  // iovecs of the sends queued in this pass
  std::vector<Completion> ready_;  // completions produced but not yet returned
  size_t ready_head_ = 0;
  std::vector<epoll_event> events_;

  // Datagrams: each receive buffer starts with a DgramHeader, then the payload.
  struct DgramHeader {
    SockAddr from;
    uint32_t len;
    uint32_t truncated;
  };
  static constexpr unsigned kDgramBatch = 32;  // datagrams per recvmmsg / sendmmsg
  struct OutDatagram {
    int fd;
    uint32_t len;
    const uint8_t* data;
    uint64_t user_data;
    sockaddr_storage to;
    socklen_t to_len;
  };
  std::vector<OutDatagram> udp_out_;  // sendto()s of this pass, flushed in wait()
  mmsghdr mmsg_[kDgramBatch];
  iovec mmsg_iov_[kDgramBatch];
  sockaddr_storage mmsg_addr_[kDgramBatch];
};

}  // namespace ptnet::io
