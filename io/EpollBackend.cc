#include "io/EpollBackend.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "base/Assert.h"
#include "io/UserData.h"

namespace ptnet::io {

namespace {
constexpr uint64_t kEventFdTag = ~uint64_t(0);
constexpr int kAcceptBurst = 64;
}  // namespace

EpollBackend::~EpollBackend() {
  if (epfd_ >= 0) close(epfd_);
}

int EpollBackend::init(const BackendConfig& cfg) {
  int err = init_common(cfg);
  if (err < 0) return err;
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) return -errno;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kEventFdTag;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, event_fd_, &ev) < 0) return -errno;
  events_.resize(512);
  ready_.reserve(1024);
  scratch_.reserve(1024);
  wake_mode_ = WakeMode::EventFd;
  description_ = "epoll (level-triggered, " + std::to_string(cfg.recv_buffers) + " x " +
                 std::to_string(cfg.recv_buffer_size) + " B receive buffers, wake by eventfd)";
  return 0;
}

EpollBackend::FdState& EpollBackend::state(int fd) {
  PTNET_ASSERT(fd >= 0);
  if (size_t(fd) >= fds_.size()) fds_.resize(size_t(fd) * 2 + 64);
  return fds_[size_t(fd)];
}

void EpollBackend::update_interest(int fd, FdState& s) {
  uint32_t want = 0;
  if (s.recv_armed || s.accept_armed) want |= EPOLLIN | EPOLLRDHUP;
  if (s.send.want_out) want |= EPOLLOUT;
  if (want == s.registered) return;
  epoll_event ev{};
  ev.events = want;
  ev.data.u64 = uint64_t(fd);
  int op = s.registered == 0 ? EPOLL_CTL_ADD : (want == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD);
  epoll_ctl(epfd_, op, fd, &ev);
  s.registered = want;
}

void EpollBackend::push(uint64_t ud, int32_t res, bool more, bool has_buffer, uint16_t bid) {
  Completion c;
  c.user_data = ud;
  c.res = res;
  c.more = more;
  c.has_buffer = has_buffer;
  c.buf_id = bid;
  ready_.push_back(c);
}

void EpollBackend::accept_multishot(int listen_fd, uint64_t user_data) {
  FdState& s = state(listen_fd);
  s.accept_ud = user_data;
  s.accept_armed = true;
  update_interest(listen_fd, s);
}

void EpollBackend::recv_multishot(int fd, uint64_t user_data) {
  FdState& s = state(fd);
  s.recv_ud = user_data;
  s.recv_armed = true;
  s.recv_datagrams = false;
  update_interest(fd, s);
}

void EpollBackend::recvmsg_multishot(int fd, uint64_t user_data) {
  recv_multishot(fd, user_data);
  state(fd).recv_datagrams = true;
}

void EpollBackend::sendto(int fd, const uint8_t* data, uint32_t len, const SockAddr& to, uint64_t user_data) {
  OutDatagram& d = udp_out_.emplace_back();
  d.fd = fd;
  d.len = len;
  d.data = data;
  d.user_data = user_data;
  d.to_len = to.to_sockaddr(&d.to);
}

bool EpollBackend::datagram(const Completion& c, Datagram* out) const {
  if (!c.has_buffer || c.res < int32_t(sizeof(DgramHeader))) return false;
  DgramHeader h;
  std::memcpy(&h, buffer(c.buf_id), sizeof h);
  if (h.truncated != 0 || sizeof h + h.len != uint32_t(c.res)) return false;
  out->from = h.from;
  out->data = buffer(c.buf_id) + sizeof h;
  out->len = h.len;
  return true;
}

void EpollBackend::send(int fd, const iovec* iov, unsigned iovcnt, uint64_t user_data) {
  PTNET_ASSERT(iovcnt > 0 && iovcnt <= kMaxIov);
  FdState& s = state(fd);
  PTNET_ASSERT(!s.send.active);  // one send in flight per socket
  s.send.user_data = user_data;
  s.send.scratch_off = uint32_t(scratch_.size());
  s.send.iovcnt = uint16_t(iovcnt);
  s.send.active = true;
  scratch_.insert(scratch_.end(), iov, iov + iovcnt);
  to_send_.push_back(fd);
}

void EpollBackend::try_send(int fd, FdState& s, iovec* iov, unsigned iovcnt) {
  PendingSend& p = s.send;
  msghdr m{};
  m.msg_iov = iov;
  m.msg_iovlen = iovcnt;
  ssize_t n = sendmsg(fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    if (!p.want_out) {
      p.parked.assign(iov, iov + iovcnt);
      p.want_out = true;
      update_interest(fd, s);
    }
    return;
  }
  p.active = false;
  if (p.want_out) {
    p.want_out = false;
    p.parked.clear();
    update_interest(fd, s);
  }
  push(p.user_data, n < 0 ? -errno : int32_t(n), false);
}

