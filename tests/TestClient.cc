#include "tests/TestClient.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace ptnet::test {

namespace {
using Clock = std::chrono::steady_clock;
int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : int(left);
}
}  // namespace

TestClient::~TestClient() { close(); }

TestClient::TestClient(TestClient&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }

TestClient& TestClient::operator=(TestClient&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void TestClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool TestClient::connect(uint16_t port, int timeout_ms, int rcvbuf) {
  close();
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (rcvbuf > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) {
    if (errno != EINPROGRESS) return false;
    pollfd p{fd_, POLLOUT, 0};
    if (poll(&p, 1, timeout_ms) != 1) return false;
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      errno = err;
      return false;
    }
  }
  return true;
}

bool TestClient::send_all(const void* data, size_t n, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  const uint8_t* p = static_cast<const uint8_t*>(data);
  while (n > 0) {
    ssize_t w = ::send(fd_, p, n, MSG_NOSIGNAL);
    if (w > 0) {
      p += w;
      n -= size_t(w);
      continue;
    }
    if (w < 0 && errno != EAGAIN && errno != EINTR) return false;
    pollfd pf{fd_, POLLOUT, 0};
    if (poll(&pf, 1, remaining_ms(deadline)) <= 0) return false;
  }
  return true;
}

bool TestClient::recv_exact(void* out, size_t n, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  uint8_t* p = static_cast<uint8_t*>(out);
  while (n > 0) {
    ssize_t r = ::recv(fd_, p, n, 0);
    if (r > 0) {
      p += r;
      n -= size_t(r);
      continue;
    }
    if (r == 0) return false;
    if (errno != EAGAIN && errno != EINTR) return false;
    pollfd pf{fd_, POLLIN, 0};
    if (poll(&pf, 1, remaining_ms(deadline)) <= 0) return false;
  }
  return true;
}

std::vector<uint8_t> TestClient::frame(const std::vector<uint8_t>& body, bool big_endian) {
  std::vector<uint8_t> out(4 + body.size());
  const uint32_t n = uint32_t(body.size());
  for (int i = 0; i < 4; ++i) out[size_t(big_endian ? 3 - i : i)] = uint8_t(n >> (8 * i));
  std::memcpy(out.data() + 4, body.data(), body.size());
  return out;
}

std::vector<uint8_t> TestClient::pattern(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  uint32_t x = seed * 2654435761u + 1;
  for (auto& b : v) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = uint8_t(x);
  }
  return v;
}

bool TestClient::send_frame(const std::vector<uint8_t>& body, bool big_endian) {
  auto f = frame(body, big_endian);
  return send_all(f.data(), f.size());
}

bool TestClient::recv_frame(std::vector<uint8_t>* body, int timeout_ms, bool big_endian) {
  uint8_t h[4];
  if (!recv_exact(h, 4, timeout_ms)) return false;
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n |= uint32_t(h[size_t(big_endian ? 3 - i : i)]) << (8 * i);
  body->resize(n);
  return n == 0 || recv_exact(body->data(), n, timeout_ms);
}

bool TestClient::wait_closed(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  uint8_t buf[65536];
  for (;;) {
    ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
    if (r == 0) return true;
    if (r < 0 && errno != EAGAIN && errno != EINTR) return true;  // reset counts as closed
    if (r > 0) continue;
    pollfd pf{fd_, POLLIN, 0};
    if (poll(&pf, 1, remaining_ms(deadline)) <= 0) return false;
  }
}

}  // namespace ptnet::test
