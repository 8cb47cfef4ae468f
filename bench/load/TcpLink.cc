#include "bench/load/TcpLink.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace ptnet::load {

namespace {

// A non-blocking TCP socket with TCP_NODELAY whose connect() to `addr` has
// started (or finished). Made blocking afterwards when `blocking`. Returns
// the fd or a negated errno.
int open_connecting_socket(const sockaddr_in& addr, bool blocking) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0 && errno != EINPROGRESS) {
    const int err = errno;
    ::close(fd);
    return -err;
  }
  if (blocking) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

}  // namespace

TcpLink::~TcpLink() {
  for (const Conn& k : conns_)
    if (k.fd >= 0) ::close(k.fd);
}

int TcpLink::start(Shard& shard, const TrafficShape& shape, uint64_t now_ns) {
  shard_ = &shard;
  backend_ = &shard.backend();
  shape_ = shape;
  blocking_ = backend_->kind() == io::BackendKind::Uring;
  const WorkerConfig& cfg = ctx_.config();
  const uint32_t n = cfg.conns;
  conns_.reserve(n);
  for (uint32_t i = 0; i < n; ++i) conns_.emplace_back(shape.order, shape.max_message);
  size_flush_list(n);
  const size_t per_conn = 2 * size_t(shape.send_buffer);
  slab_.assign(per_conn * n, 0);
  for (uint32_t i = 0; i < n; ++i) {
    conns_[i].out.buf[0] = slab_.data() + per_conn * i;
    conns_[i].out.buf[1] = conns_[i].out.buf[0] + shape.send_buffer;
  }
  plan_.init(n, cfg.connect_rate, cfg.connect_timeout_ns, now_ns);
  return 0;
}

bool TcpLink::open(uint32_t i) {
  Conn& k = conns_[i];
  const int fd = open_connecting_socket(ctx_.config().addr, blocking_);
  if (fd < 0) {
    plan_.ended(i);
    k.state = Conn::State::kClosed;
    ctx_.count_connect_failure(ErrorKind::kConnect, -fd);
    return false;
  }
  k.fd = fd;
  k.gen = ConnId::next_gen(k.gen);
  k.state = Conn::State::kConnecting;
  // Completes once the connection is up (0) or has failed (-errno).
  static const uint8_t kNothing = 0;
  submit_send(i, kOpConnect, &kNothing, 0);
  return true;
}

bool TcpLink::end(uint32_t i) {
  Conn& k = conns_[i];
  if (k.state != Conn::State::kOpen && k.state != Conn::State::kConnecting) return false;
  k.state = Conn::State::kClosed;
  k.gen = ConnId::next_gen(k.gen);
  // Tell the server at once; the fd stays open until the kernel has
  // returned every operation on it (the destructor closes it).
  backend_->shutdown_fd(k.fd);
  return true;
}

void TcpLink::close(uint32_t i, ErrorKind why) {
  if (end(i)) ctx_.count(why);
}

void TcpLink::drop(uint32_t i) { end(i); }

void TcpLink::shutdown_all() {
  for (uint32_t i = 0; i < conns_.size(); ++i) end(i);
}

void TcpLink::arm_recv(uint32_t i) {
  backend_->recv_multishot(conns_[i].fd, user_data(kOpRecv, i));
  ++ops_;
}

void TcpLink::submit_send(uint32_t i, uint8_t op, const uint8_t* data, uint32_t len) {
  const iovec iov{const_cast<uint8_t*>(data), len};
  backend_->send(conns_[i].fd, &iov, 1, user_data(op, i));
  ++ops_;
}

}  // namespace ptnet::load