unsigned EpollBackend::max_iov() const { return kMaxIov; }

void EpollBackend::shutdown_fd(int fd) {
  ::shutdown(fd, SHUT_RDWR);
  FdState& s = state(fd);
  if (s.recv_armed) {
    s.recv_armed = false;
    push(s.recv_ud, -ECANCELED, false);
  }
  if (s.accept_armed) {
    s.accept_armed = false;
    push(s.accept_ud, -ECANCELED, false);
  }
  if (s.send.active) {
    s.send.active = false;
    s.send.want_out = false;
    s.send.parked.clear();
    push(s.send.user_data, -ECANCELED, false);
  }
  if (s.registered != 0) {
    epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
    s.registered = 0;
  }
}

void EpollBackend::cancel(int fd, uint64_t user_data) {
  FdState& s = state(fd);
  if (s.accept_armed && s.accept_ud == user_data) {
    s.accept_armed = false;
    push(user_data, -ECANCELED, false);
  } else if (s.recv_armed && s.recv_ud == user_data) {
    s.recv_armed = false;
    push(user_data, -ECANCELED, false);
  }
  update_interest(fd, s);
}

void EpollBackend::release_buffer(uint16_t bid) { buffers_.push(bid); }

void EpollBackend::on_accept_ready(int fd, FdState& s) {
  for (int i = 0; i < kAcceptBurst && s.accept_armed; ++i) {
    int c = accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c >= 0) {
      push(s.accept_ud, c, true);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    if (errno == ECONNABORTED) continue;
    // EMFILE, ENFILE, ENOBUFS, ENOMEM...: end the operation, as io_uring's
    // multishot accept does. Staying armed on a level-triggered listener
    // whose backlog cannot be accepted would spin the shard; the service
    // backs off and re-arms.
    const int err = errno;
    s.accept_armed = false;
    update_interest(fd, s);
    push(s.accept_ud, -err, false);
    return;
  }
}

void EpollBackend::end_recv(int fd, FdState& s, int32_t res) {
  s.recv_armed = false;
  update_interest(fd, s);
  push(s.recv_ud, res, false);
}

