#include "tests/RudpTestClient.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "base/Clock.h"
#include "io/Socket.h"

namespace ptnet::test {

RudpTestClient::RudpTestClient(rudp::EndpointConfig cfg) {
  cfg.role = rudp::Role::Client;
  ep_ = std::make_unique<rudp::Endpoint>(cfg, *static_cast<rudp::Transmitter*>(this),
                                         *static_cast<rudp::EndpointHandler*>(this));
}

RudpTestClient::~RudpTestClient() {
  if (connected_) {  // a clean goodbye, so the server does not wait for a timeout
    ep_->close(peer_, monotonic_ns());
    const uint64_t deadline = monotonic_ns() + 300'000'000;
    while (!disconnected_ && monotonic_ns() < deadline) step(2);
  }
  if (fd_ >= 0) close(fd_);
}

bool RudpTestClient::connect(const std::string& host, uint16_t port, int timeout_ms) {
  if (!server_.parse(host, port)) return false;
  fd_ = io::bind_udp(host, 0, false);
  if (fd_ < 0) return false;
  peer_ = ep_->connect(server_, monotonic_ns());
  if (!peer_.valid()) return false;
  const uint64_t deadline = monotonic_ns() + uint64_t(timeout_ms) * 1'000'000;
  while (!connected_ && !disconnected_ && monotonic_ns() < deadline) step(5);
  return connected_;
}

bool RudpTestClient::send(const std::vector<uint8_t>& data, rudp::Channel ch) {
  if (ep_->send(peer_, ch, data.data(), data.size(), monotonic_ns()) != 0) return false;
  ep_->flush(monotonic_ns());
  return true;
}

bool RudpTestClient::recv(Msg* out, int timeout_ms) {
  const uint64_t deadline = monotonic_ns() + uint64_t(timeout_ms) * 1'000'000;
  while (inbox_.empty() && !disconnected_ && monotonic_ns() < deadline) step(5);
  if (inbox_.empty()) return false;
  *out = std::move(inbox_.front());
  inbox_.pop_front();
  return true;
}

void RudpTestClient::pump(int ms) {
  const uint64_t deadline = monotonic_ns() + uint64_t(ms) * 1'000'000;
  while (monotonic_ns() < deadline) step(2);
}

void RudpTestClient::send_raw(const std::vector<uint8_t>& bytes) { tx_commit(const_cast<uint8_t*>(bytes.data()), bytes.size(), server_); }

void RudpTestClient::step(int wait_ms) {
  pollfd p{fd_, POLLIN, 0};
  poll(&p, 1, wait_ms);
  for (;;) {
    sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    const ssize_t n = recvfrom(fd_, rx_, sizeof rx_, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss), &sl);
    if (n < 0) break;
    rudp::RxDatagram d{rx_, uint32_t(n), {}};
    d.from.from_sockaddr(reinterpret_cast<sockaddr*>(&ss), sl);
    ep_->receive(&d, 1, monotonic_ns());
  }
  const uint64_t now = monotonic_ns();
  if (now >= ep_->next_deadline_ns()) ep_->on_timer(now);
  ep_->flush(now);
}

void RudpTestClient::tx_commit(uint8_t* buf, size_t len, const SockAddr& to) {
  sockaddr_storage ss;
  const socklen_t sl = to.to_sockaddr(&ss);
  ssize_t r = sendto(fd_, buf, len, 0, reinterpret_cast<sockaddr*>(&ss), sl);
  (void)r;  // a refused datagram is a lost datagram
}

void RudpTestClient::on_connect(ConnId, const SockAddr&) { connected_ = true; }

void RudpTestClient::on_message(ConnId, rudp::Channel ch, const uint8_t* data, size_t len) {
  inbox_.push_back(Msg{ch, std::vector<uint8_t>(data, data + len)});
}

void RudpTestClient::on_disconnect(ConnId, rudp::DisconnectReason why) {
  disconnected_ = true;
  connected_ = false;
  why_ = why;
}

}  // namespace ptnet::test
