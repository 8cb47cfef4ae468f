// The io_uring backend on its own, over socketpairs: submission-queue
// edge cases and the MSG_RING wake path. Skips (exit 77) without io_uring.
#include <gtest/gtest.h>
#include <liburing.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

#include "io/Backend.h"
#include "io/UringBackend.h"
#include "io/Socket.h"
#include "io/UserData.h"

namespace ptnet::io {
namespace {

constexpr uint8_t kOpTest = kFirstServiceOp;

class UringBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!uring_available(&why)) GTEST_SKIP() << why;
  }
  // Waits until `want` completions arrived (or 2 s), keyed by user_data.
  static std::map<uint64_t, std::vector<int>> collect(Backend& b, size_t want) {
    std::map<uint64_t, std::vector<int>> got;
    size_t n = 0;
    Completion c[256];
    for (int spins = 0; spins < 200 && n < want; ++spins) {
      const int k = b.wait(c, 256, 10'000'000);
      for (int i = 0; i < k; ++i, ++n) got[c[i].user_data].push_back(c[i].res);
    }
    // Anything extra (a replayed SQE) shows up in one more short wait.
    const int k = b.wait(c, 256, 20'000'000);
    for (int i = 0; i < k; ++i) got[c[i].user_data].push_back(c[i].res);
    return got;
  }
};

// Regression (issue: "a blank SQE is submitted"): with 64 SQ entries the
// sendmsg scratch holds 64 msghdrs and 512 iovecs; the 9th send of 64
// iovecs in one pass found it full AFTER taking an SQE, submitted, and so
// handed the kernel that unprepared SQE, which still held an old send from
// the previous ring lap: a send replayed, a second completion for an old
// user_data. Each send must complete exactly once and each socket receive
// exactly its own bytes.
TEST_F(UringBackendTest, NineSendsOf64IovecsInOnePassEachRunOnce) {
  BackendConfig cfg;
  cfg.kind = BackendKind::Uring;
  cfg.sq_entries = 64;
  cfg.recv_buffers = 16;
  UringBackend b;
  ASSERT_EQ(b.init(cfg), 0);
  constexpr int kPairs = 9;
  int sv[kPairs][2];
  for (auto& p : sv) ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);

  // Lap 1: fill every SQ slot with a one-iovec send (old user_data 1000+i).
  static uint8_t lap_byte = 'L';
  iovec one{&lap_byte, 1};
  for (uint32_t i = 0; i < cfg.sq_entries - 1; ++i) b.send(sv[i % kPairs][0], &one, 1, UserData::encode(kOpTest, 1000 + i, 1));
  auto lap = collect(b, cfg.sq_entries - 1);
  ASSERT_EQ(lap.size(), size_t(cfg.sq_entries - 1)) << "premise: the first lap completed";
  for (auto& p : sv) {
    uint8_t drain[256];
    while (recv(p[1], drain, sizeof drain, MSG_DONTWAIT) > 0) {
    }
  }

  // Lap 2: nine sends of 64 iovecs, each its own pattern, in one pass.
  std::vector<std::vector<uint8_t>> data(kPairs);
  std::vector<std::vector<iovec>> iovs(kPairs);
  for (int i = 0; i < kPairs; ++i) {
    data[size_t(i)].resize(64 * 8);
    for (size_t j = 0; j < data[size_t(i)].size(); ++j) data[size_t(i)][j] = uint8_t(i * 31 + j);
    for (int k = 0; k < 64; ++k) iovs[size_t(i)].push_back(iovec{&data[size_t(i)][size_t(k) * 8], 8});
    b.send(sv[i][0], iovs[size_t(i)].data(), 64, UserData::encode(kOpTest, uint32_t(i), 2));
  }
  auto got = collect(b, kPairs);
  for (auto& [ud, results] : got) {
    EXPECT_EQ(UserData::gen(ud), 2u) << "a completion for an old send (slot " << UserData::slot(ud)
                                     << "): an SQE was replayed";
    EXPECT_EQ(results.size(), 1u) << "slot " << UserData::slot(ud);
  }
  EXPECT_EQ(got.size(), size_t(kPairs));
  for (int i = 0; i < kPairs; ++i) {
    std::vector<uint8_t> in(data[size_t(i)].size() + 64);
    ssize_t n = recv(sv[i][1], in.data(), in.size(), MSG_DONTWAIT);
    ASSERT_EQ(n, ssize_t(data[size_t(i)].size())) << "pair " << i;
    in.resize(size_t(n));
    EXPECT_EQ(in, data[size_t(i)]) << "pair " << i << " got someone else's bytes";
  }
  for (auto& p : sv) {
    close(p[0]);
    close(p[1]);
  }
}