void EpollBackend::on_datagrams_ready(int fd, FdState& s) {
  uint16_t bids[kDgramBatch];
  unsigned k = 0;
  while (k < kDgramBatch && buffers_.pop(bids[k])) ++k;
  if (k == 0) return end_recv(fd, s, -ENOBUFS);
  for (unsigned i = 0; i < k; ++i) {
    mmsg_iov_[i] = iovec{buffers_.data(bids[i]) + sizeof(DgramHeader), buffers_.size() - sizeof(DgramHeader)};
    mmsg_[i].msg_hdr = msghdr{};
    mmsg_[i].msg_hdr.msg_iov = &mmsg_iov_[i];
    mmsg_[i].msg_hdr.msg_iovlen = 1;
    mmsg_[i].msg_hdr.msg_name = &mmsg_addr_[i];
    mmsg_[i].msg_hdr.msg_namelen = sizeof mmsg_addr_[i];
  }
  const int n = recvmmsg(fd, mmsg_, k, MSG_DONTWAIT, nullptr);
  const int err = n < 0 ? errno : 0;
  for (int i = 0; i < n; ++i) {
    DgramHeader h{};
    h.from.from_sockaddr(reinterpret_cast<const sockaddr*>(&mmsg_addr_[i]), mmsg_[i].msg_hdr.msg_namelen);
    h.len = mmsg_[i].msg_len;
    h.truncated = (mmsg_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
    std::memcpy(buffers_.data(bids[i]), &h, sizeof h);
    push(s.recv_ud, int32_t(sizeof h + h.len), true, true, bids[i]);
  }
  for (unsigned i = n > 0 ? unsigned(n) : 0; i < k; ++i) buffers_.push(bids[i]);
  if (n < 0 && err != EAGAIN && err != EWOULDBLOCK && err != EINTR) end_recv(fd, s, -err);
}

void EpollBackend::on_recv_ready(int fd, FdState& s) {
  if (s.recv_datagrams) return on_datagrams_ready(fd, s);
  uint16_t bid;
  if (!buffers_.pop(bid)) return end_recv(fd, s, -ENOBUFS);
  ssize_t n = read(fd, buffers_.data(bid), buffers_.size());
  if (n > 0) {
    push(s.recv_ud, int32_t(n), true, true, bid);
    return;
  }
  buffers_.push(bid);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  end_recv(fd, s, n == 0 ? 0 : -errno);
}

void EpollBackend::send_datagrams(size_t begin, size_t end) {
  while (begin < end) {
    const unsigned k = unsigned(std::min<size_t>(end - begin, kDgramBatch));
    for (unsigned i = 0; i < k; ++i) {
      OutDatagram& d = udp_out_[begin + i];
      mmsg_iov_[i] = iovec{const_cast<uint8_t*>(d.data), d.len};
      mmsg_[i].msg_hdr = msghdr{};
      mmsg_[i].msg_hdr.msg_iov = &mmsg_iov_[i];
      mmsg_[i].msg_hdr.msg_iovlen = 1;
      mmsg_[i].msg_hdr.msg_name = &d.to;
      mmsg_[i].msg_hdr.msg_namelen = d.to_len;
    }
    const int n = sendmmsg(udp_out_[begin].fd, mmsg_, k, MSG_DONTWAIT);
    if (n > 0) {
      for (int i = 0; i < n; ++i) push(udp_out_[begin + size_t(i)].user_data, int32_t(mmsg_[i].msg_len), false);
      begin += size_t(n);
      continue;
    }
    // The first datagram failed. A full socket buffer drops what is left
    // of the pass (as the wire would); any other error is that datagram's.
    const int err = n < 0 ? errno : EAGAIN;
    const size_t last = err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS ? end : begin + 1;
    for (; begin < last; ++begin) push(udp_out_[begin].user_data, -err, false);
  }
}

void EpollBackend::flush_datagrams() {
  size_t begin = 0;
  for (size_t i = 1; i <= udp_out_.size(); ++i) {
    if (i == udp_out_.size() || udp_out_[i].fd != udp_out_[begin].fd) {
      send_datagrams(begin, i);
      begin = i;
    }
  }
  udp_out_.clear();
}

void EpollBackend::flush_sends() {
  if (!udp_out_.empty()) flush_datagrams();
  // Most sends complete right here without touching epoll.
  for (size_t i = 0; i < to_send_.size(); ++i) {
    int fd = to_send_[i];
    FdState& s = fds_[size_t(fd)];
    if (s.send.active && !s.send.want_out) try_send(fd, s, &scratch_[s.send.scratch_off], s.send.iovcnt);
  }
  to_send_.clear();
  scratch_.clear();
}

int EpollBackend::poll(int64_t timeout_ns) {
  timespec ts{};
  timespec* tsp = nullptr;
  if (timeout_ns >= 0) {
    ts.tv_sec = timeout_ns / 1'000'000'000;
    ts.tv_nsec = timeout_ns % 1'000'000'000;
    tsp = &ts;
  }
  int n = epoll_pwait2(epfd_, events_.data(), int(events_.size()), tsp, nullptr);
  if (n < 0) return errno == EINTR ? 0 : -errno;
  for (int i = 0; i < n; ++i) {
    const epoll_event& ev = events_[size_t(i)];
    if (ev.data.u64 == kEventFdTag) {
      uint64_t v;
      ssize_t r = read(event_fd_, &v, sizeof v);
      (void)r;
      continue;
    }
    int fd = int(ev.data.u64);
    FdState& s = fds_[size_t(fd)];
    if ((ev.events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && s.send.active && s.send.want_out)
      try_send(fd, s, s.send.parked.data(), unsigned(s.send.parked.size()));
    if (ev.events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) {
      if (s.accept_armed) on_accept_ready(fd, s);
      else if (s.recv_armed) on_recv_ready(fd, s);
    }
  }
  if (n == int(events_.size()) && events_.size() < 8192) events_.resize(events_.size() * 2);
  return 0;
}

int EpollBackend::wait(Completion* out, int max, int64_t timeout_ns) {
  flush_sends();
  // Poll once per pass whatever is already waiting (then without sleeping):
  // a shard that completes sends every pass must still read its sockets,
  // accept, and resume sends parked on EPOLLOUT.
  // Completions left from the last pass stay first. The backlog is bounded
  // by what can be outstanding: receive buffers, one send per socket, one
  // accept burst.
  ready_.erase(ready_.begin(), ready_.begin() + ptrdiff_t(ready_head_));
  ready_head_ = 0;
  const int err = poll(ready_head_ < ready_.size() ? 0 : timeout_ns);
  if (err < 0) return err;
  int count = 0;
  while (count < max && ready_head_ < ready_.size()) out[count++] = ready_[ready_head_++];
  return count;
}

}  // namespace ptnet::io
