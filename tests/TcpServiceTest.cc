// TcpService against a scripted backend (tests/FakeBackend.h): the shard runs
// its real loop, and each test decides exactly which completions arrive in
// which pass, so orderings that real sockets produce only by chance are
// reproduced every time.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/CpuSet.h"
#include "core/Engine.h"
#include "tcp/ConnectionHandler.h"
#include "tcp/TcpService.h"
#include "tests/FakeBackend.h"

namespace ptnet::test {
namespace {

// Calls the test's hooks; records every connection it sees open.
class ScriptedHandler final : public tcp::ConnectionHandler {
 public:
  std::function<void(tcp::TcpService&, tcp::Connection&, const std::string&)> on_frame_fn;
  std::function<void(tcp::TcpService&, tcp::Connection&)> on_close_fn;
  std::vector<ConnId> opened;

  void on_open(tcp::TcpService&, tcp::Connection& c) override { opened.push_back(c.id()); }
  bool on_frame(tcp::TcpService& tcp, tcp::Connection& c, const uint8_t* body, uint32_t len) override {
    if (on_frame_fn) on_frame_fn(tcp, c, std::string(reinterpret_cast<const char*>(body), len));
    return true;
  }
  void on_close(tcp::TcpService& tcp, tcp::Connection& c, tcp::CloseReason) override {
    if (on_close_fn) on_close_fn(tcp, c);
  }
};

std::vector<uint8_t> frame(const std::string& body) {
  std::vector<uint8_t> f(4 + body.size());
  const uint32_t n = uint32_t(body.size());
  std::memcpy(f.data(), &n, 4);  // little-endian length (x86)
  std::memcpy(f.data() + 4, body.data(), body.size());
  return f;
}

io::Completion cqe(uint64_t ud, int32_t res, bool more = false) { return io::Completion{ud, res, 0, false, more}; }

class TcpServiceTest : public ::testing::Test {
 protected:
  static constexpr int kConns = 3;

  void SetUp() override {
    EngineConfig cfg;
    cfg.cpus = {CpuSet::affinity().front()};
    cfg.io.recv_buffers = 16;
    cfg.backend_factory = [this](const io::BackendConfig& c) {
      auto b = std::make_unique<FakeBackend>(&script_);
      if (b->init(c) != 0) return std::unique_ptr<io::Backend>();
      fake_ = b.get();
      return std::unique_ptr<io::Backend>(std::move(b));
    };
    tcp::TcpConfig tcp = config();
    tcp.host = "127.0.0.1";
    tcp.port = 0;
    engine_ = std::make_unique<Engine>(cfg);
    ASSERT_EQ(engine_->start([this, tcp](Shard& s) {
      auto h = std::make_unique<ScriptedHandler>();
      handler_ = h.get();
      s.add_service(std::make_unique<tcp::TcpService>(tcp, std::move(h)));
    }), 0);
    // Pass 0 arms the accept; answer it with kConns "accepted" sockets.
    FakePass p0 = script_.next_pass();
    const FakeOp* accept = nullptr;
    for (const FakeOp& op : p0.ops)
      if (op.kind == FakeOp::Accept) accept = &op;
    ASSERT_NE(accept, nullptr);
    std::vector<io::Completion> accepted;
    for (int i = 0; i < kConns; ++i) {
      int sv[2];
      ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
      fds_.push_back(sv[0]);
      peers_.push_back(sv[1]);
      accepted.push_back(cqe(accept->user_data, sv[0], true));
    }
    accept_ud_ = accept->user_data;
    script_.answer(accepted);
    // Pass 1 arms one recv per connection.
    p1_ = script_.next_pass();
    for (int fd : fds_) ASSERT_TRUE(p1_.has(FakeOp::Recv, fd)) << "fd " << fd;
  }

  virtual tcp::TcpConfig config() const { return {}; }

  void TearDown() override {
    script_.free_run();
    engine_->request_stop();
    engine_->wait();
    for (int fd : peers_) ::close(fd);
  }

  uint64_t recv_ud(int i) const { return p1_.find(FakeOp::Recv, fds_[size_t(i)])->user_data; }
  // A recv completion carrying `bytes` in a provided buffer.
  io::Completion data(int i, const std::vector<uint8_t>& bytes) {
    io::Completion c = cqe(recv_ud(i), int32_t(bytes.size()), true);
    c.has_buffer = true;
    c.buf_id = fake_->load_buffer(bytes);
    return c;
  }