// Regression (review: "a msghdr still in use is handed out again"): with
// the SQ full but the msghdr scratch not, taking a msghdr and then an SQE
// submitted (get_sqe) and released the scratch while that msghdr was in no
// SQE yet; the next sendto of the pass was given the same msghdr, so one
// datagram was never sent and another sent twice.
TEST_F(UringBackendTest, SendtosAfterTheSqFillsEachSendTheirOwnDatagram) {
  BackendConfig cfg;
  cfg.kind = BackendKind::Uring;
  cfg.sq_entries = 64;
  cfg.recv_buffers = 16;
  UringBackend b;
  ASSERT_EQ(b.init(cfg), 0);
  const int tx = bind_udp("127.0.0.1", 0, false);
  const int rx = bind_udp("127.0.0.1", 0, false);
  ASSERT_GE(tx, 0);
  ASSERT_GE(rx, 0);
  SockAddr to;
  ASSERT_TRUE(to.parse("127.0.0.1", local_port(rx)));
  for (uint32_t i = 0; i < 40; ++i) b.cancel(-1, UserData::encode(kOpTest, 5000 + i, 1));  // SQEs without a msghdr
  static uint8_t payload[60][4];
  for (uint32_t i = 0; i < 60; ++i) {
    std::memcpy(payload[i], &i, 4);
    b.sendto(tx, payload[i], 4, to, UserData::encode(kOpTest, i, 3));
  }
  collect(b, 60);
  std::map<uint32_t, int> seen;
  uint8_t buf[16];
  while (recv(rx, buf, sizeof buf, MSG_DONTWAIT) == 4) {
    uint32_t i;
    std::memcpy(&i, buf, 4);
    ++seen[i];
  }
  for (uint32_t i = 0; i < 60; ++i) EXPECT_EQ(seen[i], 1) << "datagram " << i;
  close(tx);
  close(rx);
}

// A backend that can only be woken through its eventfd but offers, as its
// MSG_RING target, an fd that is not a ring (an eventfd): IORING_OP_MSG_RING
// to it fails with -EBADFD on every kernel that has the opcode.
class NotARingTarget final : public Backend {
 public:
  int init() {
    BackendConfig cfg;
    cfg.recv_buffers = 16;
    not_a_ring_ = eventfd(0, EFD_CLOEXEC);
    return not_a_ring_ < 0 ? -errno : init_common(cfg);
  }
  ~NotARingTarget() override {
    if (not_a_ring_ >= 0) close(not_a_ring_);
  }
  int event_fd() const { return event_fd_; }
  int msg_ring_fd() const override { return not_a_ring_; }
  BackendKind kind() const override { return BackendKind::Uring; }
  void accept_multishot(int, uint64_t) override {}
  void recv_multishot(int, uint64_t) override {}
  void send(int, const iovec*, unsigned, uint64_t) override {}
  unsigned max_iov() const override { return 1; }
  void shutdown_fd(int) override {}
  void recvmsg_multishot(int, uint64_t) override {}
  bool datagram(const Completion&, Datagram*) const override { return false; }
  void sendto(int, const uint8_t*, uint32_t, const SockAddr&, uint64_t) override {}
  void cancel(int, uint64_t) override {}
  void release_buffer(uint16_t) override {}
  int wait(Completion*, int, int64_t) override { return 0; }

 private:
  int not_a_ring_ = -1;
};

// Regression (issue: "a failed MSG_RING loses that wake-up"): the sender had
// already cleared the target's sleeping flag, so a MSG_RING that fails must
// be resent by eventfd, not only switch later wakes to eventfd.
TEST_F(UringBackendTest, FailedMsgRingWakeIsResentByEventfd) {
  BackendConfig cfg;
  cfg.kind = BackendKind::Uring;
  cfg.wake = WakeMode::MsgRing;
  cfg.recv_buffers = 16;
  UringBackend source;
  ASSERT_EQ(source.init(cfg), 0);
  ASSERT_EQ(source.wake_mode(), WakeMode::MsgRing) << "premise: MSG_RING is used here";
  NotARingTarget target;
  ASSERT_EQ(target.init(), 0);
  source.wake(target);
  Completion c[8];
  for (int i = 0; i < 5; ++i) source.wait(c, 8, 5'000'000);
  uint64_t v = 0;
  EXPECT_EQ(read(target.event_fd(), &v, sizeof v), ssize_t(sizeof v)) << "the wake-up was lost";
  EXPECT_EQ(v, 1u);
  // Every failed wake is resent; after repeated failures later wakes go by
  // eventfd directly.
  for (int i = 0; i < 10; ++i) {
    source.wake(target);
    for (int k = 0; k < 2; ++k) source.wait(c, 8, 2'000'000);
    ASSERT_EQ(read(target.event_fd(), &v, sizeof v), ssize_t(sizeof v)) << "wake " << i << " lost";
  }
}

}  // namespace
}  // namespace ptnet::io
