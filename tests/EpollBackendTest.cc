// The epoll backend on its own, over real sockets: fairness between sends
// and reads, and accept at the descriptor limit.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "io/EpollBackend.h"
#include "tests/FdLimitGuard.h"
#include "io/UserData.h"
#include "io/Socket.h"

namespace ptnet::io {
namespace {

constexpr uint64_t kRecvUd = UserData::encode(kFirstServiceOp, 1, 1);
constexpr uint64_t kSendUd = UserData::encode(kFirstServiceOp + 1, 2, 1);
constexpr uint64_t kAcceptUd = UserData::encode(kFirstServiceOp + 2, 0, 0);

BackendConfig small_config() {
  BackendConfig cfg;
  cfg.kind = BackendKind::Epoll;
  cfg.recv_buffers = 16;
  return cfg;
}

// Regression (issue: "epoll starves its sockets under sustained sends"): a
// send completed inside wait() left a completion waiting, and wait() then
// skipped epoll altogether, so a shard with something to send in every pass
// never read its sockets. Now every pass polls (without sleeping when
// completions are already waiting).
TEST(EpollBackendTest, SocketsAreReadWhileASendCompletesEveryPass) {
  EpollBackend b;
  ASSERT_EQ(b.init(small_config()), 0);
  int rx[2], tx[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, rx), 0);
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, tx), 0);
  ASSERT_EQ(write(rx[1], "ping", 4), 4);
  b.recv_multishot(rx[0], kRecvUd);
  static char byte = 'x';
  iovec iov{&byte, 1};
  bool got_recv = false;
  int sends = 0;
  for (int pass = 0; pass < 50 && !got_recv; ++pass) {
    b.send(tx[0], &iov, 1, kSendUd);  // something to send in every pass
    Completion c[4];
    const int n = b.wait(c, 1, -1);   // take one at a time: a backlog always remains
    for (int i = 0; i < n; ++i) {
      if (c[i].user_data == kRecvUd) {
        got_recv = true;
        EXPECT_EQ(c[i].res, 4);
        b.release_buffer(c[i].buf_id);
      }
      if (c[i].user_data == kSendUd) ++sends;
    }
    char drain[64];
    while (read(tx[1], drain, sizeof drain) > 0) {
    }
  }
  EXPECT_GT(sends, 0) << "premise: sends completed";
  EXPECT_TRUE(got_recv) << "the readable socket was never read";
  for (int fd : {rx[0], rx[1], tx[0], tx[1]}) close(fd);
}

// Regression (issue: "epoll busy loop at the fd limit"): EMFILE was reported
// with the accept still armed on a level-triggered listener whose backlog
// could not be accepted, so the shard spun. Now the operation ends (more =
// false), as io_uring's multishot accept does, and the service backs off.
TEST(EpollBackendTest, AcceptAtTheDescriptorLimitEndsTheOperation) {
  EpollBackend b;
  ASSERT_EQ(b.init(small_config()), 0);
  const int lfd = io::listen_tcp("127.0.0.1", 0, 16, false);
  ASSERT_GE(lfd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(io::local_port(lfd));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);

  test::FdLimitGuard limit;
  ASSERT_TRUE(limit.lower(256));
  ASSERT_TRUE(limit.fill()) << "premise: the process is at its descriptor limit";

  b.accept_multishot(lfd, kAcceptUd);
  Completion c[8];
  int n = b.wait(c, 8, 100'000'000);
  ASSERT_EQ(n, 1);
  EXPECT_EQ(c[0].user_data, kAcceptUd);
  EXPECT_EQ(c[0].res, -EMFILE);
  EXPECT_FALSE(c[0].more) << "still armed: the listener would spin the shard";
  // Not armed any more: the pending connection produces nothing.
  EXPECT_EQ(b.wait(c, 8, 20'000'000), 0);

  limit.restore();
  b.accept_multishot(lfd, kAcceptUd);  // what the service does after its back-off
  n = b.wait(c, 8, 1'000'000'000);
  ASSERT_EQ(n, 1);
  EXPECT_GE(c[0].res, 0) << "accepts again once descriptors are free";
  EXPECT_TRUE(c[0].more);
  if (c[0].res >= 0) close(c[0].res);
  close(client);
  close(lfd);
}

}  // namespace
}  // namespace ptnet::io
