// IdleTraffic (bench/load/IdleTraffic) without sockets: its proof (a binary
// Connect frame) is accepted as an echo or as a game server's login
// (ConnectionAck, welcome), anything else fails the connection with the
// right kind, and setup is done once every connection is held or failed.
#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "bench/load/IdleTraffic.h"

namespace ptnet::load {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;

// Records what the traffic asks of its Link.
class RecordingPort final : public LinkPort {
 public:
  explicit RecordingPort(uint32_t conns) { size_flush_list(conns); }
  void close(uint32_t i, ErrorKind why) override { closed.emplace_back(i, why); }
  void drop(uint32_t i) override { closed.emplace_back(i, ErrorKind::kCount); }
  std::vector<std::pair<uint32_t, ErrorKind>> closed;
};

class LoadIdleTrafficTest : public ::testing::Test {
 protected:
  static WorkerConfig config() {
    WorkerConfig c;
    c.conns = 3;
    c.first_conn = 10;
    c.total_conns = 13;
    c.user_base = 1000;  // connection i logs in as user 1010 + i
    c.connect_timeout_ns = kSecond;
    return c;
  }

  // The proof connection i writes, as a body.
  std::vector<uint8_t> proof(uint32_t i) {
    EXPECT_TRUE(traffic_.owes(i));
    uint8_t buf[128];
    MessageWriter out(buf, sizeof(buf), tcp::ByteOrder::Little);
    traffic_.fill(i, out, 0);
    EXPECT_FALSE(traffic_.owes(i));
    const uint32_t len = tcp::Framer::read_header(buf, tcp::ByteOrder::Little);
    EXPECT_EQ(out.used(), MessageWriter::framed(len));
    return std::vector<uint8_t>(buf + 4, buf + 4 + len);
  }
  bool deliver(uint32_t i, const std::vector<uint8_t>& body) {
    return traffic_.on_message(i, body.data(), uint32_t(body.size()), 0);
  }
  uint32_t established() {
    traffic_.publish();
    return stats_.established.load();
  }
  uint64_t errors(ErrorKind k) {
    ctx_.publish();
    return stats_.errors[size_t(k)].load();
  }

  RunControl ctl_;
  WorkerStats stats_;
  WorkerContext ctx_{config(), ctl_, stats_};
  RecordingPort port_{3};
  IdleTraffic traffic_{ctx_, port_};
};

TEST_F(LoadIdleTrafficTest, ProofIsABinaryConnectInNoRoom) {
  traffic_.on_open(0, 0);
  const std::vector<uint8_t> p = proof(0);
  const std::vector<uint8_t> want = {0x03, 0, 0, 0, 0, 0xF2, 0x03, 0, 0};  // Connect{room 0, user 1010}
  EXPECT_EQ(p, want);
}

TEST_F(LoadIdleTrafficTest, AnEchoedProofHoldsTheConnectionThenItMustStaySilent) {
  traffic_.on_open(0, 0);
  EXPECT_TRUE(deliver(0, proof(0)));
  EXPECT_EQ(established(), 1u);
  EXPECT_FALSE(deliver(0, {0x01}));
  ASSERT_EQ(port_.closed.size(), 1u);
  EXPECT_EQ(port_.closed[0], std::make_pair(0u, ErrorKind::kCorrupt));
  EXPECT_EQ(established(), 0u);
}

TEST_F(LoadIdleTrafficTest, AGameServerLoginHoldsTheConnection) {
  traffic_.on_open(1, 0);
  proof(1);
  EXPECT_TRUE(deliver(1, {0x04, 0xF3, 0x03, 0, 0}));  // ConnectionAck{1011}
  EXPECT_EQ(established(), 0u);                     // not before the welcome
  EXPECT_TRUE(deliver(1, {0x40, 2, 0, 'h', 'i'}));  // SystemMessage{"hi"}
  EXPECT_EQ(established(), 1u);
  // A server with a room 0 announces the others; that is not noise for a logged-in user.
  EXPECT_TRUE(deliver(1, {0x24, 0, 0, 0, 0, 0xF4, 0x03, 0, 0, 1, 0, 'x'}));  // UserJoinedRoom{0, 1012, "x"}
  EXPECT_TRUE(port_.closed.empty());
  EXPECT_FALSE(deliver(1, {0x05, 1, 0, 0, 0, 0, 0, 0, 0}));  // anything else is
  EXPECT_EQ(port_.closed[0], std::make_pair(1u, ErrorKind::kCorrupt));
}

TEST_F(LoadIdleTrafficTest, AnEchoServerMayNotSendRoomNotices) {
  traffic_.on_open(0, 0);
  EXPECT_TRUE(deliver(0, proof(0)));
  EXPECT_FALSE(deliver(0, {0x24, 0, 0, 0, 0, 0xF4, 0x03, 0, 0, 1, 0, 'x'}));
  EXPECT_EQ(port_.closed[0], std::make_pair(0u, ErrorKind::kCorrupt));
}

TEST_F(LoadIdleTrafficTest, WrongAnswersFailTheHandshake) {
  traffic_.on_open(0, 0);
  traffic_.on_open(1, 0);
  traffic_.on_open(2, 0);
  proof(0);
  proof(1);
  proof(2);
  EXPECT_FALSE(deliver(0, {0x04, 0xF3, 0x03, 0, 0}));  // another user's ack
  EXPECT_FALSE(deliver(1, {0x41, 6, 0, 0, 0}));        // Error{6, ""}: refused
  EXPECT_TRUE(deliver(2, {0x04, 0xF4, 0x03, 0, 0}));
  EXPECT_FALSE(deliver(2, {0x05, 1, 0, 0, 0, 0, 0, 0, 0}));  // not the welcome
  ASSERT_EQ(port_.closed.size(), 3u);
  EXPECT_EQ(port_.closed[0], std::make_pair(0u, ErrorKind::kHandshake));
  EXPECT_EQ(port_.closed[1], std::make_pair(1u, ErrorKind::kCount));  // dropped, counted as server_error
  EXPECT_EQ(port_.closed[2], std::make_pair(2u, ErrorKind::kHandshake));
  EXPECT_EQ(errors(ErrorKind::kServerError), 1u);
  EXPECT_TRUE(traffic_.setup_done(true));
}

TEST_F(LoadIdleTrafficTest, SetupIsDoneOnceEveryConnectionIsHeldOrFailed) {
  traffic_.on_open(0, 0);
  traffic_.on_open(1, 0);
  traffic_.on_open_failed(2);
  deliver(0, proof(0));
  EXPECT_FALSE(traffic_.setup_done(true));
  proof(1);
  traffic_.on_tick(kSecond / 2);  // within --connect-timeout
  EXPECT_TRUE(port_.closed.empty());
  traffic_.on_tick(kSecond + 1);
  ASSERT_EQ(port_.closed.size(), 1u);
  EXPECT_EQ(port_.closed[0], std::make_pair(1u, ErrorKind::kTimeout));
  EXPECT_TRUE(traffic_.setup_done(true));
  EXPECT_EQ(established(), 1u);
}

}  // namespace
}  // namespace ptnet::load
