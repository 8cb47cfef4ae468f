#include "io/Socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/SockAddr.h"

namespace ptnet::io {

namespace {

// host:port as a kernel address; the length, or 0 when host does not parse.
socklen_t resolve(const std::string& host, uint16_t port, sockaddr_storage* ss) {
  SockAddr a;
  if (!a.parse(host, port)) return 0;
  return a.to_sockaddr(ss);
}

int fail(int fd) {
  const int err = -errno;
  close(fd);
  return err;
}

}  // namespace

int listen_tcp(const std::string& host, uint16_t port, int backlog, bool reuseport) {
  sockaddr_storage ss;
  const socklen_t len = resolve(host, port, &ss);
  if (len == 0) return -EINVAL;
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) return fail(fd);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0 || listen(fd, backlog) < 0) return fail(fd);
  return fd;
}

int bind_udp(const std::string& host, uint16_t port, bool reuseport, int buffer_bytes) {
  sockaddr_storage ss;
  const socklen_t len = resolve(host, port, &ss);
  if (len == 0) return -EINVAL;
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int one = 1;
  if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) return fail(fd);
  if (buffer_bytes > 0) {  // best effort: capped by net.core.[rw]mem_max
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0) return fail(fd);
  return fd;
}

uint16_t local_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return 0;
}

int set_keepalive(int fd, uint32_t idle_s, uint32_t interval_s, uint32_t count) {
  int one = 1, idle = int(idle_s), intvl = int(interval_s), cnt = int(count);
  if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) < 0 ||
      setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) < 0 ||
      setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl) < 0 ||
      setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt) < 0)
    return -errno;
  return 0;
}

int set_nodelay(int fd) {
  int one = 1;
  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0 ? -errno : 0;
}

}  // namespace ptnet::io