  FakeScript script_;
  FakeBackend* fake_ = nullptr;
  ScriptedHandler* handler_ = nullptr;
  std::unique_ptr<Engine> engine_;
  std::vector<int> fds_, peers_;
  FakePass p1_;
  uint64_t accept_ud_ = 0;
};

// Regression (issue: "a recv armed on a recycled fd"): connection 0's
// multishot recv ends with -ENOBUFS and is re-armed; later in the same pass
// the handler closes connection 0. The re-armed recv is still queued, not
// submitted: the fd it names must still be connection 0's socket when it
// reaches the kernel, or another shard's accept could have been given the
// number. Before the fix close() ran ::close(fd) at once.
TEST_F(TcpServiceTest, RecvRearmedThenClosedInOnePassStillNamesItsSocketAtSubmit) {
  handler_->on_frame_fn = [this](tcp::TcpService& tcp, tcp::Connection&, const std::string& body) {
    if (body == "close 0") tcp.close(*tcp.find(handler_->opened[0]), tcp::CloseReason::Handler);
  };
  script_.answer({cqe(recv_ud(0), -ENOBUFS, false), data(1, frame("close 0"))});
  FakePass p2 = script_.next_pass();
  ASSERT_TRUE(p2.has(FakeOp::Recv, fds_[0])) << "premise: the recv was re-armed in that pass";
  ASSERT_TRUE(p2.has(FakeOp::Shutdown, fds_[0])) << "premise: the connection was closed in that pass";
  EXPECT_TRUE(p2.find(FakeOp::Recv, fds_[0])->fd_ok_at_submit);
  EXPECT_EQ(script_.bad_fd_ops(), 0);
  // The shutdown ended the recv; once that completion is in, the fd closes.
  script_.answer({});
  script_.next_pass();
  EXPECT_EQ(fcntl(fds_[0], F_GETFD), -1) << "the fd is closed once nothing names it";
  char b;
  EXPECT_EQ(::read(peers_[0], &b, 1), 0) << "the peer sees end of stream";
  script_.answer({});
}

// Regression (issue: "frames queued during before_wait wait for the next
// wake-up"): a close requested during a pass runs in before_wait(); its
// handler queues a frame to another connection (as a room member leaving
// tells the others). That frame must be sent in the same submission, not
// after the next wake-up (which, on an idle shard, may be a second away).
TEST_F(TcpServiceTest, FrameQueuedByADeferredCloseLeavesInTheSamePass) {
  handler_->on_frame_fn = [this](tcp::TcpService& tcp, tcp::Connection&, const std::string& body) {
    if (body == "kick 0") tcp.request_close(*tcp.find(handler_->opened[0]), tcp::CloseReason::Handler);
  };
  handler_->on_close_fn = [this](tcp::TcpService& tcp, tcp::Connection& c) {
    if (c.id() == handler_->opened[0]) tcp.send_bytes(*tcp.find(handler_->opened[2]), "bye", 3);
  };
  script_.answer({data(1, frame("kick 0"))});
  FakePass p2 = script_.next_pass();
  ASSERT_TRUE(p2.has(FakeOp::Shutdown, fds_[0])) << "premise: the deferred close ran in before_wait";
  const FakeOp* send = p2.find(FakeOp::Send, fds_[2]);
  ASSERT_NE(send, nullptr) << "the frame queued by on_close was not flushed before the shard slept";
  EXPECT_EQ(std::string(send->bytes.begin(), send->bytes.end()), "bye");
  script_.answer({cqe(send->user_data, 3)});
}

// Regression (issue item 7): a completion that carries a provided buffer
// returns it, whatever its result; before the fix an error result with a
// buffer leaked it, and 16 of them starved the shard of receive buffers.
TEST_F(TcpServiceTest, ErrorCompletionCarryingABufferReturnsIt) {
  io::Completion c = data(0, {1, 2, 3});
  c.res = -ECONNRESET;
  c.more = false;
  const uint16_t bid = c.buf_id;
  script_.answer({c});
  script_.next_pass();
  const std::vector<uint16_t> released = script_.released();
  EXPECT_NE(std::find(released.begin(), released.end(), bid), released.end());
  script_.answer({});
}

// A stale completion (its connection gone, the slot reused by a new
// connection) is dropped and its buffer returned; the new occupant of the
// slot is untouched and still served.
TEST_F(TcpServiceTest, CompletionForAFreedConnectionNeverReachesTheSlotsNewOccupant) {
  const uint64_t old_ud = recv_ud(0);
  script_.answer({cqe(old_ud, 0, false)});  // end of stream: closes and frees connection 0
  script_.next_pass();
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  peers_.push_back(sv[1]);
  script_.answer({cqe(accept_ud_, sv[0], true)});  // the freed slot is reused
  FakePass p = script_.next_pass();
  const FakeOp* fresh = p.find(FakeOp::Recv, sv[0]);
  ASSERT_NE(fresh, nullptr);
  ASSERT_EQ(io::UserData::slot(fresh->user_data), io::UserData::slot(old_ud)) << "premise: same slot";
  ASSERT_NE(fresh->user_data, old_ud) << "premise: new generation";
  std::vector<std::string> seen;
  handler_->on_frame_fn = [&](tcp::TcpService&, tcp::Connection&, const std::string& b) { seen.push_back(b); };
  io::Completion stale = cqe(old_ud, 0, true);
  stale.has_buffer = true;
  stale.buf_id = fake_->load_buffer(frame("late"));
  stale.res = int32_t(frame("late").size());
  const uint16_t bid = stale.buf_id;
  io::Completion live = cqe(fresh->user_data, 0, true);
  live.has_buffer = true;
  live.buf_id = fake_->load_buffer(frame("new"));
  live.res = int32_t(frame("new").size());
  script_.answer({stale, live});
  script_.next_pass();
  EXPECT_EQ(seen, std::vector<std::string>{"new"});
  const std::vector<uint16_t> released = script_.released();
  EXPECT_NE(std::find(released.begin(), released.end(), bid), released.end());
  script_.answer({});
}

// Stopping while an accept was re-armed in the same pass (a multishot that
// ended, e.g. on CQ overflow): that queued accept names the listener's fd
// number, so the listener must stay open until the accept's last completion.
TEST_F(TcpServiceTest, StopWithAnAcceptQueuedKeepsTheListenerOpenUntilItEnds) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  peers_.push_back(sv[1]);
  engine_->request_stop();
  script_.answer({cqe(accept_ud_, sv[0], false)});  // accepted, and the multishot ended: re-armed
  FakePass p = script_.next_pass();
  const FakeOp* rearmed = nullptr;
  for (const FakeOp& op : p.ops)
    if (op.kind == FakeOp::Accept) rearmed = &op;
  ASSERT_NE(rearmed, nullptr) << "premise: the accept was re-armed in the pass the stop began";
  EXPECT_TRUE(rearmed->fd_ok_at_submit) << "the listener was closed under a queued accept";
  EXPECT_EQ(script_.bad_fd_ops(), 0);
  script_.answer({});
}

class TcpServiceTickTest : public TcpServiceTest {
 protected:
  static constexpr uint64_t kTickNs = 300'000'000;
  tcp::TcpConfig config() const override {
    tcp::TcpConfig c;
    c.flush_interval_ns = kTickNs;
    return c;
  }
};

// With a network tick, the first frame after a quiet period leaves at once;
// frames queued before the next tick wait for it and then leave together,
// in one send.
TEST_F(TcpServiceTickTest, FramesWaitForTheTickAndLeaveInOneSend) {
  handler_->on_frame_fn = [this](tcp::TcpService& tcp, tcp::Connection&, const std::string& body) {
    tcp.send_bytes(*tcp.find(handler_->opened[2]), body.data(), body.size());
  };
  script_.answer({data(0, frame("a"))});
  FakePass p2 = script_.next_pass();
  const FakeOp* first = p2.find(FakeOp::Send, fds_[2]);
  ASSERT_NE(first, nullptr) << "the first flush after a quiet period is immediate";
  script_.answer({cqe(first->user_data, 1), data(0, frame("b"))});
  FakePass p3 = script_.next_pass();
  EXPECT_FALSE(p3.has(FakeOp::Send, fds_[2])) << "sent before the tick";
  script_.answer({data(1, frame("c"))});
  FakePass p4 = script_.next_pass();
  EXPECT_FALSE(p4.has(FakeOp::Send, fds_[2])) << "sent before the tick";
  std::this_thread::sleep_for(std::chrono::nanoseconds(kTickNs + 50'000'000));
  script_.answer({});
  FakePass p5 = script_.next_pass();
  const FakeOp* batch = p5.find(FakeOp::Send, fds_[2]);
  ASSERT_NE(batch, nullptr) << "the tick did not flush";
  EXPECT_EQ(std::string(batch->bytes.begin(), batch->bytes.end()), "bc");
  script_.answer({cqe(batch->user_data, 2)});
}

TEST(ConnStateTest, OnlyTheDrawnTransitionsAreAllowed) {
  using S = tcp::ConnState;
  EXPECT_TRUE(tcp::can_transition(S::Open, S::Draining));
  EXPECT_TRUE(tcp::can_transition(S::Open, S::CloseRequested));
  EXPECT_TRUE(tcp::can_transition(S::Open, S::Closed));
  EXPECT_TRUE(tcp::can_transition(S::Draining, S::CloseRequested));
  EXPECT_TRUE(tcp::can_transition(S::Draining, S::Closed));
  EXPECT_TRUE(tcp::can_transition(S::CloseRequested, S::Closed));
  EXPECT_FALSE(tcp::can_transition(S::CloseRequested, S::Draining));
  EXPECT_FALSE(tcp::can_transition(S::CloseRequested, S::Open));
  EXPECT_FALSE(tcp::can_transition(S::Draining, S::Open));
  for (S to : {S::Open, S::Draining, S::CloseRequested, S::Closed}) EXPECT_FALSE(tcp::can_transition(S::Closed, to));
  EXPECT_STREQ(tcp::to_string(S::Draining), "draining");
}

}  // namespace
}  // namespace ptnet::test
