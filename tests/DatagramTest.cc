// UDP through io::Backend on both backends: multishot datagram receive
// into provided buffers (payload + source address), sendto, truncation.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "io/Backend.h"
#include "io/Socket.h"
#include "io/UserData.h"

namespace ptnet::io {
namespace {

constexpr uint64_t kRecvUd = UserData::encode(kFirstServiceOp, 1, 1);
constexpr uint64_t kSendUd = UserData::encode(kFirstServiceOp + 1, 0, 1);

std::vector<uint8_t> payload(size_t n, int seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = uint8_t(seed * 13 + i);
  return v;
}

struct Param {
  BackendKind kind;
  const char* host;
};

class DatagramTest : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    std::string why;
    if (GetParam().kind == BackendKind::Uring && !uring_available(&why)) GTEST_SKIP() << why;
    BackendConfig cfg;
    cfg.kind = GetParam().kind;
    cfg.recv_buffers = 64;
    cfg.recv_buffer_size = 2048;
    BackendResult r = make_backend(cfg);
    ASSERT_NE(r.backend, nullptr);
    b_ = std::move(r.backend);
    server_ = bind_udp(GetParam().host, 0, false);
    client_ = bind_udp(GetParam().host, 0, false);
    ASSERT_GE(server_, 0);
    ASSERT_GE(client_, 0);
    ASSERT_TRUE(server_addr_.parse(GetParam().host, local_port(server_)));
    ASSERT_TRUE(client_addr_.parse(GetParam().host, local_port(client_)));
    b_->recvmsg_multishot(server_, kRecvUd);
  }
  void TearDown() override {
    if (server_ >= 0) close(server_);
    if (client_ >= 0) close(client_);
  }
  void client_send(const std::vector<uint8_t>& d) {
    sockaddr_storage ss;
    const socklen_t len = server_addr_.to_sockaddr(&ss);
    ASSERT_EQ(::sendto(client_, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&ss), len), ssize_t(d.size()));
  }
  // Receives `want` datagram completions (re-arming as the contract says).
  std::vector<Completion> receive(size_t want) {
    std::vector<Completion> got;
    Completion c[64];
    for (int spins = 0; spins < 200 && got.size() < want; ++spins) {
      const int n = b_->wait(c, 64, 10'000'000);
      for (int i = 0; i < n; ++i) {
        if (c[i].user_data != kRecvUd) continue;
        if (!c[i].more) b_->recvmsg_multishot(server_, kRecvUd);
        if (c[i].has_buffer) got.push_back(c[i]);
      }
    }
    return got;
  }

  std::unique_ptr<Backend> b_;
  int server_ = -1, client_ = -1;
  SockAddr server_addr_, client_addr_;
};

TEST_P(DatagramTest, ReceivesEachDatagramWithItsSourceAddress) {
  std::vector<std::vector<uint8_t>> sent;
  for (int i = 0; i < 40; ++i) {
    sent.push_back(payload(1 + size_t(i) * 37, i));
    client_send(sent.back());
  }
  std::vector<Completion> got = receive(sent.size());
  ASSERT_EQ(got.size(), sent.size());
  for (size_t i = 0; i < got.size(); ++i) {
    Datagram d;
    ASSERT_TRUE(b_->datagram(got[i], &d)) << i;
    EXPECT_EQ(std::vector<uint8_t>(d.data, d.data + d.len), sent[i]) << i;
    EXPECT_EQ(d.from, client_addr_) << d.from.to_string() << " vs " << client_addr_.to_string();
    b_->release_buffer(got[i].buf_id);
  }
}

TEST_P(DatagramTest, DatagramLargerThanABufferIsReportedTruncated) {
  client_send(payload(3000, 1));  // buffers are 2048 bytes
  client_send(payload(100, 2));
  std::vector<Completion> got = receive(2);
  ASSERT_EQ(got.size(), 2u);
  Datagram d;
  EXPECT_FALSE(b_->datagram(got[0], &d));
  EXPECT_TRUE(b_->datagram(got[1], &d));
  EXPECT_EQ(d.len, 100u);
  for (const Completion& c : got) b_->release_buffer(c.buf_id);
}

TEST_P(DatagramTest, SendsDatagramsToAnAddressAndCompletesEach) {
  std::vector<std::vector<uint8_t>> out;
  for (int i = 0; i < 100; ++i) out.push_back(payload(64 + size_t(i), i));
  for (const auto& d : out) b_->sendto(server_, d.data(), uint32_t(d.size()), client_addr_, kSendUd);
  size_t done = 0;
  Completion c[64];
  for (int spins = 0; spins < 100 && done < out.size(); ++spins) {
    const int n = b_->wait(c, 64, 10'000'000);
    for (int i = 0; i < n; ++i)
      if (c[i].user_data == kSendUd) {
        EXPECT_GT(c[i].res, 0);
        ++done;
      }
  }
  EXPECT_EQ(done, out.size());
  for (const auto& d : out) {
    std::vector<uint8_t> in(2048);
    const ssize_t n = recv(client_, in.data(), in.size(), MSG_DONTWAIT);
    ASSERT_EQ(n, ssize_t(d.size()));
    in.resize(size_t(n));
    EXPECT_EQ(in, d);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DatagramTest,
                         ::testing::Values(Param{BackendKind::Uring, "127.0.0.1"}, Param{BackendKind::Uring, "::1"},
                                           Param{BackendKind::Epoll, "127.0.0.1"}, Param{BackendKind::Epoll, "::1"}),
                         [](const auto& info) {
                           return std::string(to_string(info.param.kind)) +
                                  (std::string(info.param.host) == "::1" ? "_v6" : "_v4");
                         });

}  // namespace
}  // namespace ptnet::io
