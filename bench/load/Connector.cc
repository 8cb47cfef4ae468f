#include "Connector.h"

#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace ptnet::load {

void Connector::init(const sockaddr_in& addr, uint32_t count, double rate_per_s,
                     uint64_t timeout_ns, uint64_t start_ns) {
  addr_ = addr;
  count_ = count;
  next_ = in_flight_ = completed_ = 0;
  interval_ns_ = rate_per_s > 0.0 ? 1e9 / rate_per_s : 0.0;
  start_ns_ = start_ns;
  timeout_.tv_sec = int64_t(timeout_ns / 1'000'000'000u);
  timeout_.tv_nsec = int64_t(timeout_ns % 1'000'000'000u);
}

uint64_t Connector::next_due_ns() const {
  if (next_ >= count_ || in_flight_ >= kMaxInFlight) return UINT64_MAX;
  return due_ns(next_);
}

int Connector::open_socket() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

}  // namespace ptnet::load
